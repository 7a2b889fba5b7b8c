"""The meeting form on its own: loading a meeting, the usual members when the instance
changes, lines added and removed, optional dates, errors, the duplicate dialog; the calendar's
small functions."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from PySide6.QtCore import Qt

from ctgdesk.models import AttendanceStatus, DecisionStatus, InstanceKind, MeetingStatus
from ctgdesk.services import meetings
from ctgdesk.ui.dialogs.meeting_dialog import MeetingDialog, MeetingDuplicateDialog
from ctgdesk.ui.dialogs.meeting_form_widgets import ChoiceCombo
from ctgdesk.ui.widgets.date_field import DateField
from ctgdesk.ui.widgets.calendar_view import chip_label, first_shown_day, month_title, shift_month
from tests.ui.conftest_work import (  # noqa: F401 - fixtures
    TODAY,
    ctx,
    db,
    terr,
)


@pytest.fixture
def copil_meeting(ctx, terr) -> int:
    with ctx.db.transaction() as s:
        return meetings.save_meeting(s, meetings.MeetingInput(
            instance_id=terr.copil, starts_at=datetime(2026, 5, 12, 9, 30), ends_at=datetime(2026, 5, 12, 12),
            place="Mairie d'Oignies", title="COPIL de printemps", animator_id=terr.coordinator,
            status=MeetingStatus.HELD, agenda="1. Bilan", minutes="Relevé joint.", diagnostic_partage=True,
            commune_ids=[terr.communes["Oignies"]],
            attendances=[meetings.AttendanceInput(terr.persons["Christophe Morel"]),
                         meetings.AttendanceInput(terr.persons["Laurent Dupuis"], status=AttendanceStatus.ABSENT),
                         meetings.AttendanceInput(organisation_id=terr.organisations["Département du Pas-de-Calais"])],
            decisions=[meetings.DecisionInput("Relancer le Département",
                                              carried_by_organisation_id=terr.organisations["Caf du Pas-de-Calais"],
                                              due_date=date(2026, 7, 1), status=DecisionStatus.IN_PROGRESS,
                                              fiche_id=terr.fiche)],
            alerts=[meetings.AlertInput("Retard du relais", fiche_id=terr.fiche, resolved_on=date(2026, 6, 1),
                                        resolution="Local trouvé")],
            expertises=[meetings.ExpertiseInput("Bonus territoire", expert_label="Conseillère technique",
                                                organisation_id=terr.organisations["Caf du Pas-de-Calais"])],
        ), now=datetime(2026, 6, 15, 12)).id


def test_editing_loads_every_part_and_saves_it_back_unchanged(ctx, terr, copil_meeting, qtbot):
    dialog = MeetingDialog(ctx, copil_meeting)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Réunion du mardi 12 mai 2026"
    assert dialog.instance_combo.current_key() == terr.copil
    assert (dialog.date_edit.value(), dialog.start_time.value(), dialog.end_time.value()) == (
        date(2026, 5, 12), time(9, 30), time(12, 0))
    assert (dialog.date_edit.text(), dialog.start_time.text(), dialog.end_time.text()) == ("12/05/2026", "09:30", "12:00")
    assert dialog.place_edit.text() == "Mairie d'Oignies" and dialog.title_edit.text() == "COPIL de printemps"
    assert dialog.status_combo.current_key() is MeetingStatus.HELD and dialog.diagnostic_check.isChecked()
    assert dialog.communes_list.checked_keys() == [terr.communes["Oignies"]]
    # the six usual members are listed, only those recorded are ticked; the structure is there too
    assert dialog.attendance.table.rowCount() == 7 and dialog.attendance.checked_count() == 3
    row = dialog.attendance.row_of(terr.persons["Laurent Dupuis"])
    assert dialog.attendance.status_combo(row).current_key() is AttendanceStatus.ABSENT
    assert dialog.attendance.table.item(row, 1).text() == "Membre habituel"
    structure = dialog.attendance.row_of(None, terr.organisations["Département du Pas-de-Calais"])
    assert dialog.attendance.table.item(structure, 1).text() == "Structure"
    decision = dialog.decisions.lines()[0].widgets
    assert decision["porteur"].current_key() == ("o", terr.organisations["Caf du Pas-de-Calais"])
    assert decision["due"].value() == date(2026, 7, 1)
    assert dialog.alerts.lines()[0].widgets["resolved"].value() == date(2026, 6, 1)
    assert dialog.expertises.lines()[0].widgets["label"].text() == "Conseillère technique"
    assert [dialog.tabs.tabText(i) for i in range(6)] == [
        "Réunion", "Présences (2 présents, 1 absent)", "Ordre du jour et compte rendu", "Décisions (1)", "Alertes au COPIL (1)",
        "Expertises (1)"]

    with ctx.db.transaction() as s:
        before = meetings.meeting_input(s, copil_meeting)
    assert dialog.collect() == before  # what the form holds is the meeting, field for field
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with ctx.db.transaction() as s:
        assert meetings.meeting_input(s, copil_meeting) == before
    assert dialog.after == before


def test_changing_instance_replaces_usual_members_keeps_others(ctx, terr, qtbot):
    dialog = MeetingDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.attendance.table.rowCount() == 0
    dialog.instance_combo.set_current_key(terr.copil)
    assert dialog.attendance.checked_count() == 6
    dialog.attendance.add(terr.persons["Agnès Delcroix"])
    dialog.attendance.set_line(dialog.attendance.row_of(terr.persons["Laurent Dupuis"]), False)
    dialog.instance_combo.set_current_key(terr.cotech)  # COTECH: Claire Dumont only
    people = {dialog.attendance.table.item(r, 0).text() for r in range(dialog.attendance.table.rowCount())}
    # the COPIL members still ticked stay (they were invited), the unticked one goes, the guest stays
    assert "Laurent Dupuis (Caf du Pas-de-Calais)" not in people
    assert "Agnès Delcroix" in people and "Claire Dumont" in people
    claire = dialog.attendance.row_of(terr.persons["Claire Dumont"])
    assert dialog.attendance.table.item(claire, 1).text() == "Membre habituel"
    christophe = dialog.attendance.row_of(terr.persons["Christophe Morel"])
    assert dialog.attendance.table.item(christophe, 1).text() == "Invité·e"


def test_lines_are_added_and_removed(ctx, terr, qtbot):
    dialog = MeetingDialog(ctx, instance_id=terr.copil)
    qtbot.addWidget(dialog)
    dialog.attendance.table.selectRow(dialog.attendance.row_of(terr.persons["Sandrine Leroy"]))
    qtbot.mouseClick(dialog.attendance.remove_button, Qt.MouseButton.LeftButton)
    # a usual member is unticked rather than removed
    assert dialog.attendance.table.rowCount() == 6 and dialog.attendance.checked_count() == 5
    qtbot.mouseClick(dialog.attendance.untick_all_button, Qt.MouseButton.LeftButton)
    assert dialog.attendance.checked_count() == 0 and dialog.tabs.tabText(1) == "Présences"
    for text in ("Une", "Deux", "Trois"):
        dialog.decisions.add_line({})
        dialog.decisions.lines()[-1].widgets["text"].setText(text)
    dialog.show()
    dialog.tabs.setCurrentIndex(3)
    qtbot.mouseClick(dialog.decisions.lines()[1].widgets["text"], Qt.MouseButton.LeftButton)  # working in a line
    qtbot.waitUntil(lambda: dialog.decisions.current_index() == 1)  # makes it the current one
    qtbot.mouseClick(dialog.decisions.remove_button, Qt.MouseButton.LeftButton)
    assert [d.text for d in dialog.collect().decisions] == ["Une", "Trois"]
    assert dialog.tabs.tabText(3) == "Décisions (2)"


def test_expertise_needs_who_and_end_time_after_start(ctx, terr, qtbot):
    dialog = MeetingDialog(ctx, instance_id=terr.cotech)
    qtbot.addWidget(dialog)
    dialog.date_edit.set_value(date(2026, 6, 2))
    dialog.start_time.set_value(time(14, 0))
    dialog.end_time.set_value(time(13, 0))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.errors.message("ends_at") == "L'heure de fin précède l'heure de début."
    dialog.end_time.set_value(None)  # "—": no end time
    dialog.expertises.add_line({})
    dialog.expertises.lines()[0].widgets["subject"].setText("Données CAF")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.errors.message("expertises") == "L'expertise 1 dit qui l'apporte."
    assert dialog.errors.message("ends_at") == ""
    qtbot.keyClicks(dialog.expertises.lines()[0].widgets["who"], "structure : dep")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved_id is not None
    with ctx.db.transaction() as s:
        saved = meetings.meeting_input(s, dialog.saved_id)
    assert saved.ends_at is None and saved.expertises[0].organisation_id == terr.organisations[
        "Département du Pas-de-Calais"]


def test_instance_is_required(ctx, terr, qtbot):
    dialog = MeetingDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.errors.message("instance_id") == "Choisissez l'instance qui se réunit."


def test_optional_date_and_type_ahead(qtbot):
    edit = DateField(optional=True)
    qtbot.addWidget(edit)
    assert edit.value() is None and edit.text() == "" and edit.edit.placeholderText() == "—"
    edit.set_value(date(2026, 2, 28))
    assert edit.text() == "28/02/2026"
    edit.clear_value()
    assert edit.value() is None
    combo = ChoiceCombo([(1, "Évin-Malmaison"), (2, "Carvin"), (3, "Courcelles-lès-Lens")], empty_label="—")
    qtbot.addWidget(combo)
    qtbot.keyClicks(combo, "evin")
    assert combo.current_key() == 1
    combo.setCurrentIndex(0)  # chosen otherwise: the next letters start a new search
    qtbot.keyClicks(combo, "les")  # a word inside the name
    assert combo.current_key() == 3
    combo.set_choices([(2, "Carvin")], empty_label="—")
    assert combo.current_key() is None  # the choice vanished


def test_duplicate_dialog_proposes_next_month(qtbot):
    dialog = MeetingDuplicateDialog(datetime(2026, 1, 31, 14, 0))
    qtbot.addWidget(dialog)
    assert dialog.starts_at() == datetime(2026, 2, 28, 14, 0)
    assert dialog.date_label.text() == "samedi 28 février 2026"


def test_calendar_helpers():
    assert first_shown_day(2026, 6) == date(2026, 6, 1)  # a Monday
    assert first_shown_day(2026, 11) == date(2026, 10, 26)
    assert shift_month(2026, 1, -1) == (2025, 12) and shift_month(2026, 12, 1) == (2027, 1)
    assert month_title(2026, 8) == "Août 2026"
    row = meetings.MeetingRow(1, datetime(2026, 3, 2, 9, 5), 1, "Comité de pilotage CTG", InstanceKind.COPIL, "",
                              "", "", "", MeetingStatus.PLANNED, 0, 0, 0)
    assert chip_label(row) == "09:05 COPIL"
    themed = meetings.MeetingRow(2, datetime(2026, 3, 2, 14), 2, "Groupe thématique Jeunesse",
                                 InstanceKind.GROUPE_THEMATIQUE, "", "", "", "", MeetingStatus.HELD, 0, 0, 0)
    assert chip_label(themed) == "14:00 Groupe thématique Jeunesse"


def test_duplicate_dialog_reads_the_date_and_time_typed(qtbot):
    dialog = MeetingDuplicateDialog(datetime(2026, 1, 31, 14, 0))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.mouseClick(dialog.date_edit.edit, Qt.MouseButton.LeftButton)  # the date shown is selected
    qtbot.keyClicks(dialog.date_edit.edit, "30/02/2026")
    qtbot.keyClick(dialog.date_edit.edit, Qt.Key.Key_Tab)
    assert dialog.error.text() == ("La date de la copie « 30/02/2026 » n'existe pas : il n'y a pas de 30 février "
                                   "en 2026 (jj/mm/aaaa).") and dialog.error.isVisible()
    qtbot.keyClicks(dialog.time_edit.edit, "9h30")  # Tab selected the time: typing replaces it
    qtbot.keyClick(dialog.time_edit.edit, Qt.Key.Key_Return)  # « Dupliquer » is refused: the date
    assert dialog.isVisible() and dialog.result() == 0
    qtbot.mouseClick(dialog.date_edit.edit, Qt.MouseButton.LeftButton)
    qtbot.keyClick(dialog.date_edit.edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.date_edit.edit, "2 mars 2026")
    qtbot.keyClick(dialog.date_edit.edit, Qt.Key.Key_Return)
    assert not dialog.isVisible() and dialog.starts_at() == datetime(2026, 3, 2, 9, 30)


def test_an_unticked_member_has_no_status_and_ticking_makes_her_present(ctx, terr, copil_meeting, qtbot):
    dialog = MeetingDialog(ctx, copil_meeting)
    qtbot.addWidget(dialog)
    dialog.show()
    attendance = dialog.attendance
    row = attendance.row_of(terr.persons["Sandrine Leroy"])  # a usual member, not recorded
    assert not attendance.is_checked(row)
    assert attendance.status_combo(row).currentText() == "—"
    assert dialog.tabs.tabText(1) == "Présences (2 présents, 1 absent)"
    qtbot.mouseClick(dialog.tabs.tabBar(), Qt.MouseButton.LeftButton, pos=dialog.tabs.tabBar().tabRect(1).center())
    table = attendance.table
    table.setFocus()
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(table, Qt.Key.Key_Space)  # ticks the line
    assert attendance.is_checked(row)
    assert attendance.status_combo(row).current_key() is AttendanceStatus.PRESENT
    assert dialog.tabs.tabText(1) == "Présences (3 présents, 1 absent)"
    qtbot.keyClick(table, Qt.Key.Key_Space)  # unticks it: no status any more
    assert not attendance.is_checked(row) and attendance.status_combo(row).current_key() is None
    assert dialog.tabs.tabText(1) == "Présences (2 présents, 1 absent)"
    assert [a.person_id for a in dialog.collect().attendances].count(terr.persons["Sandrine Leroy"]) == 0


def test_the_history_of_a_meeting_says_who_changed_what(ctx, terr, copil_meeting, qtbot):
    from ctgdesk.services import meetings as meeting_service

    with ctx.db.transaction() as session:
        session.info["actor"] = "Claire Dumont"
        data = meeting_service.meeting_input(session, copil_meeting)
        data.place = "Salle des fêtes"
        meeting_service.save_meeting(session, data, copil_meeting)
    dialog = MeetingDialog(ctx, copil_meeting)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.history_button, Qt.MouseButton.LeftButton)
    history = dialog.history_dialog
    qtbot.waitUntil(history.isVisible)
    rows = [[history.table.item(r, c).text() for c in range(4)] for r in range(history.table.rowCount())]
    assert rows[0][1:3] == ["Claire Dumont", "modification"]
    assert "place : « Mairie d'Oignies » → « Salle des fêtes »" in rows[0][3]
    assert rows[-1][2] == "création"
    qtbot.keyClick(history, Qt.Key.Key_Escape)
    assert not history.isVisible()
