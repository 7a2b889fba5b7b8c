"""The benchmark's territory generator, at 1/100 scale: it builds, counts match, it is deterministic."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from sqlalchemy import func, select

from bench.generate import Params, _generate, build, ensure_built
from ctgdesk.db import open_database
from ctgdesk.models import Attendance, Decision, JournalEntry, Meeting, Organisation, OrganisationKind
from ctgdesk.services import meetings

TODAY = date(2026, 11, 23)
SCALE = 0.01


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "territory.sqlite"
    params = Params().scaled(SCALE)
    counts = build(path, params, seed=7, today=TODAY)
    return path, params, counts


def test_scaled_parameters():
    params = Params().scaled(SCALE)
    assert (params.meetings, params.attendances, params.journal_entries, params.fiches, params.communes) == (
        200, 1500, 500, 3, 1)
    assert params.years == 10  # years do not scale
    assert Params().scaled(1) == Params()
    with pytest.raises(ValueError):
        Params().scaled(0)


def test_counts_match_the_parameters(built):
    path, params, counts = built
    database = open_database(path)
    try:
        with database.transaction() as session:
            def count(model, *where):
                return session.scalar(select(func.count()).select_from(model).where(*where))

            assert count(Meeting) == counts["meeting"] == params.meetings
            assert count(Attendance) == params.attendances
            assert count(Decision) == params.decisions
            assert count(JournalEntry) == params.journal_entries
            assert count(Organisation, Organisation.kind == OrganisationKind.COMMUNE) == params.communes
            assert counts["fiche_action"] == params.fiches
            assert counts["coordinator"] == params.coordinators
            assert counts["etp_allocation"] == (params.communes + params.structures) * params.years
            years = session.execute(select(func.min(Meeting.starts_at), func.max(Meeting.starts_at))).one()
            assert (years[0].year, years[1].year) == (TODAY.year - 9, TODAY.year)
            # The app's own services read it: the year's list counts what the table holds.
            in_2025 = count(Meeting, Meeting.starts_at >= date(2025, 1, 1), Meeting.starts_at < date(2026, 1, 1))
            rows = meetings.list_meetings(session, year=2025)
            assert len(rows) == in_2025 > 0
            assert sum(r.decisions for r in rows) == count(
                Decision, Decision.meeting_id.in_(select(Meeting.id).where(Meeting.starts_at >= date(2025, 1, 1),
                                                                           Meeting.starts_at < date(2026, 1, 1))))
        assert database.schema_revision() is not None
    finally:
        database.dispose()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    connection.close()


def test_same_seed_same_rows_other_seed_other_rows():
    params = Params().scaled(SCALE)

    def rows(seed):
        return {name: data for name, data in _generate(params, seed, TODAY, ["1.1", "4.2"], ["3.2-E1"])}

    first, again, other = rows(3), rows(3), rows(4)
    assert first == again
    assert first["meeting"] != other["meeting"]


def test_cache_is_reused(tmp_path):
    messages = []
    first = ensure_built(SCALE, today=TODAY, out_dir=tmp_path, log=messages.append)
    mtime = first.stat().st_mtime_ns
    second = ensure_built(SCALE, today=TODAY, out_dir=tmp_path, log=messages.append)
    assert first == second and second.stat().st_mtime_ns == mtime
    assert messages[0].startswith("Territoire construit") and messages[1].startswith("Territoire en cache")
    assert sorted(p.name for p in tmp_path.iterdir()) == [first.name]  # no -wal, no temporary file left
