"""The hot queries of the big territory seek their period through an index (EXPLAIN QUERY PLAN),
and migration 0002 that brings those indexes upgrades and downgrades a database with data."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, inspect, select, text

from ctgdesk.db.engine import make_engine
from ctgdesk.db.migrate import upgrade
from ctgdesk.models import Attendance, AttendanceStatus, JournalEntry, JournalKind, Meeting, MeetingStatus
from ctgdesk.services import meetings
from tests.bench.statements import statements_of


def plan(session, statement) -> str:
    compiled = statement.compile(session.bind, compile_kwargs={"literal_binds": True})
    return " / ".join(row[-1] for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))


def test_period_filters_use_the_composite_indexes(session):
    held_in_year = (select(Meeting.instance_id, func.count())
                    .where(Meeting.starts_at >= datetime(2025, 1, 1), Meeting.starts_at < datetime(2026, 1, 1),
                           Meeting.status == MeetingStatus.HELD)
                    .group_by(Meeting.instance_id))
    assert "ix_meeting_status_starts_at (status=? AND starts_at>? AND starts_at<?)" in plan(session, held_in_year)
    of_instance = select(Meeting.id).where(Meeting.instance_id == 3, Meeting.starts_at >= datetime(2025, 1, 1))
    assert "ix_meeting_instance_id_starts_at (instance_id=? AND starts_at>?)" in plan(session, of_instance)
    journal = select(JournalEntry.id).where(JournalEntry.kind.in_([JournalKind.RELAIS_CAF]),
                                            JournalEntry.date >= date(2025, 1, 1), JournalEntry.date < date(2026, 1, 1))
    assert "ix_journal_entry_kind_date (kind=? AND date>? AND date<?)" in plan(session, journal)
    present = (select(Attendance.meeting_id, func.count())
               .where(Attendance.meeting_id.in_([1, 2]), Attendance.status == AttendanceStatus.PRESENT)
               .group_by(Attendance.meeting_id))
    assert "COVERING INDEX ix_attendance_meeting_id_status" in plan(session, present)


def test_meetings_list_of_a_year_reads_the_year_only(session):
    statements = statements_of(session, lambda: meetings.list_meetings(session, year=2025))
    assert statements
    for statement, parameters in statements:
        steps = [row[-1] for row in session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
        for step in steps:  # every meeting read goes through the starts_at range, never a full scan
            assert not step.startswith("SCAN meeting"), (statement, steps)
        if "FROM meeting" in statement:
            assert any("ix_meeting_starts_at (starts_at>? AND starts_at<?)" in s for s in steps), steps


def _indexes(engine, table: str) -> set[str]:
    return {index["name"] for index in inspect(engine).get_indexes(table)}


def test_migration_0002_up_and_down_keeps_the_rows(tmp_path):
    engine = make_engine(tmp_path / "old.sqlite")
    upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO instance (id, name, kind, theme, min_per_year, notes, uid, updated_at) "
                                "VALUES (1, 'COPIL', 'copil', '', 2, '', 'u1', '2026-01-01 00:00:00')"))
        connection.execute(text("INSERT INTO meeting (id, instance_id, starts_at, place, status, title, agenda, "
                                "minutes, diagnostic_partage, uid, updated_at) VALUES (1, 1, '2025-03-01 09:00:00', "
                                "'', 'tenue', '', '', '', 0, 'u2', '2026-01-01 00:00:00')"))
    assert "ix_meeting_status" in _indexes(engine, "meeting")
    upgrade(engine)
    assert {"ix_meeting_status_starts_at", "ix_meeting_instance_id_starts_at"} <= _indexes(engine, "meeting")
    assert not {"ix_meeting_status", "ix_meeting_instance_id"} & _indexes(engine, "meeting")
    assert "ix_attendance_meeting_id_status" in _indexes(engine, "attendance")
    assert "ix_journal_entry_kind_date" in _indexes(engine, "journal_entry")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM meeting")).scalar() == 1

    from alembic import command

    from ctgdesk.db.migrate import alembic_config

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    assert {"ix_meeting_status", "ix_meeting_instance_id"} <= _indexes(engine, "meeting")
    assert "ix_journal_entry_kind" in _indexes(engine, "journal_entry")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM meeting")).scalar() == 1
    engine.dispose()
