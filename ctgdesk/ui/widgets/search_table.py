"""A table with its search field: RowsTableModel → SearchProxyModel → QTableView.

    table = SearchableTable(model, key=lambda r: r.id, placeholder="Rechercher une commune…")
    table.activated.connect(edit)          # double-click or Entrée on a line: the row object
    table.delete_requested.connect(remove) # Suppr while the table has the focus
    table.current_row()                    # the row object under the cursor, or None

The page binds Ctrl+F to `focus_search()` (one search per page). After a reload the line that
was current (same key) is current again.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ctgdesk.ui.table_model import RowsTableModel, SearchProxyModel
from ctgdesk.ui.widgets.elided_tooltips import ElidedToolTipDelegate

MAX_COLUMN_WIDTH = 280
FIT_SAMPLE_ROWS = 25


class SearchableTable(QWidget):
    activated = Signal(object)
    current_changed = Signal(object)
    delete_requested = Signal(object)

    def __init__(
        self, model: RowsTableModel, *, key: Callable[[Any], Any] | None = None,
        placeholder: str = "Rechercher…", count_words: tuple[str, str] = ("ligne", "lignes"),
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.model = model
        self.proxy = SearchProxyModel(model, self)
        self._key = key
        self._count_words = count_words

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(f"{placeholder} (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(max(260, self.search.fontMetrics().horizontalAdvance(
            self.search.placeholderText()) + 48))
        self.search.textChanged.connect(self._on_search)
        self.search.returnPressed.connect(self._focus_first_line)

        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        # The service's order until a header is clicked.
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.setItemDelegate(ElidedToolTipDelegate(self.view))  # a cut cell shows its whole text
        self.view.setShowGrid(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        # Large lists (a year of the biggest territory: 2 000 meetings, 5 000 journal entries):
        # fixed row heights, and columns sized on the rows on screen, not on every row (measured
        # with bench/run: sizing on all rows read each cell once, 1,7 s for 2 000 meetings).
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.view.horizontalHeader()
        header.setResizeContentsPrecision(FIT_SAMPLE_ROWS)  # rows read to size a column
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.view.doubleClicked.connect(self._on_activated)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        for sequence in (QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)):
            shortcut = QShortcut(sequence, self.view, context=Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda: self._on_activated(self.view.currentIndex()))
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.view,
                           context=Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self._on_delete)

        self.count_label = QLabel(self)
        self.count_label.setObjectName("hint")

        self.tools = QHBoxLayout()  # pages add their filters and buttons here
        self.tools.setSpacing(8)
        self.tools.addWidget(self.search)
        self.tools.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(self.tools)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignRight)

        model.modelAboutToBeReset.connect(self._remember_current)
        model.modelReset.connect(self._after_reset)
        self._remembered: Any = None
        self._columns_fitted = False
        self._update_count()

    # --- for pages --------------------------------------------------------------------
    def add_tool(self, widget: QWidget) -> None:
        """Put a filter or a button on the search line, to the right."""
        self.tools.addWidget(widget)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def current_row(self) -> Any:
        index = self.view.currentIndex()
        if not index.isValid() or not self.view.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return None
        return self.model.row_at(self.proxy.mapToSource(index))

    def select(self, predicate: Callable[[Any], bool]) -> bool:
        """Make the first line matching current (clearing the search if it hides it)."""
        number = self.model.find(predicate)
        if number is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(number, 0))
        if not index.isValid():
            self.search.clear()
            index = self.proxy.mapFromSource(self.model.index(number, 0))
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.view.scrollTo(index)
        return True

    def visible_rows(self) -> list[Any]:
        """The row objects shown, in the order shown."""
        return [self.model.row_at(self.proxy.mapToSource(self.proxy.index(n, 0))) for n in range(self.proxy.rowCount())]

    def fit_columns(self, force: bool = False) -> None:
        """Size the columns to their contents once (the user's widths are kept after)."""
        if self._columns_fitted and not force:
            return
        self.view.resizeColumnsToContents()
        header = self.view.horizontalHeader()
        for column in range(header.count()):
            width = max(header.sectionSize(column) + 16, 60)
            header.resizeSection(column, min(width, MAX_COLUMN_WIDTH))
        self._columns_fitted = self.model.rowCount() > 0

    # --- internals --------------------------------------------------------------------
    def _on_search(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_count()

    def _focus_first_line(self) -> None:
        if self.proxy.rowCount():
            self.view.setFocus()
            self.view.selectRow(0)

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.activated.emit(self.model.row_at(self.proxy.mapToSource(index)))

    def _on_delete(self) -> None:
        row = self.current_row()
        if row is not None:
            self.delete_requested.emit(row)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.current_changed.emit(self.model.row_at(self.proxy.mapToSource(current)) if current.isValid() else None)

    def _remember_current(self) -> None:
        row = self.current_row()
        self._remembered = self._key(row) if (row is not None and self._key) else None

    def _after_reset(self) -> None:
        if self._remembered is not None and self._key is not None:
            wanted = self._remembered
            self.select(lambda r: self._key(r) == wanted)
        self._remembered = None
        self._update_count()

    def _update_count(self) -> None:
        pinned = sum(1 for n in range(self.model.rowCount()) if self.model.is_pinned(n))
        shown, total = self.proxy.rowCount() - pinned, self.model.rowCount() - pinned
        one, many = self._count_words
        word = one if total <= 1 else many
        self.count_label.setText(f"{total} {word}" if shown == total else f"{shown} sur {total} {word}")
