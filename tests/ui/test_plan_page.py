"""Plan d'action page: the tree, the fiche form (create, edit to « bloquée », en retard),
delete with confirmation and undo, enjeux and objectifs, search and filters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from sqlalchemy import select

from ctgdesk.models import Alert, FicheIndicatorKind, FicheStatus
from ctgdesk.services import plan
from ctgdesk.ui.dialogs.fiche_dialog import TAB_INDICATORS, TAB_MEANS
from ctgdesk.ui.pages.plan import PlanPage
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
    widget = PlanPage(ctx)
    wire_like_main_window(ctx, widget)
    show_page(qtbot, widget, 1320, 760)
    widget.refresh()
    return widget


def tree_texts(page, parent=None) -> list[str]:
    """Every line of the tree as shown (depth-first), indented by level."""
    from PySide6.QtCore import QModelIndex

    parent = parent or QModelIndex()
    lines = []

    def walk(index, depth):
        for row in range(page.proxy.rowCount(index)):
            child = page.proxy.index(row, 0, index)
            lines.append("  " * depth + child.data())
            walk(child, depth + 1)

    walk(parent, 0)
    return lines


def fiche_line(page, fiche_id: int) -> list[str]:
    index = page._find("fiche", fiche_id)
    return [index.siblingAtColumn(c).data() for c in range(page.proxy.columnCount())]


def test_tree_shows_enjeux_objectifs_fiches(page, terr):
    assert tree_texts(page) == [
        "Enjeu 1 : Petite enfance",
        "  1.1 Développer l'offre d'accueil",
        "    1.1.1 Créer un relais petite enfance",
        "  1.2 Accueillir les enfants en situation de handicap",
    ]
    assert fiche_line(page, terr.fiche) == ["1.1.1 Créer un relais petite enfance", "En cours · alerte", "0 %",
                                            "31/12/2026", "Caf du Pas-de-Calais"]
    assert page.header.subtitle.text() == (
        "CTG Test 2026-2030 : 1 enjeu, 2 objectifs, 1 fiche action (0 en retard, 0 bloquée).")


def test_create_fiche_through_the_form(page, ctx, terr, qtbot):
    assert page.select("objectif", terr.objectif)
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = page.dialog
    assert dialog.isVisible() and dialog.objectif_combo.current_key() == terr.objectif
    assert dialog.number_edit.text() == "1.1.2"  # proposed after 1.1.1
    qtbot.keyClicks(dialog.title_edit, "Ouvrir une micro-creche a Oignies")
    qtbot.keyClicks(dialog.status_combo, "en cours")
    dialog.category_edit.setText("Petite enfance")
    dialog.tabs.setCurrentIndex(1)
    qtbot.keyClicks(dialog.pilot_combo, "caf")
    qtbot.keyClicks(dialog.referent_combo, "claire")
    dialog.communes_list.set_checked(terr.communes["Oignies"])
    dialog.partners_list.set_checked(terr.organisations["Département du Pas-de-Calais"])
    dialog.tabs.setCurrentIndex(TAB_MEANS)
    dialog.start_edit.set_value(date(2026, 2, 1))
    dialog.end_edit.set_value(date(2027, 6, 30))
    qtbot.keyClicks(dialog.budget_edit, "40 000,50")
    qtbot.mouseClick(dialog.steps.add_button, Qt.MouseButton.LeftButton)
    step = dialog.steps.lines()[0].widgets
    qtbot.keyClicks(step["title"], "Trouver le local")
    step["end"].set_value(date(2026, 9, 30))
    qtbot.mouseClick(dialog.fundings.add_button, Qt.MouseButton.LeftButton)
    funding = dialog.fundings.lines()[0].widgets
    qtbot.keyClicks(funding["funder"], "caf")
    qtbot.keyClicks(funding["amount"], "24000")
    assert dialog.funding_total.text() == "Financements : 24\u202f000,00 €"
    dialog.tabs.setCurrentIndex(TAB_INDICATORS)
    qtbot.mouseClick(dialog.indicators.add_button, Qt.MouseButton.LeftButton)
    indicator = dialog.indicators.lines()[0].widgets
    qtbot.keyClicks(indicator["label"], "Places ouvertes")
    qtbot.keyClicks(indicator["target"], "10")
    qtbot.keyClicks(indicator["actual"], "4,5")
    dialog.tabs.setCurrentIndex(4)
    qtbot.mouseClick(dialog.follow_ups.add_button, Qt.MouseButton.LeftButton)
    follow_up = dialog.follow_ups.lines()[0].widgets
    assert follow_up["date"].value() == TODAY
    follow_up["progress"].setValue(30)
    qtbot.keyClicks(follow_up["comment"], "Local trouve")
    assert dialog.progress_label.text() == "Avancement actuel (dernier point de suivi) : 30 %"
    save_screenshot(dialog, "fiche_dialog")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted

    new_id = dialog.saved_id
    assert page.selected().id == new_id
    assert fiche_line(page, new_id) == ["1.1.2 Ouvrir une micro-creche a Oignies", "En cours", "30 %",
                                        "30/06/2027", "Caf du Pas-de-Calais"]
    with ctx.db.transaction() as s:
        saved = plan.fiche_input(s, new_id)
    assert saved.budget == Decimal("40000.50") and saved.status is FicheStatus.IN_PROGRESS
    assert saved.referent_id == terr.persons["Claire Dumont"]
    assert [(i.label, i.kind, i.target_value, i.values) for i in saved.indicators] == [
        ("Places ouvertes", FicheIndicatorKind.RESULT, Decimal("10"), {2026: Decimal("4.5")})]
    assert saved.fundings[0].amount == Decimal("24000") and saved.steps[0].title == "Trouver le local"
    detail = page.detail.toPlainText().replace("\u202f", " ").replace("\xa0", " ")
    assert "du dimanche 1 février 2026 au mercredi 30 juin 2027" in detail
    assert "lundi 15 juin 2026 : 30 % — Local trouve" in detail
    assert "Trouver le local (jusqu'au 30/09/2026)" in detail and "Budget\n40 000,50 €" in detail
    save_screenshot(page, "plan")
    ctx.undo_stack.undo()
    assert not page._find("fiche", new_id).isValid()


def test_edit_status_to_bloquee_and_late(page, ctx, terr, qtbot):
    assert page.select("fiche", terr.fiche)
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_Return)
    dialog = page.dialog
    assert dialog.windowTitle() == "Fiche action 1.1.1 — Créer un relais petite enfance"
    assert dialog.late_label.text() == ""
    qtbot.keyClicks(dialog.status_combo, "bloq")
    assert dialog.status_combo.current_key() is FicheStatus.BLOCKED
    dialog.blocking_edit.setPlainText("Pas de local disponible avant 2027")
    # an étape past its end and not done makes the fiche late, as the model says
    dialog.steps.add_line({})
    dialog.steps.lines()[0].widgets["title"].setText("Signer le bail")
    dialog.steps.lines()[0].widgets["end"].set_value(date(2026, 5, 31))
    assert dialog.late_label.text() == "En retard"
    dialog.steps.lines()[0].widgets["done"].setChecked(True)
    assert dialog.late_label.text() == ""
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert fiche_line(page, terr.fiche)[1] == "Bloquée · alerte"
    assert "Blocages : Pas de local disponible avant 2027" in page.detail.toPlainText()
    assert page.header.subtitle.text().endswith("(0 en retard, 1 bloquée).")
    ctx.undo_stack.undo()
    assert fiche_line(page, terr.fiche)[1] == "En cours · alerte"
    ctx.undo_stack.redo()
    assert fiche_line(page, terr.fiche)[1] == "Bloquée · alerte"


def test_form_errors_next_to_fields(page, ctx, terr, qtbot):
    dialog = page.new_fiche()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.errors.message("title") == "Le titre de la fiche est obligatoire."
    dialog.title_edit.setText("Une fiche")
    qtbot.keyClicks(dialog.budget_edit.edit, "beaucoup")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.errors.message("budget") == "Le budget « beaucoup » n'est pas un montant (ex. 1 500,50 €)."
    assert dialog.tabs.currentIndex() == TAB_MEANS and dialog.errors.message("title") == ""
    dialog.budget_edit.clear_value()
    dialog.start_edit.set_value(date(2026, 5, 1))
    dialog.end_edit.set_value(date(2026, 4, 1))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.errors.message("end_date") == "La fin de la fiche (01/04/2026) est avant son début (01/05/2026)."
    dialog.end_edit.clear_value()
    dialog.fundings.add_line({})
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.errors.message("fundings") == "Financement 1 : choisissez le financeur."
    dialog.reject()
    assert len(page.fiches) == 1


def test_delete_fiche_confirm_and_undo(page, ctx, terr, qtbot, accept_questions):
    with ctx.db.transaction() as s:
        plan.add_step(s, terr.fiche, "Cadrage", date(2026, 1, 1), date(2026, 3, 31), True)
        plan.add_follow_up(s, terr.fiche, date(2026, 4, 1), 25, "Lancé")
        uid = plan.fiche_input(s, terr.fiche).uid
    page.refresh()
    assert page.select("fiche", terr.fiche)
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_Delete)
    assert len(accept_questions) == 1 and accept_questions[0].startswith(
        "Supprimer la fiche action « 1.1.1 Créer un relais petite enfance » (avec ses étapes")
    assert ctx.statuses[-1] == "Fiche action supprimée — Ctrl+Z pour annuler"
    assert "    1.1.1 Créer un relais petite enfance" not in tree_texts(page)
    ctx.undo_stack.undo()
    with ctx.db.transaction() as s:
        back_id = plan.fiche_id_for_uid(s, uid)
        back = plan.fiche_input(s, back_id)
        alerts = s.scalars(select(Alert)).all()
    assert [st.title for st in back.steps] == ["Cadrage"] and back.follow_ups[0].progress == 25
    assert [a.fiche_id for a in alerts] == [back_id]  # the COPIL alert points at it again
    assert fiche_line(page, back_id)[:3] == ["1.1.1 Créer un relais petite enfance", "En cours · alerte", "25 %"]


def test_delete_refused_when_not_empty(page, ctx, terr, qtbot, accept_questions, warnings_shown):
    assert page.select("objectif", terr.objectif)
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_Delete)
    assert accept_questions[0].startswith("Supprimer l'objectif « 1.1 Développer l'offre d'accueil » ?")
    assert warnings_shown == ["L'objectif « Développer l'offre d'accueil » a 1 fiche(s) action : supprimez-les d'abord."]
    assert ctx.undo_stack.count() == 0 and "  1.1 Développer l'offre d'accueil" in tree_texts(page)


def test_empty_objectif_delete_and_undo(page, ctx, terr, qtbot, accept_questions):
    assert page.select("objectif", terr.objectif2)
    assert page.delete_selected()
    assert "  1.2 Accueillir les enfants en situation de handicap" not in tree_texts(page)
    ctx.undo_stack.undo()
    assert tree_texts(page)[-1] == "  1.2 Accueillir les enfants en situation de handicap"


def test_new_enjeu_and_objectif_then_edit_and_undo(page, ctx, terr, qtbot):
    dialog = page.new_enjeu()
    assert dialog.number_edit.text() == "2"
    qtbot.keyClicks(dialog.title_edit, "Jeunesse")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert page.selected().kind == "enjeu"
    dialog = page.new_objectif()
    assert dialog.number_edit.text() == "2.1"
    qtbot.keyClicks(dialog.title_edit, "Soutenir l'engagement des jeunes")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert tree_texts(page)[-2:] == ["Enjeu 2 : Jeunesse", "  2.1 Soutenir l'engagement des jeunes"]
    # an empty title is refused next to the field
    page.select("enjeu", page.outline[1].id)
    dialog = page.edit_selected()
    dialog.title_edit.clear()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.errors.message("title") == "L'intitulé de l'enjeu est obligatoire."
    dialog.title_edit.setText("Enfance et jeunesse")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Enjeu 2 : Enfance et jeunesse" in tree_texts(page)
    ctx.undo_stack.undo()
    assert "Enjeu 2 : Jeunesse" in tree_texts(page)
    ctx.undo_stack.undo()  # the objectif
    ctx.undo_stack.undo()  # the enjeu
    assert tree_texts(page)[0] == "Enjeu 1 : Petite enfance" and len(tree_texts(page)) == 4


def test_search_status_and_late_filters(page, ctx, terr, qtbot):
    with ctx.db.transaction() as s:
        late = plan.create_fiche(s, terr.objectif2, number="1.2.1", title="Former les animateurs",
                                 status=FicheStatus.IN_PROGRESS, end_date=date(2026, 3, 31))
    page.refresh()
    qtbot.keyClick(page.tree, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    qtbot.keyClicks(page.search, "relais")
    assert tree_texts(page) == ["Enjeu 1 : Petite enfance", "  1.1 Développer l'offre d'accueil",
                                "    1.1.1 Créer un relais petite enfance"]
    assert page.count_label.text() == "1 sur 2 fiches action"
    page.search.clear()
    qtbot.keyClicks(page.search, "handicap")  # an objectif's words show its fiches
    assert tree_texts(page)[-1] == "    1.2.1 Former les animateurs"
    page.search.clear()
    page.late_check.setChecked(True)
    assert [t.strip() for t in tree_texts(page)] == ["Enjeu 1 : Petite enfance",
                                                     "1.2 Accueillir les enfants en situation de handicap",
                                                     "1.2.1 Former les animateurs"]
    assert fiche_line(page, late.id)[1] == "En cours · en retard"
    page.late_check.setChecked(False)
    page.status_filter.set_current_key(FicheStatus.DONE)
    assert tree_texts(page) == []
    page.status_filter.set_current_key(None)
    assert len(tree_texts(page)) == 5


def test_no_convention_for_the_year(page, ctx):
    ctx.set_year(2035)
    assert tree_texts(page) == []
    assert page.header.subtitle.text().startswith("Aucune convention ne couvre 2035")
    assert not page.new_action.isEnabled() and page.new_fiche() is None


def test_tree_model_passes_qt_checks(page, qtmodeltester):
    qtmodeltester.check(page.proxy)
