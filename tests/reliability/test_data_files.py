"""Issue « Data safety, second pass », cases 8 and 9 (files): hostile or odd files are refused
early, in French, naming the file (and the row and cell when there is one); a file of 2 Mo
never takes more than 300 Mo to refuse."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from ctgdesk.exchange.readers import ImportFileError, read_table, ColumnSpec
from ctgdesk.services.imports import run_import
from tests.reliability.helpers import table_counts
from tests.reliability.hostile_files import (
    corrupt_deflate,
    doubled_member,
    plain_xlsx,
    rewrite_zip,
    shared_strings_bomb,
)

ROOT = Path(__file__).resolve().parents[2]
SPECS = (ColumnSpec("code", ("code",), required=True), ColumnSpec("name", ("nom",)))


def _peak_of_import(db_path: Path, kind: str, path: Path) -> tuple[int, str]:
    """Import in a fresh process: (its peak memory in kB, the report's first error)."""
    script = (
        "import json, sys\n"
        "from ctgdesk.db import open_database\n"
        "from ctgdesk.services.imports import run_import\n"
        "from bench.peak_memory import peak_rss_kb\n"
        f"db = open_database({str(db_path)!r})\n"
        f"report = run_import(db, {kind!r}, {str(path)!r}, backup=False)\n"
        "print(json.dumps({'peak': peak_rss_kb(), 'error': report.errors[0].detail if report.errors else '',"
        " 'committed': report.committed}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert not result["committed"]
    return result["peak"], result["error"]


def test_a_shared_strings_bomb_is_refused_before_openpyxl_reads_it(tmp_path, db):
    path = shared_strings_bomb(tmp_path / "bombe.xlsx", 8_000_000)  # 130 Mo of XML in 330 Ko
    assert path.stat().st_size < 2 * 1024 * 1024

    peak, error = _peak_of_import(db.path, "workbook", path)

    assert "anormalement comprimé" in error and "xl/sharedStrings.xml" in error
    assert peak < 300 * 1024, f"{peak // 1024} Mo"


def test_a_shared_strings_bomb_of_ordinary_ratio_is_refused_by_its_count(tmp_path, db):
    # short strings that do not repeat: an ordinary compression ratio, but a million strings
    generator = random.Random(5)
    letters = "abcdefghijklmnop"
    path = tmp_path / "textes.xlsx"
    shared_strings_bomb(path, 1)
    texts = "".join(f"<si><t>{''.join(generator.choices(letters, k=2))}</t></si>" for _ in range(1_000_000))
    strings = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
               f'spreadsheetml/2006/main">{texts}</sst>').encode()
    bomb = rewrite_zip(path, tmp_path / "textes2.xlsx", {"xl/sharedStrings.xml": strings})
    with zipfile.ZipFile(bomb) as archive:
        info = archive.getinfo("xl/sharedStrings.xml")
        assert info.file_size < 100 * info.compress_size  # not caught by the ratio

    peak, error = _peak_of_import(db.path, "workbook", bomb)

    assert "contient 1000000 textes" in error
    assert peak < 300 * 1024, f"{peak // 1024} Mo"


def test_a_row_bomb_stops_at_the_row_limit_in_little_memory(tmp_path, db):
    source = plain_xlsx(tmp_path / "base.xlsx", [["code", "nom"]])
    with zipfile.ZipFile(source) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    rows = "".join(f'<row r="{n}"><c r="XFD{n}" t="inlineStr"><is><t>{n}</t></is></c></row>'
                   for n in range(2, 120_002))
    start, end = sheet.index("</row>") + len("</row>"), sheet.index("</sheetData>")
    sheet = sheet[:start] + rows + sheet[end:]
    bomb = rewrite_zip(source, tmp_path / "lignes.xlsx", {"xl/worksheets/sheet1.xml": sheet.encode()})

    peak, error = _peak_of_import(db.path, "communes", bomb)

    assert "plus de 100000 lignes" in error
    assert peak < 300 * 1024, f"{peak // 1024} Mo"


def test_a_corrupt_deflate_stream_is_a_french_message(tmp_path, db):
    path = corrupt_deflate(plain_xlsx(tmp_path / "ok.xlsx", [["code", "nom"], ["62215", "Carvin"]]),
                           tmp_path / "abime.xlsx")

    report = run_import(db, "communes", path, backup=False)

    assert not report.committed
    assert report.errors[0].detail == "Le classeur « abime.xlsx » est abîmé ou tronqué : impossible de l'ouvrir."


def test_a_workbook_naming_a_part_twice_is_refused(tmp_path):
    source = plain_xlsx(tmp_path / "ok.xlsx", [["code", "nom"], ["62215", "Carvin"]])
    with zipfile.ZipFile(source) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    path = doubled_member(source, tmp_path / "double.xlsx", "xl/worksheets/sheet1.xml", sheet.replace(b"Carvin", b"Autre"))

    with pytest.raises(ImportFileError, match="contient deux fois la partie « xl/worksheets/sheet1.xml »"):
        read_table(path, SPECS)


def test_formulas_never_computed_are_refused_with_their_cell(tmp_path, filled):
    database, _ = filled
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "ETP"
    for row in (["Commune", "ETP 2025"], ["Carvin", 0.4], ["Libercourt", "=0.2+0.1"], ["TOTAL", "=SUM(B2:B3)"]):
        sheet.append(row)
    workbook.save(tmp_path / "script.xlsx")
    before = table_counts(database.path)

    report = run_import(database, "etp", tmp_path / "script.xlsx", backup=False, year=2025)

    assert not report.committed
    error = report.errors[0]
    assert "formules jamais calculées (cellules B3, B4)" in error.detail
    assert (error.location.sheet, error.location.row, error.location.column_letter) == ("ETP", 3, "B")
    assert table_counts(database.path) == before


def test_a_csv_mixing_utf8_and_windows_1252_is_refused(tmp_path, db):
    path = tmp_path / "communes.csv"
    path.write_bytes("code;nom\n62215;Carvin\n62250;Courrières\n".encode("utf-8")
                     + "62427;Hénin-Beaumont\n".encode("cp1252"))

    report = run_import(db, "communes", path, backup=False)

    assert not report.committed
    assert "mélange deux encodages (ligne 3 en UTF-8, ligne 4 en Windows-1252)" in report.errors[0].detail
    assert report.errors[0].location.row == 4
    assert "CourriÃ¨res" not in report.text()


def test_a_csv_with_a_quote_never_closed_is_refused(tmp_path, db):
    path = tmp_path / "communes.csv"
    path.write_text('code;nom\n62215;"Carvin\n62250;Courrières\n62427;Hénin\n', encoding="utf-8")

    report = run_import(db, "communes", path, backup=False)

    assert not report.committed
    assert "guillemet ouvert ligne 2 qui n'est jamais fermé" in report.errors[0].detail
    assert report.errors[0].location.row == 2


def test_a_near_miss_commune_is_offered_not_created(tmp_path, filled):
    database, ids = filled
    from ctgdesk.models import Organisation

    with database.transaction() as session:
        known = session.get(Organisation, ids.commune).name
    typo = known + known[-1]
    path = tmp_path / "reunions.csv"
    path.write_text(f"Date;Instance;Communes\n12/03/2025;COPIL;{typo}\n", encoding="utf-8")
    before = table_counts(database.path)

    preview = run_import(database, "meetings", path, dry_run=True)

    assert not preview.ok
    assert f"« {typo} » n'est pas dans la base, mais ressemble à « {known} »" in preview.errors[0].detail
    assert preview.errors[0].location.header == "Communes"
    assert not any(e.name == typo for e in preview.created)
    assert table_counts(database.path) == before


def test_an_etp_of_1e400_in_a_spreadsheet_is_a_french_message(tmp_path, filled):
    database, ids = filled
    from ctgdesk.models import Organisation

    with database.transaction() as session:
        commune = session.get(Organisation, ids.commune).name
    path = tmp_path / "etp.csv"
    path.write_text(f"Commune;ETP 2025\n{commune};1e400\n", encoding="utf-8")

    report = run_import(database, "etp", path, backup=False, year=2025)

    assert not report.committed
    assert "1E+400 ETP pour une seule structure ? C'est trop." in report.errors[0].detail
