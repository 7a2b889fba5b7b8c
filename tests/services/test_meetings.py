from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from ctgdesk.models import Alert, Decision, InstanceKind, Meeting, MeetingStatus, OrganisationKind
from ctgdesk.services import meetings, people, territory
from ctgdesk.services.errors import ValidationError

NOW = datetime(2026, 11, 23, 12, 0)


@pytest.fixture
def copil(session):
    return make_copil(session)


def make_copil(session):
    convention = territory.create_convention(session, name="CTG 2", territory="T", first_year=2026, last_year=2030)
    instance = meetings.create_instance(session, name="COPIL", kind=InstanceKind.COPIL, min_per_year=2,
                                        convention_id=convention.id)
    persons = [people.create_person(session, first_name=f"P{i}", last_name=f"N{i}") for i in range(6)]
    commune = territory.create_organisation(session, name="Carvin", kind=OrganisationKind.COMMUNE)
    return instance, persons, commune


def _meeting(copil, **changes):
    instance, persons, commune = copil
    data = meetings.MeetingInput(
        instance_id=instance.id, starts_at=datetime(2026, 3, 10, 14), status=MeetingStatus.HELD,
        commune_ids=[commune.id],
        attendances=[meetings.AttendanceInput(person_id=p.id) for p in persons],
        decisions=[meetings.DecisionInput("Valider le plan", due_date=date(2026, 6, 1)),
                   meetings.DecisionInput("Lancer le diagnostic")],
        alerts=[meetings.AlertInput("Relais petite enfance bloqué")],
        expertises=[meetings.ExpertiseInput("Bonus territoire", expert_label="Conseillère Caf")],
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def test_save_and_list_a_copil(session, copil):
    meeting = meetings.save_meeting(session, _meeting(copil), now=NOW)
    rows = meetings.list_meetings(session, year=2026)
    assert [(r.id, r.instance, r.present, r.decisions, r.alerts, r.communes) for r in rows] == [
        (meeting.id, "COPIL", 6, 2, 1, "Carvin")]
    assert meeting.alerts[0].raised_on == date(2026, 3, 10)


def test_delete_then_restore_brings_everything_back(session, copil):
    meeting = meetings.save_meeting(session, _meeting(copil), now=NOW)
    uid = meeting.uid
    snapshot = meetings.delete_meeting(session, meeting.id)
    assert session.scalar(select(func.count()).select_from(Decision)) == 0
    restored = meetings.save_meeting(session, snapshot, now=NOW)
    assert restored.uid == uid
    assert (len(restored.attendances), len(restored.decisions), len(restored.alerts), len(restored.expertises)) == (6, 2, 1, 1)


def test_duplicate_is_a_planned_meeting_without_decisions(session, copil):
    meeting = meetings.save_meeting(session, _meeting(copil), now=NOW)
    copy = meetings.duplicate_meeting(session, meeting.id, datetime(2026, 12, 10, 14))
    assert (copy.status, len(copy.attendances), len(copy.decisions), copy.uid != meeting.uid) == (
        MeetingStatus.PLANNED, 6, 0, True)


@pytest.mark.parametrize("changes,field,words", [
    ({"starts_at": datetime(2031, 1, 5, 10)}, "starts_at", "hors de la convention"),
    ({"starts_at": datetime(2026, 12, 20, 10)}, "status", "à venir"),
    ({"ends_at": datetime(2026, 3, 10, 9)}, "ends_at", "précède"),
    ({"decisions": [meetings.DecisionInput("X", due_date=date(2026, 1, 1))]}, "decisions", "antérieure"),
    ({"alerts": [meetings.AlertInput("X", resolved_on=date(2026, 1, 1))]}, "alerts", "levée avant"),
    ({"decisions": [meetings.DecisionInput("   ")]}, "decisions", "obligatoire"),
])
def test_bad_meetings_are_refused_with_the_field(session, copil, changes, field, words):
    with pytest.raises(ValidationError) as error:
        meetings.save_meeting(session, _meeting(copil, **changes), now=NOW)
    assert error.value.field == field and words in error.value.message
    assert session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_instance_with_meetings_cannot_be_deleted(session, copil):
    meetings.save_meeting(session, _meeting(copil), now=NOW)
    with pytest.raises(ValidationError, match="1 réunion"):
        meetings.delete_instance(session, copil[0].id)


def test_alert_resolution(session, copil):
    meeting = meetings.save_meeting(session, _meeting(copil), now=NOW)
    alert_id = meeting.alerts[0].id
    with pytest.raises(ValidationError):
        meetings.resolve_alert(session, alert_id, date(2026, 1, 1))
    meetings.resolve_alert(session, alert_id, date(2026, 4, 1), "Locaux trouvés")
    assert not session.get(Alert, alert_id).is_open


def test_editing_a_meeting_keeps_its_decisions_identity(session, copil):
    meeting = meetings.save_meeting(session, _meeting(copil), now=NOW)
    data = meetings.meeting_input(session, meeting.id)
    uids = [d.uid for d in data.decisions]
    data.decisions[0].text = "Valider le plan d'action révisé"
    data.attendances.pop()
    saved = meetings.save_meeting(session, data, meeting.id, now=NOW)
    assert [d.uid for d in saved.decisions] == uids
    assert saved.decisions[0].text == "Valider le plan d'action révisé"
    assert len(saved.attendances) == 5
    assert session.scalar(select(func.count()).select_from(Decision)) == 2
