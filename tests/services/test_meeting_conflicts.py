"""No lost update: a save over a version of the meeting other than the one the form read is refused
(both engines, see tests/services/conftest.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ctgdesk.services import meetings
from ctgdesk.services.errors import ChangedMeanwhile
from tests.services.test_meetings import NOW, _meeting, make_copil


@pytest.fixture
def copil(db):
    """The COPIL of test_meetings, committed: the two "forms" below read it in their own transactions."""
    with db.transaction() as session:
        return make_copil(session)


def _two_forms(db, meeting_id):
    with db.transaction() as session:
        return meetings.meeting_input(session, meeting_id), meetings.meeting_input(session, meeting_id)


def test_the_second_save_of_the_same_version_is_refused_and_writes_nothing(db, copil):
    with db.transaction() as session:
        meeting_id = meetings.save_meeting(session, _meeting(copil), now=NOW).id
    first, second = _two_forms(db, meeting_id)
    assert first.row_version == second.row_version is not None

    first.place = "Mairie de Carvin"
    with db.transaction() as session:
        session.info["actor"] = "Claire Dumont"
        meetings.save_meeting(session, first, meeting_id, now=NOW)

    second.decisions = second.decisions[:1]  # only a line changed: still a change of the meeting
    second.place = "Salle des fêtes"
    with pytest.raises(ChangedMeanwhile) as refused:
        with db.transaction() as session:
            meetings.save_meeting(session, second, meeting_id, now=NOW)
    assert refused.value.message.startswith("Cette réunion a été modifiée par Claire Dumont le ")
    assert "pendant que vous l'éditiez" in refused.value.message

    with db.transaction() as session:
        stored = meetings.meeting_input(session, meeting_id)
    assert stored.place == "Mairie de Carvin" and len(stored.decisions) == 2

    # Keeping one's own version is a choice: saved without the version it read.
    with db.transaction() as session:
        meetings.save_meeting(session, replace(second, row_version=None), meeting_id, now=NOW)
    with db.transaction() as session:
        stored = meetings.meeting_input(session, meeting_id)
    assert stored.place == "Salle des fêtes" and len(stored.decisions) == 1
    assert stored.row_version > first.row_version


def test_a_change_of_lines_only_changes_the_version(db, copil):
    with db.transaction() as session:
        meeting_id = meetings.save_meeting(session, _meeting(copil), now=NOW).id
    form, _ = _two_forms(db, meeting_id)
    form.decisions = form.decisions[:1]
    with db.transaction() as session:
        meetings.save_meeting(session, form, meeting_id, now=NOW)
        read = meetings.meeting_input(session, meeting_id)
    assert read.row_version > form.row_version
