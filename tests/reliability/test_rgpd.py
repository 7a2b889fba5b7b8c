"""RGPD: inventory, export of a person, anonymisation keeping counts, erasure, retention."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event, func, select, update

from ctgdesk.models import (
    Attendance,
    AttendanceStatus,
    Base,
    Coordinator,
    Decision,
    Expertise,
    FicheAction,
    InstanceMember,
    Person,
)
from ctgdesk.db.sqlite_files import erase_freed_space
from ctgdesk.services.rgpd import (
    RgpdError,
    anonymise_person,
    erase_person,
    export_person,
    person_links,
    personal_data_inventory,
    persons_not_seen_since,
    years_before,
)


def test_the_inventory_covers_every_link_to_a_person_and_every_contact_field():
    inventory = {(loc.table, column) for loc in personal_data_inventory() for column in loc.columns}
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            points_to_people = any(fk.column.table.name in ("person", "coordinator") for fk in column.foreign_keys)
            named_like_contact = column.name in ("first_name", "last_name", "email", "phone", "representative")
            if points_to_people or named_like_contact:
                assert (table.name, column.name) in inventory, f"{table.name}.{column.name} absent de l'inventaire"
    assert all(loc.description.endswith(".") and " " in loc.description for loc in personal_data_inventory())


def test_export_gathers_everything_about_a_partner(filled):
    db, ids = filled
    with db.session() as session:
        data = export_person(session, ids.partner)
    assert json.loads(json.dumps(data)) == data  # plain JSON
    person = data["personne"]
    assert (person["prenom"], person["nom"], person["courriel"], person["telephone"]) == (
        "Claire", "Fontaine", "claire.fontaine@example.fr", "01 23 45 67 89"
    )
    assert person["organisation"] == {"id": ids.commune, "nom": "Sainte-Aulde", "type": "Commune"}
    assert data["presences"] == [{
        "reunion_id": ids.meeting, "instance": "COPIL CTG", "date": "2025-03-10T14:00:00",
        "titre": "COPIL de printemps", "statut": "Tenue", "presence": "Présent",
    }]
    assert [d["decision"] for d in data["decisions_portees"]] == ["Lancer le diagnostic jeunesse"]
    assert data["decisions_portees"][0]["echeance"] == "2025-06-30"
    assert data["expertises"][0]["sujet"] == "Accueil des 11-17 ans"
    assert data["fiches_referent"] == [{"fiche_id": 1, "numero": "1.1.1", "titre": "Espace jeunes itinérant", "role": "référent·e"}]
    assert data["chargee_de_cooperation"] is None


def test_export_of_an_elected_official_and_of_a_coordinator(filled):
    db, ids = filled
    with db.session() as session:
        elected = export_person(session, ids.elected)
        coordinator = export_person(session, ids.coordinator_person)
    assert elected["personne"]["elu"] is True
    assert elected["presences"][0]["presence"] == "Excusé"
    assert elected["instances"] == [{"instance_id": 1, "instance": "COPIL CTG", "type": "COPIL"}]
    assert elected["fiches_referent"][0]["role"] == "élu·e référent·e"
    file = coordinator["chargee_de_cooperation"]
    assert file["employeur"] == "Communauté de communes du Val Vert" and file["debut"] == "2023-01-02"
    assert file["etp"] == [{"annee": 2025, "structure": "Communauté de communes du Val Vert", "etp": "0.800"}]
    assert [m["titre"] for m in file["reunions_animees"]] == ["COPIL de printemps"]
    assert file["alertes_levees"][0]["alerte"] == "Local non trouvé"
    assert file["suivis_rediges"][0]["avancement"] == 40
    assert file["journal"][0]["duree_minutes"] == 90
    json.dumps(coordinator)


def test_export_of_an_unknown_person(filled):
    db, _ = filled
    with db.session() as session, pytest.raises(RgpdError, match="Aucune personne n°999"):
        export_person(session, 999)


def counts(session) -> dict[str, int]:
    """What past indicators are computed from: who attended, who carried, who is referent."""
    def count(query) -> int:
        return session.scalar(query)

    return {
        "presences": count(select(func.count()).select_from(Attendance).where(Attendance.person_id.is_not(None))),
        "presents": count(select(func.count()).select_from(Attendance).where(Attendance.status == AttendanceStatus.PRESENT)),
        "elus_presents_ou_excuses": count(
            select(func.count()).select_from(Attendance).join(Person).where(Person.is_elected.is_(True))
        ),
        "decisions_portees": count(select(func.count()).select_from(Decision).where(Decision.carried_by_id.is_not(None))),
        "expertises": count(select(func.count()).select_from(Expertise).where(Expertise.expert_id.is_not(None))),
        "fiches_avec_referent": count(select(func.count()).select_from(FicheAction).where(FicheAction.referent_id.is_not(None))),
        "membres": count(select(func.count()).select_from(InstanceMember)),
        "personnes": count(select(func.count()).select_from(Person)),
        "coordinateurs": count(select(func.count()).select_from(Coordinator)),
    }


def test_anonymisation_keeps_every_count_and_removes_the_identity(filled):
    db, ids = filled
    with db.session() as session:
        before = counts(session)
        links_before = person_links(session, ids.partner)
    with db.transaction() as session:
        for person_id in (ids.partner, ids.elected, ids.coordinator_person):
            anonymise_person(session, person_id)
    with db.session() as session:
        assert counts(session) == before
        assert person_links(session, ids.partner) == links_before == {
            "présences aux réunions": 1, "décisions portées": 1, "expertises": 1, "fiches actions (référent·e)": 1,
        }
        partner = session.get(Person, ids.partner)
        assert partner.full_name == f"Personne anonymisée n°{ids.partner}"
        assert (partner.email, partner.phone, partner.role, partner.anonymised) == (None, None, "", True)
        assert partner.organisation_id == ids.commune
        assert session.get(Person, ids.elected).is_elected is True
        exported = json.dumps(export_person(session, ids.partner), ensure_ascii=False)
    for trace in ("Claire", "Fontaine", "example.fr", "01 23 45", "Directrice"):
        assert trace not in exported


def test_after_anonymisation_the_old_name_is_gone_from_the_file(filled, db_path):
    db, ids = filled
    # As SQLite is built on Windows: deleted content stays in free space unless wiped.
    db.dispose()
    event.listen(db.engine, "connect", lambda connection, _r: connection.execute("PRAGMA secure_delete=OFF"))
    with db.transaction() as session:
        anonymise_person(session, ids.partner)
    erase_freed_space(db_path)  # while the application still has the base open
    db.dispose()
    files = [db_path, db_path.with_name(db_path.name + "-wal")]
    content = b"".join(p.read_bytes() for p in files if p.exists())
    assert b"Personne anonymis" in content
    assert b"Fontaine" not in content and b"claire.fontaine@example.fr" not in content


def test_erasure_only_of_people_linked_to_nothing(filled):
    db, ids = filled
    with pytest.raises(RgpdError, match=r"Claire Fontaine ne peut pas être effacé·e .*1 présences aux réunions.*Anonymisez-la"):
        with db.transaction() as session:
            erase_person(session, ids.partner)
    with pytest.raises(RgpdError, match="dossier de chargé·e de coopération"):
        with db.transaction() as session:
            erase_person(session, ids.coordinator_person)
    with db.transaction() as session:
        erase_person(session, ids.loner)
    with db.session() as session:
        assert session.get(Person, ids.loner) is None
        assert session.get(Person, ids.partner) is not None


def test_people_not_seen_for_years(filled):
    db, ids = filled
    with db.transaction() as session:
        session.execute(update(Person).values(updated_at=datetime(2024, 1, 1)))
    with db.session() as session:
        # fiches 2025-2026 keep their referents current until the end of 2026
        stale = persons_not_seen_since(session, 3, today=date(2029, 12, 30))
        assert [(p.person_id, p.last_seen) for p in stale] == [(ids.loner, date(2024, 1, 1))]
        stale = persons_not_seen_since(session, 3, today=date(2030, 1, 2))
        assert sorted(p.person_id for p in stale) == sorted([ids.loner, ids.partner, ids.elected])
        assert {p.person_id: p.last_seen for p in stale}[ids.partner] == date(2026, 12, 31)
    # a coordinator still in post is always current; one who left is seen until departure
    with db.transaction() as session:
        session.get(Coordinator, ids.coordinator).end_date = date(2026, 6, 30)
        session.execute(update(Person).values(updated_at=datetime(2024, 1, 1)))
    with db.session() as session:
        stale = persons_not_seen_since(session, 3, today=date(2030, 1, 2))
        assert ids.coordinator_person in [p.person_id for p in stale]
    with db.transaction() as session:
        anonymise_person(session, ids.loner)
    with db.session() as session:
        assert ids.loner not in [p.person_id for p in persons_not_seen_since(session, 3, today=date(2030, 1, 2))]


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)), st.integers(0, 50))
def test_years_before(day, years):
    earlier = years_before(day, years)
    assert earlier.year == day.year - years and earlier.month == day.month
    assert earlier.day == day.day or (day.month, day.day, earlier.day) == (2, 29, 28)
    assert 365 * years <= (day - earlier).days <= 366 * years
