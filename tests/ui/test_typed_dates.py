"""Dates, times and amounts typed as a person types them, in the real forms opened from the main
window: click in the field (or Tab into it), type, Tab away, save, then read back what was
stored through the services — the exact value, or a visible refusal (the field marked, its
message shown) and nothing saved. Never another date: a QDateEdit showing 06/12/2026 turned a
typed 01/01/2027 into 06/01/2027."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QTabBar, QToolButton

from ctgdesk.services import journal, meetings, people, plan, territory
from ctgdesk.ui.widgets.date_field import TypedField
from tests.ui.conftest_work import (  # noqa: F401 - fixtures
    TODAY,
    ctx,
    db,
    show_page,
    terr,
    wait_loads,
)

NEW_YEAR_2027 = date(2027, 1, 1)
SPELLINGS = ["01/01/2027", "1/1/2027", "1/1/27", "01012027", "010127", "1 janvier 2027", "1er janvier 2027",
             "1 janv. 2027", "01-01-2027", "01.01.2027", "2027-01-01"]
REFUSED = {
    "31/02/2027": "La date de la réunion « 31/02/2027 » n'existe pas : il n'y a pas de 31 février en 2027 (jj/mm/aaaa).",
    "2027": "La date de la réunion « 2027 » n'est pas une date (jj/mm/aaaa, ex. 01/01/2027 ou 1er janvier 2027).",
    "hier": "La date de la réunion « hier » n'est pas une date (jj/mm/aaaa, ex. 01/01/2027 ou 1er janvier 2027).",
    "32/01/2027": "La date de la réunion « 32/01/2027 » n'existe pas : il n'y a pas de 32 janvier en 2027 (jj/mm/aaaa).",
}


@pytest.fixture
def window(ctx, terr, qtbot, settings):
    from ctgdesk.ui.main_window import MainWindow

    main = MainWindow(ctx, settings)
    show_page(qtbot, main, 1440, 860)
    main.load()
    wait_loads(qtbot, ctx)
    return main


# --- what a person does ---------------------------------------------------------------------------
def open_with_ctrl_n(qtbot, window, page_key: str, attribute: str = "dialog"):
    window.show_page(page_key)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = getattr(window.pages[page_key], attribute)
    return wait_active(qtbot, dialog)


def wait_active(qtbot, dialog):
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def click_button(qtbot, window, action) -> None:
    """Click the header button showing a page action, as a person does."""
    button = next(b for b in window.findChildren(QToolButton) if b.defaultAction() is action and b.isVisible())
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def click_tab(qtbot, tabs, title_start: str) -> None:
    bar = tabs.findChild(QTabBar)
    index = next(i for i in range(bar.count()) if bar.tabText(i).startswith(title_start))
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert tabs.currentIndex() == index


def focused():
    return QApplication.focusWidget()


def key_clicks(qtbot, widget, text: str) -> None:
    """QTest.keyClicks, also for the characters it cannot type (€, é…): a key press carrying
    the character, as a keyboard layout that has it sends."""
    for character in text:
        if character.isascii():
            qtbot.keyClicks(widget, character)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, character))


def click_into(qtbot, field: TypedField) -> None:
    qtbot.mouseClick(field.edit, Qt.MouseButton.LeftButton, pos=field.edit.rect().center())
    assert focused() is field.edit


def type_in(qtbot, field: TypedField, text: str, *, leave: bool = True) -> None:
    """Click in the field (unless Tab brought the focus there: its text is then selected), type
    the text where the focus is, Tab away."""
    if focused() is field.edit:
        assert field.edit.selectedText() == field.edit.text()
    else:
        click_into(qtbot, field)
    key_clicks(qtbot, focused(), text)
    if leave:
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        assert focused() is not field.edit


def erase(qtbot, field: TypedField) -> None:
    """Click in, select everything, erase, Tab away."""
    click_into(qtbot, field)
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(focused(), Qt.Key.Key_Backspace)
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)


def refused_in_place(field: TypedField, message: str) -> bool:
    return (field.edit.property("invalid") is True and field.message_label.isVisible()
            and field.message_label.text() == message and field.edit.toolTip() == message
            and field.edit.accessibleDescription() == message)


def refused_in_cell(field: TypedField, message: str) -> bool:
    """A field in a table line: marked, the message in its tooltip and accessible description."""
    return (field.edit.property("invalid") is True and field.edit.toolTip() == message
            and field.edit.accessibleDescription() == message)


def save(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def meetings_of(ctx) -> list:
    with ctx.db.transaction() as s:
        return [meetings.meeting_input(s, row.id) for row in meetings.list_meetings(s)]


def new_meeting(qtbot, window):
    dialog = open_with_ctrl_n(qtbot, window, "meetings")
    qtbot.keyClicks(dialog.instance_combo, "comite tech")
    return dialog


# --- the meeting: date, start and end times ---------------------------------------------------------
@pytest.mark.parametrize("spelling", SPELLINGS)
def test_meeting_date_typed_over_the_date_shown(window, ctx, qtbot, spelling):
    before = len(meetings_of(ctx))
    dialog = new_meeting(qtbot, window)
    assert dialog.date_edit.text() == "15/06/2026"  # today, shown
    type_in(qtbot, dialog.date_edit, spelling)
    assert dialog.date_edit.text() == "01/01/2027" and dialog.date_label.text() == "vendredi 1 janvier 2027"
    type_in(qtbot, dialog.start_time, "9 h 30")
    assert dialog.start_time.text() == "09:30"
    type_in(qtbot, dialog.end_time, "11h")
    save(qtbot, dialog)
    assert not dialog.isVisible()
    saved = meetings_of(ctx)
    assert len(saved) == before + 1
    created = next(m for m in saved if m.starts_at.date() == NEW_YEAR_2027)
    assert (created.starts_at, created.ends_at) == (datetime(2027, 1, 1, 9, 30), datetime(2027, 1, 1, 11, 0))


@pytest.mark.parametrize("typed", sorted(REFUSED))
def test_meeting_date_that_cannot_be_read_is_refused_in_place(window, ctx, qtbot, typed):
    before = len(meetings_of(ctx))
    dialog = new_meeting(qtbot, window)
    type_in(qtbot, dialog.date_edit, typed)
    assert dialog.date_edit.text() == typed  # left as typed, not turned into another date
    assert refused_in_place(dialog.date_edit, REFUSED[typed])
    save(qtbot, dialog)
    assert dialog.isVisible() and refused_in_place(dialog.date_edit, REFUSED[typed])
    assert dialog.errors.message("starts_at") == REFUSED[typed]
    assert len(meetings_of(ctx)) == before
    # corrected, it saves
    type_in(qtbot, dialog.date_edit, "2/1/27")
    assert not dialog.date_edit.edit.property("invalid") and not dialog.date_edit.message_label.isVisible()
    save(qtbot, dialog)
    assert not dialog.isVisible()
    assert any(m.starts_at.date() == date(2027, 1, 2) for m in meetings_of(ctx))


@pytest.mark.parametrize("typed, message", [
    ("25:00", "L'heure de début « 25:00 » n'existe pas : de 0 h à 23 h, de 0 à 59 minutes (ex. 14h30)."),
    ("9h75", "L'heure de début « 9h75 » n'existe pas : de 0 h à 23 h, de 0 à 59 minutes (ex. 14h30)."),
    ("midi", "L'heure de début « midi » n'est pas une heure (ex. 14h30 ou 14:30)."),
])
def test_meeting_time_that_cannot_be_read_is_refused(window, ctx, qtbot, typed, message):
    before = len(meetings_of(ctx))
    dialog = new_meeting(qtbot, window)
    type_in(qtbot, dialog.start_time, typed)
    assert refused_in_place(dialog.start_time, message)
    save(qtbot, dialog)
    assert dialog.isVisible() and dialog.errors.message("start_time") == message
    assert len(meetings_of(ctx)) == before


@pytest.mark.parametrize("typed, expected", [("930", time(9, 30)), ("0930", time(9, 30)), ("14", time(14, 0)),
                                             ("09:30", time(9, 30)), ("9h", time(9, 0))])
def test_meeting_times_typed(window, ctx, qtbot, typed, expected):
    dialog = new_meeting(qtbot, window)
    type_in(qtbot, dialog.date_edit, "3/3/27")
    type_in(qtbot, dialog.start_time, typed)
    erase(qtbot, dialog.end_time)  # no end time: "—"
    assert dialog.end_time.text() == "" and dialog.end_time.edit.placeholderText() == "—"
    save(qtbot, dialog)
    assert not dialog.isVisible()
    created = next(m for m in meetings_of(ctx) if m.starts_at.date() == date(2027, 3, 3))
    assert (created.starts_at.time(), created.ends_at) == (expected, None)


def test_meeting_decision_due_date_typed_into_the_empty_line(window, ctx, qtbot):
    # In the lines, the person types then clicks « Enregistrer » (Tab between the cells of a line
    # is the line table's business: see tests/ui/test_meeting_dialog.py).
    dialog = new_meeting(qtbot, window)
    type_in(qtbot, dialog.date_edit, "1/12/26")
    click_tab(qtbot, dialog.tabs, "Décisions")
    qtbot.mouseClick(dialog.decisions.add_button, Qt.MouseButton.LeftButton)
    line = dialog.decisions.lines()[0].widgets
    qtbot.keyClicks(focused(), "Relancer le Departement")  # the new line's first cell (QTest types ASCII only)
    due = line["due"]
    assert due.text() == ""  # "—": no due date yet
    type_in(qtbot, due, "1er janvier 2027", leave=False)
    save(qtbot, dialog)
    assert not dialog.isVisible()
    created = next(m for m in meetings_of(ctx) if m.starts_at.date() == date(2026, 12, 1))
    assert [(d.text, d.due_date) for d in created.decisions] == [("Relancer le Departement", NEW_YEAR_2027)]


def test_meeting_alert_lifted_on_a_date_that_does_not_exist(window, ctx, qtbot):
    dialog = new_meeting(qtbot, window)
    type_in(qtbot, dialog.date_edit, "5/1/27")
    click_tab(qtbot, dialog.tabs, "Alertes")
    qtbot.mouseClick(dialog.alerts.add_button, Qt.MouseButton.LeftButton)
    alert = dialog.alerts.lines()[0].widgets
    qtbot.keyClicks(focused(), "Pas de locaux")
    type_in(qtbot, alert["resolved"], "31/02/2027", leave=False)
    message = "La levée de l'alerte « 31/02/2027 » n'existe pas : il n'y a pas de 31 février en 2027 (jj/mm/aaaa)."
    before = len(meetings_of(ctx))
    save(qtbot, dialog)
    assert dialog.isVisible() and dialog.errors.message(None) == message
    assert refused_in_cell(alert["resolved"], message)
    assert len(meetings_of(ctx)) == before
    click_into(qtbot, alert["resolved"])  # an open alert after all: erased
    qtbot.keyClick(focused(), Qt.Key.Key_Backspace)
    save(qtbot, dialog)
    assert not dialog.isVisible()
    created = next(m for m in meetings_of(ctx) if m.starts_at.date() == date(2027, 1, 5))
    assert [(a.text, a.resolved_on) for a in created.alerts] == [("Pas de locaux", None)]


# the offscreen platform says it cannot raise a popup or grab the keyboard for it
@pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints\(\)|raise\(\)|grabbing the keyboard)")
def test_calendar_button_opens_a_french_monday_calendar_and_escape_closes_it(window, ctx, qtbot):
    dialog = new_meeting(qtbot, window)
    qtbot.mouseClick(dialog.date_edit.button, Qt.MouseButton.LeftButton)
    popup = dialog.date_edit.popup
    qtbot.waitExposed(popup)
    calendar = popup.calendar
    assert calendar.firstDayOfWeek() == Qt.DayOfWeek.Monday and calendar.locale().name() == "fr_FR"
    assert calendar.selectedDate().toPython() == TODAY
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not popup.isVisible())
    assert dialog.date_edit.text() == "15/06/2026"
    # Enter in the calendar chooses the day selected (one week later with ↓)
    qtbot.mouseClick(dialog.date_edit.button, Qt.MouseButton.LeftButton)
    popup = dialog.date_edit.popup
    qtbot.waitExposed(popup)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not popup.isVisible())
    assert dialog.date_edit.text() == "22/06/2026" and dialog.date_label.text() == "lundi 22 juin 2026"


def test_arrows_change_the_day_and_page_keys_the_month(window, ctx, qtbot):
    dialog = new_meeting(qtbot, window)
    click_into(qtbot, dialog.date_edit)
    for key, shown in ((Qt.Key.Key_Up, "16/06/2026"), (Qt.Key.Key_Down, "15/06/2026"), (Qt.Key.Key_Down, "14/06/2026"),
                       (Qt.Key.Key_PageUp, "14/07/2026"), (Qt.Key.Key_PageDown, "14/06/2026")):
        qtbot.keyClick(focused(), key)
        assert dialog.date_edit.text() == shown
    save(qtbot, dialog)
    assert any(m.starts_at.date() == date(2026, 6, 14) for m in meetings_of(ctx))


# --- the fiche action: its period, its steps, its budget and fundings -----------------------------------
def new_fiche(qtbot, window):
    dialog = open_with_ctrl_n(qtbot, window, "plan")
    qtbot.keyClicks(dialog.title_edit, "Ouvrir un lieu d'accueil")
    click_tab(qtbot, dialog.tabs, "Calendrier")
    return dialog


def fiche_titled(ctx, title: str):
    with ctx.db.transaction() as s:
        row = next((f for f in plan.list_fiches(s, TODAY) if f.title == title), None)
        return None if row is None else plan.fiche_input(s, row.id)


def test_fiche_period_2027_typed_into_the_empty_dates(window, ctx, qtbot):
    """The reported case: 01/01/2027 → 31/12/2027 became 06/01/2027 → 06/12/2027."""
    dialog = new_fiche(qtbot, window)
    assert dialog.start_edit.text() == "" and dialog.start_edit.edit.placeholderText() == "—"
    type_in(qtbot, dialog.start_edit, "01/01/2027", leave=False)
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)  # Tab goes on to the end of the period
    assert focused() is dialog.end_edit.edit
    qtbot.keyClicks(focused(), "31/12/2027")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert (dialog.start_edit.text(), dialog.end_edit.text()) == ("01/01/2027", "31/12/2027")
    save(qtbot, dialog)
    assert not dialog.isVisible()
    saved = fiche_titled(ctx, "Ouvrir un lieu d'accueil")
    assert (saved.start_date, saved.end_date) == (date(2027, 1, 1), date(2027, 12, 31))


def test_fiche_end_before_start_is_the_services_message_at_the_end(window, ctx, qtbot):
    dialog = new_fiche(qtbot, window)
    type_in(qtbot, dialog.start_edit, "1er janvier 2027")
    type_in(qtbot, dialog.end_edit, "31/12/2026")
    save(qtbot, dialog)
    message = "La fin de la fiche (31/12/2026) est avant son début (01/01/2027)."
    assert dialog.isVisible() and refused_in_place(dialog.end_edit, message)
    assert dialog.errors.message("end_date") == message
    assert fiche_titled(ctx, "Ouvrir un lieu d'accueil") is None
    type_in(qtbot, dialog.end_edit, "311227")
    assert not dialog.end_edit.edit.property("invalid")
    save(qtbot, dialog)
    saved = fiche_titled(ctx, "Ouvrir un lieu d'accueil")
    assert (saved.start_date, saved.end_date) == (date(2027, 1, 1), date(2027, 12, 31))


def test_fiche_date_erased_is_empty_again(window, ctx, qtbot):
    dialog = new_fiche(qtbot, window)
    type_in(qtbot, dialog.start_edit, "1/1/27")
    type_in(qtbot, dialog.end_edit, "2027")
    assert refused_in_place(dialog.end_edit, "La fin de la fiche « 2027 » n'est pas une date (jj/mm/aaaa, ex. "
                                             "01/01/2027 ou 1er janvier 2027).")
    erase(qtbot, dialog.end_edit)
    assert not dialog.end_edit.edit.property("invalid") and not dialog.end_edit.message_label.isVisible()
    save(qtbot, dialog)
    saved = fiche_titled(ctx, "Ouvrir un lieu d'accueil")
    assert (saved.start_date, saved.end_date) == (date(2027, 1, 1), None)


@pytest.mark.parametrize("budget, funding, expected_budget, expected_funding", [
    ("1 500", "1.500,50", Decimal("1500"), Decimal("1500.50")),
    ("1500,50", "1500.50", Decimal("1500.50"), Decimal("1500.50")),
    ("1 500 €", "24000", Decimal("1500"), Decimal("24000")),
])
def test_fiche_budget_step_and_funding_typed(window, ctx, terr, qtbot, budget, funding, expected_budget,
                                             expected_funding):
    dialog = new_fiche(qtbot, window)
    type_in(qtbot, dialog.budget_edit, budget)
    assert dialog.budget_edit.text() == f"{expected_budget:,.2f}".replace(",", "\u202f").replace(".", ",") + " €"
    qtbot.mouseClick(dialog.steps.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(focused(), "Trouver le local")
    step = dialog.steps.lines()[0].widgets
    type_in(qtbot, step["start"], "1 janv. 2027", leave=False)
    type_in(qtbot, step["end"], "31.03.2027", leave=False)
    qtbot.mouseClick(dialog.fundings.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(focused(), "caf")
    line = dialog.fundings.lines()[0].widgets
    type_in(qtbot, line["amount"], funding, leave=False)
    total = f"{expected_funding:,.2f}".replace(",", "\u202f").replace(".", ",")
    assert dialog.funding_total.text() == f"Financements : {total} €"
    save(qtbot, dialog)
    assert not dialog.isVisible()
    saved = fiche_titled(ctx, "Ouvrir un lieu d'accueil")
    assert saved.budget == expected_budget
    assert [(s.title, s.start_date, s.end_date) for s in saved.steps] == [
        ("Trouver le local", date(2027, 1, 1), date(2027, 3, 31))]
    assert [(f.funder_id, f.amount) for f in saved.fundings] == [
        (terr.organisations["Caf du Pas-de-Calais"], expected_funding)]


def test_fiche_amount_and_step_date_refused_nothing_saved(window, ctx, qtbot):
    dialog = new_fiche(qtbot, window)
    type_in(qtbot, dialog.budget_edit, "1.500")
    message = "Le budget « 1.500 » n'est pas un montant : au plus deux chiffres après la virgule (ex. 1 500,50 €)."
    assert refused_in_place(dialog.budget_edit, message)
    save(qtbot, dialog)
    assert dialog.isVisible() and dialog.errors.message("budget") == message
    type_in(qtbot, dialog.budget_edit, "1500")
    qtbot.mouseClick(dialog.steps.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(focused(), "Trouver le local")
    step = dialog.steps.lines()[0].widgets
    type_in(qtbot, step["end"], "32/01/2027", leave=False)
    save(qtbot, dialog)
    message = "La fin de l'étape « 32/01/2027 » n'existe pas : il n'y a pas de 32 janvier en 2027 (jj/mm/aaaa)."
    assert refused_in_cell(step["end"], message)
    save(qtbot, dialog)
    assert dialog.isVisible() and dialog.errors.message(None) == message
    assert fiche_titled(ctx, "Ouvrir un lieu d'accueil") is None


# --- the journal: the quick entry bar and the full form ---------------------------------------------
def entries_on(ctx, day: date) -> list:
    with ctx.db.transaction() as s:
        return [e for e in journal.list_entries(s) if e.date == day]


def test_journal_quick_bar_date_typed_by_keyboard_only(window, ctx, qtbot):
    window.show_page("journal")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    # The quick entry bar (Ctrl+Maj+N; Ctrl+N opens the full form).
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    bar = window.pages["journal"].bar
    assert focused() is bar.kind_combo
    qtbot.keyClick(focused(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)  # back to the date
    assert focused() is bar.date_edit.edit and bar.date_edit.edit.selectedText() == "15/06/2026"
    qtbot.keyClicks(focused(), "010127")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert bar.date_edit.text() == "01/01/2027"
    qtbot.keyClicks(focused(), "relais")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "Rencontre des assistantes maternelles")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert [e.nature for e in entries_on(ctx, NEW_YEAR_2027)] == ["Rencontre des assistantes maternelles"]
    # a date that cannot be read: refused in the bar, nothing saved (after an entry the focus is on
    # the type, chosen anew for each entry: Maj+Tab goes back to the date)
    assert focused() is bar.kind_combo
    qtbot.keyClick(focused(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is bar.date_edit.edit
    qtbot.keyClicks(focused(), "hier")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)  # said on leaving the date, in the bar's message line
    message = "La date de l'action « hier » n'est pas une date (jj/mm/aaaa, ex. 01/01/2027 ou 1er janvier 2027)."
    assert bar.error.text() == message and bar.error.isVisible() and refused_in_cell(bar.date_edit, message)
    qtbot.keyClick(focused(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is bar.date_edit.edit
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert bar.error.text() == message and bar.error.isVisible()
    assert refused_in_cell(bar.date_edit, message)
    assert len(entries_on(ctx, NEW_YEAR_2027)) == 1


def test_journal_full_form_date(window, ctx, qtbot):
    window.show_page("journal")
    page = window.pages["journal"]
    qtbot.mouseClick(page.bar.details_button, Qt.MouseButton.LeftButton)
    dialog = wait_active(qtbot, page.dialog)
    type_in(qtbot, dialog.date_edit, "1 janvier 2027")
    assert dialog.date_label.text() == "vendredi 1 janvier 2027"
    qtbot.keyClicks(dialog.kind_combo, "relais")  # the type of action is chosen for each entry
    qtbot.keyClicks(dialog.nature_edit, "Appui au projet social")
    save(qtbot, dialog)
    assert not dialog.isVisible()
    assert [e.nature for e in entries_on(ctx, NEW_YEAR_2027)] == ["Appui au projet social"]


# --- staff, territory, convention --------------------------------------------------------------------
def test_coordinator_start_typed_end_left_empty(window, ctx, qtbot):
    dialog = open_with_ctrl_n(qtbot, window, "staff")
    qtbot.keyClicks(dialog.first_name, "Ines")
    qtbot.keyClicks(dialog.last_name, "Lambert")
    assert dialog.start.text() == "" and dialog.end.text() == ""  # "—" both
    type_in(qtbot, dialog.start, "1/1/27")
    type_in(qtbot, dialog.end, "31/02/2027")
    message = "La fin de poste « 31/02/2027 » n'existe pas : il n'y a pas de 31 février en 2027 (jj/mm/aaaa)."
    assert refused_in_place(dialog.end, message)
    save(qtbot, dialog)
    assert dialog.isVisible() and dialog.errors.message("end_date") == message
    with ctx.db.transaction() as s:
        assert [c.name for c in people.list_coordinators(s) if "Lambert" in c.name] == []
    erase(qtbot, dialog.end)
    save(qtbot, dialog)
    assert not dialog.isVisible()
    with ctx.db.transaction() as s:
        saved = next(c for c in people.list_coordinators(s) if "Lambert" in c.name)
    assert (saved.start_date, saved.end_date) == (NEW_YEAR_2027, None)


def test_commune_deliberation_and_engagement_dates(window, ctx, qtbot):
    dialog = open_with_ctrl_n(qtbot, window, "territory")
    qtbot.keyClicks(dialog.name, "Hesdin")
    type_in(qtbot, dialog.deliberation, "1 janv. 2027")
    qtbot.mouseClick(dialog.signed, Qt.MouseButton.LeftButton, pos=QPoint(8, dialog.signed.height() // 2))
    assert dialog.signed.isChecked() and dialog.engagement_date.isEnabled()
    type_in(qtbot, dialog.engagement_date, "2027-01-15")
    save(qtbot, dialog)
    assert not dialog.isVisible()
    with ctx.db.transaction() as s:
        hesdin = next(o for o in territory.list_organisations(s) if o.name == "Hesdin")
    assert (hesdin.deliberation_date, hesdin.engagement_date) == (NEW_YEAR_2027, date(2027, 1, 15))


def test_convention_signed_on_typed_and_erased(window, ctx, terr, qtbot):
    window.show_page("territory")
    page = window.pages["territory"]
    click_button(qtbot, window, page.edit_convention_action)
    dialog = wait_active(qtbot, page.convention_dialog)
    assert dialog.signed_on.text() == ""  # not signed yet: "—"
    type_in(qtbot, dialog.signed_on, "01.01.2027")
    save(qtbot, dialog)
    assert not dialog.isVisible()
    with ctx.db.transaction() as s:
        assert territory.convention_input(s, terr.convention).signed_on == NEW_YEAR_2027
    click_button(qtbot, window, page.edit_convention_action)
    dialog = wait_active(qtbot, page.convention_dialog)
    assert dialog.signed_on.text() == "01/01/2027"
    erase(qtbot, dialog.signed_on)
    save(qtbot, dialog)
    with ctx.db.transaction() as s:
        assert territory.convention_input(s, terr.convention).signed_on is None


def test_convention_years_typed_over_the_years_shown(window, ctx, terr, qtbot):
    """A year spin box clicked into and typed over kept its year: 2026 stayed 2026."""
    window.show_page("territory")
    page = window.pages["territory"]
    click_button(qtbot, window, page.edit_convention_action)
    dialog = wait_active(qtbot, page.convention_dialog)
    assert (dialog.first_year.text(), dialog.last_year.text()) == ("2026", "2030")
    type_in(qtbot, dialog.first_year, "2027")
    type_in(qtbot, dialog.last_year, "2025")
    save(qtbot, dialog)
    message = "La dernière année (2025) précède la première (2027)."
    assert dialog.isVisible() and refused_in_place(dialog.last_year, message)
    type_in(qtbot, dialog.last_year, "20031")
    assert dialog.last_year.text() == "2003"  # four digits at most
    type_in(qtbot, dialog.last_year, "hier")
    assert refused_in_place(dialog.last_year, "La dernière année « hier » n'est pas une année (ex. 2027).")
    with ctx.db.transaction() as s:
        assert (territory.convention_input(s, terr.convention).first_year,
                territory.convention_input(s, terr.convention).last_year) == (2026, 2030)
    type_in(qtbot, dialog.last_year, "31")
    save(qtbot, dialog)
    assert not dialog.isVisible()
    with ctx.db.transaction() as s:
        saved = territory.convention_input(s, terr.convention)
    assert (saved.first_year, saved.last_year) == (2027, 2031)
