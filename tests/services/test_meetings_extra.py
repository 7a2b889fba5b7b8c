"""person_choices, meeting_id_for_uid, open_alerts_count."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from ctgdesk.db import open_database
from ctgdesk.models import InstanceKind, OrganisationKind
from ctgdesk.services import meetings, people, territory


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "m.sqlite")
    yield database
    database.dispose()


def test_person_choices_sorted_with_structure(db):
    with db.transaction() as s:
        caf = territory.create_organisation(s, name="Caf du Nord", kind=OrganisationKind.CAF)
        people.create_person(s, first_name="Zoé", last_name="Bernard")
        people.create_person(s, first_name="Luc", last_name="Amiel", organisation_id=caf.id)
        assert [label for _, label in meetings.person_choices(s)] == ["Luc Amiel (Caf du Nord)", "Zoé Bernard"]


def test_open_alerts_and_uid_lookup(db):
    with db.transaction() as s:
        instance = meetings.create_instance(s, name="COPIL", kind=InstanceKind.COPIL)
        m = meetings.save_meeting(s, meetings.MeetingInput(
            instance_id=instance.id, starts_at=datetime(2025, 3, 2, 14),
            alerts=[meetings.AlertInput("Ouverte"), meetings.AlertInput("Levée", resolved_on=date(2025, 4, 1))]))
        meetings.save_meeting(s, meetings.MeetingInput(
            instance_id=instance.id, starts_at=datetime(2026, 3, 2, 14), alerts=[meetings.AlertInput("2026")]))
        assert meetings.open_alerts_count(s) == 2
        assert meetings.open_alerts_count(s, 2025) == 1
        assert meetings.meeting_id_for_uid(s, m.uid) == m.id
        snapshot = meetings.delete_meeting(s, m.id)
        assert meetings.meeting_id_for_uid(s, snapshot.uid) is None
        again = meetings.save_meeting(s, snapshot)
        assert meetings.meeting_id_for_uid(s, snapshot.uid) == again.id


def test_editing_a_meeting_keeps_its_lines_and_their_uids(db):
    """Saving the form of an existing meeting replaces its lines without a uid collision."""
    with db.transaction() as s:
        instance = meetings.create_instance(s, name="COPIL", kind=InstanceKind.COPIL)
        m = meetings.save_meeting(s, meetings.MeetingInput(
            instance_id=instance.id, starts_at=datetime(2025, 3, 2, 14),
            decisions=[meetings.DecisionInput("Une"), meetings.DecisionInput("Deux")],
            alerts=[meetings.AlertInput("Alerte")], expertises=[meetings.ExpertiseInput("Sujet", expert_label="Caf")]))
        meeting_id = m.id
    with db.transaction() as s:
        data = meetings.meeting_input(s, meeting_id)
        uids = [d.uid for d in data.decisions]
        data.place = "Mairie"
        data.decisions[1].text = "Deux, reformulée"
        meetings.save_meeting(s, data, meeting_id)
    with db.transaction() as s:
        back = meetings.meeting_input(s, meeting_id)
    assert back.place == "Mairie"
    assert [(d.text, d.uid) for d in back.decisions] == [("Une", uids[0]), ("Deux, reformulée", uids[1])]
    assert len(back.alerts) == 1 and len(back.expertises) == 1
