"""Coordinators' packages consolidated into the territory database."""

from __future__ import annotations

import sqlite3
import zipfile
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from ctgdesk.db import open_database
from ctgdesk.models import Decision, Instance, Meeting, Organisation, Person
from ctgdesk.services import meetings, people, territory
from ctgdesk.services.imports import run_import
from ctgdesk.services.imports.dataset import dump_dataset
from ctgdesk.services.imports.packages import export_package, package_info
from ctgdesk.services.referential import ensure_referential
from tests.imports.helpers import dump

NOW = datetime(2026, 11, 23, 12, 0)


def copy_of(template, tmp_path, name):
    path = tmp_path / f"{name}.sqlite"
    source, target = sqlite3.connect(template), sqlite3.connect(path)
    with target:
        source.backup(target)
    source.close()
    target.close()
    return open_database(path)


@pytest.fixture
def three_bases(demo_template, tmp_path):
    """Two coordinators' databases and the territory's, all started from the same territory."""
    bases = [copy_of(demo_template, tmp_path, name) for name in ("karim", "sophie", "territoire")]
    yield bases
    for base in bases:
        base.dispose()


def add_meeting(db, coordinator: str, starts_at: datetime, title: str, decisions=("Relancer la commune",)) -> tuple[int, str]:
    with db.transaction() as session:
        coordinator_id = people.find_coordinator(session, coordinator).id
        instance = session.scalars(select(Instance).order_by(Instance.id)).first()
        meeting = meetings.save_meeting(session, meetings.MeetingInput(
            instance_id=instance.id, starts_at=starts_at, animator_id=coordinator_id, title=title,
            status=meetings.MeetingStatus.HELD, decisions=[meetings.DecisionInput(d) for d in decisions],
        ), now=NOW)
        return coordinator_id, meeting.uid


def package_of(db, coordinator_id: int, path, **options):
    with db.session() as session:
        return export_package(session, path, coordinator_id=coordinator_id, year=2026, **options)


def meeting_by_uid(session, uid):
    return session.scalars(select(Meeting).where(Meeting.uid == uid)).one()


def test_two_coordinators_packages_are_both_counted_in_the_territory(three_bases, tmp_path):
    karim, sophie, territoire = three_bases
    karim_id, karim_meeting = add_meeting(karim, "Karim Benali", datetime(2026, 10, 5, 14), "Veille Hénin")
    sophie_id, sophie_meeting = add_meeting(sophie, "Sophie Lefebvre", datetime(2026, 10, 6, 9), "Groupe parents Carvin")
    package_of(karim, karim_id, tmp_path / "karim.ctgpaquet")
    package_of(sophie, sophie_id, tmp_path / "sophie.ctgpaquet")
    with territoire.session() as session:
        before = len(meetings.list_meetings(session, year=2026))

    for name in ("karim", "sophie"):
        report = run_import(territoire, "package", tmp_path / f"{name}.ctgpaquet")
        assert report.ok and report.committed, report.text()
        assert [(e.what, e.name) for e in report.created] == [
            ("Réunion", "Veille Hénin" if name == "karim" else "Groupe parents Carvin")]

    with territoire.session() as session:
        rows = meetings.list_meetings(session, year=2026)
        assert len(rows) == before + 2
        titles = {r.title: r for r in rows}
        assert titles["Veille Hénin"].animator == "Karim Benali"
        assert titles["Groupe parents Carvin"].animator == "Sophie Lefebvre"
        assert titles["Veille Hénin"].decisions == 1
        assert session.scalar(select(func.count()).select_from(Meeting).where(
            Meeting.uid.in_([karim_meeting, sophie_meeting]))) == 2


def test_importing_the_same_package_twice_changes_nothing(three_bases, tmp_path):
    karim, _, territoire = three_bases
    karim_id, _ = add_meeting(karim, "Karim Benali", datetime(2026, 10, 5, 14), "Veille Hénin")
    path = tmp_path / "karim.ctgpaquet"
    package_of(karim, karim_id, path)
    assert run_import(territoire, "package", path).ok
    before = dump(territoire)
    again = run_import(territoire, "package", path)
    assert again.ok
    assert again.created == again.updated == again.conflicts == []
    assert any(e.what == "Réunion" and "identique" in e.name for e in again.matched)
    assert dump(territoire) == before


def test_an_edit_made_only_by_the_coordinator_updates_the_territory(three_bases, tmp_path):
    karim, _, territoire = three_bases
    karim_id, uid = add_meeting(karim, "Karim Benali", datetime(2026, 10, 5, 14), "Veille Hénin")
    package_of(karim, karim_id, tmp_path / "v1.ctgpaquet")
    assert run_import(territoire, "package", tmp_path / "v1.ctgpaquet").ok
    with karim.transaction() as session:  # Karim adds a decision and renames the meeting
        meeting = meeting_by_uid(session, uid)
        meeting.title = "Veille sociale Hénin"
        meeting.decisions.append(Decision(text="Écrire au CCAS"))
    package_of(karim, karim_id, tmp_path / "v2.ctgpaquet")

    report = run_import(territoire, "package", tmp_path / "v2.ctgpaquet")

    assert report.ok and report.conflicts == []
    assert [(e.what, e.name) for e in report.updated] == [("Réunion", "Veille Hénin")]
    assert "title" in report.updated[0].detail
    with territoire.session() as session:
        meeting = meeting_by_uid(session, uid)
        assert meeting.title == "Veille sociale Hénin"
        assert sorted(d.text for d in meeting.decisions) == ["Relancer la commune", "Écrire au CCAS"]


def test_edits_on_both_sides_are_listed_as_conflicts_not_overwritten(three_bases, tmp_path):
    karim, _, territoire = three_bases
    karim_id, uid = add_meeting(karim, "Karim Benali", datetime(2026, 10, 5, 14), "Veille Hénin")
    first = package_of(karim, karim_id, tmp_path / "v1.ctgpaquet")
    base = package_info(first.path).exported_at
    assert run_import(territoire, "package", first.path).ok
    with territoire.transaction() as session:  # the chef de projet corrects the place
        meeting_by_uid(session, uid).place = "Mairie d'Hénin-Beaumont"
    with karim.transaction() as session:  # Karim, meanwhile, changes the same meeting
        meeting_by_uid(session, uid).place = "Centre social Jean Ferrat"
    package_of(karim, karim_id, tmp_path / "v2.ctgpaquet", base_at=base)
    before = dump(territoire)

    report = run_import(territoire, "package", tmp_path / "v2.ctgpaquet")

    assert report.ok, report.text()
    assert [(e.what, e.name) for e in report.conflicts] == [("Réunion", "Veille Hénin")]
    assert "modifié des deux côtés" in report.conflicts[0].detail
    assert report.conflicts[0].location.sheet == "meeting"
    assert dump(territoire) == before  # nothing silently overwritten
    with territoire.session() as session:
        assert meeting_by_uid(session, uid).place == "Mairie d'Hénin-Beaumont"


def test_without_a_base_a_more_recent_territory_copy_is_a_conflict(three_bases, tmp_path):
    karim, _, territoire = three_bases
    karim_id, uid = add_meeting(karim, "Karim Benali", datetime(2026, 10, 5, 14), "Veille Hénin")
    package_of(karim, karim_id, tmp_path / "v1.ctgpaquet")
    assert run_import(territoire, "package", tmp_path / "v1.ctgpaquet").ok
    with karim.transaction() as session:
        meeting_by_uid(session, uid).minutes = "Compte rendu de Karim"
    package_of(karim, karim_id, tmp_path / "v2.ctgpaquet")
    with territoire.transaction() as session:  # edited in the territory after Karim's edit
        meeting_by_uid(session, uid).minutes = "Compte rendu du territoire"
    report = run_import(territoire, "package", tmp_path / "v2.ctgpaquet")
    assert len(report.conflicts) == 1 and report.updated == []
    with territoire.session() as session:
        assert meeting_by_uid(session, uid).minutes == "Compte rendu du territoire"


def test_an_edit_made_only_in_the_territory_is_kept(three_bases, tmp_path):
    karim, _, territoire = three_bases
    karim_id, uid = add_meeting(karim, "Karim Benali", datetime(2026, 10, 5, 14), "Veille Hénin")
    first = package_of(karim, karim_id, tmp_path / "v1.ctgpaquet")
    assert run_import(territoire, "package", first.path).ok
    with territoire.transaction() as session:
        meeting_by_uid(session, uid).place = "Mairie"
    base = package_info(first.path).exported_at
    package_of(karim, karim_id, tmp_path / "v2.ctgpaquet", base_at=base)  # Karim changed nothing since
    report = run_import(territoire, "package", tmp_path / "v2.ctgpaquet")
    assert report.ok and report.conflicts == [] and report.updated == []
    assert any("conservé" in e.detail for e in report.matched)


def test_records_created_separately_are_recognised_by_name_and_insee_code(demo_db, tmp_path):
    """A coordinator who started her own database: same commune and people, other uids."""
    own = open_database(tmp_path / "propre.sqlite")
    try:
        with own.transaction() as session:
            ensure_referential(session)
            commune = territory.create_organisation(session, name="HENIN BEAUMONT", kind="commune", insee_code="62427")
            person = people.create_person(session, first_name="karim", last_name="BENALI")
            coordinator = people.create_coordinator(session, person.id)
            instance = meetings.create_instance(session, name="comité de pilotage - CTG", kind="copil")
            meetings.save_meeting(session, meetings.MeetingInput(
                instance_id=instance.id, starts_at=datetime(2026, 9, 1, 10), animator_id=coordinator.id,
                title="COPIL de rentrée", commune_ids=[commune.id],
            ), now=NOW)
            coordinator_id = coordinator.id
        package_of(own, coordinator_id, tmp_path / "karim.ctgpaquet")
    finally:
        own.dispose()
    with demo_db.session() as session:
        counts = {m: session.scalar(select(func.count()).select_from(m)) for m in (Organisation, Person, Instance)}
    report = run_import(demo_db, "package", tmp_path / "karim.ctgpaquet")
    assert report.ok, report.text()
    with demo_db.session() as session:
        assert {m: session.scalar(select(func.count()).select_from(m)) for m in counts} == counts
        meeting = session.scalars(select(Meeting).where(Meeting.title == "COPIL de rentrée")).one()
        assert meeting.animator.name == "Karim Benali"
        assert [c.name for c in meeting.communes] == ["Hénin-Beaumont"]
        assert meeting.instance.name == "Comité de pilotage CTG"
    # The differing spellings are the coordinator's older ones: listed, the territory's kept.
    assert {e.name for e in report.conflicts} >= {"Hénin-Beaumont"}


def test_a_full_package_carries_the_whole_base(demo_db, db, tmp_path):
    with demo_db.session() as session:
        summary = export_package(session, tmp_path / "tout.ctgpaquet")
        expected = dump_dataset(session)
    assert summary.coordinator is None and summary.rows == expected.row_count()
    report = run_import(db, "package", summary.path)
    assert report.ok, report.text()
    with db.session() as session:
        got = dump_dataset(session)
    for name, table in expected.tables.items():
        assert [r.values for r in got.tables[name].rows] == [r.values for r in table.rows], name


def test_a_package_pointing_at_an_unknown_record_imports_nothing(three_bases, tmp_path):
    import json

    karim, _, territoire = three_bases
    karim_id, _ = add_meeting(karim, "Karim Benali", datetime(2026, 10, 5, 14), "Veille Hénin")
    path = package_of(karim, karim_id, tmp_path / "karim.ctgpaquet").path
    with zipfile.ZipFile(path) as archive:
        manifest, data = archive.read("manifest.json"), json.loads(archive.read("donnees.json"))
    meeting = data["tables"]["meeting"]
    row = next(r for r in meeting["rows"] if r[meeting["fields"].index("title")] == "Veille Hénin")
    row[meeting["fields"].index("instance_uid")] = "inconnu"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", manifest)
        archive.writestr("donnees.json", json.dumps(data))
    before = dump(territoire)
    report = run_import(territoire, "package", path)
    assert len(report.errors) == 1
    error = report.errors[0]
    assert (error.location.sheet, error.location.header) == ("meeting", "instance_uid")
    assert "« inconnu » ne correspond à aucune ligne de « instance »" in error.detail
    assert dump(territoire) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "n'est pas un paquet ctgdesk"),
        (b"pas un zip", "n'est pas un paquet ctgdesk"),
    ],
)
def test_files_that_are_not_packages(db, tmp_path, content, message):
    path = tmp_path / "paquet.ctgpaquet"
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("manifest.json", '{"format": "autre"}')
            archive.writestr("donnees.json", "{}")
    else:
        path.write_bytes(content)
    report = run_import(db, "package", path)
    assert message in report.errors[0].detail


def test_a_package_from_a_newer_version_is_refused(db, tmp_path):
    path = tmp_path / "paquet.ctgpaquet"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", '{"format": "ctgdesk-paquet", "version": 99}')
        archive.writestr("donnees.json", '{"tables": {}}')
    assert "version plus récente" in run_import(db, "package", path).errors[0].detail


def test_the_package_holds_only_the_coordinators_year(three_bases, tmp_path):
    karim, _, _ = three_bases
    karim_id, _ = add_meeting(karim, "Karim Benali", datetime(2026, 10, 5, 14), "Veille Hénin")
    path = package_of(karim, karim_id, tmp_path / "karim.ctgpaquet").path
    info = package_info(path)
    assert (info.coordinator, info.year) == ("Karim Benali", 2026)
    from ctgdesk.exchange.package import read_package

    content = read_package(path)
    fields, rows = content.tables["meeting"]
    with karim.session() as session:
        karim_uid = people.find_coordinator(session, "Karim Benali").uid
        total = session.scalar(select(func.count()).select_from(Meeting))
    assert 0 < len(rows) < total
    assert {r[fields.index("animator_uid")] for r in rows} == {karim_uid}
    assert all(r[fields.index("starts_at")].startswith("2026-") for r in rows)
    decisions = content.tables["decision"][1]
    with karim.session() as session:
        assert len(decisions) == session.scalar(select(func.count()).select_from(Decision).join(Meeting).where(
            Meeting.animator_id == karim_id, Meeting.starts_at >= datetime(2026, 1, 1)))
    assert date.today()  # the package is written whatever today's date
