"""`ctgdesk import …` and `ctgdesk export …` as users and scripts run them."""

from __future__ import annotations

import subprocess
import sys

from datetime import datetime

from sqlalchemy import func, select

from ctgdesk.cli import main
from ctgdesk.models import EtpAllocation, Meeting
from ctgdesk.services.imports.packages import package_info, utc_from_local
from tests.imports.conftest import copy_database
from tests.imports.helpers import dump, write_csv


def ctgdesk(*args):
    return subprocess.run([sys.executable, "-m", "ctgdesk", *args], capture_output=True, text=True, timeout=120)


def test_workbook_export_then_import_into_a_new_base_by_the_command_line(demo_template, tmp_path):
    demo = copy_database(demo_template, tmp_path / "demo.sqlite")
    demo.dispose()
    out = tmp_path / "base.xlsx"
    exported = ctgdesk("--db", str(demo.path), "export", "workbook", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    assert "Classeur complet écrit" in exported.stdout and out.exists()
    new = tmp_path / "nouvelle.sqlite"
    preview = ctgdesk("--db", str(new), "import", "workbook", str(out), "--dry-run")
    assert preview.returncode == 0 and "Aperçu : rien n'a encore été importé." in preview.stdout
    done = ctgdesk("--db", str(new), "import", "workbook", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Import terminé." in done.stdout
    assert ctgdesk("--db", str(new), "info").stdout.splitlines()[2:] == \
        ctgdesk("--db", str(demo.path), "info").stdout.splitlines()[2:]


def test_etp_import_preview_then_import(db, tmp_path, capsys):
    db.dispose()
    path = write_csv(tmp_path / "etp.csv", [["Commune / structure", "ETP", "Nom prénom"],
                                             ["Carvin", "0,5", "LEFEBVRE Sophie"], ["TOTAL", "0,5", ""]])
    before = dump(db)
    assert main(["--db", str(db.path), "import", "etp", str(path), "--year", "2026", "--dry-run"]) == 0
    output = capsys.readouterr().out
    assert "Aperçu" in output and "Créé : Commune « Carvin »" in output
    assert dump(db) == before
    assert main(["--db", str(db.path), "import", "etp", str(path), "--year", "2026"]) == 0
    output = capsys.readouterr().out
    assert "Import terminé." in output and "Sauvegarde faite avant l'import" in output
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(EtpAllocation)) == 1
    assert list((db.path.parent / "sauvegardes").glob("*avant-import*"))


def test_an_import_with_errors_exits_with_1_and_says_where(db, tmp_path, capsys):
    db.dispose()
    path = write_csv(tmp_path / "etp.csv", [["Commune", "ETP"], ["Carvin", "beaucoup"]])
    assert main(["--db", str(db.path), "import", "etp", str(path), "--year", "2026"]) == 1
    output = capsys.readouterr().out
    assert "Rien n'a été importé" in output
    assert "Erreur : L'ETP « beaucoup » n'est pas un nombre (ex. 0,40). [fichier « etp.csv », ligne 2, colonne B (« ETP »)]" in output


def test_package_export_and_consolidation(demo_template, tmp_path, capsys):
    coordinator_base = copy_database(demo_template, tmp_path / "karim.sqlite")
    territory = copy_database(demo_template, tmp_path / "territoire.sqlite")
    with coordinator_base.transaction() as session:
        meeting = session.scalars(select(Meeting).where(Meeting.animator_id.is_not(None))).first()
        meeting.title = "Titre revu par la chargée de coopération"
        animator = meeting.animator.name
        year = meeting.starts_at.year
    coordinator_base.dispose()
    territory.dispose()
    out = tmp_path / "paquet.ctgpaquet"
    assert main(["--db", str(coordinator_base.path), "export", "package", "--out", str(out),
                 "--coordinator", animator, "--year", str(year)]) == 0
    assert f"Paquet de {animator} pour {year} écrit" in capsys.readouterr().out
    assert main(["--db", str(territory.path), "import", "package", str(out)]) == 0
    output = capsys.readouterr().out
    assert "Mis à jour : Réunion" in output and "1 mis à jour" in output
    assert main(["--db", str(territory.path), "import", "package", str(out)]) == 0
    assert "0 créé(s), 0 mis à jour" in capsys.readouterr().out
    # --since is the package's base, read on the user's clock, stored in UTC.
    assert main(["--db", str(coordinator_base.path), "export", "package", "--out", str(out),
                 "--coordinator", animator, "--since", "30/06/2026 14:00"]) == 0
    base = package_info(out).base_at
    assert base == utc_from_local(datetime(2026, 6, 30, 14, 0))


def test_unknown_coordinator_and_bad_date_are_french_errors(db, tmp_path, capsys):
    db.dispose()
    assert main(["--db", str(db.path), "export", "package", "--out", str(tmp_path / "p.ctgpaquet"),
                 "--coordinator", "Personne Inconnue"]) == 1
    assert "Aucun·e chargé·e de coopération ne s'appelle « Personne Inconnue »" in capsys.readouterr().err
    assert main(["--db", str(db.path), "export", "package", "--out", str(tmp_path / "p.ctgpaquet"),
                 "--since", "hier"]) == 1
    assert "« hier » n'est pas une date" in capsys.readouterr().err
