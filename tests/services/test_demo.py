"""The demo territory is realistic and consistent with the rules."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from ctgdesk.models import (
    Alert, Coordinator, Decision, Enjeu, Expertise, FicheAction, FicheStatus, Instance, InstanceKind,
    JournalEntry, Meeting, Organisation,
)
from ctgdesk.services import etp


def _count(s, model, *where):
    return s.scalar(select(func.count()).select_from(model).where(*where))


def test_demo_has_every_part_of_the_job(demo_db):
    with demo_db.transaction() as s:
        assert 12 <= _count(s, Organisation) - 4 <= 24  # minus CAF, Département, MSA, collège
        assert 8 <= _count(s, Coordinator) <= 12
        kinds = set(s.scalars(select(Instance.kind).join(Meeting, Meeting.instance_id == Instance.id).distinct()))
        assert kinds == set(InstanceKind)
        years = set(s.scalars(select(func.strftime("%Y", Meeting.starts_at)).distinct()))
        assert years == {"2025", "2026"}
        assert _count(s, Decision) > 10 and _count(s, Alert) >= 3 and _count(s, Expertise) >= 3
        assert _count(s, Enjeu) == 3 and _count(s, FicheAction) >= 8
        statuses = set(s.scalars(select(FicheAction.status).distinct()))
        assert statuses == set(FicheStatus)
        assert _count(s, JournalEntry) > 30


def test_demo_etp_is_fractional_and_within_rules(demo_db):
    with demo_db.transaction() as s:
        grid = etp.etp_grid(s, [2025, 2026])
        values = [c.etp for r in grid.rows for c in r.cells.values() if c.etp is not None]
        assert any(v % 1 for v in values)
        assert grid.pending_count(2026) == 1
        assert all(not load.over_allocated for load in etp.coordinator_loads(s, 2026))
        assert grid.column_total(2026) == Decimal("7.080")


def test_demo_meetings_are_on_working_days_within_working_hours(demo_db):
    from ctgdesk.services.demo import WORKING_HOURS

    with demo_db.transaction() as s:
        times = s.execute(select(Meeting.starts_at, Meeting.ends_at)).all()
    assert len(times) > 50
    for starts_at, ends_at in times:
        assert starts_at.weekday() < 5, f"réunion un {starts_at:%A} : {starts_at}"
        assert WORKING_HOURS[0] <= starts_at.time() and ends_at.time() <= WORKING_HOURS[1], (starts_at, ends_at)
        assert ends_at.date() == starts_at.date()


def test_instances_come_governance_first_then_by_name(demo_db):
    from ctgdesk.services import meetings

    with demo_db.transaction() as s:
        names = [i.name for i in meetings.list_instances(s)]
    assert names[:4] == ["Comité de pilotage CTG", "Comité technique CTG", "Comité opérationnel", "Groupe d'élus CTG"]
    rest = names[4:]
    assert rest == sorted(rest, key=lambda n: n.lower().replace("é", "e")) and len(rest) == 8
