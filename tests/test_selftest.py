"""`ctgdesk --self-test`: every step named, a missing piece reported in French, never a traceback."""

from __future__ import annotations

import io
import sys
import types
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMainWindow

from ctgdesk import __version__, cli, selftest
from ctgdesk.selftest import StepFailed, load, run_self_test

FAKE = "ctgdesk_test_fake_pieces"


def missing(name: str) -> tuple[str, str]:
    return (f"ctgdesk.pas_encore_livre.{name}", name)


@pytest.fixture
def pieces_missing(monkeypatch):
    for constant in ("MAIN_WINDOW", "COMPUTE_BILAN", "WRITE_BILAN_XLSX", "WRITE_BILAN_PDF"):
        monkeypatch.setattr(selftest, constant, missing(constant.lower()))
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["ctgdesk.pas_encore_livre.commande"])


@pytest.fixture
def pieces_present(monkeypatch):
    """Stand-ins for the main window, the bilan and its writers, as one module."""
    fake = types.ModuleType(FAKE)

    class MainWindow(QMainWindow):
        def __init__(self, database):
            super().__init__()
            self.database = database
            self.setWindowTitle("ctgdesk — fenêtre de test")

    fake.MainWindow = MainWindow
    fake.register = lambda subparsers: None
    fake.compute_bilan = lambda session, year: {"année": year, "tables": session.bind.dialect.name}
    fake.write_bilan_xlsx = lambda bilan, path: Path(path).write_bytes(b"PK\x03\x04 classeur")
    fake.write_bilan_pdf = lambda bilan, path: Path(path).write_bytes(b"%PDF-1.7 rapport")
    monkeypatch.setitem(sys.modules, FAKE, fake)
    monkeypatch.setattr(selftest, "MAIN_WINDOW", (FAKE, "MainWindow"))
    monkeypatch.setattr(selftest, "COMPUTE_BILAN", (FAKE, "compute_bilan"))
    monkeypatch.setattr(selftest, "WRITE_BILAN_XLSX", (FAKE, "write_bilan_xlsx"))
    monkeypatch.setattr(selftest, "WRITE_BILAN_PDF", (FAKE, "write_bilan_pdf"))
    monkeypatch.setattr(cli, "COMMAND_MODULES", [FAKE])
    return fake


def run(qapp) -> tuple[int, str]:
    out = io.StringIO()
    code = run_self_test(out)
    return code, out.getvalue()


def test_load_names_a_missing_module():
    with pytest.raises(StepFailed, match=r"^module manquant : ctgdesk\.services\.absent_pour_test$"):
        load("ctgdesk.services.absent_pour_test", "compute_bilan")


def test_load_names_a_missing_dependency_of_a_present_module(tmp_path, monkeypatch):
    (tmp_path / "ctgdesk_test_needs_dep.py").write_text("import ctgdesk_test_absent_dep\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(StepFailed) as failure:
        load("ctgdesk_test_needs_dep", "x")
    assert str(failure.value) == (
        "module manquant : ctgdesk_test_absent_dep (nécessaire à ctgdesk_test_needs_dep)")


def test_load_names_a_missing_attribute():
    with pytest.raises(StepFailed, match="ctgdesk.db.migrate ne fournit pas « compute_bilan »"):
        load("ctgdesk.db.migrate", "compute_bilan")


def test_missing_pieces_are_failed_steps_with_their_names(qapp, pieces_missing):
    code, output = run(qapp)
    assert code == 1
    assert "Traceback" not in output
    lines = output.splitlines()
    for step in ("ressources de l'application", "base de données temporaire", "migrations du schéma",
                 "formats français (babel)", "Qt hors écran et traduction française", "icônes"):
        assert any(line.startswith(f"  [OK   ] {step}") for line in lines), step
    assert "  [OK   ] migrations du schéma : schéma 0001" in lines
    assert "  [ÉCHEC] fenêtre principale : module manquant : ctgdesk.pas_encore_livre.main_window" in lines
    assert "  [ÉCHEC] bilan : module manquant : ctgdesk.pas_encore_livre.compute_bilan" in lines
    assert ("  [ÉCHEC] export Excel du bilan : module manquant : "
            "ctgdesk.pas_encore_livre.write_bilan_xlsx") in lines
    assert "  [ÉCHEC] export PDF du bilan : module manquant : ctgdesk.pas_encore_livre.write_bilan_pdf" in lines
    assert "  [ÉCHEC] commandes : module manquant : ctgdesk.pas_encore_livre.commande" in lines
    assert lines[-1] == ("Auto-test en échec : 5 étape(s) sur 11 — commandes, fenêtre principale, "
                         "bilan, export Excel du bilan, export PDF du bilan.")


def test_all_pieces_present_passes(qapp, pieces_present):
    code, output = run(qapp)
    assert code == 0, output
    assert "  [OK   ] fenêtre principale : ctgdesk — fenêtre de test" in output
    assert "  [OK   ] export PDF du bilan : 16 octets" in output
    assert output.splitlines()[-1] == "Auto-test réussi : 11 étapes sur 11."


def test_an_empty_export_fails_its_step(qapp, pieces_present):
    pieces_present.write_bilan_pdf = lambda bilan, path: Path(path).write_bytes(b"")
    code, output = run(qapp)
    assert code == 1
    assert "  [ÉCHEC] export PDF du bilan : le fichier PDF est vide (bilan.pdf)" in output
    assert "  [OK   ] export Excel du bilan" in output


def test_a_bug_in_a_piece_is_reported_in_one_line_and_later_steps_still_run(qapp, pieces_present):
    def broken(session, year):
        raise ValueError("division par zéro des ETP")

    pieces_present.compute_bilan = broken
    code, output = run(qapp)
    assert code == 1 and "Traceback" not in output
    assert "  [ÉCHEC] bilan : erreur inattendue : ValueError : division par zéro des ETP" in output
    assert ("  [ÉCHEC] export Excel du bilan : pas de bilan à exporter "
            "(étape « bilan » en échec)") in output


def test_self_test_leaves_no_temporary_folder(qapp, pieces_present, tmp_path, monkeypatch):
    monkeypatch.setattr(selftest.tempfile, "tempdir", str(tmp_path))
    code, _ = run(qapp)
    assert code == 0
    assert list(tmp_path.iterdir()) == []


def test_cli_flag_runs_the_self_test_before_loading_any_command(monkeypatch):
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["ctgdesk.pas_encore_livre.commande"])
    monkeypatch.setattr(selftest, "run_self_test", lambda: 7)
    assert cli.main(["--self-test"]) == 7


def test_cli_version_answers_even_if_a_command_module_is_missing(monkeypatch, capsys):
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["ctgdesk.pas_encore_livre.commande"])
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"ctgdesk {__version__}\n"
