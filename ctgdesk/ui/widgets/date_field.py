"""The date, time and amount fields of every form: a text box that reads what people type.

A person clicks in (everything is selected, so typing replaces it) or tabs in, types the date as
they write it — 01/01/2027, 1/1/27, 010127, 1er janvier 2027… — and leaves. On leaving (or
Entrée) the text is read by `ctgdesk.services.parsing` (the one place that reads dates, times and
amounts): a good text is shown again in the usual way (01/01/2027, 09:30, 1 500,50 €); a text
it cannot read is refused in place — the box gets a red border, the French message shows under
it (and as its tooltip and accessible description), and `value()` raises that ValidationError,
so a form's save refuses naming the field. No other value is ever stored: unlike a QDateEdit,
nothing here moves sections or keeps the digits of the previous date.

`DateField`: ↑/↓ the day, Page↑/Page↓ the month, a calendar button (Monday first, French).
`TimeField`: ↑/↓ five minutes. `AmountField`: euros. `YearField`: a year, ↑/↓ one (a QSpinBox
clicked into and typed over kept its old year). Each may be optional: empty then means
"none" ("—" shown in the empty box), and erasing the text empties it.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Callable

from PySide6.QtCore import QDate, QEvent, QLocale, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QCalendarWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ctgdesk.formatting import money, short_date
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.parsing import (
    EARLIEST_DATE,
    LATEST_DATE,
    check_date_bounds,
    parse_amount,
    parse_date,
    parse_time,
    parse_year,
)

FRENCH = QLocale(QLocale.Language.French, QLocale.Country.France)
EMPTY_SHOWN = "—"


class _SelectingLineEdit(QLineEdit):
    """A line edit whose text is all selected when the focus comes in (Tab, a click, a form
    opening on it): typing then replaces it. The first click after the focus came in selects
    too — the dialog may have put the focus there already; a second click places the cursor."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._fresh = False  # the focus came in, the person has not clicked or typed here yet

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self._fresh = True
        if event.reason() != Qt.FocusReason.MouseFocusReason:
            self.selectAll()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self._fresh = False
        super().keyPressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if self._fresh and not self.hasSelectedText():
            self.selectAll()
        self._fresh = False


class TypedField(QWidget):
    """What the date, time and amount fields share: the text box, reading it, refusing in place."""

    changed = Signal()
    refused = Signal(str)  # the message, when the text cannot be read (or a form's save names the field)

    # each kind of field: how it names what it holds, an example and "type it" for its messages
    what_default = "La valeur"
    example = ""
    type_it = "tapez-la"

    def __init__(self, *, optional: bool = False, what: str | None = None, field: str | None = None,
                 inline_message: bool = True, parent: QWidget | None = None):
        super().__init__(parent)
        self.optional = optional
        self.what = what or self.what_default
        self.field = field
        self.edit = _SelectingLineEdit(self)
        if optional:
            self.edit.setPlaceholderText(EMPTY_SHOWN)
        self.message_label = QLabel(self)
        self.message_label.setObjectName("fieldError")
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        self._inline_message = inline_message
        self._value: Any = None
        self._forwarding = False
        self.row = QHBoxLayout()
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(2)
        self.row.addWidget(self.edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self.row)
        layout.addWidget(self.message_label)
        self.setFocusProxy(self.edit)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Tab stops at the field: its text box takes it
        self.edit.editingFinished.connect(self.read_text)
        self.edit.installEventFilter(self)

    # -- to implement -------------------------------------------------------------------------
    def parse(self, text: str) -> Any:  # pragma: no cover - each field has its own
        raise NotImplementedError

    def format(self, value: Any) -> str:  # pragma: no cover
        raise NotImplementedError

    def step(self, value: Any, key: int) -> Any:
        """The value after ↑/↓ (Page↑/Page↓); None: the key does nothing here."""
        return None

    def start_value(self) -> Any:
        """Where ↑/↓ start from when the box is empty."""
        return None

    # -- value --------------------------------------------------------------------------------
    def value(self) -> Any:
        """The value typed (None when an optional field is empty); ValidationError when the
        text cannot be read or is out of bounds — never another value."""
        try:
            return self._read(self.edit.text())
        except ValidationError as refused:
            if not self.edit.hasFocus():  # not while the person is typing (a draft being kept asks too)
                self.show_error(refused.message)
            raise

    def setAccessibleName(self, name: str) -> None:
        """The name goes to the text box too: that is what has the focus (a line table names
        its cells « Échéance, ligne 2 »)."""
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)

    def set_value(self, value: Any) -> None:
        """Show a value (None: empty); `changed` when it differs from the one held. A stored
        value out of bounds is shown as it is (saving it again is refused, naming it)."""
        before, self._value = self._value, value
        self.edit.setText("" if value is None else self.format(value))
        self.clear_error()
        if value != before:
            self.changed.emit()

    def clear_value(self) -> None:
        self.set_value(None)

    def text(self) -> str:
        return self.edit.text()

    def is_valid(self) -> bool:
        try:
            self._read(self.edit.text())
        except ValidationError:
            return False
        return True

    def _read(self, text: str) -> Any:
        value = self.parse(text)
        if value is None and not self.optional:
            raise ValidationError(f"{self.what} manque : {self.type_it} (ex. {self.example}).", self.field)
        if value is not None:
            self.check(value)
        return value

    def check(self, value: Any) -> None:
        """Bounds: raise ValidationError for a value read but not allowed here."""

    # -- reading on leaving -------------------------------------------------------------------
    def read_text(self) -> None:
        """Leaving the box (or Entrée): a good text is shown again the usual way, a bad one is
        refused in place. `changed` when the value changed."""
        try:
            value = self._read(self.edit.text())
        except ValidationError as refused:
            self.show_error(refused.message)
            return
        self.clear_error()
        shown = "" if value is None else self.format(value)
        if self.edit.text() != shown:
            self.edit.setText(shown)
        if value != self._value:
            self._value = value
            self.changed.emit()

    def error(self) -> str:
        """The message shown for the field ("" when none): what tests and screen readers read."""
        return self.edit.accessibleDescription() if self.edit.property("invalid") else ""

    def show_error(self, message: str) -> None:
        self._set_invalid(True)
        self.edit.setToolTip(message)
        self.edit.setAccessibleDescription(message)
        self.message_label.setText(message)
        self.message_label.setVisible(self._inline_message)
        if self._inline_message:
            self._make_room()
        self.refused.emit(message)

    def use_message_label(self, label: QLabel) -> None:
        """Say the messages in the form's own label for this field (under its row) rather than
        under the box: a form that has one lays it out with the row."""
        self.message_label.hide()
        self.message_label = label
        self._inline_message = True

    def _make_room(self) -> None:
        """A dialog grows to show the message rather than squeeze it."""
        window = self.window()
        if window is self or not window.isVisible():
            return
        window.layout() and window.layout().activate()
        hint = window.sizeHint()
        if hint.height() > window.height():
            window.resize(window.width(), hint.height())

    def clear_error(self) -> None:
        if not self.edit.property("invalid"):
            return
        self._set_invalid(False)
        self.edit.setToolTip("")
        self.edit.setAccessibleDescription("")
        self.message_label.clear()
        self.message_label.hide()

    def _set_invalid(self, invalid: bool) -> None:
        self.edit.setProperty("invalid", invalid)
        style = self.edit.style()
        style.unpolish(self.edit)
        style.polish(self.edit)
        self.edit.update()

    # -- keys ---------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Keys sent to the field itself go to its text box (where the focus is anyway); a key
        the text box left goes on to the form."""
        if self._forwarding or QApplication.focusWidget() is self.edit:
            event.ignore()
            return
        forwarded = QKeyEvent(event.type(), event.key(), event.modifiers(), event.text(), event.isAutoRepeat(),
                              event.count())
        self._forwarding = True
        try:
            QApplication.sendEvent(self.edit, forwarded)
        finally:
            self._forwarding = False
        event.setAccepted(forwarded.isAccepted())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            if self._key(event):
                return True
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key not in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            return False
        try:
            current = self.parse(self.edit.text())
        except ValidationError as refused:
            self.show_error(refused.message)
            return True
        stepped = self.step(current if current is not None else self.start_value(), key)
        if stepped is None:
            return False
        try:
            self.check(stepped)
        except ValidationError:
            return True  # at a bound: stays
        self.edit.setText(self.format(stepped))
        self.edit.selectAll()
        self.read_text()
        return True


class DateField(TypedField):
    """A date typed as people write it (jj/mm/aaaa shown), with a calendar button."""

    what_default = "La date"
    example = "01/01/2027"
    type_it = "tapez-la"

    def __init__(self, value: date | None = None, *, optional: bool = False, what: str | None = None,
                 field: str | None = None, minimum: date | None = None, maximum: date | None = None,
                 bounds_label: tuple[str, str] | None = None, today: Callable[[], date] | None = None,
                 inline_message: bool = True, parent: QWidget | None = None):
        super().__init__(optional=optional, what=what, field=field, inline_message=inline_message, parent=parent)
        self.minimum, self.maximum = minimum, maximum
        self.bounds_label = bounds_label  # how the minimum and the maximum are named in messages
        self.today = today or date.today
        self.edit.setMinimumWidth(self.edit.fontMetrics().horizontalAdvance("00/00/00000") + 16)
        self.edit.setToolTip("")
        self.button = QToolButton(self)
        self.button.setText("▾")
        self.button.setToolTip("Choisir dans le calendrier")
        self.button.setAccessibleName("Calendrier")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from date to date; Alt+↓ opens it
        self.button.clicked.connect(self.open_calendar)
        self.row.addWidget(self.button)
        self.popup: _CalendarPopup | None = None
        if value is not None:
            self.set_value(value)

    def parse(self, text: str) -> date | None:
        return parse_date(text, what=self.what, field=self.field)

    def format(self, value: date) -> str:
        return short_date(value)

    def check(self, value: date) -> None:
        check_date_bounds(value, what=self.what, field=self.field)
        names = self.bounds_label or ("le début", "la fin")
        if self.minimum is not None and value < self.minimum:
            raise ValidationError(f"{self.what} ({short_date(value)}) est avant {names[0]} "
                                  f"({short_date(self.minimum)}).", self.field)
        if self.maximum is not None and value > self.maximum:
            raise ValidationError(f"{self.what} ({short_date(value)}) est après {names[1]} "
                                  f"({short_date(self.maximum)}).", self.field)

    def set_bounds(self, minimum: date | None = None, maximum: date | None = None) -> None:
        self.minimum, self.maximum = minimum, maximum

    def start_value(self) -> date:
        return self.today()

    def step(self, value: date, key: int) -> date | None:
        if key == Qt.Key.Key_Up:
            return value + timedelta(days=1)
        if key == Qt.Key.Key_Down:
            return value - timedelta(days=1)
        months = 1 if key == Qt.Key.Key_PageUp else -1
        total = value.year * 12 + value.month - 1 + months
        year, month = divmod(total, 12)
        month += 1
        if not EARLIEST_DATE.year <= year <= LATEST_DATE.year:
            return value
        return date(year, month, min(value.day, calendar.monthrange(year, month)[1]))

    def _key(self, event: QKeyEvent) -> bool:
        if event.key() == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier:
            self.open_calendar()
            return True
        return super()._key(event)

    def open_calendar(self) -> None:
        """The month of the date typed (or of today), Monday first; a click or Entrée chooses,
        Échap closes without changing anything."""
        try:
            current = self.parse(self.edit.text())
        except ValidationError:
            current = None
        if self.popup is None:  # made once, kept (deleted on closing, it broke the pointer's next hover)
            self.popup = _CalendarPopup(self)
            self.popup.chosen.connect(self._chosen)
        self.popup.calendar.setSelectedDate(QDate(current or self.today()))
        where = self.edit.mapToGlobal(self.edit.rect().bottomLeft())
        self.popup.move(where)
        self.popup.show()
        self.popup.calendar.setFocus()

    def _chosen(self, value: date) -> None:
        self.edit.setText(self.format(value))
        self.edit.setFocus(Qt.FocusReason.PopupFocusReason)
        self.read_text()


class _CalendarPopup(QFrame):
    chosen = Signal(object)

    def __init__(self, owner: QWidget):
        super().__init__(owner, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.Box)
        self.calendar = QCalendarWidget(self)
        self.calendar.setLocale(FRENCH)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setGridVisible(True)
        self.calendar.setMinimumDate(QDate(EARLIEST_DATE))
        self.calendar.setMaximumDate(QDate(LATEST_DATE))
        self.calendar.activated.connect(self._choose)
        self.calendar.clicked.connect(self._choose)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.addWidget(self.calendar)

    def _choose(self, value: QDate) -> None:
        self.close()  # first: the popup lets go of the mouse and the keyboard
        self.chosen.emit(date(value.year(), value.month(), value.day()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)


class TimeField(TypedField):
    """An hour typed as people write it (9h, 9 h 30, 0930…), shown 09:30; ↑/↓ five minutes."""

    what_default = "L'heure"
    example = "14h30"

    def __init__(self, value: time | None = None, *, optional: bool = False, what: str | None = None,
                 field: str | None = None, inline_message: bool = True, parent: QWidget | None = None):
        super().__init__(optional=optional, what=what, field=field, inline_message=inline_message, parent=parent)
        self.edit.setMinimumWidth(self.edit.fontMetrics().horizontalAdvance("00:000") + 16)
        if value is not None:
            self.set_value(value)

    def parse(self, text: str) -> time | None:
        return parse_time(text, what=self.what, field=self.field)

    def format(self, value: time) -> str:
        return f"{value.hour:02d}:{value.minute:02d}"

    def start_value(self) -> time:
        return time(9, 0)

    def step(self, value: time, key: int) -> time | None:
        minutes = {Qt.Key.Key_Up: 5, Qt.Key.Key_Down: -5, Qt.Key.Key_PageUp: 60, Qt.Key.Key_PageDown: -60}[key]
        moved = datetime.combine(date(2000, 1, 2), value) + timedelta(minutes=minutes)
        return moved.time() if moved.date() == date(2000, 1, 2) else value


class AmountField(TypedField):
    """Euros typed as people write them (1 500, 1.500,50, 1 500 €), shown 1 500,50 €."""

    what_default = "Le montant"
    example = "1 500,50 €"
    type_it = "tapez-le"

    def __init__(self, value: Decimal | None = None, *, optional: bool = True, what: str | None = None,
                 field: str | None = None, inline_message: bool = True, parent: QWidget | None = None):
        super().__init__(optional=optional, what=what, field=field, inline_message=inline_message, parent=parent)
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.edit.setMinimumWidth(self.edit.fontMetrics().horizontalAdvance("000 000,00 €") + 16)
        if value is not None:
            self.set_value(value)

    def parse(self, text: str) -> Decimal | None:
        value = parse_amount(text, what=self.what, field=self.field)
        return None if value is None else value.quantize(Decimal("0.01"))  # euros and cents, as shown

    def format(self, value: Decimal) -> str:
        return money(value)


class YearField(TypedField):
    """A year typed (2027, or 27), between 1990 and 2100; ↑/↓ one year."""

    what_default = "L'année"
    example = "2027"

    def __init__(self, value: int | None = None, *, optional: bool = False, what: str | None = None,
                 field: str | None = None, inline_message: bool = True, parent: QWidget | None = None):
        super().__init__(optional=optional, what=what, field=field, inline_message=inline_message, parent=parent)
        self.edit.setMaximumWidth(self.edit.fontMetrics().horizontalAdvance("00000") + 24)
        self.edit.setMaxLength(4)
        if value is not None:
            self.set_value(value)

    def parse(self, text: str) -> int | None:
        return parse_year(text, what=self.what, field=self.field)

    def format(self, value: int) -> str:
        return str(value)

    def start_value(self) -> int:
        return date.today().year

    def step(self, value: int, key: int) -> int | None:
        moved = value + (1 if key in (Qt.Key.Key_Up, Qt.Key.Key_PageUp) else -1)
        return moved if EARLIEST_DATE.year <= moved <= LATEST_DATE.year else value
