"""Deletes taken back: the record and the links other records had to it come back."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from ctgdesk.models import (
    Coordinator,
    EtpStatus,
    FicheAction,
    InstanceKind,
    JournalKind,
    Meeting,
    MeetingStatus,
    Organisation,
    OrganisationKind,
    Person,
)
from ctgdesk.services import etp, journal, meetings, people, plan, territory
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.etp import ShareInput
from ctgdesk.services.journal import JournalInput
from ctgdesk.services.meetings import MeetingInput
from ctgdesk.services.snapshots import (
    allocation_snapshot,
    delete_coordinator,
    delete_organisation,
    restore_allocation,
    restore_coordinator,
    restore_organisation,
)


@pytest.fixture
def world(db):
    with db.transaction() as s:
        convention = territory.create_convention(s, name="CTG", territory="Ternois", first_year=2025, last_year=2029)
        epci = territory.create_organisation(s, name="CC du Ternois", kind=OrganisationKind.EPCI)
        divion = territory.create_organisation(
            s, name="Divion", kind=OrganisationKind.COMMUNE, insee_code="62270", population=6800,
            parent_id=epci.id, deliberation_date=date(2025, 12, 1), engagement_signed=True, notes="Note")
        convention.perimeter.append(divion)
        mayor = people.create_person(s, last_name="Durand", organisation_id=divion.id)
        claire = people.create_coordinator(s, people.create_person(s, last_name="Martin", first_name="Claire").id,
                                           cadre_emploi="Attachée", start_date=date(2024, 1, 1))
        instance = meetings.create_instance(s, name="COTECH", kind=InstanceKind.COTECH,
                                            members=[(None, divion.id), (mayor.id, None)])
        meeting = meetings.save_meeting(s, MeetingInput(
            instance_id=instance.id, starts_at=datetime(2026, 3, 1, 9), status=MeetingStatus.HELD,
            animator_id=claire.id, commune_ids=[divion.id]), now=datetime(2026, 6, 1))
        objectif = plan.create_objectif(s, plan.create_enjeu(s, convention.id, "Enjeu").id, "Objectif")
        fiche = plan.create_fiche(s, objectif.id, number="1", title="Fiche", pilot_id=divion.id,
                                  partner_ids=[divion.id, epci.id])
        entry = journal.save_entry(s, JournalInput(date(2026, 2, 1), JournalKind.CONSEIL_APPUI, "Conseil",
                                                   coordinator_id=claire.id, commune_ids=[divion.id]))
        etp.set_allocation(s, epci.id, 2026, "0,50", shares=[ShareInput(claire.id, "0,50")])
        return dict(epci=epci.id, divion=divion.id, mayor=mayor.id, claire=claire.id, instance=instance.id,
                    meeting=meeting.id, fiche=fiche.id, entry=entry.id, convention=convention.id)


def test_deleted_commune_comes_back_with_its_links(db, world):
    with db.transaction() as s:
        snapshot = delete_organisation(s, world["divion"])
    with db.transaction() as s:
        assert s.get(Organisation, world["divion"]) is None
        assert s.get(Person, world["mayor"]).organisation_id is None
        assert s.get(Meeting, world["meeting"]).communes == []
    with db.transaction() as s:
        new_id = restore_organisation(s, snapshot)
    with db.transaction() as s:
        divion = s.get(Organisation, new_id)
        assert (divion.name, divion.insee_code, divion.population, divion.parent_id) == (
            "Divion", "62270", 6800, world["epci"])
        assert divion.deliberation_date == date(2025, 12, 1) and divion.engagement_signed and divion.notes == "Note"
        assert divion.uid == snapshot.uid
        assert s.get(Person, world["mayor"]).organisation_id == new_id
        assert [c.id for c in s.get(Meeting, world["meeting"]).communes] == [new_id]
        fiche = s.get(FicheAction, world["fiche"])
        assert fiche.pilot_id == new_id and {p.id for p in fiche.partners} == {new_id, world["epci"]}
        instance = meetings.list_instances(s)[0]
        assert {(m.person_id, m.organisation_id) for m in instance.members} == {
            (None, new_id), (world["mayor"], None)}
        assert [o.id for o in territory.conventions(s)[0].perimeter] == [new_id]
        assert journal.entry_input(s, world["entry"]).commune_ids == [new_id]


def test_organisation_still_used_is_refused_in_french(db, world):
    with db.transaction() as s:
        with pytest.raises(ValidationError, match="« CC du Ternois » ne peut pas être supprimée : elle a 1 allocation d'ETP"):
            delete_organisation(s, world["epci"])
    with db.transaction() as s:
        plan.add_funding(s, world["fiche"], world["divion"], "1000")
    with db.transaction() as s:
        with pytest.raises(ValidationError, match="1 financements de fiches actions"):
            delete_organisation(s, world["divion"])


def test_deleted_coordinator_comes_back_with_her_shares_and_meetings(db, world):
    with db.transaction() as s:
        snapshot = delete_coordinator(s, world["claire"])
    with db.transaction() as s:
        assert s.get(Coordinator, world["claire"]) is None
        assert s.get(Meeting, world["meeting"]).animator_id is None
        assert etp.coordinator_loads(s, 2026) == []
        assert people.find_person(s, "Claire Martin") is not None  # the person stays
    with db.transaction() as s:
        new_id = restore_coordinator(s, snapshot)
    with db.transaction() as s:
        claire = s.get(Coordinator, new_id)
        assert (claire.name, claire.cadre_emploi, claire.start_date) == ("Claire Martin", "Attachée", date(2024, 1, 1))
        assert s.get(Meeting, world["meeting"]).animator_id == new_id
        [load] = etp.coordinator_loads(s, 2026)
        assert (load.coordinator_id, load.total) == (new_id, Decimal("0.500"))


def test_allocation_edit_taken_back(db, world):
    with db.transaction() as s:
        before = allocation_snapshot(s, world["epci"], 2026)
        assert before is not None and before.etp == Decimal("0.500") and before.status is EtpStatus.FIXED
        assert [(sh.coordinator_id, sh.etp) for sh in before.shares] == [(world["claire"], Decimal("0.500"))]
        assert allocation_snapshot(s, world["divion"], 2026) is None
        etp.set_allocation(s, world["epci"], 2026, "En cours")
        etp.set_allocation(s, world["divion"], 2026, "0,2")
    with db.transaction() as s:
        restore_allocation(s, world["epci"], 2026, before)
        restore_allocation(s, world["divion"], 2026, None)
    with db.transaction() as s:
        grid = etp.etp_grid(s, [2026])
        assert {r.name: r.cells[2026].text for r in grid.rows} == {"CC du Ternois": "0,50"}
        assert grid.rows[0].cells[2026].people == ("Claire Martin",)


def test_uid_keys_survive_a_delete_and_restore(db, world):
    from ctgdesk.services.errors import NotFound
    from ctgdesk.services.snapshots import id_of, uid_of

    with db.transaction() as s:
        uid = uid_of(s, Organisation, world["divion"])
        snapshot = delete_organisation(s, world["divion"])
    with db.transaction() as s:
        with pytest.raises(NotFound, match="L'organisation n'existe plus."):
            id_of(s, Organisation, uid)
        new_id = restore_organisation(s, snapshot)
    with db.transaction() as s:
        assert id_of(s, Organisation, uid) == new_id
