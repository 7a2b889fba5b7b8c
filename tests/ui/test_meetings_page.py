"""Réunions page: the key acceptance flow (form → list → calendar → dashboard → delete → undo),
filters, search, duplicate, the calendar's navigation and the table model."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from ctgdesk.models import AttendanceStatus, DecisionStatus, MeetingStatus
from ctgdesk.services import meetings
from ctgdesk.ui.pages.meetings import TAB_CALENDAR, TAB_LIST, MeetingsPage
from tests.ui.conftest_work import (  # noqa: F401 - fixtures
    TODAY,
    ctx,
    db,
    reactivate,
    save_screenshot,
    show_page,
    terr,
    wait_loads,
    wire_like_main_window,
)


@pytest.fixture
def page(ctx, terr, qtbot):
    widget = MeetingsPage(ctx)
    wire_like_main_window(ctx, widget)
    show_page(qtbot, widget)
    widget.refresh()
    return widget


@pytest.fixture(params=["synchronous", "background"])
def window(request, ctx, terr, qtbot, settings):
    """The main window, its pages loading on the UI thread (as most tests run them) or in a
    worker thread (as the application runs them: ctgdesk.ui.loading)."""
    from ctgdesk.ui.main_window import MainWindow

    ctx.background_loads = request.param == "background"
    main = MainWindow(ctx, settings)
    show_page(qtbot, main, 1440, 860)
    main.load()
    wait_loads(qtbot, ctx)
    return main


def board_numbers(qtbot, window, copil_id: int) -> tuple[int, int]:
    """(COPIL meetings held this year, open alerts) as the dashboard page shows them."""
    page = window.show_page("dashboard")
    wait_loads(qtbot, window.ctx)
    board = page.board
    copil = next(c for c in board.instances if c.instance_id == copil_id)
    return copil.held, board.open_alerts


def fill_copil_meeting(qtbot, dialog, terr) -> None:
    """What a coordinator does in the form for the COPIL of 10 June 2026."""
    qtbot.keyClicks(dialog.instance_combo, "comite de pil")  # type-ahead, no accents needed
    assert dialog.instance_combo.current_key() == terr.copil
    assert dialog.attendance.checked_count() == 6  # the six usual members, ticked
    dialog.date_edit.set_value(date(2026, 6, 10))
    assert dialog.date_label.text() == "mercredi 10 juin 2026"
    dialog.place_edit.setText("Mairie de Courrières")  # QTest types ASCII only
    qtbot.keyClicks(dialog.status_combo, "tenue")
    assert dialog.status_combo.current_key() is MeetingStatus.HELD
    dialog.communes_list.set_checked(terr.communes["Courrières"])
    # six present: one usual member excused, one not recorded, two people invited
    dialog.tabs.setCurrentIndex(1)
    attendance = dialog.attendance
    attendance.status_combo(attendance.row_of(terr.persons["Sandrine Leroy"])).set_current_key(AttendanceStatus.EXCUSED)
    attendance.set_line(attendance.row_of(terr.persons["Patrick Deramecourt"]), False)
    for name in ("celine", "fabrice"):
        qtbot.keyClicks(attendance.add_combo, name)
        qtbot.mouseClick(attendance.add_button, Qt.MouseButton.LeftButton)
    assert attendance.checked_count() == 7
    assert dialog.tabs.tabText(1) == "Présences (6 présents, 1 excusé)"
    # two decisions, one alert
    for text, porteur in (("Lancer le diagnostic petite enfance", "martine"), ("Valider le calendrier 2027", "claire")):
        qtbot.mouseClick(dialog.decisions.add_button, Qt.MouseButton.LeftButton)
        line = dialog.decisions.lines()[-1]
        qtbot.keyClicks(line.widgets["text"], text)
        qtbot.keyClicks(line.widgets["porteur"], porteur)
    dialog.decisions.lines()[0].widgets["due"].set_value(date(2026, 9, 30))
    qtbot.mouseClick(dialog.alerts.add_button, Qt.MouseButton.LeftButton)
    alert = dialog.alerts.lines()[0]
    qtbot.keyClicks(alert.widgets["text"], "Relais petite enfance toujours sans locaux")
    qtbot.keyClicks(alert.widgets["fiche"], "1.1.1")
    assert alert.widgets["fiche"].current_key() == terr.fiche
    assert dialog.tabs.tabText(3) == "Décisions (2)" and dialog.tabs.tabText(4) == "Alertes au COPIL (1)"


def test_copil_meeting_from_form_to_dashboard_delete_and_undo(window, ctx, terr, qtbot, accept_questions):
    """The key acceptance test, in the real main window."""
    before = board_numbers(qtbot, window, terr.copil)
    assert before == (1, 1)  # the February COPIL, its open alert

    page = window.show_page("meetings")
    wait_loads(qtbot, ctx)
    assert isinstance(page, MeetingsPage) and page.model.rowCount() == 2
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible() and dialog.meeting_id is None
    fill_copil_meeting(qtbot, dialog, terr)
    save_screenshot(dialog, "meeting_dialog")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert ctx.statuses[-1].startswith("Réunion enregistrée : 10/06/2026")
    reactivate(window, qtbot)
    wait_loads(qtbot, ctx)

    # in the list, with its counts, and current
    created = page.selected_row()
    assert created is not None and created.instance == "Comité de pilotage CTG"
    assert (created.starts_at, created.present, created.decisions, created.alerts) == (datetime(2026, 6, 10, 14), 6, 2, 1)
    assert created.status is MeetingStatus.HELD and created.communes == "Courrières"
    assert page.model.rowCount() == 3 and page.count_label.text() == "3 réunions en 2026"
    text = [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())]
    assert text[0] == "mercredi 10 juin 2026, 14:00"  # newest first
    save_screenshot(window, "meetings_list")

    # in the calendar, June 2026; double-click opens it
    page.views.setCurrentIndex(TAB_CALENDAR)
    wait_loads(qtbot, ctx)
    assert (page.calendar.year, page.calendar.month) == (2026, 6)
    assert page.calendar.title.text() == "Juin 2026"
    assert [r.id for r in page.calendar.grid.meetings_on(date(2026, 6, 10))] == [created.id]
    assert page.calendar.selected_meeting() == created.id  # the list's selection follows
    chip = page.calendar.grid.chip_rect(created.id)
    assert not chip.isEmpty()
    save_screenshot(window, "meetings_calendar")
    qtbot.mouseDClick(page.calendar.grid, Qt.MouseButton.LeftButton, pos=chip.center())
    assert page.dialog is not dialog and page.dialog.meeting_id == created.id
    assert page.dialog.windowTitle() == "Réunion du mercredi 10 juin 2026"
    assert page.dialog.decisions.count() == 2
    page.dialog.reject()
    reactivate(window, qtbot)

    # the dashboard: one more COPIL held, one more open alert
    after = board_numbers(qtbot, window, terr.copil)
    assert after == (before[0] + 1, before[1] + 1)

    # delete from the list: confirmation, then gone
    page = window.show_page("meetings")
    page.views.setCurrentIndex(TAB_LIST)
    wait_loads(qtbot, ctx)
    assert page.select_meeting(created.id)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert len(accept_questions) == 1 and accept_questions[0].startswith(
        "Supprimer la réunion « Comité de pilotage CTG » du mercredi 10 juin 2026 (2 décisions, 1 alerte au COPIL) ?")
    assert ctx.statuses[-1] == "Réunion supprimée — Ctrl+Z pour annuler"
    wait_loads(qtbot, ctx)
    assert page.model.find(lambda r: r.id == created.id) is None
    reactivate(window, qtbot)
    assert board_numbers(qtbot, window, terr.copil) == before

    # Ctrl+Z: back, with its decisions, alert and attendance
    page = window.show_page("meetings")
    wait_loads(qtbot, ctx)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_loads(qtbot, ctx)
    back = page.model.row(page.model.find(lambda r: r.starts_at == datetime(2026, 6, 10, 14)))
    assert (back.present, back.decisions, back.alerts) == (6, 2, 1)
    assert board_numbers(qtbot, window, terr.copil) == after
    with ctx.db.transaction() as s:
        data = meetings.meeting_input(s, back.id)
    assert [d.text for d in data.decisions] == ["Lancer le diagnostic petite enfance", "Valider le calendrier 2027"]
    assert data.decisions[0].carried_by_id == terr.persons["Martine Fontaine"]
    assert data.decisions[0].due_date == date(2026, 9, 30) and data.decisions[1].due_date is None
    assert data.decisions[0].status is DecisionStatus.OPEN
    assert [(a.text, a.fiche_id, a.resolved_on) for a in data.alerts] == [
        ("Relais petite enfance toujours sans locaux", terr.fiche, None)]
    statuses = {a.person_id: a.status for a in data.attendances}
    assert len(statuses) == 7 and terr.persons["Patrick Deramecourt"] not in statuses
    assert statuses[terr.persons["Sandrine Leroy"]] is AttendanceStatus.EXCUSED
    assert statuses[terr.persons["Fabrice Carpentier"]] is AttendanceStatus.PRESENT
    # redo deletes it again, undo again restores it (the uid is the key, not the id)
    ctx.undo_stack.redo()
    assert board_numbers(qtbot, window, terr.copil) == before
    ctx.undo_stack.undo()
    assert board_numbers(qtbot, window, terr.copil) == after
    # and undoing the creation removes it
    ctx.undo_stack.undo()
    assert board_numbers(qtbot, window, terr.copil) == before
    page = window.show_page("meetings")
    wait_loads(qtbot, ctx)
    assert page.model.rowCount() == 2


def test_cancelled_confirmation_keeps_the_meeting(page, ctx, qtbot, monkeypatch):
    page.table.setFocus()
    page.table.setCurrentIndex(page.proxy.index(0, 0))
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda _parent, _title, text, *_a, **_k: asked.append(text) or QMessageBox.StandardButton.No)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert len(asked) == 1
    assert page.model.rowCount() == 2 and ctx.undo_stack.count() == 0


def test_validation_error_shown_next_to_field(page, ctx, terr, qtbot):
    dialog = page.new_meeting()
    dialog.instance_combo.set_current_key(terr.copil)
    dialog.date_edit.set_value(date(2026, 9, 1))  # after today
    dialog.status_combo.set_current_key(MeetingStatus.HELD)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.errors.message("status") == "Une réunion à venir ne peut pas être marquée « Tenue »."
    # a decision without text: the message is on the decisions tab, which comes forward
    dialog.status_combo.set_current_key(MeetingStatus.PLANNED)
    dialog.decisions.add_line({})
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.errors.message("status") == ""
    assert dialog.errors.message("decisions") == "Le texte de la décision 1 est obligatoire."
    assert dialog.tabs.currentIndex() == 3
    # the COPIL belongs to the 2026-2030 convention
    dialog.decisions.remove_current()
    dialog.date_edit.set_value(date(2025, 12, 1))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "hors de la convention" in dialog.errors.message("starts_at")
    assert dialog.tabs.currentIndex() == 0
    dialog.reject()
    assert page.model.rowCount() == 2


def test_edit_then_undo_restores_previous_version(page, ctx, terr, qtbot):
    row = page.model.row(page.model.find(lambda r: r.instance == "Comité technique CTG"))
    dialog = page.edit_meeting(row.id)
    assert dialog.place_edit.text() == "Mairie de Carvin"
    assert dialog.decisions.count() == 1
    dialog.place_edit.setText("Mairie d'Oignies")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert page.model.row(page.model.find(lambda r: r.id == row.id)).place == "Mairie d'Oignies"
    ctx.undo_stack.undo()
    assert page.model.row(page.model.find(lambda r: r.id == row.id)).place == "Mairie de Carvin"
    ctx.undo_stack.redo()
    assert page.model.row(page.model.find(lambda r: r.id == row.id)).place == "Mairie d'Oignies"


def test_filters_and_search(page, ctx, terr, qtbot):
    assert page.model.rowCount() == 2
    page.instance_filter.set_current_key(terr.copil)
    assert [r.instance for r in page.model.rows] == ["Comité de pilotage CTG"]
    page.instance_filter.set_current_key(None)
    page.commune_filter.set_current_key(terr.communes["Carvin"])
    assert [r.instance for r in page.model.rows] == ["Comité technique CTG"]
    page.commune_filter.set_current_key(None)
    page.status_filter.set_current_key(MeetingStatus.PLANNED)
    assert page.model.rowCount() == 0
    page.status_filter.set_current_key(None)
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    qtbot.keyClicks(page.search, "siege agglo")
    assert page.proxy.rowCount() == 1 and page.count_label.text() == "1 sur 2 réunions en 2026"
    qtbot.keyClick(page.search, Qt.Key.Key_Escape)
    assert page.proxy.rowCount() == 2
    ctx.set_year(2027)
    assert page.model.rowCount() == 0 and (page.calendar.year, page.calendar.month) == (2027, 1)


def test_sorting_uses_real_values(page):
    page.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert page.proxy.index(0, 0).data() == "mardi 3 février 2026, 14:00"
    page.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert page.proxy.index(0, 1).data() == "Comité technique CTG"


def test_duplicate_keeps_instance_and_people_and_undo(page, ctx, terr, qtbot):
    row = page.model.row(page.model.find(lambda r: r.instance == "Comité de pilotage CTG"))
    copy_id = page.duplicate(row.id, datetime(2026, 10, 6, 14))
    copy = page.model.row(page.model.find(lambda r: r.id == copy_id))
    assert copy.instance == "Comité de pilotage CTG" and copy.status is MeetingStatus.PLANNED
    assert copy.alerts == 0 and copy.place == "Siège de l'Agglomération"
    ctx.undo_stack.undo()
    assert page.model.find(lambda r: r.id == copy_id) is None


def test_calendar_navigation_and_keyboard(page, qtbot):
    page.views.setCurrentIndex(TAB_CALENDAR)
    grid = page.calendar.grid
    assert (page.calendar.year, page.calendar.month) == (TODAY.year, TODAY.month)
    qtbot.mouseClick(page.calendar.previous_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.calendar.previous_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.calendar.previous_button, Qt.MouseButton.LeftButton)
    assert page.calendar.title.text() == "Mars 2026"
    cotech = grid.meetings_on(date(2026, 3, 10))
    assert [r.instance for r in cotech] == ["Comité technique CTG"]
    qtbot.keyClick(grid, Qt.Key.Key_PageUp)
    assert page.calendar.title.text() == "Février 2026" and len(grid.meetings_on(date(2026, 2, 3))) == 1
    grid.setFocus()
    grid.select(date(2026, 2, 2))
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    assert grid.selected_day == date(2026, 2, 3) and page.selected_row().instance == "Comité de pilotage CTG"
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert page.dialog.meeting_id == page.selected_row().id
    page.dialog.reject()
    # double-click on an empty day proposes a meeting that day
    empty = grid.day_rect(date(2026, 2, 18))
    qtbot.mouseDClick(grid, Qt.MouseButton.LeftButton, pos=empty.center())
    assert page.dialog.meeting_id is None and page.dialog.date_edit.value() == date(2026, 2, 18)
    page.dialog.reject()
    qtbot.mouseClick(page.calendar.today_button, Qt.MouseButton.LeftButton)
    assert page.calendar.title.text() == "Juin 2026" and grid.selected_day == TODAY


def test_meetings_table_model_passes_qt_checks(page, qtmodeltester):
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.proxy)


def test_show_record_from_the_dashboard(page, ctx, terr):
    with ctx.db.transaction() as s:
        old = meetings.save_meeting(s, meetings.MeetingInput(
            instance_id=terr.cotech, starts_at=datetime(2025, 11, 4, 10), status=MeetingStatus.HELD),
            now=datetime(2026, 6, 15)).id
    page.search.setText("siege")
    page.show_record("meeting", old)  # in 2025: the year follows
    assert ctx.year == 2025 and page.selected_row().id == old and page.search.text() == ""
    ctx.set_year(2026)
    page.show_record("instance", terr.copil)
    assert [r.instance for r in page.model.rows] == ["Comité de pilotage CTG"]


def test_duplicate_through_its_dialog_with_ctrl_d(page, ctx, qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ctgdesk.ui.dialogs.meeting_dialog import MeetingDuplicateDialog

    number = page.model.find(lambda r: r.instance == "Comité technique CTG")
    page.table.setCurrentIndex(page.proxy.mapFromSource(page.model.index(number, 0)))
    proposed: list[datetime] = []

    def answer():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, MeetingDuplicateDialog):
            QTimer.singleShot(10, answer)
            return
        proposed.append(dialog.starts_at())
        dialog.date_edit.set_value(date(2026, 9, 8))
        dialog.accept()

    QTimer.singleShot(0, answer)
    qtbot.keyClick(page.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert proposed == [datetime(2026, 4, 10, 9, 30)]  # a month after the 10 March COTECH
    copy = page.selected_row()
    assert (copy.instance, copy.starts_at, copy.status) == ("Comité technique CTG", datetime(2026, 9, 8, 9, 30),
                                                             MeetingStatus.PLANNED)
    assert copy.communes == "Carvin" and copy.decisions == 0
    assert ctx.statuses[-1] == "Réunion dupliquée au mardi 8 septembre 2026 — Ctrl+Z pour annuler"
