"""Tableau de bord on the demo territory: cards, chart, instances, next meetings, warnings."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ctgdesk.models import FicheStatus
from ctgdesk.services.dashboard import dashboard
from ctgdesk.ui.pages.dashboard import DashboardPage
from tests.conftest import DEMO_TODAY


@pytest.fixture
def page(demo_ctx, qtbot):
    widget = DashboardPage(demo_ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 760)
    widget.show()
    widget.refresh()
    return widget


@pytest.fixture
def board(demo_ctx):
    with demo_ctx.db.transaction() as s:
        return dashboard(s, 2026, DEMO_TODAY)


def test_cards_show_the_services_figures(page, board):
    assert page.header.title.text() == "Tableau de bord 2026"
    assert page.header.subtitle.text().endswith("situation au lundi 23 novembre 2026.")
    assert page.cards["meetings"].value.text() == str(board.meetings_held)
    assert page.cards["decisions"].value.text() == str(board.open_decisions)
    assert page.cards["decisions"].detail.text() == f"dont {board.overdue_decisions} en retard"
    assert page.cards["decisions"].detail.property("alert") is True
    assert page.cards["alerts"].value.text() == str(board.open_alerts)
    assert page.cards["fiches"].value.text() == str(board.fiches_total)
    assert page.cards["etp"].value.text() == "7,08"
    assert page.cards["etp"].detail.text() == "2025 : 6,10 · 1 en cours"


def test_chart_instances_and_next_meetings(page, board, qtmodeltester):
    bars = {bar.label: bar.value for bar in page.chart.bars()}
    assert bars == {status.label: board.fiches_by_status[status] for status in FicheStatus}
    qtmodeltester.check(page.instances_model, force_py=True)
    qtmodeltester.check(page.meetings_model, force_py=True)
    model = page.instances_model
    rows = {model.index(r, 0).data(): (model.index(r, 1).data(), model.index(r, 3).data())
            for r in range(model.rowCount())}
    assert rows["Comité technique CTG"] == ("1 / 2", "À programmer")
    assert rows["Comité de pilotage CTG"] == ("2 / 2", "Atteint")
    first = page.meetings_model.index(0, 0).data()
    assert first == "mardi 24 novembre 2026, 10 h 00"


def test_warnings_lead_to_their_record(page, board, qtbot):
    assert len(page.warnings.rows) == len(board.warnings) > 0
    texts = [row.text.text() for row in page.warnings.rows]
    assert texts == [w.message for w in board.warnings]
    fiche_row = next(n for n, w in enumerate(board.warnings) if w.record_kind == "fiche")
    with qtbot.waitSignal(page.open_record) as signal:
        qtbot.mouseClick(page.warnings.rows[fiche_row], Qt.MouseButton.LeftButton)
    warning = board.warnings[fiche_row]
    assert signal.args == ["plan", "fiche", warning.record_id]
    with qtbot.waitSignal(page.open_record) as signal:
        page.meetings_view.doubleClicked.emit(page.meetings_model.index(0, 0))
    assert signal.args == ["meetings", "meeting", board.next_meetings[0].meeting_id]


def test_year_before_the_territory(page, demo_ctx, board):
    demo_ctx.year = 2019
    page.refresh()
    assert page.header.subtitle.text().startswith("Aucune convention ne couvre 2019")
    assert page.instances_model.rowCount() == 0
    assert page.cards["meetings"].value.text() == "0"
    # Decisions still open are still late, whatever year is shown.
    late = [w.message for w in board.warnings if w.record_kind == "meeting"]
    assert [row.text.text() for row in page.warnings.rows] == late


def test_empty_database_says_where_to_start(ctx, qtbot):
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.refresh()
    [row] = page.warnings.rows
    assert row.text.text().startswith("La base est vide. Commencez par la page Territoire")
    assert page.cards["etp"].value.text() == "0,00"
    assert page.cards["etp"].detail.text() == "0 structure"


def test_nothing_to_report(ctx, qtbot):
    from ctgdesk.models import OrganisationKind
    from ctgdesk.services import territory

    with ctx.db.transaction() as s:
        territory.create_organisation(s, name="Frévent", kind=OrganisationKind.COMMUNE)
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.refresh()
    assert [row.text.text() for row in page.warnings.rows] == [
        "Rien à signaler : instances réunies, décisions et fiches à jour."]
