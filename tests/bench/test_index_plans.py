"""The lists and the bilan never read a big table whole (EXPLAIN QUERY PLAN of every statement
they run): the biggest territory has 20 000 meetings, 150 000 attendances, 25 000 decisions and
50 000 journal entries, and each list reads one period. Small tables (organisations, people,
instances, coordinators, fiches: a few hundred rows) are read whole on purpose, as name tables."""

from __future__ import annotations

from datetime import date

import pytest
from tests.bench.statements import statements_of

from ctgdesk.models import OrganisationKind
from ctgdesk.services import journal, meetings, people, territory
from ctgdesk.services.bilan import Scope, compute_bilan
from ctgdesk.services.dashboard import dashboard

BIG_TABLES = ("meeting", "attendance", "decision", "expertise", "journal_entry", "journal_partner", "journal_commune",
              "meeting_commune")  # not alert: 1 500 at most, the open ones are read whole
TODAY = date(2026, 11, 23)


def full_scans(session, action) -> list[tuple[str, str]]:
    statements = statements_of(session, action)
    selects = [(s, p) for s, p in statements if s.lstrip().upper().startswith("SELECT")]
    assert selects
    found = []
    for statement, parameters in selects:
        for row in session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters):
            step = row[-1]
            if step.startswith("SCAN ") and step.split()[1] in BIG_TABLES:
                found.append((step, statement))
    return found


@pytest.fixture
def ids(session):
    commune = territory.create_organisation(session, name="Arras", kind=OrganisationKind.COMMUNE)
    coordinator = people.create_coordinator(session, people.create_person(session, last_name="Dumont").id)
    return commune.id, coordinator.id


@pytest.mark.parametrize("scope", ["territory", "commune", "coordinator"])
def test_bilan_reads_its_period_only(session, ids, scope):
    chosen = {"territory": Scope.territory(), "commune": Scope.commune(ids[0]),
              "coordinator": Scope.coordinator(ids[1])}[scope]
    assert full_scans(session, lambda: compute_bilan(session, 2022, 2026, chosen, TODAY)) == []


def test_lists_and_dashboard_read_their_period_only(session, ids):
    commune_id, coordinator_id = ids
    for action in (
        lambda: journal.list_entries(session, year=2025),
        lambda: journal.list_entries(session, year=2025, coordinator_id=coordinator_id),
        lambda: meetings.list_meetings(session, year=2025),
        lambda: meetings.list_meetings(session, year=2025, commune_id=commune_id),
        lambda: dashboard(session, 2025, TODAY),
    ):
        assert full_scans(session, action) == []
