"""The date, time and amount fields on their own, driven by the keyboard: what they show after
leaving, the arrows, the bounds and their messages. (In the forms: test_typed_dates.py.)"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from ctgdesk.services.errors import ValidationError
from ctgdesk.ui.widgets.date_field import AmountField, DateField, TimeField


@pytest.fixture
def form(qtbot):
    """A window with a line edit, the field under test (clicked into) and a line edit to Tab to."""
    kept = []

    def build(field):
        window = QWidget()
        kept.append(window)
        layout = QVBoxLayout(window)
        layout.addWidget(QLineEdit())  # where the focus starts
        layout.addWidget(field)
        after = QLineEdit()
        layout.addWidget(after)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        qtbot.mouseClick(field.edit, Qt.MouseButton.LeftButton)
        assert field.edit.hasFocus()
        return window
    return build


def type_and_leave(qtbot, field, text: str) -> None:
    qtbot.keyClicks(field.edit, text)
    qtbot.keyClick(field.edit, Qt.Key.Key_Tab)
    assert not field.edit.hasFocus()


def test_a_click_selects_the_date_shown_so_typing_replaces_it(qtbot, form):
    field = DateField(date(2026, 12, 6))
    form(field)
    assert field.edit.selectedText() == "06/12/2026"
    changes = []
    field.changed.connect(lambda: changes.append(field.value()))
    type_and_leave(qtbot, field, "1/1/27")
    assert (field.text(), field.value(), changes) == ("01/01/2027", date(2027, 1, 1), [date(2027, 1, 1)])


def test_page_keys_keep_the_day_within_the_month(qtbot, form):
    field = DateField(date(2027, 1, 31))
    form(field)
    qtbot.keyClick(field.edit, Qt.Key.Key_PageUp)
    assert field.text() == "28/02/2027"
    qtbot.keyClick(field.edit, Qt.Key.Key_Up)
    assert field.text() == "01/03/2027"


def test_arrows_on_an_empty_optional_date_start_from_today(qtbot, form):
    field = DateField(optional=True, today=lambda: date(2026, 6, 15))
    form(field)
    qtbot.keyClick(field.edit, Qt.Key.Key_Down)
    assert field.value() == date(2026, 6, 14)


def test_bounds_name_what_they_are(qtbot, form):
    field = DateField(what="La fin de la fiche", minimum=date(2027, 1, 1), bounds_label=("son début", "la convention"),
                      maximum=date(2030, 12, 31))
    form(field)
    type_and_leave(qtbot, field, "31/12/2026")
    message = "La fin de la fiche (31/12/2026) est avant son début (01/01/2027)."
    assert field.error() == message and field.message_label.text() == message
    with pytest.raises(ValidationError, match=r"est avant son début"):
        field.value()
    field.setFocus()
    type_and_leave(qtbot, field, "1/1/31")
    assert field.error() == "La fin de la fiche (01/01/2031) est après la convention (31/12/2030)."
    field.setFocus()
    type_and_leave(qtbot, field, "1/1/1985")
    assert field.error() == ("La fin de la fiche (01/01/1985) est hors des dates possibles : entre le 01/01/1990 "
                             "et le 31/12/2100.")


def test_a_required_date_left_empty_is_refused(qtbot, form):
    field = DateField(date(2026, 6, 15), what="La date de la réunion", field="starts_at")
    form(field)
    qtbot.keyClick(field.edit, Qt.Key.Key_Backspace)
    qtbot.keyClick(field.edit, Qt.Key.Key_Tab)
    assert field.error() == "La date de la réunion manque : tapez-la (ex. 01/01/2027)."
    with pytest.raises(ValidationError) as refused:
        field.value()
    assert refused.value.field == "starts_at"


def test_time_shown_and_stepped(qtbot, form):
    field = TimeField(optional=True)
    form(field)
    type_and_leave(qtbot, field, "9 h 30")
    assert (field.text(), field.value()) == ("09:30", time(9, 30))
    field.setFocus()
    qtbot.keyClick(field.edit, Qt.Key.Key_Up)
    assert field.value() == time(9, 35)
    qtbot.keyClick(field.edit, Qt.Key.Key_PageDown)
    assert field.value() == time(8, 35)


def test_amount_shown_in_french(qtbot, form):
    field = AmountField()
    form(field)
    type_and_leave(qtbot, field, "1.500,5")
    assert (field.text(), field.value()) == ("1\u202f500,50 €", Decimal("1500.5"))
    field.setFocus()
    type_and_leave(qtbot, field, "douze")
    assert field.error() == "Le montant « douze » n'est pas un montant (ex. 1 500,50 €)."
    assert field.edit.property("invalid") is True and field.message_label.isVisible()
