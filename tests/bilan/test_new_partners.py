"""New partners (3.1-E1): new to the CTG means never met in a held meeting nor named in the
journal before the period — whether or not anything at all was recorded before it (the count
leaves out the look-backs that cannot exclude anyone, see count_new_partners)."""

from __future__ import annotations

from datetime import date, datetime

from ctgdesk.models import InstanceKind, JournalKind, MeetingStatus, OrganisationKind
from ctgdesk.services import journal, meetings, people, territory
from ctgdesk.services.bilan import compute_bilan
from ctgdesk.services.journal import JournalInput
from ctgdesk.services.meetings import AttendanceInput, MeetingInput

TODAY = date(2026, 11, 23)


def new_partners(session, year: int) -> list[str]:
    return [item.label for item in compute_bilan(session, year, today=TODAY).indicator("3.1-E1").items]


def test_first_year_then_earlier_meetings_then_earlier_journal(db):
    with db.transaction() as s:
        org = {name: territory.create_organisation(s, name=name, kind=OrganisationKind.ASSOCIATION).id
               for name in ("Alpha", "Béta", "Gamma")}
        someone = people.create_person(s, last_name="Martin", organisation_id=org["Alpha"]).id
        copil = meetings.create_instance(s, name="COPIL", kind=InstanceKind.COPIL).id

        def meeting(day: datetime, attendances: list[AttendanceInput]) -> None:
            meetings.save_meeting(s, MeetingInput(instance_id=copil, starts_at=day, status=MeetingStatus.HELD,
                                                  attendances=attendances), now=datetime(2026, 11, 1))

        def entry(day: date, partner: str) -> None:
            journal.save_entry(s, JournalInput(date=day, kind=JournalKind.RELAIS_CAF, nature="Relais",
                                               partner_ids=[org[partner]]))

        meeting(datetime(2025, 3, 1, 9), [AttendanceInput(person_id=someone),  # Alpha, through its member
                                          AttendanceInput(organisation_id=org["Gamma"])])
        entry(date(2025, 6, 1), "Béta")
        # nothing before 2025: every partner of 2025 is new
        assert new_partners(s, 2025) == ["Alpha", "Béta", "Gamma"]
        # a partner seen in a held meeting before 2025 is no longer new (no journal before 2025)
        meeting(datetime(2024, 5, 2, 9), [AttendanceInput(person_id=someone)])
        assert new_partners(s, 2025) == ["Béta", "Gamma"]
        # named in the journal before 2025, in a year without meetings before it
        entry(date(2023, 1, 10), "Gamma")
        assert new_partners(s, 2025) == ["Béta"]
        assert new_partners(s, 2024) == ["Alpha"]
        assert new_partners(s, 2023) == ["Gamma"]  # the journal only, before any meeting
