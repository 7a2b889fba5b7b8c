"""A real spreadsheet program opens the workbook: LibreOffice converts each sheet to CSV."""

from __future__ import annotations

import csv
import shutil
import subprocess

import pytest

from ctgdesk.exchange.bilan_xlsx import write_bilan_xlsx
from ctgdesk.services.bilan import compute_bilan

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) absent: scripts/bootstrap.sh test installs "
                                            "libreoffice-calc-nogui")
def test_libreoffice_reads_every_sheet(session, today, tmp_path):
    bilan = compute_bilan(session, 2026, today=today)
    workbook = write_bilan_xlsx(bilan, tmp_path / "bilan.xlsx")
    out = tmp_path / "csv"
    out.mkdir()
    profile = tmp_path / "lo-profile"
    # every sheet, UTF-8, ";" separated, cells as shown: 59 = ";", 34 = '"', 76 = UTF-8, token 9 true = as
    # shown, sheet -1 = all sheets
    completed = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         'csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,true,false,false,-1', "--outdir", str(out),
         str(workbook)],
        capture_output=True, text=True, timeout=180,
    )
    assert completed.returncode == 0, completed.stderr
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted(f"bilan-{name}.csv" for name in
                           ("Présentation", "Synthèse", "Indicateurs", "Réunions", "Décisions et alertes", "Plan d'action", "ETP"))

    def read(name):
        with open(out / f"bilan-{name}.csv", encoding="utf-8", newline="") as handle:
            return list(csv.reader(handle, delimiter=";"))

    indicators = read("Indicateurs")
    assert indicators[0][:6] == ["Objectif", "Fonction", "Code", "Indicateur", "Suivi / évaluation", "Nombre"]
    by_code = {row[2]: row for row in indicators[1:]}
    assert by_code["1.1-S1"][5] == "2" and by_code["3.1-E1"][5] == "7"
    meetings = read("Réunions")
    assert len(meetings) == 11
    copil = next(row for row in meetings if row[4] == "Lancement CTG 2")
    assert copil[0] == "12/03/2026" and copil[1] == "14:00" and copil[3] == "COPIL"  # a time shown as hh:mm
    etp = read("ETP")
    assert etp[1][:4] == ["Bruay-la-Buissière", "0.50", "1", "0.80"] or etp[1][:4] == [
        "Bruay-la-Buissière", "0,50", "1", "0,80"]
    assert etp[5][0] == "Total (somme des structures)"
    assert read("Synthèse")[0][0] == "Bilan 2026 de la Convention Territoriale Globale"
    assert read("Présentation")[1][0] == "Classeur pour la Caf du Pas-de-Calais"
