"""Reading tables from the files coordinators have: xlsx and CSV, good and bad."""

from __future__ import annotations

import datetime as dt

import pytest

from ctgdesk.exchange import readers
from ctgdesk.exchange.readers import ColumnSpec, ImportFileError, Location, read_table
from tests.imports.helpers import write_csv, write_xlsx

SPECS = (
    ColumnSpec("structure", ("Commune / structure", "Commune"), required=True),
    ColumnSpec("people_count", ("Nombre de personnes",), repeatable=True),
    ColumnSpec("names", ("Nom prénom",), repeatable=True),
    ColumnSpec("etp", ("ETP",), required=True, repeatable=True),
)
ROWS = [
    ["Commune / structure", "ETP", "Nombre de personnes", "Nom prénom"],
    ["Hénin-Beaumont", "0,40", "1", "Élodie FRANÇOIS"],
    ["Noyelles-Godault", "En cours", "", ""],
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_in_every_encoding_and_separator(tmp_path, encoding, delimiter):
    path = write_csv(tmp_path / "etp.csv", ROWS, delimiter=delimiter, encoding=encoding)
    table = read_table(path, SPECS)
    assert table.delimiter == delimiter
    assert table.encoding == encoding
    assert [r.text("structure") for r in table.rows] == ["Hénin-Beaumont", "Noyelles-Godault"]
    assert table.rows[0].text("names") == "Élodie FRANÇOIS"
    assert table.rows[0].text("etp") == "0,40"  # a French decimal survives a comma-separated file
    cell = table.rows[1].cell("etp")
    assert cell.location == Location("etp.csv", None, 3, 2, "ETP")
    assert str(cell.location) == "fichier « etp.csv », ligne 3, colonne B (« ETP »)"


def test_header_found_whatever_case_accents_order_and_title_rows(tmp_path):
    rows = [
        ["Annexe 4 : moyens de la coordination"],
        [],
        ["NOM PRENOM", " etp ", "commune/Structure", "nombre  de  PERSONNES", "Remarque"],
        ["DUPONT Marie", 0.4, "Divion", 1, "ok"],
    ]
    table = read_table(write_xlsx(tmp_path / "etp.xlsx", rows, sheet="ETP"), SPECS)
    assert table.sheet == "ETP" and table.header_row == 3
    row = table.rows[0]
    assert row.value("etp") == 0.4 and row.text("structure") == "Divion" and row.value("people_count") == 1
    assert row.cell("names").location == Location("etp.xlsx", "ETP", 4, 1, "NOM PRENOM")
    assert "feuille « ETP », ligne 4, colonne A" in str(row.cell("names").location)


def test_repeated_columns_carry_their_period(tmp_path):
    rows = [["Commune", "ETP 2025", "Nom prénom", "ETP (CTG 2)", "Nom prénom"], ["Divion", 0.3, "A", 0.4, "B"]]
    table = read_table(write_xlsx(tmp_path / "etp.xlsx", rows), SPECS)
    assert [(c.letter, c.tag, c.years) for c in table.columns_for("etp")] == [("B", "2025", (2025,)), ("D", "ctg2", ())]
    row = table.rows[0]
    assert (row.value("etp", 0), row.value("etp", 1), row.text("names", 1)) == (0.3, 0.4, "B")
    assert row.cell("etp", 2) is None


def test_the_first_sheet_with_the_table_is_used_unless_one_is_named(tmp_path):
    path = write_xlsx(tmp_path / "etp.xlsx", [["Sommaire"]], sheet="Garde", extra_sheets={"ETP": ROWS, "Autre": ROWS})
    assert read_table(path, SPECS).sheet == "ETP"
    assert read_table(path, SPECS, sheet="Autre").sheet == "Autre"
    with pytest.raises(ImportFileError, match="La feuille « Nulle » n'existe pas .*« Garde », « ETP », « Autre »"):
        read_table(path, SPECS, sheet="Nulle")


def test_dates_come_back_as_dates(tmp_path):
    specs = (ColumnSpec("date", ("Date",), required=True),)
    path = write_xlsx(tmp_path / "r.xlsx", [["Date"], [dt.datetime(2026, 3, 12, 14, 30)]])
    assert read_table(path, specs).rows[0].value("date") == dt.datetime(2026, 3, 12, 14, 30)


def test_missing_columns_name_what_is_expected(tmp_path):
    path = write_csv(tmp_path / "x.csv", [["Nom", "Valeur"], ["a", "b"]])
    with pytest.raises(ImportFileError, match="« Commune / structure », « ETP » sont introuvables"):
        read_table(path, SPECS)


def test_headerless_two_column_file(tmp_path):
    specs = (ColumnSpec("code", ("Code INSEE", "Code"), required=True), ColumnSpec("name", ("Nom",), required=True))
    path = write_csv(tmp_path / "communes.csv", [["62427", "Lens"], ["62215", "Carvin"]], delimiter=",")
    table = read_table(path, specs, headerless=("code", "name"))
    assert table.header_row is None
    assert [(r.text("code"), r.text("name")) for r in table.rows] == [("62427", "Lens"), ("62215", "Carvin")]
    assert table.rows[1].cell("name").location.row == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "est vide"),
        (readers.OLE_MAGIC + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 100,
         "protégé par un mot de passe"),
        (readers.OLE_MAGIC + b"\x00" * 500, r"Excel 97-2003 \(.xls\)"),
        (b"PK\x03\x04" + b"\x00" * 60, "abîmé ou tronqué"),
        (b"\x00\x01\x02binary\x00junk\xff\xfe" * 20, "n'est pas un fichier texte"),
    ],
)
def test_unreadable_files_give_a_french_error(tmp_path, content, message):
    path = tmp_path / "fichier.xlsx"
    path.write_bytes(content)
    if content.startswith(b"\x00"):
        path = path.rename(tmp_path / "fichier.csv")
    with pytest.raises(ImportFileError, match=message) as caught:
        read_table(path, SPECS)
    assert "fichier." in caught.value.message


def test_truncated_workbook(tmp_path):
    path = write_xlsx(tmp_path / "etp.xlsx", ROWS * 200)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImportFileError, match="abîmé|tronqué|illisible"):
        read_table(path, SPECS)


def test_ods_is_refused_with_advice(tmp_path):
    import zipfile

    path = tmp_path / "etp.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")
    with pytest.raises(ImportFileError, match="OpenDocument"):
        read_table(path, SPECS)


def test_missing_file(tmp_path):
    with pytest.raises(ImportFileError, match="« absent.csv » est introuvable"):
        read_table(tmp_path / "absent.csv", SPECS)


def test_size_and_row_guards(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "etp.csv", [ROWS[0]] + [ROWS[1]] * 50)
    monkeypatch.setattr(readers, "MAX_ROWS", 10)
    with pytest.raises(ImportFileError, match="plus de 10 lignes"):
        read_table(path, SPECS)
    xlsx = write_xlsx(tmp_path / "etp.xlsx", [ROWS[0]] + [ROWS[1]] * 50)
    with pytest.raises(ImportFileError, match="plus de 10 lignes"):
        read_table(xlsx, SPECS)
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 100)
    with pytest.raises(ImportFileError, match="trop gros"):
        read_table(path, SPECS)


def test_zip_bomb_guard(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "etp.xlsx", ROWS)
    monkeypatch.setattr(readers, "MAX_UNZIPPED_BYTES", 1000)
    with pytest.raises(ImportFileError, match="trop volumineux"):
        read_table(path, SPECS)


def test_a_real_password_protected_workbook(tmp_path):
    """Encrypted with msoffcrypto-tool (password « secret »), as Excel does: an OLE container."""
    from pathlib import Path

    path = Path(__file__).with_name("fixtures") / "etp_mot_de_passe.xlsx"
    assert path.read_bytes().startswith(readers.OLE_MAGIC)
    with pytest.raises(ImportFileError, match="« etp_mot_de_passe.xlsx » est protégé par un mot de passe"):
        read_table(path, SPECS)
