"""Coordination & ETP: coordinators through their dialog, the ETP grid and its dialog."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from ctgdesk.models import OrganisationKind
from ctgdesk.services import etp, people, territory
from ctgdesk.services.etp import ShareInput
from ctgdesk.ui.pages.staff import StaffPage
from ctgdesk.ui.widgets.forms import select_data


@pytest.fixture
def ids(ctx):
    with ctx.db.transaction() as s:
        territory.create_convention(s, name="CTG 1", territory="Ternois", first_year=2022, last_year=2025)
        territory.create_convention(s, name="CTG 2", territory="Ternois", first_year=2026, last_year=2030)
        epci = territory.create_organisation(s, name="CC du Ternois", kind=OrganisationKind.EPCI)
        frevent = territory.create_organisation(s, name="Frévent", kind=OrganisationKind.COMMUNE)
        auxi = territory.create_organisation(s, name="Auxi-le-Château", kind=OrganisationKind.COMMUNE)
        claire = people.create_coordinator(
            s, people.create_person(s, last_name="Martin", first_name="Claire", email="claire@ternois.fr").id,
            employer_id=epci.id, is_project_lead=True, start_date=date(2022, 1, 1))
        paul = people.create_coordinator(s, people.create_person(s, last_name="Roux", first_name="Paul").id)
        etp.set_allocation(s, epci.id, 2025, "0,80", shares=[ShareInput(claire.id, "0,80")])
        etp.set_allocation(s, epci.id, 2026, "1,00", shares=[ShareInput(claire.id, "0,70"), ShareInput(paul.id)])
        etp.set_allocation(s, frevent.id, 2025, "0,40")
        etp.set_allocation(s, frevent.id, 2026, "0,30", shares=[ShareInput(paul.id, "0,30")])
        etp.set_allocation(s, auxi.id, 2026, "En cours")
        return dict(epci=epci.id, frevent=frevent.id, auxi=auxi.id, claire=claire.id, paul=paul.id)


@pytest.fixture
def page(ctx, ids, qtbot):
    widget = StaffPage(ctx)
    qtbot.addWidget(widget)
    ctx.signals.data_changed.connect(widget.refresh)
    widget.show()
    widget.refresh()
    return widget


def texts(model, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_coordinators_with_their_etp_of_the_year(page, qtmodeltester):
    qtmodeltester.check(page.staff_model, force_py=True)
    assert texts(page.staff_model, 0) == ["Claire Martin", "Paul Roux"]
    assert page.staff_model.headerData(1, Qt.Orientation.Horizontal) == "ETP 2026"
    assert texts(page.staff_model, 1) == ["0,70", "0,30"]
    assert texts(page.staff_model, 2) == ["CC du Ternois", "CC du Ternois, Frévent"]
    assert texts(page.staff_model, 5) == ["Oui", ""]
    assert page.loads_banner.isHidden()
    assert page.header.subtitle.text() == "2 chargé·e·s de coopération ; ETP 2026 : 1,30 (1 structure(s) en cours)."


def test_etp_grid_with_totals_pending_cells_and_evolution(page, qtmodeltester):
    qtmodeltester.check(page.grid_model, force_py=True)
    model = page.grid_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    # each year's figure per structure and the convention's total per year — never 2025 + 2026
    assert headers == ["Commune ou structure", "2025", "2026", "Évolution 2025 → 2026"]
    assert texts(model, 0) == ["Auxi-le-Château", "CC du Ternois", "Frévent", "Total de l'année"]
    assert texts(model, 1) == ["", "0,80", "0,40", "1,20"]
    assert texts(model, 2) == ["En cours", "1,00", "0,30", "1,30"]
    assert texts(model, 3) == ["? inconnue", "↗ hausse", "↘ baisse", ""]
    assert model.index(0, 2).data(Qt.ItemDataRole.BackgroundRole) is not None  # "En cours" stands out
    assert "1 structure(s) « En cours »" in model.index(3, 2).data(Qt.ItemDataRole.ToolTipRole)
    assert "Claire Martin" in model.index(1, 2).data(Qt.ItemDataRole.ToolTipRole)
    # Sorting by 2026 keeps the total last; searching keeps it too.
    page.grid_table.view.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert [r.name for r in page.grid_table.visible_rows()] == ["CC du Ternois", "Frévent", "Auxi-le-Château", "Total de l'année"]
    page.grid_table.search.setText("frevent")
    assert [r.name for r in page.grid_table.visible_rows()] == ["Frévent", "Total de l'année"]
    assert page.grid_table.count_label.text() == "1 sur 3 structures"


def test_comparison_years_are_chosen(page):
    page.before_year.setCurrentIndex(page.before_year.findData(2026))
    page.after_year.setCurrentIndex(page.after_year.findData(2025))
    page.refresh()
    model = page.grid_model
    assert model.headerData(3, Qt.Orientation.Horizontal) == "Évolution 2026 → 2025"
    assert texts(model, 3)[1:3] == ["↘ baisse", "↗ hausse"]


def test_create_edit_delete_and_undo_a_coordinator(page, ctx, qtbot, accept_questions):
    page.tabs.setCurrentWidget(page.people_tab)
    page.new_coordinator_action.trigger()
    dialog = page.dialog
    dialog.save_button.click()
    assert dialog.errors.message("last_name") == "Le nom est obligatoire."
    dialog.first_name.setText("Inès")  # QTest types ASCII only
    qtbot.keyClicks(dialog.last_name, "Lambert")
    dialog.email.setText("ines@")
    dialog.save_button.click()
    assert dialog.errors.message("email") == "L'adresse « ines@ » n'est pas une adresse électronique."
    dialog.email.setText("ines.lambert@frevent.fr")
    dialog.start.set_value(date(2026, 3, 1))
    dialog.end.set_value(date(2026, 2, 1))
    dialog.save_button.click()
    assert dialog.errors.message("end_date") == "La fin de poste (01/02/2026) est avant la prise de poste (01/03/2026)."
    dialog.end.set_value(None)
    select_data(dialog.employer, page.grid_model.row(page.grid_model.find(lambda r: r.name == "Frévent")).organisation_id)
    dialog.save_button.click()
    assert not dialog.isVisible()
    assert texts(page.staff_model, 0) == ["Inès Lambert", "Claire Martin", "Paul Roux"]
    assert page.staff_table.current_row().coordinator.employer == "Frévent"

    # Edit.
    page.edit_coordinator_action.trigger()
    page.dialog.cadre.setText("Animatrice territoriale")
    page.dialog.save_button.click()
    assert page.staff_table.current_row().coordinator.cadre_emploi == "Animatrice territoriale"
    ctx.undo_stack.undo()
    assert page.staff_table.current_row().coordinator.cadre_emploi == ""
    ctx.undo_stack.redo()

    # Delete Claire (with her ETP shares), then undo: she comes back with them.
    page.staff_table.select(lambda r: r.coordinator.name == "Claire Martin")
    page.delete_coordinator_action.trigger()
    assert "Claire Martin" in accept_questions[-1]
    assert texts(page.staff_model, 0) == ["Inès Lambert", "Paul Roux"]
    ctx.undo_stack.undo()
    assert texts(page.staff_model, 0) == ["Inès Lambert", "Claire Martin", "Paul Roux"]
    assert texts(page.staff_model, 1)[1] == "0,70"
    assert ctx.undo_stack.undoText() == "Modifier Inès Lambert"


def test_allocation_through_the_dialog_with_french_refusals(page, ctx, qtbot):
    page.tabs.setCurrentWidget(page.grid_tab)
    page.grid_table.select(lambda r: r.name == "Frévent")
    page.new_allocation_action.trigger()
    dialog = page.dialog
    assert dialog.organisation.currentText() == "Frévent" and dialog.year.value() == 2026
    assert dialog.etp.text() == "0,30"  # what is recorded for Frévent in 2026
    dialog.etp.setText("-0,2")
    dialog.save_button.click()
    assert dialog.errors.message("etp") == "Un ETP ne peut pas être négatif (-0,20)."
    dialog.etp.setText("0,6")
    check, part = dialog.share_rows[page.staff_model.row(0).id]  # Claire, 0,70 elsewhere in 2026
    check.setChecked(True)
    part.setText("0,5")  # with Paul's 0,30: 0,80 for an ETP of 0,60
    dialog.save_button.click()
    assert dialog.errors.message("shares") == (
        "La somme des parts (0,80 ETP) dépasse l'ETP de Frévent en 2026 (0,60 ETP).")
    dialog.etp.setText("1")
    dialog.save_button.click()
    assert dialog.errors.message("shares") == "Claire Martin dépasserait 1,00 ETP en 2026 (total 1,20 ETP)."
    part.setText("0,3")
    dialog.save_button.click()
    assert not dialog.isVisible()
    assert texts(page.grid_model, 2) == ["En cours", "1,00", "1,00", "2,00"]
    assert texts(page.staff_model, 1) == ["1,00", "0,30"]

    ctx.undo_stack.undo()
    assert texts(page.grid_model, 2) == ["En cours", "1,00", "0,30", "1,30"]
    assert texts(page.staff_model, 1) == ["0,70", "0,30"]
    ctx.undo_stack.redo()
    assert texts(page.grid_model, 2)[2] == "1,00"


def test_new_year_cell_and_pending(page, ctx):
    page.tabs.setCurrentWidget(page.grid_tab)
    page.new_allocation_action.trigger()
    dialog = page.dialog
    select_data(dialog.organisation, dialog.organisation.itemData(dialog.organisation.findText("Auxi-le-Château")))
    assert dialog.pending.isChecked()  # Auxi is "En cours" in 2026
    dialog.year.set_value(2027)  # nothing recorded in 2027: the form keeps what it holds
    assert dialog.pending.isChecked() and dialog.windowTitle() == "Saisir un ETP de coordination"
    dialog.pending.setChecked(False)
    dialog.save_button.click()
    assert dialog.errors.message("etp") == "Indiquez l'ETP (ex. 0,40) ou cochez « En cours »."
    dialog.year.set_value(2031)
    dialog.pending.setChecked(True)
    dialog.save_button.click()
    assert dialog.errors.message("year").startswith("L'année 2031 est hors des conventions")
    dialog.year.set_value(2027)
    dialog.save_button.click()
    assert not dialog.isVisible()
    headers = [page.grid_model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.grid_model.columnCount())]
    assert headers[1:4] == ["2025", "2026", "2027"]
    assert texts(page.grid_model, 3)[0] == "En cours"


def test_delete_an_allocation_cell_and_undo(page, ctx, accept_questions):
    page.tabs.setCurrentWidget(page.grid_tab)
    view = page.grid_table.view
    page.grid_table.select(lambda r: r.name == "Frévent")
    view.setCurrentIndex(view.currentIndex().siblingAtColumn(1))  # 2025
    page.delete_allocation_action.trigger()
    assert accept_questions == ["Supprimer l'ETP 2025 de « Frévent » ?\n\nVous pourrez revenir en arrière avec "
                                "Édition ▸ Annuler (Ctrl+Z)."]
    assert texts(page.grid_model, 1) == ["", "0,80", "", "0,80"]
    ctx.undo_stack.undo()
    assert texts(page.grid_model, 1) == ["", "0,80", "0,40", "1,20"]


def test_over_allocation_warning(page, ctx):
    from ctgdesk.models import EtpAllocation, EtpShare

    with ctx.db.transaction() as s:  # as an import of older data could leave it
        allocation = EtpAllocation(organisation_id=page.grid_model.row(0).organisation_id, year=2026,
                                   etp=Decimal("0.5"))
        s.query(EtpAllocation).filter_by(organisation_id=allocation.organisation_id, year=2026).delete()
        allocation.shares.append(EtpShare(coordinator_id=page.staff_model.row(0).id, etp=Decimal("0.5")))
        s.add(allocation)
    page.refresh()
    assert not page.loads_banner.isHidden()
    assert page.loads_banner.text() == (
        "⚠ Claire Martin : 1,20 ETP en 2026, plus d'un temps plein (Auxi-le-Château, CC du Ternois).")
    assert page.staff_model.index(0, 1).data(Qt.ItemDataRole.ForegroundRole) is not None


def test_show_record_selects_the_coordinator(page, ids):
    page.tabs.setCurrentWidget(page.grid_tab)
    page.show_record("coordinator", ids["paul"])
    assert page.tabs.currentWidget() is page.people_tab
    assert page.staff_table.current_row().coordinator.name == "Paul Roux"


def test_her_etp_year_by_year_in_her_own_form_and_editable_there(page, ctx, ids, qtbot):
    page.tabs.setCurrentWidget(page.people_tab)
    page.staff_table.view.setFocus()
    page.staff_table.view.selectRow(0)  # Claire Martin
    qtbot.keyClick(page.staff_table.view, Qt.Key.Key_Return)
    dialog = page.dialog
    assert dialog.isVisible() and dialog.coordinator_id == ids["claire"]
    lines = [(r.year, r.organisation, r.share, r.structure_etp) for r in dialog.shares_model.rows]
    assert lines == [(2026, "CC du Ternois", Decimal("0.70"), Decimal("1.00")),
                     (2025, "CC du Ternois", Decimal("0.80"), Decimal("0.80"))]
    assert dialog.shares_total.text() == "2026 : 0,70 ETP ; 2025 : 0,80 ETP"
    # her 2026 part changed from her form: Entrée on the line opens the ETP form
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.mouseClick(dialog.shares_view.viewport(), Qt.MouseButton.LeftButton,
                     pos=dialog.shares_view.visualRect(dialog.shares_model.index(0, 1)).center())
    assert dialog.shares_view.hasFocus()
    qtbot.keyClick(dialog.shares_view, Qt.Key.Key_Return)
    etp_dialog = dialog.etp_dialog
    assert etp_dialog.isVisible() and etp_dialog.organisation.currentText() == "CC du Ternois"
    _check, part = etp_dialog.share_rows[ids["claire"]]
    part.selectAll()
    qtbot.keyClicks(part, "0,60")
    etp_dialog.save_button.click()
    assert not etp_dialog.isVisible()
    assert dialog.shares_total.text() == "2026 : 0,60 ETP ; 2025 : 0,80 ETP"
    with ctx.db.transaction() as s:
        assert etp.coordinator_total(s, ids["claire"], 2026) == Decimal("0.60")
    ctx.undo_stack.undo()
    with ctx.db.transaction() as s:
        assert etp.coordinator_total(s, ids["claire"], 2026) == Decimal("0.70")
    dialog.reject()


def test_the_number_of_people_follows_the_coordinators_ticked(page, ctx, ids, qtbot):
    page.tabs.setCurrentWidget(page.grid_tab)
    page.grid_table.select(lambda r: r.name == "Frévent")
    page.new_allocation_action.trigger()
    dialog = page.dialog
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.people_count.value() == 1  # Paul, recorded for Frévent in 2026
    claire, _part = dialog.share_rows[ids["claire"]]
    qtbot.mouseClick(claire, Qt.MouseButton.LeftButton, pos=claire.rect().center())  # two ticked now
    assert claire.isChecked() and dialog.people_count.value() == 2
    dialog.save_button.click()
    assert not dialog.isVisible()
    with ctx.db.transaction() as s:
        cell = etp.etp_grid(s, [2026]).rows
    frevent = next(r for r in cell if r.name == "Frévent")
    assert frevent.cells[2026].people_count == 2
    assert frevent.cells[2026].people == ("Claire Martin", "Paul Roux")
