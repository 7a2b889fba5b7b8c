"""The command line as a new user runs it: a real subprocess on a fresh database file."""

from __future__ import annotations

import subprocess
import sys

from ctgdesk import __version__


def ctgdesk(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "ctgdesk", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_version():
    result = ctgdesk("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"ctgdesk {__version__}"


def test_demo_info_check_and_refusal_to_overwrite(tmp_path):
    db = str(tmp_path / "demo.sqlite")
    assert ctgdesk("--db", db, "demo").returncode == 0
    info = ctgdesk("--db", db, "info")
    assert info.returncode == 0
    lines = dict(line.split(" : ", 1) for line in info.stdout.splitlines())
    assert lines["Communes"] == "14"
    assert lines["Chargé·e·s de coopération"] == "10"
    assert int(lines["Réunions"]) > 50 and int(lines["Décisions"]) > 10 and int(lines["Fiches actions"]) >= 8
    assert lines["Référentiel"] == "4 objectifs, 8 fonctions, 20 indicateurs"
    assert ctgdesk("--db", db, "check").returncode == 0
    again = ctgdesk("--db", db, "demo")
    assert again.returncode == 1 and "contient déjà des données" in again.stderr
    assert ctgdesk("--db", db, "info").stdout == info.stdout
    assert ctgdesk("--db", db, "demo", "--force").returncode == 0


def test_check_fails_on_a_file_that_is_not_a_database(tmp_path):
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("ceci n'est pas une base")
    result = ctgdesk("--db", str(bogus), "check")
    assert result.returncode == 1 and "Problème" in result.stdout


def test_help_and_errors_are_in_french():
    help_text = ctgdesk("--help").stdout
    assert help_text.startswith("utilisation : ctgdesk")
    assert "affiche cette aide et quitte" in help_text and "show this help" not in help_text
    error = ctgdesk("import")
    assert error.returncode == 2 and "erreur : arguments obligatoires manquants" in error.stderr
