"""The dashboard's points d'attention: one list, each line leading to its record.

A click on a line opens the record concerned, and so does Entrée on the selected line (the
list takes the keyboard focus with Tab, the arrows move along it). It is one view whose lines
are drawn as they show: a widget per line cost about a millisecond each at start-up
(bench/run). The service lists the most urgent warnings of each kind and counts the others
(ctgdesk.services.dashboard.WARNINGS_PER_KIND): one line says how many more.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QFrame, QListView, QWidget

from ctgdesk.services.dashboard import DashboardWarning
from ctgdesk.ui.widgets import icons, style

MORE_OF_KIND = {
    "meeting": "décisions en retard",
    "instance": "instances sous leur fréquence minimale",
    "fiche": "fiches bloquées sans alerte",
    "coordinator": "chargé·e·s au-delà d'un temps plein",
}
OPEN_HINT = "Ouvrir l'enregistrement concerné (clic ou Entrée)"
WARNING_ICON = ("fa5s.exclamation-triangle", style.WARNING)
MORE_ICON = ("fa5s.ellipsis-h", style.WARNING)
NOTHING_ICON = ("fa5s.check-circle", style.SUCCESS)
INFO_ICON = ("fa5s.info-circle", style.ACCENT)
EMPTY_DATABASE = ("La base est vide. Commencez par la page Territoire (convention, communes et structures), "
                  "ou essayez ctgdesk sur le territoire de démonstration : « ctgdesk demo » en ligne de commande.")
NOTHING_TO_REPORT = "Rien à signaler : instances réunies, décisions et fiches à jour."

Line = tuple[str, tuple[str, str], DashboardWarning | None]  # message, (icon, colour), record to open


class WarningList(QListView):
    """The warnings of the dashboard; `open_record(page, record kind, record id)` on a click or Entrée."""

    open_record = Signal(str, str, int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.lines = QStandardItemModel(self)
        self.setModel(self.lines)
        self.setWordWrap(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)  # lines wrap again when the width changes
        self.setSpacing(2)
        self.setIconSize(QSize(16, 16))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setPalette(style.light_selection_palette())
        self.setMinimumHeight(120)
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        self.clicked.connect(self._open)
        self._records: list[DashboardWarning | None] = []

    # --- what it shows ----------------------------------------------------------------------
    def set_warnings(self, warnings: list[DashboardWarning], more: dict[str, int] | None = None) -> None:
        """`warnings` listed, then a line for each kind of `more` (record kind → how many more)."""
        lines: list[Line] = [(warning.message, WARNING_ICON, warning) for warning in warnings]
        for kind, count in (more or {}).items():
            lines.append((f"… et {count} de plus ({MORE_OF_KIND.get(kind, 'même type')}).", MORE_ICON, None))
        self._show(lines or [(NOTHING_TO_REPORT, NOTHING_ICON, None)])

    def set_empty_database(self) -> None:
        self._show([(EMPTY_DATABASE, INFO_ICON, None)])

    def messages(self) -> list[str]:
        return [self.lines.item(row).text() for row in range(self.lines.rowCount())]

    def _show(self, lines: list[Line]) -> None:
        self.lines.clear()
        self._records = [record for _message, _icon, record in lines]
        by_icon: dict[tuple[str, str], list[QStandardItem]] = {}
        for message, icon, record in lines:
            item = QStandardItem(message)
            if record is None:  # a line to read, not to open
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            else:
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                item.setToolTip(OPEN_HINT)
            by_icon.setdefault(icon, []).append(item)
            self.lines.appendRow(item)
        for (name, color), items in by_icon.items():  # one drawing per icon, not per line
            icons.set_icon(lambda drawn, items=items: [item.setIcon(drawn) for item in items], name, color=color)

    # --- opening a record -------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open(self.currentIndex())
            return
        super().keyPressEvent(event)

    def _open(self, index: QModelIndex) -> None:
        record = self._records[index.row()] if 0 <= index.row() < len(self._records) else None
        if record is not None:
            self.open_record.emit(record.page, record.record_kind, record.record_id)
