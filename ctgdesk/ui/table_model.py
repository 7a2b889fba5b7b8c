"""A generic table model over a list of plain rows (the dataclasses services return).

Usage::

    from ctgdesk.ui.table_model import Column, RowsTableModel, SearchProxyModel

    model = RowsTableModel([
        Column("Nom", lambda r: r.name),
        Column.date("Délibération", lambda r: r.deliberation_date),
        Column.decimal("ETP", lambda r: r.etp),                  # "0,40", right-aligned
        Column("Statut", lambda r: r.status),                    # LabelledEnum → its French label
    ])
    model.set_rows(rows)                  # beginResetModel/endResetModel
    proxy = SearchProxyModel(model)       # sorts on the real values, filters on the shown text
    view.setModel(proxy); view.setSortingEnabled(True)
    row = model.row_at(proxy.mapToSource(view.currentIndex()))   # the dataclass behind a line

A column gives: its header, a getter (row → raw value), an optional display formatter
(raw value → text; never called with None, an empty cell), an optional sort key (raw value → comparable), an alignment, and optional
per-row tooltip / foreground / background / bold. Without a formatter: None → "",
bool → "Oui"/"Non", a LabelledEnum → its label, a date → 12/01/2026, a datetime →
12/01/2026 14:30, a Decimal → 0,4, anything else → str(). Sorting uses the raw value
(dates, numbers and Decimals sort as such, text ignores case and accents, empty cells last),
through `SORT_ROLE` and `SearchProxyModel.lessThan`. `pinned=lambda r: r.is_total` keeps a
total line last whatever the sort and the search.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable, Generic, Iterable, Sequence, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from ctgdesk import formatting
from ctgdesk.models.enums import LabelledEnum
from ctgdesk.services.parsing import fold
from ctgdesk.services.search_terms import matches, query_words, search_text
from ctgdesk.ui.search_warmer import warmer

R = TypeVar("R")
DISPLAY_LIMIT = 200  # characters shown in a cell: more than a column widened to the whole window

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
"""data(index, SORT_ROLE): the cell's sort key, as a Qt-friendly value (number, text)."""
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
"""data(index, ROW_ROLE): the plain row object behind the line."""

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter

AnyIndex = QModelIndex | QPersistentModelIndex


def default_display(value: Any) -> str:
    """How a raw value reads in a cell when the column gives no formatter."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, LabelledEnum):
        return value.label
    if isinstance(value, datetime):
        return formatting.date_time(value)
    if isinstance(value, date):
        return formatting.short_date(value)
    if isinstance(value, Decimal):
        return formatting.number(value)
    return str(value)


def default_sort_key(value: Any) -> Any:
    """Numbers, dates and Decimals as themselves; text without case or accents."""
    if isinstance(value, LabelledEnum):
        return fold(value.label)
    if isinstance(value, str):
        return fold(value)
    return value


@dataclass(frozen=True)
class Column(Generic[R]):
    header: str
    value: Callable[[R], Any]
    display: Callable[[Any], str] | None = None
    sort_key: Callable[[Any], Any] | None = None
    align: Qt.AlignmentFlag = LEFT
    tooltip: Callable[[R], str | None] | None = None
    foreground: Callable[[R], QColor | None] | None = None
    background: Callable[[R], QColor | None] | None = None
    bold: Callable[[R], bool] | None = None
    header_tooltip: str | None = None

    # Ready-made columns for the usual kinds of value.
    @classmethod
    def date(cls, header: str, value: Callable[[R], date | None], *, long: bool = False, **kw) -> "Column[R]":
        return cls(header, value, display=formatting.long_date if long else formatting.short_date, **kw)

    @classmethod
    def date_time(cls, header: str, value: Callable[[R], datetime | None], **kw) -> "Column[R]":
        return cls(header, value, display=formatting.date_time, **kw)

    @classmethod
    def decimal(cls, header: str, value: Callable[[R], Decimal | None], **kw) -> "Column[R]":
        """Two decimals, French separator, right-aligned: "0,40"."""
        kw.setdefault("align", RIGHT)
        return cls(header, value, display=formatting.decimal2, **kw)

    @classmethod
    def number(cls, header: str, value: Callable[[R], int | Decimal | None], **kw) -> "Column[R]":
        """Grouped digits, right-aligned: "1 234"."""
        kw.setdefault("align", RIGHT)
        return cls(header, value, display=formatting.number, **kw)

    @classmethod
    def boolean(cls, header: str, value: Callable[[R], bool], *, yes: str = "Oui", no: str = "", **kw) -> "Column[R]":
        kw.setdefault("align", CENTER)
        return cls(header, value, display=lambda v: yes if v else no, **kw)

    def text(self, row: R) -> str:
        raw = self.value(row)
        return "" if raw is None else (self.display or default_display)(raw)

    def key(self, row: R) -> tuple:
        """(is_empty, key): empty cells (and those whose sort key is None) sort after the
        others, in either order."""
        raw = self.value(row)
        if raw is None or raw == "":
            return (1, 0)
        key = (self.sort_key or default_sort_key)(raw)
        return (1, 0) if key is None else (0, key)


def _qt_friendly(key: tuple) -> Any:
    """A sort key Qt can compare itself (for views that use SORT_ROLE without our proxy)."""
    empty, value = key
    if empty:
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (int, float, str, date)):
        return value
    return str(value)


class RowsTableModel(QAbstractTableModel, Generic[R]):
    """Read-only table of plain rows. Editing goes through dialogs that call services."""

    def __init__(
        self, columns: Sequence[Column[R]], rows: Iterable[R] = (), parent=None, *,
        pinned: Callable[[R], bool] | None = None,
    ):
        super().__init__(parent)
        self.columns: list[Column[R]] = list(columns)
        self._rows: list[R] = list(rows)
        self._pinned = pinned
        self._forget_cached()

    def _forget_cached(self) -> None:
        # Sort keys per column and search texts per row, computed once per set_rows: sorting
        # and searching 2 000 meetings called the getters and babel's formatting for every
        # comparison and every keystroke (bench/run: 0,2–0,5 s each).
        self._keys: dict[int, list[tuple]] = {}
        self._search_texts: list[str | None] = [None] * len(self._rows)
        self._warm_from = 0
        if self._rows:
            # Made in idle moments, a few milliseconds at a time (ctgdesk.ui.search_warmer), so
            # that the first letter typed in the search field finds them ready (2 000 meetings:
            # a tenth of a second at once, bench/run); a keystroke before that makes the
            # missing ones itself.
            warmer().add(self)
        if getattr(self, "_sort", None) is None:
            self._sort: tuple[int, Qt.SortOrder] | None = None
        elif self._sort[0] < len(self.columns):
            self._permute(self._order(*self._sort))  # a reload keeps the order chosen
        else:
            self._sort = None

    # --- data in and out -----------------------------------------------------------------
    def set_rows(self, rows: Iterable[R], columns: Sequence[Column[R]] | None = None) -> None:
        """Replace the rows (and the columns, when they depend on the data: one per year…)."""
        self.beginResetModel()
        self._rows = list(rows)
        if columns is not None:
            self.columns = list(columns)
        self._forget_cached()
        self.endResetModel()

    def is_pinned(self, number: int) -> bool:
        """A pinned row (a total line) stays last whatever the sort, and is never filtered out."""
        return bool(self._pinned and self._pinned(self._rows[number]))

    @property
    def rows(self) -> list[R]:
        return list(self._rows)

    def row(self, number: int) -> R:
        return self._rows[number]

    def row_at(self, index: AnyIndex) -> R | None:
        """The row behind an index of THIS model (map proxy indexes to source first)."""
        if not index.isValid() or index.model() is not self or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]

    def find(self, predicate: Callable[[R], bool]) -> int | None:
        """The number of the first row matching, or None."""
        return next((n for n, r in enumerate(self._rows) if predicate(r)), None)

    def cell_text(self, row: int, column: int) -> str:
        return self.columns[column].text(self._rows[row])

    def sort_key(self, index: AnyIndex) -> tuple:
        return self._column_keys(index.column())[index.row()]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the rows on a column's raw values — one key per row and Python's sort, not one
        Python call per comparison (a year of the journal, 5 000 lines: 0,6 s → a few ms).
        Empty cells, then pinned rows, come last in either order; equal keys keep their order.
        set_rows keeps the order chosen; column -1 gives back the service's order at the next load."""
        if not 0 <= column < len(self.columns):
            self._sort = None
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        permutation = self._order(column, order)
        new_number = [0] * len(permutation)
        for new, old in enumerate(permutation):
            new_number[old] = new
        self._permute(permutation)
        self.changePersistentIndexList(
            persistent, [self.index(new_number[i.row()], i.column()) if i.isValid() else i for i in persistent])
        self.layoutChanged.emit()

    def _order(self, column: int, order: Qt.SortOrder) -> list[int]:
        keys = self._column_keys(column)
        pinned = [n for n in range(len(self._rows)) if self.is_pinned(n)]
        pinned_set = set(pinned)
        filled = [n for n in range(len(self._rows)) if n not in pinned_set and not keys[n][0]]
        empty = [n for n in range(len(self._rows)) if n not in pinned_set and keys[n][0]]
        descending = order == Qt.SortOrder.DescendingOrder
        try:
            filled.sort(key=lambda n: keys[n][1], reverse=descending)
        except TypeError:
            filled.sort(key=lambda n: str(keys[n]), reverse=descending)
        return filled + empty + pinned

    def _permute(self, permutation: list[int]) -> None:
        self._rows = [self._rows[n] for n in permutation]
        self._search_texts = [self._search_texts[n] for n in permutation]
        self._keys = {column: [keys[n] for n in permutation] for column, keys in self._keys.items()}

    def _column_keys(self, column: int) -> list[tuple]:
        keys = self._keys.get(column)
        if keys is None:
            spec = self.columns[column]
            keys = self._keys[column] = [spec.key(row) for row in self._rows]
        return keys

    def warm_search_texts(self, deadline: float) -> bool:
        """Search texts made until `deadline` (time.perf_counter()); True once all are made."""
        texts, number = self._search_texts, self._warm_from
        while number < len(texts) and time.perf_counter() < deadline:
            self.search_text(number)
            number += 1
        self._warm_from = number
        return number >= len(texts)

    def search_text(self, number: int) -> str:
        """The shown text of every column of a row, searchable (ctgdesk.services.search_terms)."""
        text = self._search_texts[number]
        if text is None:
            row = self._rows[number]
            text = self._search_texts[number] = search_text(" ".join(column.text(row) for column in self.columns))
        return text

    # --- QAbstractTableModel -------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        column = self.columns[index.column()]
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            text = column.text(row)
            # A cell shows a line: Qt would lay out a bilan's whole list of natures (thousands
            # of characters) to elide it, on every paint (bench/run: 56 ms for 20 lines). The
            # search, the sort and the tooltip keep the whole text.
            return text if len(text) <= DISPLAY_LIMIT else text[:DISPLAY_LIMIT] + "…"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align.value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(row) if column.tooltip else None
        if role == Qt.ItemDataRole.ForegroundRole:
            color = column.foreground(row) if column.foreground else None
            return color
        if role == Qt.ItemDataRole.BackgroundRole:
            color = column.background(row) if column.background else None
            return color
        if role == Qt.ItemDataRole.FontRole:
            if column.bold and column.bold(row):
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == SORT_ROLE:
            return _qt_friendly(column.key(row))
        if role == ROW_ROLE:
            return row
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.header_tooltip
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align.value)
        return None


_HAS_FILTER_CHANGE = hasattr(QSortFilterProxyModel, "beginFilterChange")  # Qt ≥ 6.9


class SearchProxyModel(QSortFilterProxyModel):
    """Sorts on the raw values (SORT_ROLE) and keeps the lines holding every word searched.

    The search ignores case, accents and hyphens ("ecole" finds "École"), knows the CTG
    abbreviations both ways ("copil" finds « Comité de pilotage ») — the rule is
    ctgdesk.services.search_terms — and looks at every column's shown text;
    `set_search("bruay 2026")` keeps lines with both words somewhere.
    """

    def __init__(self, source: RowsTableModel | None = None, parent=None):
        super().__init__(parent)
        self._words: list[str] = []
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        if source is not None:
            self.setSourceModel(source)

    def set_search(self, text: str) -> None:
        words = query_words(text)
        if words == self._words:
            return
        if _HAS_FILTER_CHANGE:
            self.beginFilterChange()
            self._words = words
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - Qt < 6.9
            self._words = words
            self.invalidateFilter()

    def search_text(self) -> str:
        return " ".join(self._words)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A RowsTableModel sorts itself (see RowsTableModel.sort); the proxy keeps its order."""
        model = self.sourceModel()
        if isinstance(model, RowsTableModel):
            super().sort(-1, Qt.SortOrder.AscendingOrder)  # the model's order as it is (-1 descending reverses it)
            model.sort(column, order)
            return
        super().sort(column, order)  # pragma: no cover - any other model

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if not self._words:
            return True
        model = self.sourceModel()
        if isinstance(model, RowsTableModel):
            if model.is_pinned(source_row):
                return True
            haystack = model.search_text(source_row)
        else:  # pragma: no cover - any other model
            texts = [
                str(model.index(source_row, c, source_parent).data() or "")
                for c in range(model.columnCount(source_parent))
            ]
            haystack = search_text(" ".join(texts))
        return matches(haystack, self._words)

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:
        model = self.sourceModel()
        if isinstance(model, RowsTableModel):
            # Qt asks lessThan(right, left) for a descending sort: pinned rows, then empty
            # cells, are answered so that they end last both ways.
            descending = self.sortOrder() == Qt.SortOrder.DescendingOrder
            left_pinned, right_pinned = model.is_pinned(left.row()), model.is_pinned(right.row())
            if left_pinned or right_pinned:
                if left_pinned and right_pinned:
                    return left.row() < right.row()
                return descending if left_pinned else not descending
            a, b = model.sort_key(left), model.sort_key(right)
            if a[0] != b[0]:  # one cell empty
                return descending if a[0] else not descending
            try:
                return a < b
            except TypeError:
                return str(a) < str(b)
        return super().lessThan(left, right)  # pragma: no cover - any other model
