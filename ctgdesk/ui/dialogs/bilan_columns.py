"""Choosing the columns of the long sheets of the Excel bilan; the choice is remembered."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ctgdesk.exchange.bilan_tables import CHOOSABLE_COLUMNS, DEFAULT_COLUMNS

SETTINGS_PREFIX = "bilan/colonnes/"


def saved_columns(settings: QSettings) -> dict[str, list[str]]:
    """{sheet: [column keys]} as last chosen (sheets never chosen are left out: defaults apply)."""
    chosen: dict[str, list[str]] = {}
    for sheet, columns in CHOOSABLE_COLUMNS.items():
        value = settings.value(SETTINGS_PREFIX + sheet)
        if value is None:
            continue
        keys = [value] if isinstance(value, str) else [str(v) for v in value]
        known = {c.key for c in columns}
        keys = [k for k in keys if k in known]
        if keys:
            chosen[sheet] = keys
    return chosen


def save_columns(settings: QSettings, chosen: dict[str, list[str]]) -> None:
    for sheet, keys in chosen.items():
        settings.setValue(SETTINGS_PREFIX + sheet, list(keys))
    settings.sync()


class BilanColumnsDialog(QDialog):
    def __init__(self, settings: QSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Colonnes du classeur Excel")
        self.setMinimumWidth(460)
        self.settings = settings
        current = saved_columns(settings)
        self.lists: dict[str, QListWidget] = {}
        tabs = QTabWidget(self)
        for sheet, columns in CHOOSABLE_COLUMNS.items():
            wanted = current.get(sheet) or list(DEFAULT_COLUMNS.get(sheet) or [c.key for c in columns])
            widget = QListWidget(tabs)
            for column in columns:
                item = QListWidgetItem(column.header, widget)
                item.setData(Qt.ItemDataRole.UserRole, column.key)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if column.key in wanted else Qt.CheckState.Unchecked)
            self.lists[sheet] = widget
            tabs.addTab(widget, sheet)
        hint = QLabel("Cochez les colonnes à exporter dans chaque feuille. Le choix est gardé pour les "
                      "prochains exports.", self)
        hint.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setObjectName("formError")
        self.error.hide()
        reset = QPushButton("Colonnes par défaut", self)
        reset.clicked.connect(self.reset)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Enregistrer")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(reset)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(tabs, 1)
        layout.addWidget(self.error)
        layout.addLayout(bottom)

    def chosen(self) -> dict[str, list[str]]:
        result = {}
        for sheet, widget in self.lists.items():
            result[sheet] = [widget.item(i).data(Qt.ItemDataRole.UserRole) for i in range(widget.count())
                             if widget.item(i).checkState() == Qt.CheckState.Checked]
        return result

    def reset(self) -> None:
        for sheet, widget in self.lists.items():
            defaults = DEFAULT_COLUMNS.get(sheet)
            for i in range(widget.count()):
                key = widget.item(i).data(Qt.ItemDataRole.UserRole)
                widget.item(i).setCheckState(
                    Qt.CheckState.Checked if defaults is None or key in defaults else Qt.CheckState.Unchecked)

    def try_accept(self) -> None:
        chosen = self.chosen()
        empty = [sheet for sheet, keys in chosen.items() if not keys]
        if empty:
            self.error.setText(f"Choisissez au moins une colonne pour « {empty[0]} ».")
            self.error.show()
            return
        save_columns(self.settings, chosen)
        self.accept()
