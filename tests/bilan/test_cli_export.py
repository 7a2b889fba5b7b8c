"""`ctgdesk export …` on the demo territory (a migrated database, as users have)."""

from __future__ import annotations

import csv
import subprocess
import sys

import openpyxl
import pytest
from icalendar import Calendar
from pypdf import PdfReader

from ctgdesk.cli import main
from ctgdesk.exchange import atomic


@pytest.fixture
def db_path(demo_db):
    path = demo_db.path
    demo_db.dispose()
    return str(path)


def run(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_export_bilan_xlsx_with_columns(db_path, tmp_path, capsys):
    target = tmp_path / "bilan.xlsx"
    code, out, err = run(capsys, "--db", db_path, "export", "bilan", "--year", "2026", "--out", str(target),
                         "--columns", "Réunions=date,instance,statut", "--columns", "Plan d'action=numero,fiche")
    assert code == 0, err
    assert out.startswith(f"Bilan 2026 de la Convention Territoriale Globale (Ensemble du territoire) écrit dans "
                          f"{target} : 20 indicateurs,")
    workbook = openpyxl.load_workbook(target)
    assert [c.value for c in workbook["Réunions"][1]] == ["Date", "Instance", "Statut"]
    assert [c.value for c in workbook["Plan d'action"][1]] == ["N°", "Fiche action"]
    assert workbook["Indicateurs"]["C2"].value == "1.1-S1"


def test_export_bilan_pdf_for_a_coordinator_and_a_commune(db_path, tmp_path, capsys):
    code, out, err = run(capsys, "--db", db_path, "export", "bilan", "--year", "2026", "--format", "pdf",
                         "--coordinator", "claire dumont", "--out", str(tmp_path / "claire.pdf"))
    assert code == 0, err
    assert "(Chargé·e de coopération : Claire Dumont)" in out
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "claire.pdf").pages)
    assert "Chargé·e de coopération : Claire Dumont" in text
    code, out, err = run(capsys, "--db", db_path, "export", "bilan", "--year", "2025", "--to-year", "2026",
                         "--commune", "62427", "--out", str(tmp_path / "henin.xlsx"))
    assert code == 0, err
    assert "Bilan 2025–2026" in out and "(Commune : Hénin-Beaumont (62427))" in out


@pytest.mark.parametrize(("args", "message"), [
    (["--commune", "99999"], "Aucune commune n'a le code INSEE (ou le nom) « 99999 »."),
    (["--coordinator", "Personne Inconnue"], "Aucun·e chargé·e de coopération ne s'appelle « Personne Inconnue »."),
    (["--columns", "Réunions=couleur"], "Colonne(s) inconnue(s) pour « Réunions » : couleur"),
    (["--columns", "Réunions"], "--columns « Réunions » : écrivez FEUILLE=colonne,colonne"),
    (["--to-year", "2020"], "--to-year 2020 précède --year 2026."),
])
def test_export_bilan_refusals(db_path, tmp_path, capsys, args, message):
    code, out, err = run(capsys, "--db", db_path, "export", "bilan", "--year", "2026", "--out",
                         str(tmp_path / "b.xlsx"), *args)
    assert code == 1
    assert message in err and err.startswith("Erreur : ")
    assert not (tmp_path / "b.xlsx").exists()


def test_export_needs_a_format(db_path, tmp_path, capsys):
    code, _, err = run(capsys, "--db", db_path, "export", "bilan", "--year", "2026", "--out", str(tmp_path / "b"))
    assert code == 1 and "Précisez --format xlsx ou --format pdf" in err


def test_locked_target_message(db_path, tmp_path, capsys, monkeypatch):
    target = tmp_path / "bilan.xlsx"
    monkeypatch.setattr(atomic.os, "replace", lambda s, d: (_ for _ in ()).throw(PermissionError(13, "x")))
    monkeypatch.setattr(atomic, "REPLACE_PAUSE_S", 0)
    code, _, err = run(capsys, "--db", db_path, "export", "bilan", "--year", "2026", "--out", str(target))
    assert code == 1
    assert err.strip() == (f"Erreur : Le fichier « {target} » est ouvert dans un autre programme (Excel ?). "
                           "Fermez-le puis réessayez.")


def test_export_ics_and_csv(db_path, tmp_path, capsys):
    code, out, err = run(capsys, "--db", db_path, "export", "ics", "--out", str(tmp_path / "r.ics"), "--year", "2026")
    assert code == 0, err
    events = Calendar.from_ical((tmp_path / "r.ics").read_bytes()).walk("VEVENT")
    assert out == f"{len(events)} réunion(s) écrite(s) dans {tmp_path / 'r.ics'}.\n" and len(events) > 20
    code, out, err = run(capsys, "--db", db_path, "export", "ics", "--out", str(tmp_path / "all.ics"))
    assert len(Calendar.from_ical((tmp_path / "all.ics").read_bytes()).walk("VEVENT")) > len(events)
    for table in ("meetings", "decisions", "alerts", "fiches", "etp"):
        target = tmp_path / f"{table}.csv"
        code, out, err = run(capsys, "--db", db_path, "export", "csv", table, "--out", str(target))
        assert code == 0, err
        with open(target, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle, delimiter=";"))
        assert out == f"{len(rows) - 1} ligne(s) écrite(s) dans {target}.\n"
        assert len(rows) > 1
    with open(tmp_path / "etp.csv", encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle, delimiter=";"))
    assert header[0] == "Commune / structure" and header[5] == "Évolution"


def test_export_as_a_subprocess(db_path, tmp_path):
    target = tmp_path / "bilan.pdf"
    result = subprocess.run([sys.executable, "-m", "ctgdesk", "--db", db_path, "export", "bilan", "--year", "2026",
                             "--out", str(target)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert target.read_bytes().startswith(b"%PDF")
