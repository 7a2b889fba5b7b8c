"""The maintenance commands, run through ctgdesk.cli.main as a script would."""

from __future__ import annotations

import json
import sys

import pytest

from ctgdesk import cli
from ctgdesk.db.backup import BackupKind, list_backups
from ctgdesk.db.lock import acquire
from tests.reliability.helpers import corrupt_pages, organisation_names, scalar

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="permissions POSIX")


@pytest.fixture(autouse=True)
def only_our_commands(monkeypatch):
    # The other command modules are tested on their own; here only ours is registered.
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["ctgdesk.commands.maintenance"])


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_backup_list_and_restore(filled, db_path, tmp_path, capsys):
    db, _ = filled
    code, out, _ = run(capsys, "--db", db_path, "backup")
    assert code == 0 and out.startswith("Sauvegarde vérifiée écrite : ")
    [made] = list_backups(db_path.parent / "sauvegardes")
    assert made.kind is BackupKind.MANUAL and str(made.path) in out

    code, out, _ = run(capsys, "--db", db_path, "backup", "--out", tmp_path / "cle" / "copie.sqlite")
    assert code == 0 and scalar(tmp_path / "cle" / "copie.sqlite", "PRAGMA quick_check") == "ok"

    code, out, _ = run(capsys, "--db", db_path, "backups")
    assert code == 0 and "manuelle" in out and made.path.name in out

    with db.transaction() as session:
        from ctgdesk.models import Organisation, OrganisationKind

        session.add(Organisation(name="Après sauvegarde", kind=OrganisationKind.COMMUNE))
    db.dispose()
    code, out, _ = run(capsys, "--db", db_path, "restore", tmp_path / "cle" / "copie.sqlite")
    assert code == 0
    assert "Base restaurée depuis" in out and "La base remplacée a été sauvegardée dans" in out
    assert "Après sauvegarde" not in organisation_names(db_path)
    assert any(b.kind is BackupKind.PRE_RESTORE for b in list_backups(db_path.parent / "sauvegardes"))


def test_restore_refused_while_another_ctgdesk_holds_the_base(filled, db_path, capsys):
    db, _ = filled
    code, _, _ = run(capsys, "--db", db_path, "backup")
    [made] = list_backups(db_path.parent / "sauvegardes")
    db.dispose()
    before = db_path.read_bytes()
    with acquire(db_path):
        code, out, err = run(capsys, "--db", db_path, "restore", made.path)
    assert code == 1 and out == ""
    assert err.startswith("Erreur : La base ") and "est déjà ouverte par ctgdesk sur le poste" in err
    assert db_path.read_bytes() == before


def test_errors_are_french_sentences_not_tracebacks(tmp_path, capsys):
    code, _, err = run(capsys, "--db", tmp_path / "absente.sqlite", "backup")
    assert code == 1 and err.startswith(f"Erreur : La base « {tmp_path / 'absente.sqlite'} » n'existe pas.")
    (tmp_path / "x.sqlite").write_bytes(b"pas une base")
    code, _, err = run(capsys, "--db", tmp_path / "absente.sqlite", "restore", tmp_path / "x.sqlite")
    assert code == 1 and "ne peut pas être restaurée" in err and "pas un fichier SQLite" in err


def test_verify(filled, db_path, capsys):
    db, _ = filled
    code, out, _ = run(capsys, "--db", db_path, "verify")
    assert code == 0 and out.strip().endswith("aucun problème trouvé.")
    from ctgdesk.models import Alert
    from datetime import date

    with db.transaction() as session:
        session.add(Alert(text="Incohérente", raised_on=date(2025, 5, 1), resolved_on=date(2025, 4, 1)))
    db.dispose()
    code, out, _ = run(capsys, "--db", db_path, "verify")
    assert code == 1
    assert "Erreur : L'alerte « Incohérente » est levée le 01/05/2025" in out
    assert out.strip().endswith("1 erreur(s), 0 avertissement(s).")

    corrupt_pages(db_path)
    code, out, _ = run(capsys, "--db", db_path, "verify")
    assert code == 1 and "endommagée" in out


@posix_only
def test_rgpd_export_anonymise_erase(filled, db_path, tmp_path, capsys):
    db, ids = filled
    db.dispose()
    out_file = tmp_path / "export" / "claire.json"
    code, out, _ = run(capsys, "--db", db_path, "rgpd", "export", ids.partner, "--out", out_file)
    assert code == 0 and "exportées" in out
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert data["personne"]["nom"] == "Fontaine"
    assert out_file.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in out_file.parent.iterdir()] == ["claire.json"]

    code, out, _ = run(capsys, "--db", db_path, "rgpd", "anonymise", ids.partner)
    assert code == 0
    assert f"« Personne anonymisée n°{ids.partner} » (4 enregistrement(s) lié(s) conservé(s))" in out
    assert b"Fontaine" not in db_path.read_bytes()

    code, _, err = run(capsys, "--db", db_path, "rgpd", "erase", ids.elected)
    assert code == 1 and "Anonymisez-la plutôt" in err
    code, out, _ = run(capsys, "--db", db_path, "rgpd", "erase", ids.loner)
    assert code == 0 and out == f"Personne n°{ids.loner} effacée.\n"

    code, _, err = run(capsys, "--db", db_path, "rgpd", "export", 999, "--out", out_file)
    assert code == 1 and "Aucune personne n°999" in err

    code, out, _ = run(capsys, "--db", db_path, "rgpd", "inventory")
    assert code == 0 and "- person (first_name" in out

    code, out, _ = run(capsys, "--db", db_path, "rgpd", "stale", "--years", "50")
    assert code == 0 and out.startswith("Aucune personne absente")
