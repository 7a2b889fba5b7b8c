"""Meetings from a coordinator's spreadsheet."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import func, select

from ctgdesk.models import AttendanceStatus, Instance, InstanceKind, Meeting, MeetingStatus, Person
from ctgdesk.services import meetings, people, territory
from ctgdesk.services.imports import run_import
from tests.imports.helpers import dump, write_csv, write_xlsx

NOW = datetime(2026, 11, 23, 12, 0)
HEADER = ["Date", "Heure", "Instance", "Lieu", "Commune", "Participants", "Excusés", "Décisions", "Animateur"]


def setup_territory(db):
    with db.transaction() as session:
        meetings.create_instance(session, name="Comité de pilotage CTG", kind=InstanceKind.COPIL)
        meetings.create_instance(session, name="Groupe thématique Petite enfance", kind=InstanceKind.GROUPE_THEMATIQUE,
                                 theme="Petite enfance")
        meetings.create_instance(session, name="Groupe thématique Jeunesse", kind=InstanceKind.GROUPE_THEMATIQUE,
                                 theme="Jeunesse")
        territory.create_organisation(session, name="Carvin", kind="commune", insee_code="62215")
        territory.create_organisation(session, name="Caf du Pas-de-Calais", kind="caf")
        people.create_person(session, first_name="Martine", last_name="Fontaine")
        karim = people.create_person(session, first_name="Karim", last_name="Benali")
        people.create_coordinator(session, karim.id)


def test_meetings_spreadsheet(db, tmp_path):
    setup_territory(db)
    rows = [
        ["Réunions 2026 — Karim"],
        HEADER,
        [datetime(2026, 3, 12), time(14, 30), "copil", "Mairie de Carvin", "Carvin",
         "Martine FONTAINE, Caf du Pas-de-Calais, Jean Nouveau", "Paul Absent",
         "Valider le diagnostic\nLancer le groupe parents ; Écrire au Département", "Karim Benali"],
        ["05/06/2026", "9h", "Groupe thématique petite-enfance", "", "Carvin, Libercourt", "martine fontaine", "", "",
         ""],
        ["15/12/2026 10:00", None, "Réunion publique / concertation", "Salle des fêtes", "", "", "", "", ""],
    ]
    path = write_xlsx(tmp_path / "reunions.xlsx", rows, sheet="2026")
    report = run_import(db, "meetings", path, now=NOW)
    assert report.ok, report.text()
    with db.session() as session:
        found = {m.starts_at: m for m in session.scalars(select(Meeting))}
        assert set(found) == {datetime(2026, 3, 12, 14, 30), datetime(2026, 6, 5, 9, 0), datetime(2026, 12, 15, 10, 0)}
        copil = found[datetime(2026, 3, 12, 14, 30)]
        assert copil.instance.name == "Comité de pilotage CTG"  # by kind label
        assert copil.status is MeetingStatus.HELD and copil.place == "Mairie de Carvin"
        assert copil.animator.name == "Karim Benali"
        assert [d.text for d in copil.decisions] == [
            "Valider le diagnostic", "Lancer le groupe parents", "Écrire au Département"]
        attendance = {(a.person.full_name if a.person else a.organisation.name, a.status) for a in copil.attendances}
        assert attendance == {("Martine Fontaine", AttendanceStatus.PRESENT), ("Caf du Pas-de-Calais", AttendanceStatus.PRESENT),
                              ("Jean Nouveau", AttendanceStatus.PRESENT), ("Paul Absent", AttendanceStatus.EXCUSED)}
        groupe = found[datetime(2026, 6, 5, 9, 0)]
        assert groupe.instance.name == "Groupe thématique Petite enfance"  # by name, hyphen and case aside
        assert sorted(c.name for c in groupe.communes) == ["Carvin", "Libercourt"]
        public = found[datetime(2026, 12, 15, 10, 0)]
        assert public.status is MeetingStatus.PLANNED  # after "now"
        assert public.instance.kind is InstanceKind.REUNION_PUBLIQUE  # created from the kind label
        assert session.scalar(select(func.count()).select_from(Person)) == 4
    created = {(e.what, e.name) for e in report.created}
    assert ("Personne", "Jean Nouveau") in created and ("Commune", "Libercourt") in created
    assert ("Instance", "Réunion publique / concertation") in created
    # Importing the file again records nothing twice.
    again = run_import(db, "meetings", path, now=NOW)
    assert again.ok and again.created == []
    assert [e.detail for e in again.matched if e.what == "Réunion"] == ["déjà enregistrée"] * 3


def test_csv_with_semicolons_and_default_animator(db, tmp_path):
    setup_territory(db)
    path = write_csv(tmp_path / "reunions.csv", [["date", "instance", "participants"],
                                                  ["12/03/2026", "COPIL", "Martine Fontaine"]], encoding="cp1252")
    report = run_import(db, "meetings", path, coordinator="karim benali", now=NOW)
    assert report.ok, report.text()
    with db.session() as session:
        meeting = session.scalars(select(Meeting)).one()
        assert meeting.animator.name == "Karim Benali" and meeting.starts_at == datetime(2026, 3, 12, 9, 0)
    assert "heure non précisée" in report.created[-1].detail


def test_bad_rows_are_located_and_nothing_is_imported(db, tmp_path):
    setup_territory(db)
    rows = [
        HEADER,
        ["12/03/2026", "14h", "COPIL", "", "", "", "", "", ""],
        ["31/02/2026", "14h", "COPIL", "", "", "", "", "", ""],
        ["13/03/2026", "25h", "COPIL", "", "", "", "", "", ""],
        ["14/03/2026", "10h", "Groupe thématique", "", "", "", "", "", ""],
        ["15/03/2026", "10h", "Conseil des sages", "", "", "", "", "", ""],
        ["16/03/2026", "10h", "COPIL", "", "", "", "", "", ""],
    ]
    path = write_xlsx(tmp_path / "reunions.xlsx", rows)
    before = dump(db)
    report = run_import(db, "meetings", path, now=NOW)
    located = [(e.location.row, e.location.header) for e in report.errors]
    assert located == [(3, "Date"), (4, "Heure"), (5, "Instance"), (6, "Instance")]
    details = [e.detail for e in report.errors]
    assert "« 31/02/2026 » n'existe pas : il n'y a pas de 31 février en 2026" in details[0]
    assert "« 25h » n'est pas une heure" in details[1]
    assert "Plusieurs instances « Groupe thématique »" in details[2]
    assert "Instance inconnue « Conseil des sages »" in details[3]
    assert dump(db) == before


def test_a_rule_of_save_meeting_is_reported_on_its_cell(db, tmp_path):
    setup_territory(db)
    path = write_csv(tmp_path / "r.csv", [["Date", "Instance", "Statut"], ["12/12/2026", "COPIL", "Tenue"]])
    report = run_import(db, "meetings", path, now=NOW)
    assert [(e.location.row, e.location.header) for e in report.errors] == [(2, "Statut")]
    assert "à venir ne peut pas être marquée « Tenue »" in report.errors[0].detail
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Instance)) == 3
    assert date(2026, 12, 12) > NOW.date()
