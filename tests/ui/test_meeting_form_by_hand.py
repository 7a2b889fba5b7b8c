"""A COPIL recorded from the real main window the way a person does it — once by keyboard only,
once by mouse only — then read back through the meetings service.

Six participants (présent / excusé / absent), two decisions each with a porteur and an
échéance, one alert linked to a fiche. Both run in a child process (@pytest.mark.isolated): the
line tables of this form used to crash the application (segmentation fault) on Tab.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QTableView, QToolButton, QWidget

from ctgdesk.models import AttendanceStatus, DecisionStatus, MeetingStatus
from ctgdesk.services import meetings
from tests.ui.conftest_work import (  # noqa: F401 - fixtures
    ctx,
    focused,
    window,
    db,
    show_page,
    terr,
    wait_loads,
)

pytestmark = pytest.mark.isolated

DECISIONS = [("Lancer le diagnostic petite enfance", "Martine Fontaine", date(2026, 9, 30)),
             ("Valider le calendrier 2027", "Claire Dumont", date(2026, 12, 18))]
ALERT = "Relais petite enfance toujours sans locaux"
PLACE = "Mairie de Courrieres"  # QTest types ASCII only


def key(k: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier, times: int = 1) -> None:
    for _ in range(times):
        QTest.keyClick(focused(), k, modifier)


def type_text(text: str) -> None:
    QTest.keyClicks(focused(), text)


def tab_to(widget: QWidget, limit: int = 60) -> None:
    """Tab until `widget` has focus (as a person does, looking at the screen)."""
    for _ in range(limit):
        if focused() is widget or widget.isAncestorOf(focused()):
            return
        key(Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {widget.accessibleName() or widget}")


def type_date(edit, wanted: date) -> None:
    """Type jj/mm/aaaa: the date field reads it as typed (a QDateEdit's sections once garbled it)."""
    text = wanted.strftime("%d/%m/%Y")
    type_text(text)
    assert edit.text() == text


def expected(terr) -> tuple:
    persons = terr.persons
    attendance = {persons[n]: AttendanceStatus.PRESENT for n in
                  ("Christophe Morel", "Laurent Dupuis", "Martine Fontaine", "Claire Dumont")}
    attendance[persons["Sandrine Leroy"]] = AttendanceStatus.EXCUSED
    attendance[persons["Patrick Deramecourt"]] = AttendanceStatus.ABSENT
    decisions = [(text, persons[who], due, DecisionStatus.OPEN) for text, who, due in DECISIONS]
    return attendance, decisions


def assert_recorded(ctx, terr, meeting_id: int) -> None:
    with ctx.db.transaction() as s:
        saved = meetings.meeting_input(s, meeting_id)
    attendance, decisions = expected(terr)
    assert (saved.instance_id, saved.starts_at, saved.ends_at) == (
        terr.copil, datetime(2026, 6, 10, 14, 0), datetime(2026, 6, 10, 16, 0))
    assert saved.place == PLACE and saved.status is MeetingStatus.HELD
    assert saved.commune_ids == [terr.communes["Courrières"]]
    assert {a.person_id: a.status for a in saved.attendances} == attendance
    assert all(a.organisation_id is None for a in saved.attendances)
    assert [(d.text, d.carried_by_id, d.due_date, d.status) for d in saved.decisions] == decisions
    assert [d.carried_by_organisation_id for d in saved.decisions] == [None, None]
    assert [(a.text, a.fiche_id, a.resolved_on) for a in saved.alerts] == [(ALERT, terr.fiche, None)]
    assert saved.expertises == []


def open_new_meeting_by_keys(qtbot, window):
    key(Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)  # Réunions
    wait_loads(qtbot, window.ctx)
    page = window.pages["meetings"]
    assert window.navigation.currentItem().text() == "Réunions"
    key(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # Nouvelle réunion
    dialog = page.dialog
    assert dialog is not None and dialog.meeting_id is None
    qtbot.waitUntil(dialog.isActiveWindow)
    return page, dialog


def test_copil_recorded_by_keyboard_only(window, ctx, terr, qtbot):
    page, dialog = open_new_meeting_by_keys(qtbot, window)

    # Réunion: instance by type-ahead, the date typed, place, status, a commune ticked
    tab_to(dialog.instance_combo)
    type_text("comite de pil")
    key(Qt.Key.Key_Tab)
    assert focused() is dialog.date_edit.edit
    type_text("10/06/2026")
    tab_to(dialog.place_edit)
    type_text(PLACE)
    tab_to(dialog.status_combo)
    type_text("tenue")
    tab_to(dialog.communes_list)
    key(Qt.Key.Key_Home)
    key(Qt.Key.Key_Down)  # Carvin, Courrières, …
    key(Qt.Key.Key_Space)

    # Présences: the six usual members are ticked; one excused, one absent
    key(Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert dialog.tabs.currentIndex() == 1
    for name, status in (("Sandrine Leroy", "excus"), ("Patrick Deramecourt", "absent")):
        tab_to(dialog.attendance.status_combo(dialog.attendance.row_of(terr.persons[name])))
        type_text(status)

    # Décisions: « Ajouter une décision », then text, porteur, échéance; Entrée on the last cell adds a line
    key(Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    key(Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert dialog.tabs.currentIndex() == 3
    tab_to(dialog.decisions.add_button)
    key(Qt.Key.Key_Space)
    for number, (text, porteur, due) in enumerate(DECISIONS, start=1):
        assert focused().accessibleName() == f"Décision, ligne {number}"
        type_text(text)
        key(Qt.Key.Key_Tab)
        assert focused().accessibleName() == f"Porteur, ligne {number}"
        type_text(porteur.split()[0].lower())
        key(Qt.Key.Key_Tab)
        assert focused().accessibleName() == f"Échéance, ligne {number}"
        type_date(dialog.decisions.lines()[number - 1].widgets["due"], due)
        key(Qt.Key.Key_Tab)
        assert focused().accessibleName() == f"Statut, ligne {number}"
        if number < len(DECISIONS):
            key(Qt.Key.Key_Return)  # a new line, its first cell focused
    assert dialog.decisions.count() == 2 and dialog.tabs.tabText(3) == "Décisions (2)"

    # Alertes
    key(Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert dialog.tabs.currentIndex() == 4
    tab_to(dialog.alerts.add_button)
    key(Qt.Key.Key_Space)
    assert focused().accessibleName() == "Alerte au COPIL, ligne 1"
    type_text(ALERT)
    key(Qt.Key.Key_Tab)
    type_text("1.1.1")

    tab_to(dialog.save_button)
    key(Qt.Key.Key_Space)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.general_error.text()
    assert_recorded(ctx, terr, dialog.saved_id)


# --- by mouse ------------------------------------------------------------------------------

def click(qtbot, widget: QWidget, pos: QPoint | None = None) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos if pos is not None else widget.rect().center())


def choose(qtbot, combo, label: str) -> None:
    """Open the pick list with a click, click the item."""
    combo.window().activateWindow()
    click(qtbot, combo)
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    row = next(i for i in range(combo.count()) if combo.itemText(i) == label)
    index = view.model().index(row, 0)
    view.scrollTo(index)
    where = view.visualRect(index).center()
    qtbot.mouseMove(view.viewport(), where)  # the pointer goes to the item: it lights up
    qtbot.waitUntil(lambda: view.currentIndex().row() == row)
    qtbot.wait(QApplication.doubleClickInterval() + 20)  # a release sooner is taken for the opening click's
    click(qtbot, view.viewport(), where)
    qtbot.waitUntil(lambda: not view.isVisible())
    assert combo.currentText() == label


def open_calendar(qtbot, edit):
    click(qtbot, edit.button, edit.button.rect().center())  # the calendar button
    calendar = edit.popup.calendar
    qtbot.waitUntil(calendar.isVisible)
    return calendar


def pick_in_calendar(qtbot, edit, wanted: date) -> None:
    """Open the calendar with a click on its arrow, go to the month with its arrows, click the day."""
    calendar = open_calendar(qtbot, edit)
    names = ("qt_calendar_prevmonth", "qt_calendar_nextmonth")
    while (calendar.yearShown(), calendar.monthShown()) != (wanted.year, wanted.month):
        later = (wanted.year, wanted.month) > (calendar.yearShown(), calendar.monthShown())
        click(qtbot, calendar.findChild(QToolButton, names[later]))
    grid = calendar.findChild(QTableView, "qt_calendar_calendarview")
    model = grid.model()
    cells = [model.index(r, c) for r in range(1, model.rowCount()) for c in range(1, model.columnCount())]
    matching = [i for i in cells if str(i.data()) == str(wanted.day)]
    # days of the month before are on the first row only, those of the month after are small numbers
    cell = matching[0] if wanted.day < 15 else matching[-1]
    click(qtbot, grid.viewport(), grid.visualRect(cell).center())
    qtbot.waitUntil(lambda: not calendar.isVisible())
    assert edit.value() == wanted


def test_copil_recorded_by_mouse_only(window, ctx, terr, qtbot):
    navigation = window.navigation
    item = next(navigation.item(i) for i in range(navigation.count()) if navigation.item(i).text() == "Réunions")
    click(qtbot, navigation.viewport(), navigation.visualItemRect(item).center())
    wait_loads(qtbot, ctx)
    page = window.pages["meetings"]
    click(qtbot, next(b for b in page.header.findChildren(QToolButton) if b.text() == "Nouvelle réunion"))
    dialog = page.dialog
    assert dialog is not None and dialog.meeting_id is None
    qtbot.waitUntil(dialog.isActiveWindow)

    choose(qtbot, dialog.instance_combo, "Comité de pilotage CTG")
    pick_in_calendar(qtbot, dialog.date_edit, date(2026, 6, 10))
    click(qtbot, dialog.place_edit)
    type_text(PLACE)
    choose(qtbot, dialog.status_combo, "Tenue")
    communes = dialog.communes_list
    item = next(communes.item(i) for i in range(communes.count()) if communes.item(i).text() == "Courrières")
    rect = communes.visualItemRect(item)
    click(qtbot, communes.viewport(), QPoint(rect.left() + 10, rect.center().y()))  # the tick box
    assert communes.checked_keys() == [terr.communes["Courrières"]]

    click(qtbot, dialog.tabs.tabBar(), dialog.tabs.tabBar().tabRect(1).center())
    for name, status in (("Sandrine Leroy", "Excusé·e"), ("Patrick Deramecourt", "Absent·e")):
        combo = dialog.attendance.status_combo(dialog.attendance.row_of(terr.persons[name]))
        labels = [combo.itemText(i) for i in range(combo.count())]
        choose(qtbot, combo, next(label for label in labels if label.lower().startswith(status.lower()[:5])))

    click(qtbot, dialog.tabs.tabBar(), dialog.tabs.tabBar().tabRect(3).center())
    for number, (text, porteur, due) in enumerate(DECISIONS, start=1):
        click(qtbot, dialog.decisions.add_button)
        line = dialog.decisions.lines()[-1].widgets
        click(qtbot, line["text"])
        type_text(text)
        click(qtbot, line["porteur"])  # opened, then closed with Échap
        qtbot.waitUntil(line["porteur"].view().isVisible)
        QTest.keyClick(line["porteur"].view(), Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not line["porteur"].view().isVisible())
        choose(qtbot, line["porteur"], porteur)
        calendar = open_calendar(qtbot, line["due"])  # opened, then closed with Échap: that used to crash
        QTest.keyClick(focused(), Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not calendar.isVisible())
        pick_in_calendar(qtbot, line["due"], due)
        click(qtbot, line["status"])  # the status list opened and closed without choosing
        qtbot.waitUntil(line["status"].view().isVisible)
        QTest.keyClick(line["status"].view(), Qt.Key.Key_Escape)
        assert dialog.decisions.current_index() == number - 1

    click(qtbot, dialog.tabs.tabBar(), dialog.tabs.tabBar().tabRect(4).center())
    click(qtbot, dialog.alerts.add_button)
    alert = dialog.alerts.lines()[0].widgets
    click(qtbot, alert["text"])
    type_text(ALERT)
    choose(qtbot, alert["fiche"], "1.1.1 Créer un relais petite enfance")

    click(qtbot, dialog.save_button)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.general_error.text()
    assert_recorded(ctx, terr, dialog.saved_id)
