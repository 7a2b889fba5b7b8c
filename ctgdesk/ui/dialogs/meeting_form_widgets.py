"""Small form widgets the meeting, fiche and journal forms share.

Pick lists with accent-free type-ahead, check lists, and the error labels shown next to the
field a service's ValidationError names (`error.field`). Dates, times and amounts:
`ctgdesk.ui.widgets.date_field`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Hashable, Iterable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from ctgdesk.services.errors import ValidationError
from ctgdesk.services.parsing import fold
from ctgdesk.ui.widgets.date_field import TypedField

ERROR_STYLE = "color: #b3261e;"


class ChoiceCombo(QComboBox):
    """A pick list of (key, label) with type-ahead that ignores case and accents.

    Typing "decis" selects "Décision facilitée…"; a word inside the label matches too.
    """

    RESET_SECONDS = 1.2

    def __init__(self, choices: Iterable[tuple[Hashable, str]] = (), *, empty_label: str | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(12)
        self._typed = ""
        self._typed_at = 0.0
        self._searching = False
        self._keys = []
        self.set_choices(choices, empty_label=empty_label)

    def set_choices(self, choices: Iterable[tuple[Hashable, str]], *, empty_label: str | None = None) -> None:
        # Keys stay Python objects here (Qt item data would turn a str enum or a tuple into
        # something else); the items only carry the labels.
        current = self.current_key() if self.count() else None
        was_blocked = self.blockSignals(True)
        self.clear()
        self._keys: list[Any] = []
        if empty_label is not None:
            self.addItem(empty_label)
            self._keys.append(None)
        for key, label in choices:
            self.addItem(label)
            self._keys.append(key)
        self.set_current_key(current)
        self.blockSignals(was_blocked)
        if self.current_key() != current and not was_blocked:
            self.currentIndexChanged.emit(self.currentIndex())

    def current_key(self) -> Any:
        index = self.currentIndex()
        return self._keys[index] if 0 <= index < len(self._keys) else None

    def set_current_key(self, key: Any) -> bool:
        for index, candidate in enumerate(self._keys):
            if candidate == key:
                self.setCurrentIndex(index)
                return True
        if self.count():
            self.setCurrentIndex(0)
        return False

    def keys(self) -> list[Any]:
        return list(self._keys)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier & ~Qt.KeyboardModifier.KeypadModifier
        now = time.monotonic()
        if now - self._typed_at > self.RESET_SECONDS:
            self._typed = ""
        if event.key() == Qt.Key.Key_Backspace and self._typed:
            self._typed = self._typed[:-1]
            self._typed_at = now
            self._select_typed()
            return
        if text and text.isprintable() and not modifiers and (text != " " or self._typed):
            self._typed += text
            self._typed_at = now
            if not self._select_typed() and len(self._typed) > 1:
                self._typed = text  # nothing matches: start a new search with this key
                self._select_typed()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:
        self._typed = ""
        super().focusOutEvent(event)

    def setCurrentIndex(self, index: int) -> None:
        if not self._searching:
            self._typed = ""  # chosen otherwise: the next key starts a new search
        super().setCurrentIndex(index)

    def _select_typed(self) -> bool:
        wanted = fold(self._typed)
        if not wanted:
            return False
        labels = [fold(self.itemText(i)) for i in range(self.count())]
        match = next((i for i, label in enumerate(labels) if label.startswith(wanted)), None)
        if match is None:
            match = next((i for i, label in enumerate(labels) if f" {wanted}" in f" {label}"), None)
        if match is None:
            match = next((i for i, label in enumerate(labels) if wanted in label), None)
        if match is None:
            return False
        self._searching = True
        try:
            self.setCurrentIndex(match)
        finally:
            self._searching = False
        return True


class CheckList(QListWidget):
    """A list of (key, label) to tick, e.g. the communes concerned."""

    changed = Signal()

    def __init__(self, choices: Iterable[tuple[Hashable, str]] = (), parent: QWidget | None = None):
        super().__init__(parent)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.set_choices(choices)
        self.itemChanged.connect(lambda _item: self.changed.emit())

    def set_choices(self, choices: Iterable[tuple[Hashable, str]]) -> None:
        ticked = set(self.checked_keys()) if hasattr(self, "_keys") else set()
        was_blocked = self.blockSignals(True)
        self.clear()
        self._keys: list[Any] = []
        for key, label in choices:
            item = QListWidgetItem(label)
            self._keys.append(key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if key in ticked else Qt.CheckState.Unchecked)
            self.addItem(item)
        self.blockSignals(was_blocked)

    def _items(self) -> list[QListWidgetItem]:
        return [self.item(i) for i in range(self.count())]

    def checked_keys(self) -> list[Any]:
        return [key for key, item in zip(self._keys, self._items()) if item.checkState() == Qt.CheckState.Checked]

    def set_checked_keys(self, keys: Iterable[Hashable]) -> None:
        wanted = set(keys)
        was_blocked = self.blockSignals(True)
        for key, item in zip(self._keys, self._items()):
            item.setCheckState(Qt.CheckState.Checked if key in wanted else Qt.CheckState.Unchecked)
        self.blockSignals(was_blocked)
        self.changed.emit()

    def set_checked(self, key: Hashable, checked: bool = True) -> None:
        for candidate, item in zip(self._keys, self._items()):
            if candidate == key:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)


def error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)  # right under its field
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


@dataclass
class FieldError:
    label: QLabel
    focus: QWidget | Callable[[], None] | None = None  # a widget, or what puts focus there
    page: int | None = None  # tab to bring forward


class FieldErrors:
    """Shows a ValidationError next to the field it names, or in the general label."""

    def __init__(self, general: QLabel, select_page: Callable[[int], None] | None = None):
        self.general = general
        self.select_page = select_page
        self.fields: dict[str, FieldError] = {}

    def add(self, name: str, label: QLabel, focus: QWidget | Callable[[], None] | None = None, page: int | None = None) -> QLabel:
        if isinstance(focus, TypedField):
            focus.use_message_label(label)  # a date, time or amount says its refusals there on leaving
        self.fields[name] = FieldError(label, focus, page)
        return label

    def clear(self) -> None:
        for entry in self.fields.values():
            entry.label.clear()
            entry.label.hide()
            if isinstance(entry.focus, TypedField):
                entry.focus.clear_error()
        self.general.clear()
        self.general.hide()

    def show(self, error: ValidationError) -> str | None:
        """Display the message; returns the name of the field it went to (None: general)."""
        self.clear()
        entry = self.fields.get(error.field or "")
        if entry is None:
            self.general.setText(error.message)
            self.general.show()
            return None
        if entry.page is not None and self.select_page is not None:
            self.select_page(entry.page)
        if isinstance(entry.focus, TypedField):
            entry.focus.show_error(error.message)  # marked, the message in its label
        else:
            entry.label.setText(error.message)
            entry.label.show()
        if isinstance(entry.focus, QWidget):
            entry.focus.setFocus()
        elif entry.focus is not None:
            entry.focus()
        return error.field

    def message(self, name: str | None) -> str:
        """The message currently shown for a field (None: the general one)."""
        if name is not None and isinstance(self.fields[name].focus, TypedField):
            return self.fields[name].focus.error()
        label = self.general if name is None else self.fields[name].label
        return label.text() if not label.isHidden() else ""


def fit_columns(table, max_width: int = 320) -> None:
    """Size a table's columns to their contents, none wider than `max_width` (long text elides)."""
    # On the first 25 rows only: sizing on all of a year's 2 000 meetings read every cell (1,7 s).
    table.horizontalHeader().setResizeContentsPrecision(25)
    table.resizeColumnsToContents()
    header = table.horizontalHeader()
    for column in range(header.count()):
        if header.sectionSize(column) > max_width:
            header.resizeSection(column, max_width)
