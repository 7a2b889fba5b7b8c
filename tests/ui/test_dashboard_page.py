"""Tableau de bord on the demo territory: cards, chart, instances, next meetings, warnings."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ctgdesk.models import FicheStatus
from ctgdesk.services.dashboard import dashboard
from ctgdesk.ui.pages.dashboard import DashboardPage
from ctgdesk.ui.pages.dashboard_warnings import OPEN_HINT
from tests.conftest import DEMO_TODAY


def click_line(qtbot, warnings, row: int) -> None:
    """A left click in the middle of line `row` of a WarningList, as a user makes it."""
    rect = warnings.visualRect(warnings.lines.index(row, 0))
    assert rect.isValid()
    qtbot.mouseClick(warnings.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


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
    assert first == "lundi 23 novembre 2026, 09 h 00"  # demo meetings on working days (a Monday)


def test_warnings_lead_to_their_record(page, board, qtbot):
    assert page.warnings.messages() == [w.message for w in board.warnings]
    assert len(board.warnings) > 0
    fiche_row = next(n for n, w in enumerate(board.warnings) if w.record_kind == "fiche")
    with qtbot.waitSignal(page.open_record) as signal:
        click_line(qtbot, page.warnings, fiche_row)
    warning = board.warnings[fiche_row]
    assert signal.args == ["plan", "fiche", warning.record_id]
    assert page.warnings.lines.item(fiche_row).toolTip() == OPEN_HINT
    with qtbot.waitSignal(page.open_record) as signal:
        page.meetings_view.doubleClicked.emit(page.meetings_model.index(0, 0))
    assert signal.args == ["meetings", "meeting", board.next_meetings[0].meeting_id]


def test_warnings_open_from_the_keyboard(page, board, qtbot):
    """Tab reaches the list, the arrows move along it, Entrée opens the line's record."""
    warnings = page.warnings
    assert warnings.focusPolicy() & Qt.FocusPolicy.TabFocus
    warnings.setFocus()
    warnings.setCurrentIndex(warnings.lines.index(0, 0))
    qtbot.keyClick(warnings, Qt.Key.Key_Down)
    assert warnings.currentIndex().row() == 1
    with qtbot.waitSignal(page.open_record) as signal:
        qtbot.keyClick(warnings, Qt.Key.Key_Return)
    second = board.warnings[1]
    assert signal.args == [second.page, second.record_kind, second.record_id]


def test_a_line_without_a_record_opens_nothing(ctx, qtbot):
    from ctgdesk.services.dashboard import DashboardWarning
    from ctgdesk.ui.pages.dashboard_warnings import WarningList

    warnings = WarningList()
    qtbot.addWidget(warnings)
    warnings.resize(500, 400)
    warnings.set_warnings([DashboardWarning(f"Décision n°{n}", "meetings", "meeting", n) for n in range(4)],
                          {"meeting": 3})
    assert warnings.messages()[4] == "… et 3 de plus (décisions en retard)."
    opened = []
    warnings.open_record.connect(lambda *args: opened.append(args))
    click_line(qtbot, warnings, 4)
    warnings.setCurrentIndex(warnings.lines.index(4, 0))
    qtbot.keyClick(warnings, Qt.Key.Key_Return)
    assert opened == []
    click_line(qtbot, warnings, 2)
    assert opened == [("meetings", "meeting", 2)]


def test_year_before_the_territory(page, demo_ctx, board):
    demo_ctx.year = 2019
    page.refresh()
    assert page.header.subtitle.text().startswith("Aucune convention ne couvre 2019")
    assert page.instances_model.rowCount() == 0
    assert page.cards["meetings"].value.text() == "0"
    # Decisions still open are still late, whatever year is shown.
    late = [w.message for w in board.warnings if w.record_kind == "meeting"]
    assert page.warnings.messages() == late


def test_empty_database_says_where_to_start(ctx, qtbot):
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.refresh()
    [line] = page.warnings.messages()
    assert line.startswith("La base est vide. Commencez par la page Territoire")
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
    assert page.warnings.messages() == [
        "Rien à signaler : instances réunies, décisions et fiches à jour."]
