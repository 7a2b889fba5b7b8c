"""Communes from INSEE's COG file and from a plain « code ; nom » file."""

from __future__ import annotations

from sqlalchemy import func, select

from ctgdesk.models import Organisation, OrganisationKind
from ctgdesk.services import territory
from ctgdesk.services.imports import run_import
from tests.imports.helpers import dump, write_csv, write_xlsx

COG_HEADER = ["TYPECOM", "COM", "REG", "DEP", "CTCD", "ARR", "TNCC", "NCC", "NCCENR", "LIBELLE", "CAN", "COMPARENT"]
COG_ROWS = [
    ["COM", "62427", "32", "62", "62D", "624", "0", "HENIN BEAUMONT", "Hénin-Beaumont", "Hénin-Beaumont", "6214", ""],
    ["COM", "62215", "32", "62", "62D", "624", "0", "CARVIN", "Carvin", "Carvin", "6210", ""],
    ["COM", "62250", "32", "62", "62D", "624", "0", "COURRIERES", "Courrières", "Courrières", "6210", ""],
    ["COMD", "62999", "32", "62", "62D", "624", "0", "ANCIENNE", "Ancienne", "Ancienne", "", "62427"],
    ["COM", "59350", "32", "59", "59D", "593", "0", "LILLE", "Lille", "Lille", "5999", ""],
    ["ARM", "75101", "11", "75", "75C", "751", "0", "PARIS 1ER", "Paris 1er", "Paris 1er Arrondissement", "", "75056"],
    ["COM", "2A004", "94", "2A", "20D", "2A1", "0", "AJACCIO", "Ajaccio", "Ajaccio", "2A98", ""],
]


def cog(tmp_path, rows=COG_ROWS):
    # INSEE publishes it comma-separated, UTF-8.
    return write_csv(tmp_path / "v_commune_2025.csv", [COG_HEADER, *rows], delimiter=",")


def names(db):
    with db.session() as session:
        return {(o.insee_code, o.name) for o in session.scalars(select(Organisation))}


def test_cog_filtered_by_departement_keeps_communes_only(db, tmp_path):
    report = run_import(db, "communes", cog(tmp_path), dep="62")
    assert report.ok, report.text()
    assert names(db) == {("62427", "Hénin-Beaumont"), ("62215", "Carvin"), ("62250", "Courrières")}
    with db.session() as session:
        assert {o.kind for o in session.scalars(select(Organisation))} == {OrganisationKind.COMMUNE}
    assert len(report.created) == 3


def test_cog_filtered_by_codes_including_corsica(db, tmp_path):
    report = run_import(db, "communes", cog(tmp_path), codes="62427, 2A004")
    assert report.ok, report.text()
    assert names(db) == {("62427", "Hénin-Beaumont"), ("2A004", "Ajaccio")}


def test_cog_without_filter_is_refused(db, tmp_path):
    report = run_import(db, "communes", cog(tmp_path))
    assert "indiquez un département" in report.errors[0].detail


def test_a_requested_code_absent_from_the_file_imports_nothing(db, tmp_path):
    before = dump(db)
    report = run_import(db, "communes", cog(tmp_path), codes="62427,62624")
    assert [e.detail for e in report.errors] == ["La commune 62624 demandée n'est pas dans le fichier."]
    assert dump(db) == before


def test_existing_communes_matched_by_code_and_completed_by_name(db, tmp_path):
    with db.transaction() as session:
        territory.create_organisation(session, name="Hénin-Beaumont", kind="commune", insee_code="62427")
        territory.create_organisation(session, name="COURRIERES", kind="commune")  # from an ETP table, no code
    report = run_import(db, "communes", cog(tmp_path), dep="62")
    assert report.ok, report.text()
    assert [e.name for e in report.matched] == ["Hénin-Beaumont (62427)"]
    assert [(e.name, e.detail) for e in report.updated] == [("COURRIERES (62250)", "code INSEE ajouté")]
    assert [e.name for e in report.created] == ["Carvin (62215)"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Organisation)) == 3
    again = run_import(db, "communes", cog(tmp_path), dep="62")
    assert again.created == again.updated == [] and len(again.matched) == 3


def test_plain_two_column_file_with_or_without_header(db, tmp_path):
    headerless = write_csv(tmp_path / "communes.csv", [["62427", "Hénin-Beaumont"], ["62215", "Carvin"]],
                           encoding="cp1252")
    assert run_import(db, "communes", headerless).ok
    with_header = write_xlsx(tmp_path / "communes.xlsx", [["Code INSEE", "Nom"], ["62250", "Courrières"], [6001, "Ambérieu"]])
    report = run_import(db, "communes", with_header)
    assert report.ok, report.text()
    assert ("06001", "Ambérieu") in names(db)  # leading zero restored by validate_insee
    assert ("62215", "Carvin") in names(db)


def test_bad_codes_are_located(db, tmp_path):
    path = write_csv(tmp_path / "communes.csv", [["code", "nom"], ["62427", "Hénin-Beaumont"], ["624", "Trop court"],
                                                   ["ABCDE", "Lettres"], ["62427", "Doublon"]])
    before = dump(db)
    report = run_import(db, "communes", path)
    assert [(e.location.row, e.location.column) for e in report.errors] == [(3, 1), (4, 1), (5, 1)]
    assert "invalide" in report.errors[1].detail
    assert "figure déjà ligne 2" in report.errors[2].detail
    assert dump(db) == before
