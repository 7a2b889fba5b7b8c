"""Journal d'activité page: quick entry from the keyboard, full form, search, delete, undo."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ctgdesk.models import JournalKind
from ctgdesk.services import journal
from ctgdesk.ui.pages.journal import JournalPage, duration_text
from tests.ui.conftest_work import (  # noqa: F401 - fixtures
    TODAY,
    ctx,
    db,
    save_screenshot,
    show_page,
    terr,
    wire_like_main_window,
)


@pytest.fixture
def page(ctx, terr, qtbot):
    widget = JournalPage(ctx)
    wire_like_main_window(ctx, widget)
    show_page(qtbot, widget, 1280, 620)
    widget.refresh()
    return widget


def rows(page):
    return [(r.date, r.function_code, r.kind, r.nature) for r in page.model.rows]


def test_quick_entry_from_the_keyboard(page, ctx, terr, qtbot):
    assert page.model.rowCount() == 2
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    bar = page.bar
    assert bar.kind_combo.hasFocus()
    assert bar.kind_combo.current_key() is None  # the type is chosen for each entry
    assert bar.date_edit.value() == TODAY
    assert bar.coordinator_combo.current_key() == terr.coordinator  # the only coordinator
    qtbot.keyClicks(bar.kind_combo, "relais")
    assert bar.kind_combo.current_key() is JournalKind.RELAIS_CAF
    assert bar.function_combo.currentText() == "3.1"  # from DEFAULT_FUNCTION
    qtbot.keyClick(bar.kind_combo, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is bar.nature_edit
    qtbot.keyClicks(bar.nature_edit, "Relais des appels a projets parentalite")
    qtbot.keyClick(bar.nature_edit, Qt.Key.Key_Return)

    assert (TODAY, "3.1", JournalKind.RELAIS_CAF, "Relais des appels a projets parentalite") in rows(page)
    assert bar.nature_edit.text() == "" and bar.kind_combo.hasFocus()
    assert bar.kind_combo.current_key() is None  # not kept silently for the next entry
    assert ctx.statuses[-1] == "Entrée ajoutée au journal : 3.1 Relais Caf – partenaires"
    assert page.selected_row().nature == "Relais des appels a projets parentalite"
    assert page.proxy.index(page.table.currentIndex().row(), 0).data() == "lundi 15 juin 2026"

    # a second one right away: without a type it is refused, clearly
    qtbot.keyClick(bar.kind_combo, Qt.Key.Key_Tab)
    qtbot.keyClicks(bar.nature_edit, "Cafe des parents")
    qtbot.keyClick(bar.nature_edit, Qt.Key.Key_Return)
    assert bar.error.text().startswith("Choisissez le type d'action") and bar.kind_combo.hasFocus()
    assert page.model.rowCount() == 3
    # with another kind typed in and Enter from the kind field
    qtbot.keyClicks(bar.kind_combo, "initiative")
    qtbot.keyClick(bar.kind_combo, Qt.Key.Key_Return)
    with ctx.db.transaction() as s:
        saved = journal.list_entries(s, year=2026)
    assert [(e.function_code, e.kind) for e in saved if e.nature == "Cafe des parents"] == [
        ("4.1", JournalKind.INITIATIVE_CITOYENNE)]
    assert page.model.rowCount() == 4

    # Ctrl+Z takes back the last quick entry
    ctx.undo_stack.undo()
    assert page.model.rowCount() == 3
    save_screenshot(page, "journal")


def test_new_entry_opens_the_form_with_no_type_chosen(page, ctx, terr, qtbot):
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = page.dialog
    assert dialog.isVisible() and dialog.windowTitle() == "Nouvelle entrée du journal"
    assert dialog.kind_combo.current_key() is None
    assert dialog.coordinator_combo.current_key() == terr.coordinator
    qtbot.keyClicks(dialog.nature_edit, "Point avec le centre social")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.errors.message("kind").startswith("Choisissez le type d'action")
    dialog.kind_combo.setFocus()
    qtbot.keyClicks(dialog.kind_combo, "conseil")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert ("Point avec le centre social", JournalKind.CONSEIL_APPUI) in [(r[3], r[2]) for r in rows(page)]


def test_quick_entry_refuses_empty_nature(page, ctx, qtbot):
    page.bar.kind_combo.setFocus()
    qtbot.keyClicks(page.bar.kind_combo, "relais")
    qtbot.keyClick(page.bar.nature_edit, Qt.Key.Key_Return)
    assert page.bar.error.text() == "La nature est obligatoire."
    assert not page.bar.error.isHidden()
    assert page.model.rowCount() == 2 and ctx.undo_stack.count() == 0


def test_function_can_be_changed_in_the_bar(page, qtbot):
    page.bar.kind_combo.set_current_key(JournalKind.AUTRE)  # no default function for "Autre"
    page.bar.function_combo.set_current_key("2.2")
    page.bar.nature_edit.setText("Veille documentaire")
    entry_id = page.quick_add()
    row = page.model.row(page.model.find(lambda r: r.id == entry_id))
    assert (row.function_code, row.kind) == ("2.2", JournalKind.AUTRE)


def test_search_delete_and_undo(page, ctx, terr, qtbot, accept_questions):
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    qtbot.keyClicks(page.search, "modes accueil")
    assert page.proxy.rowCount() == 1 and page.list.count_label.text() == "1 sur 2 entrées"
    page.table.setCurrentIndex(page.proxy.index(0, 0))
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert len(accept_questions) == 1 and accept_questions[0].startswith(
        "Supprimer l'entrée « Guide des modes d'accueil » du lundi 1 juin 2026 ?")
    assert page.model.rowCount() == 1 and ctx.statuses[-1] == "Entrée supprimée — Ctrl+Z pour annuler"
    ctx.undo_stack.undo()
    back = page.model.row(page.model.find(lambda r: r.nature == "Guide des modes d'accueil"))
    assert (back.date, back.function_code, back.duration_minutes) == (date(2026, 6, 1), "4.2", 90)
    ctx.undo_stack.redo()
    assert page.model.rowCount() == 1


def test_details_dialog_with_partners_communes_duration(page, ctx, terr, qtbot):
    page.bar.kind_combo.set_current_key(JournalKind.CONSEIL_APPUI)
    page.bar.nature_edit.setText("Appui au diagnostic jeunesse")
    qtbot.mouseClick(page.bar.details_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog.nature_edit.text() == "Appui au diagnostic jeunesse"
    assert dialog.function_combo.current_key() == "3.2"
    dialog.partners_list.set_checked(terr.organisations["Caf du Pas-de-Calais"])
    dialog.communes_list.set_checked(terr.communes["Oignies"])
    dialog.duration_spin.setValue(90)
    dialog.description_edit.setPlainText("Deux rendez-vous avec la mission locale.")
    save_screenshot(dialog, "journal_dialog")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    row = page.selected_row()
    assert (row.nature, row.partners, row.communes, row.duration_minutes) == (
        "Appui au diagnostic jeunesse", "Caf du Pas-de-Calais", "Oignies", 90)
    assert page.bar.nature_edit.text() == ""
    column = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())].index("Durée")
    assert page.model.cell_text(page.model.find(lambda r: r.id == row.id), column) == "1 h 30"


def test_edit_error_then_undo(page, ctx, qtbot):
    number = page.model.find(lambda r: r.nature == "Appui au projet social")
    page.table.setCurrentIndex(page.proxy.mapFromSource(page.model.index(number, 0)))
    dialog = page.edit_selected()
    assert dialog.windowTitle() == "Entrée du journal du lundi 4 mai 2026"
    dialog.nature_edit.clear()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.errors.message("nature") == "La nature est obligatoire."
    dialog.nature_edit.setText("Appui au projet social du Faubourg")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert page.selected_row().nature == "Appui au projet social du Faubourg"
    ctx.undo_stack.undo()
    assert page.model.find(lambda r: r.nature == "Appui au projet social") is not None


def test_other_year_and_sorting(page, ctx):
    page.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert page.proxy.index(0, 0).data() == "lundi 4 mai 2026"
    page.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert [page.proxy.index(r, 1).data() for r in range(2)] == ["3.2", "4.2"]
    ctx.set_year(2025)
    assert page.model.rowCount() == 0 and page.bar.date_edit.value() == date(2025, 12, 31)


def test_duration_text():
    assert [duration_text(m) for m in (None, 0, 45, 60, 90, 125)] == ["", "", "45 min", "1 h", "1 h 30", "2 h 05"]


def test_journal_model_passes_qt_checks(page, qtmodeltester):
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.proxy)
