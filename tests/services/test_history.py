"""Who changed what: written in the same transaction as the change, on both engines."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ctgdesk.models import AuditEntry
from ctgdesk.services import meetings
from ctgdesk.services.history import history
from tests.services.test_meetings import NOW, _meeting, make_copil


def test_each_save_is_recorded_with_who_and_what_changed(db):
    with db.transaction() as session:
        session.info["actor"] = "Claire Dumont"
        copil = make_copil(session)
        meeting = meetings.save_meeting(session, _meeting(copil), now=NOW)
        meeting_id, uid = meeting.id, meeting.uid
    with db.transaction() as session:
        session.info["actor"] = "Karim Benali"
        data = meetings.meeting_input(session, meeting_id)
        data.place = "Mairie de Carvin"
        meetings.save_meeting(session, data, meeting_id, now=NOW)
    with db.transaction() as session:
        lines = history(session, "meeting", uid)
    assert [(line.actor, line.action) for line in lines] == [
        ("Karim Benali", "modification"), ("Claire Dumont", "création")]
    assert lines[0].changes == {"place": ["", "Mairie de Carvin"]}

    with db.transaction() as session:
        session.info["actor"] = "Karim Benali"
        meetings.delete_meeting(session, meeting_id)
    with db.transaction() as session:
        deleted = history(session, "meeting", uid)[0]
        decisions = session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.table_name == "decision", AuditEntry.action == "suppression"))
    assert deleted.action == "suppression" and deleted.changes["place"] == "Mairie de Carvin"
    assert decisions == 2


def test_a_refused_save_leaves_no_trace(db):
    with db.transaction() as session:
        copil = make_copil(session)
        meeting_id = meetings.save_meeting(session, _meeting(copil), now=NOW).id
        before = session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(RuntimeError):
        with db.transaction() as session:
            data = meetings.meeting_input(session, meeting_id)
            data.place = "Ailleurs"
            meetings.save_meeting(session, data, meeting_id, now=NOW)
            raise RuntimeError("the transaction fails after the save")
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == before
