"""`ctgdesk team …` on a real server: init, add-user, members, and French refusals."""

from __future__ import annotations

import io

import pytest

from ctgdesk.cli import main
from ctgdesk.db import open_database
from ctgdesk.services import people


def test_init_then_add_a_user_for_a_person(pg_url, capsys, monkeypatch):
    assert main(["team", "init", pg_url]) == 0
    assert "Base d'équipe prête" in capsys.readouterr().out
    assert main(["team", "init", pg_url]) == 0  # again: nothing breaks (after an upgrade, it grants anew)
    database = open_database(pg_url)
    with database.transaction() as session:
        people.create_person(session, first_name="Claire", last_name="Dumont")
    database.dispose()
    capsys.readouterr()

    monkeypatch.setattr("sys.stdin", io.StringIO("motdepasse\n"))
    assert main(["team", "add-user", pg_url, "--login", "claire.dumont", "--person", "Claire Dumont",
                 "--role", "charge", "--password-stdin"]) == 0
    assert "Compte « claire.dumont » : chargé·e de coopération (Claire Dumont)" in capsys.readouterr().out
    assert main(["team", "members", pg_url]) == 0
    assert capsys.readouterr().out.startswith("claire.dumont\tchargé·e de coopération\t")

    assert main(["team", "add-user", pg_url, "--login", "x", "--person", "Personne Inconnue", "--role", "charge"]) == 1
    assert "Aucune personne ne s'appelle « Personne Inconnue »" in capsys.readouterr().err


@pytest.mark.parametrize("target, words", [
    ("base.sqlite", "n'est pas l'adresse d'une base PostgreSQL"),
    ("postgresql://nobody@127.0.0.1:1/none", "Connexion au serveur impossible"),
])
def test_team_commands_refuse_in_french(target, words, capsys):
    assert main(["team", "init", target]) == 1
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def _figures(target):
    from tests.team.test_postgres_schema import _bilan_figures

    database = open_database(target, migrate=False)
    try:
        return _bilan_figures(database, 2026)
    finally:
        database.dispose()


def test_push_the_demo_then_pull_it_back_lossless(pg_url, demo_db, tmp_path, capsys):
    from ctgdesk.db.copy import row_counts

    local = demo_db.path
    demo_db.dispose()
    assert main(["team", "init", pg_url]) == 0
    assert main(["team", "push", str(local), "--to", pg_url]) == 0
    assert "Copié dans la base d'équipe" in capsys.readouterr().out
    server = open_database(pg_url, migrate=False)
    local_db = open_database(local, migrate=False)
    assert row_counts(server.engine) == row_counts(local_db.engine)
    assert _figures(pg_url) == _figures(local)
    with server.transaction() as session:  # the sequences follow: a new record gets a new id
        from ctgdesk.services import people

        people.create_person(session, first_name="Nouvelle", last_name="Personne")
    server.dispose()
    local_db.dispose()

    assert main(["team", "push", str(local), "--to", pg_url]) == 1
    assert "n'est pas vide" in capsys.readouterr().err

    copy = tmp_path / "voyage.sqlite"
    assert main(["team", "pull", pg_url, "--out", str(copy)]) == 0
    assert _figures(copy) == _figures(pg_url)
    assert main(["team", "pull", pg_url, "--out", str(copy)]) == 1
    assert "existe déjà" in capsys.readouterr().err


def test_info_and_the_bilan_of_a_team_base_match_the_local_demo(pg_url, demo_db, tmp_path, capsys):
    from openpyxl import load_workbook

    local = demo_db.path
    demo_db.dispose()
    assert main(["team", "init", pg_url]) == 0
    assert main(["team", "push", str(local), "--to", pg_url]) == 0
    capsys.readouterr()
    outputs = {}
    for name, target in (("local", str(local)), ("server", pg_url)):
        assert main(["--db", target, "info"]) == 0
        info = capsys.readouterr().out
        outputs[name] = [line for line in info.splitlines() if not line.lower().startswith(("base", "chemin", "fichier"))]
        out = tmp_path / f"{name}.xlsx"
        assert main(["--db", target, "export", "bilan", "--year", "2026", "--out", str(out)]) == 0
        capsys.readouterr()
        book = load_workbook(out, read_only=True)
        outputs[name + "-bilan"] = {
            sheet.title: [row for row in sheet.iter_rows(values_only=True)
                          if not any(isinstance(v, str) and ("Produit le" in v or "Source" in v or "sqlite" in v or "postgres" in v) for v in row)]
            for sheet in book.worksheets}
    assert any("réunion" in line.lower() for line in outputs["server"])
    assert outputs["server"] == outputs["local"]
    assert outputs["server-bilan"] == outputs["local-bilan"]


def test_backup_of_a_team_base_is_a_pg_dump_that_restores_into_an_empty_base(pg_server, pg_url, tmp_path, capsys):
    from ctgdesk.db.copy import row_counts
    from ctgdesk.services.demo import build_demo
    from tests.conftest import DEMO_TODAY

    assert main(["team", "init", pg_url]) == 0
    database = open_database(pg_url)
    with database.transaction() as session:
        build_demo(session, today=DEMO_TODAY)
    before = row_counts(database.engine)
    database.dispose()
    dump = tmp_path / "equipe.dump"
    assert main(["--db", pg_url, "backup"]) == 1
    assert "--out FICHIER.dump" in capsys.readouterr().err
    assert main(["--db", pg_url, "backup", "--out", str(dump)]) == 0
    assert "format pg_dump" in capsys.readouterr().out
    assert dump.read_bytes()[:5] == b"PGDMP"

    assert main(["--db", pg_url, "restore", str(dump)]) == 1  # never over data
    assert "n'est pas vide" in capsys.readouterr().err
    empty = pg_server.create_database("restauree_" + tmp_path.name[-20:].lower().replace("-", "_"))
    assert main(["--db", empty, "restore", str(dump)]) == 0
    restored = open_database(empty, migrate=False)
    assert row_counts(restored.engine) == before
    restored.dispose()
