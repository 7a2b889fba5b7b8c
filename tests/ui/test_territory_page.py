"""Territoire: communes and structures created, edited, searched, deleted and restored."""

from __future__ import annotations

from datetime import date

import pytest

from ctgdesk.models import OrganisationKind
from ctgdesk.services import etp, territory
from ctgdesk.ui.pages.territory import TerritoryPage
from ctgdesk.ui.widgets.forms import select_data


@pytest.fixture
def page(ctx, qtbot):
    with ctx.db.transaction() as s:
        territory.create_convention(s, name="CTG du Ternois", territory="Ternois", first_year=2025, last_year=2029)
        epci = territory.create_organisation(s, name="CC du Ternois", kind=OrganisationKind.EPCI)
        territory.create_organisation(s, name="Frévent", kind=OrganisationKind.COMMUNE, insee_code="62361",
                                      population=3700, parent_id=epci.id, deliberation_date=date(2025, 11, 3))
        territory.create_organisation(s, name="Auxi-le-Château", kind=OrganisationKind.COMMUNE, insee_code="62060")
    widget = TerritoryPage(ctx)
    qtbot.addWidget(widget)
    ctx.signals.data_changed.connect(widget.refresh)
    widget.show()
    widget.refresh()
    return widget


def names(page: TerritoryPage) -> list[str]:
    return [row.name for row in page.table.visible_rows()]


def test_lists_conventions_and_organisations_with_engagement(page, qtmodeltester):
    qtmodeltester.check(page.model, force_py=True)
    qtmodeltester.check(page.conventions_model, force_py=True)
    assert names(page) == ["Auxi-le-Château", "CC du Ternois", "Frévent"]
    assert page.conventions_model.index(0, 2).data() == "2025–2029"
    assert page.header.subtitle.text() == "Convention en 2026 : CTG du Ternois (2025–2029)."
    engagement = [page.model.index(r, 2).data() for r in range(3)]
    assert engagement == ["Non engagée", "", "Délibération prise"]
    assert page.model.index(2, 3).data() == "03/11/2025"
    assert page.model.index(2, 6).data() == "3\u202f700"
    assert page.engagement.text() == "2 communes : 1 délibération(s) prise(s), 0 fiche(s) d'engagement signée(s)."
    page.filter.setCurrentIndex(2)  # structures only
    assert names(page) == ["CC du Ternois"]


def test_search_filters_the_lines(page, qtbot):
    qtbot.keyClicks(page.table.search, "frevent")
    assert names(page) == ["Frévent"]
    assert page.table.count_label.text() == "1 sur 3 lignes"
    page.table.search.clear()
    assert len(names(page)) == 3


def test_create_shows_errors_next_to_the_field_then_saves(page, ctx, qtbot):
    page.new_action.trigger()
    dialog = page.dialog
    assert dialog.isVisible() and dialog.windowTitle() == "Nouvelle commune ou structure"
    dialog.save_button.click()
    assert dialog.isVisible()
    assert dialog.errors.message("name") == "Le nom est obligatoire."
    qtbot.keyClicks(dialog.name, "Hesdin")
    qtbot.keyClicks(dialog.insee, "6245")  # 4 digits: a leading zero would be added → 06245, fine
    dialog.insee.setText("62ABC")
    dialog.save_button.click()
    assert dialog.isVisible()
    assert dialog.errors.message("name") == ""
    assert dialog.errors.message("insee_code").startswith("Le code INSEE « 62ABC » est invalide")
    assert dialog.insee.property("invalid") is True
    dialog.insee.setText("62361")  # Frévent's
    dialog.save_button.click()
    assert dialog.errors.message("insee_code") == "Le code INSEE 62361 est déjà celui de « Frévent »."
    dialog.insee.setText("62447")
    dialog.population.setValue(2200)
    dialog.deliberation.set_value(date(2026, 1, 12))
    dialog.signed.setChecked(True)
    dialog.engagement_date.set_value(date(2026, 2, 2))
    dialog.save_button.click()
    assert not dialog.isVisible()
    assert names(page) == ["Auxi-le-Château", "CC du Ternois", "Frévent", "Hesdin"]
    assert page.table.current_row().name == "Hesdin"
    with ctx.db.transaction() as s:
        hesdin = territory.find_organisation(s, "Hesdin")
        assert (hesdin.insee_code, hesdin.population, hesdin.engagement_signed, hesdin.engagement_date) == (
            "62447", 2200, True, date(2026, 2, 2))
    # Undo the creation, redo it.
    ctx.undo_stack.undo()
    assert "Hesdin" not in names(page)
    ctx.undo_stack.redo()
    assert "Hesdin" in names(page)


def test_edit_then_undo_and_redo(page, ctx, qtbot):
    page.table.select(lambda r: r.name == "Auxi-le-Château")
    page.edit_action.trigger()
    dialog = page.dialog
    assert dialog.name.text() == "Auxi-le-Château" and dialog.insee.text() == "62060"
    select_data(dialog.parent_combo, page.model.row(page.model.find(lambda r: r.name == "CC du Ternois")).id)
    dialog.name.setText("Auxi-le-Château (commune)")
    dialog.save_button.click()
    assert not dialog.isVisible()
    row = page.table.current_row()
    assert (row.name, row.parent_name) == ("Auxi-le-Château (commune)", "CC du Ternois")
    assert ctx.undo_stack.undoText() == "Modifier « Auxi-le-Château (commune) »"
    ctx.undo_stack.undo()
    assert "Auxi-le-Château" in names(page)
    assert page.model.row(page.model.find(lambda r: r.name == "Auxi-le-Château")).parent_name is None
    ctx.undo_stack.redo()
    assert "Auxi-le-Château (commune)" in names(page)


def test_delete_confirmed_then_undone(page, ctx, accept_questions):
    page.table.select(lambda r: r.name == "Frévent")
    page.table.delete_requested.emit(page.table.current_row())  # what Suppr does
    assert accept_questions and "« Frévent »" in accept_questions[0]
    assert names(page) == ["Auxi-le-Château", "CC du Ternois"]
    ctx.undo_stack.undo()
    assert names(page) == ["Auxi-le-Château", "CC du Ternois", "Frévent"]
    restored = page.model.row(page.model.find(lambda r: r.name == "Frévent"))
    assert (restored.insee_code, restored.parent_name, restored.deliberation_date) == (
        "62361", "CC du Ternois", date(2025, 11, 3))
    ctx.undo_stack.redo()
    assert "Frévent" not in names(page)


def test_delete_answered_no_keeps_the_line(page, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    page.table.select(lambda r: r.name == "Frévent")
    page.delete_action.trigger()
    assert "Frévent" in names(page)


def test_delete_refused_says_why_in_french(page, ctx, accept_questions, warnings_shown):
    with ctx.db.transaction() as s:
        etp.set_allocation(s, territory.find_organisation(s, "CC du Ternois").id, 2026, "0,5")
    page.refresh()
    page.table.select(lambda r: r.name == "CC du Ternois")
    page.delete_action.trigger()
    assert warnings_shown == ["« CC du Ternois » ne peut pas être supprimée : elle a 1 allocation d'ETP."]
    assert "CC du Ternois" in names(page)
    assert ctx.undo_stack.count() == 0


def test_a_year_two_conventions_cover_is_the_newer_ones_as_on_the_dashboard(ctx, qtbot):
    """CTG 1 ends the year CTG 2 begins: that year is CTG 2's, on every page."""
    from ctgdesk.services.dashboard import dashboard

    with ctx.db.transaction() as s:
        territory.create_convention(s, name="CTG 2 du Ternois", territory="Ternois", first_year=2022, last_year=2026)
        territory.create_convention(s, name="CTG 1 du Ternois", territory="Ternois", first_year=2018, last_year=2022)
    ctx.year = 2022
    page = TerritoryPage(ctx)
    qtbot.addWidget(page)
    page.refresh()
    assert page.header.subtitle.text() == "Convention en 2022 : CTG 2 du Ternois (2022–2026)."
    with ctx.db.transaction() as s:
        assert dashboard(s, 2022, date(2022, 6, 1)).convention == "CTG 2 du Ternois"
    ctx.year = 2019
    page.refresh()
    assert page.header.subtitle.text() == "Convention en 2019 : CTG 1 du Ternois (2018–2022)."
