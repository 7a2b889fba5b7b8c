"""The one way in (ctgdesk.db.opening) on the cases a hostile tester found, one by one."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ctgdesk import cli
from ctgdesk.db import backup as backup_module
from ctgdesk.db import opening
from ctgdesk.db.backup import BackupKind, content_fingerprint, list_backups
from ctgdesk.db.lock import DatabaseLocked, acquire, lock_path
from ctgdesk.db.opening import Access, OpeningRefused, open_base
from tests.reliability import bad_files
from tests.reliability.bad_files import sha256
from tests.reliability.helpers import scalar

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="liens symboliques, signaux POSIX")
ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def private_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "donnees-appli"))


@pytest.fixture
def base(templates, tmp_path) -> Path:
    return bad_files.healthy(tmp_path / "donnees", templates["full"])


# ---------------------------------------------------------------- a symbolic link is the same base


@posix_only
def test_a_symbolic_link_to_a_locked_base_is_refused_too(base, tmp_path, capsys):
    link = tmp_path / "raccourci.sqlite"
    link.symlink_to(base)
    before = sha256(base)
    with acquire(base):  # the window holds the base by its real name
        with pytest.raises(OpeningRefused, match="déjà ouverte par ctgdesk") as refused:
            open_base(link, Access.WRITE)
        assert refused.value.locked
        code, _, err = run(capsys, "--db", link, "demo", "--force")
    assert code == 1 and "déjà ouverte par ctgdesk" in err
    assert sha256(base) == before
    assert not lock_path(link).exists()  # no second lock beside the link


@posix_only
def test_the_base_opened_through_a_link_is_the_real_file(base, tmp_path):
    link = tmp_path / "raccourci.sqlite"
    link.symlink_to(base)
    with open_base(link, Access.WRITE) as opened:
        assert opened.path == base.resolve()
        assert lock_path(base).exists() and not lock_path(link).exists()
    assert not lock_path(base).exists()


# ---------------------------------------------------------------- demo --force


def test_demo_force_is_refused_while_another_ctgdesk_holds_the_base(base, capsys):
    before = sha256(base)
    with acquire(base):
        code, out, err = run(capsys, "--db", base, "demo", "--force")
    assert code == 1 and out == "" and "déjà ouverte par ctgdesk" in err
    assert sha256(base) == before


def test_demo_force_keeps_a_verified_backup_of_what_it_replaces_and_says_where(base, capsys):
    before = content_fingerprint(base)
    organisations = scalar(base, "SELECT count(*) FROM organisation")
    code, out, _ = run(capsys, "--db", base, "demo", "--force")
    assert code == 0
    [kept] = list_backups(base.parent / "sauvegardes")
    assert kept.kind is BackupKind.MANUAL
    assert f"sauvegardées dans « {kept.path} »" in out
    assert content_fingerprint(kept.path) == before
    assert scalar(kept.path, "SELECT count(*) FROM organisation") == organisations
    assert scalar(base, "SELECT count(*) FROM organisation WHERE name = 'Communauté de communes du Val Vert'") == 0


# ---------------------------------------------------------------- read commands never upgrade


def test_info_on_an_old_schema_says_how_to_upgrade_and_changes_nothing(templates, tmp_path, capsys):
    base = bad_files.old_schema(tmp_path / "donnees", templates["full"])
    before = sha256(base)
    code, out, err = run(capsys, "--db", base, "info")
    assert code == 1 and out == ""
    assert "schéma « 0001 »" in err and "ctgdesk upgrade" in err
    assert sha256(base) == before and not (base.parent / "sauvegardes").exists()
    assert not base.with_name(base.name + "-wal").exists()

    code, out, _ = run(capsys, "--db", base, "upgrade")
    assert code == 0
    [saved] = list_backups(base.parent / "sauvegardes")
    assert saved.kind is BackupKind.PRE_MIGRATION and str(saved.path) in out
    assert scalar(saved.path, "SELECT version_num FROM alembic_version") == "0001"
    assert scalar(base, "SELECT version_num FROM alembic_version") != "0001"
    code, out, _ = run(capsys, "--db", base, "info")
    assert code == 0 and "Version du schéma" in out


def test_info_on_another_programs_wal_file_writes_nothing(templates, tmp_path, capsys):
    places = bad_files.foreign_sqlite(tmp_path / "firefox", templates["full"])
    before = sha256(places)
    code, out, err = run(capsys, "--db", places, "info")
    assert code == 1 and "pas une base ctgdesk" in err and "n'a pas été modifié" in err
    assert sha256(places) == before
    connection = sqlite3.connect(f"file:{places}?mode=ro", uri=True)
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    connection.close()
    assert tables == {"moz_places", "moz_bookmarks"}


def test_a_foreign_alembic_base_is_not_called_newer(templates, tmp_path, capsys):
    other = bad_files.foreign_alembic(tmp_path / "autre", templates["full"])
    before = sha256(other)
    for command in (["info"], ["demo"], ["upgrade"], ["check"]):
        code, _, err = run(capsys, "--db", other, *command)
        assert code == 1
    code, out, _ = run(capsys, "--db", other, "check")
    assert "pas une base ctgdesk" in out and "plus récente" not in out
    assert sha256(other) == before


# ---------------------------------------------------------------- check and verify agree


def test_check_and_verify_refuse_a_base_with_a_table_another_program_added(templates, tmp_path, capsys):
    base = bad_files.extra_table(tmp_path / "donnees", templates["full"])
    code_check, out_check, _ = run(capsys, "--db", base, "check")
    code_verify, out_verify, _ = run(capsys, "--db", base, "verify")
    assert (code_check, code_verify) == (1, 1)
    assert "table inconnue : notes_perso" in out_check and "table inconnue : notes_perso" in out_verify


def test_check_and_verify_accept_the_same_sound_base(base, capsys):
    assert run(capsys, "--db", base, "check")[0] == 0
    assert run(capsys, "--db", base, "verify")[0] == 0


# ---------------------------------------------------------------- a read-only folder


def test_a_healthy_base_in_a_read_only_folder_is_read_not_called_damaged(templates, tmp_path, capsys):
    base = bad_files.healthy_wal(tmp_path / "cle-usb", templates["full"])
    before = sha256(base)
    try:
        with bad_files.read_only_folder(base.parent):
            assert opening.read_only_reason(base) is not None
            with open_base(base, Access.READ) as opened:
                assert opened.read_only is not None
                assert scalar_through(opened, "SELECT count(*) FROM organisation") > 0
            code, out, err = run(capsys, "--db", base, "info")
            assert code == 0 and "Communes : " in out and "lecture seule" in err
            code, _, err = run(capsys, "--db", base, "demo")
            assert code == 1 and "lecture seule" in err and "endommagée" not in err
    except bad_files.CannotMakeReadOnly as error:
        pytest.skip(f"pas de dossier en lecture seule possible ici : {error}")
    assert sha256(base) == before


def test_a_base_with_pending_changes_in_a_read_only_folder_is_not_called_damaged(templates, tmp_path, capsys):
    folder = tmp_path / "partage"
    folder.mkdir()
    base = folder / "ctgdesk.sqlite"
    base.write_bytes(templates["full"].read_bytes())
    writer = sqlite3.connect(base)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE organisation SET notes = 'modifiée'")
    writer.commit()
    # A copy taken while the base was open: the file, its -wal, no -shm.
    copy = tmp_path / "copie"
    copy.mkdir()
    for suffix in ("", "-wal"):
        (copy / f"ctgdesk.sqlite{suffix}").write_bytes(base.with_name(base.name + suffix).read_bytes())
    writer.close()
    target = copy / "ctgdesk.sqlite"
    try:
        with bad_files.read_only_folder(copy):
            code, _, err = run(capsys, "--db", target, "info")
    except bad_files.CannotMakeReadOnly as error:
        pytest.skip(f"pas de dossier en lecture seule possible ici : {error}")
    assert code == 1 and "n'est pas endommagée" in err and "-wal" in err and "endommagée." not in err


def scalar_through(opened, sql):
    with opened.db.engine.connect() as connection:
        return connection.exec_driver_sql(sql).scalar()


# ---------------------------------------------------------------- temporary copies left by a kill


def _killed_while_copying(source: Path, target_folder: Path, purpose: str) -> Path:
    """A process that writes a temporary copy the way ctgdesk.db.backup does, killed mid-way."""
    script = (
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from ctgdesk.db.backup import _temporary_beside\n"
        f"tmp = _temporary_beside(Path({str(target_folder / 'x.sqlite')!r}), {purpose!r})\n"
        f"tmp.write_bytes(Path({str(source)!r}).read_bytes())\n"
        "print(tmp, flush=True)\n"
        "time.sleep(600)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                               env=dict(os.environ, PYTHONPATH=str(ROOT)))
    left = Path(process.stdout.readline().strip())
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stdout.close()
    return left


@posix_only
def test_copies_left_by_a_killed_backup_or_restore_are_cleaned_by_the_next_command(base, capsys):
    backups = base.parent / "sauvegardes"
    backups.mkdir()
    in_backups = _killed_while_copying(base, backups, "copie")
    beside = _killed_while_copying(base, base.parent, "restauration")
    # named after the base, as restore names its copy
    beside_base = beside.rename(beside.with_name(beside.name.replace(".x.sqlite.", f".{base.name}.")))
    assert in_backups.exists() and beside_base.exists()
    somebody_elses = base.parent / ".autre.sqlite.restauration-1-0123abcd.tmp"
    somebody_elses.write_bytes(b"pas a nous")
    code, _, err = run(capsys, "--db", base, "info")
    assert code == 0 and "copie(s) temporaire(s)" in err
    assert not in_backups.exists() and not beside_base.exists()
    assert somebody_elses.exists()  # another base's copy beside ours is not ours to remove


@posix_only
def test_a_killed_workbook_export_leaves_nothing_after_the_next_command(base, tmp_path, capsys):
    """The export's hidden temporary file holds the whole base: removed wherever it was written."""
    exports = tmp_path / "Documents"
    exports.mkdir()
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from ctgdesk.exchange.atomic import atomic_path\n"
        "with atomic_path(Path(sys.argv[1])) as tmp:\n"
        "    tmp.write_bytes(b'toute la base' * 1000)\n"
        "    print(tmp, flush=True)\n"
        "    time.sleep(600)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script, str(exports / "base.xlsx")], stdout=subprocess.PIPE,
                               text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    left = Path(process.stdout.readline().strip())
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stdout.close()
    assert left.exists() and left.parent == exports and left.name.startswith(".base-")
    code, _, err = run(capsys, "--db", base, "info")
    assert code == 0 and "copie(s) temporaire(s)" in err
    assert list(exports.iterdir()) == []
    assert list((tmp_path / "donnees-appli" / "ctgdesk" / "en-cours").iterdir()) == []


def test_a_finished_export_leaves_no_record(base, tmp_path):
    from ctgdesk.exchange.atomic import write_bytes_atomic

    write_bytes_atomic(tmp_path / "fini.xlsx", b"contenu")
    records = tmp_path / "donnees-appli" / "ctgdesk" / "en-cours"
    assert not records.exists() or list(records.iterdir()) == []


def test_a_copy_being_written_by_a_live_process_is_left_alone(base):
    backups = base.parent / "sauvegardes"
    backups.mkdir()
    live = backup_module._temporary_beside(backups / "x.sqlite", "copie")  # this process: alive
    live.write_bytes(b"en cours")
    assert opening.clean_temporary_copies(base) == []
    assert live.exists()
    old = time.time() + opening.TEMPORARY_COPY_MAX_AGE_S + 60
    assert opening.clean_temporary_copies(base, now=old) == [live]


def test_the_backup_folder_name_is_the_backup_modules():
    assert opening.BACKUP_FOLDER_NAME == backup_module.BACKUP_FOLDER_NAME


# ---------------------------------------------------------------- --self-test --db


def test_self_test_says_it_does_not_use_the_base_given(base, capsys, monkeypatch):
    import ctgdesk.selftest

    monkeypatch.setattr(ctgdesk.selftest, "run_self_test", lambda: 0)
    before = sha256(base)
    code, out, _ = run(capsys, "--db", base, "--self-test")
    assert code == 0 and f"« {base} » n'est ni lue ni modifiée" in out
    assert sha256(base) == before


# ---------------------------------------------------------------- backup --out on a full disk


FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))
from ctgdesk.cli import main
sys.exit(main(sys.argv[1:]))
"""


@posix_only
def test_backup_out_on_a_full_disk_blames_the_destination(base, tmp_path):
    target = tmp_path / "cle" / "copie.sqlite"
    target.parent.mkdir()
    assert base.stat().st_size > 20_000
    done = subprocess.run([sys.executable, "-c", FULL_DISK, "--db", str(base), "backup", "--out", str(target)],
                          capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(ROOT), XDG_DATA_HOME=str(tmp_path / "xdg")))
    assert done.returncode == 1, done.stderr
    assert f"La sauvegarde n'a pas pu être écrite dans « {target.parent} »" in done.stderr
    assert "La base elle-même n'est pas en cause" in done.stderr
    assert "n'a pas pu être lue" not in done.stderr and "Traceback" not in done.stderr
    assert list(target.parent.iterdir()) == []  # no half copy left


@posix_only
def test_a_base_whose_shared_memory_file_cannot_be_written_is_not_called_damaged(templates, tmp_path):
    """A full disk refuses the -shm a WAL base needs to be read: unreadable here, not damaged."""
    base = bad_files.healthy_wal(tmp_path / "donnees", templates["full"])
    before = sha256(base)
    done = subprocess.run([sys.executable, "-c", FULL_DISK, "--db", str(base), "info"],
                          capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(ROOT), XDG_DATA_HOME=str(tmp_path / "xdg")))
    assert done.returncode == 1, done.stderr
    assert "ne peut pas être ouvert ici" in done.stderr and "n'est pas pour autant endommagé" in done.stderr
    assert "est endommagée" not in done.stderr
    assert sha256(base) == before


# ---------------------------------------------------------------- the top-level handler


def test_an_unexpected_error_is_a_french_message_and_a_log_not_a_traceback(base, tmp_path, capsys, monkeypatch):
    import ctgdesk.commands.basics as basics

    def broken(args):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(basics, "run_info", broken)
    code, out, err = run(capsys, "--db", base, "info")
    assert code == 70 and out == ""
    assert err.startswith("Erreur inattendue de ctgdesk (division by zero).")
    assert "Traceback" not in err
    [log] = (tmp_path / "donnees-appli" / "ctgdesk" / "journaux").iterdir()
    assert f"« {log} »" in err
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "ZeroDivisionError" in text and "info" in text


def test_a_subprocess_crash_prints_no_traceback(tmp_path):
    """The console script itself (python -m ctgdesk): an error in a command never prints Python's trace."""
    code = (
        "import sys, ctgdesk.commands.basics as b\n"
        "def broken(args): raise RuntimeError('boum')\n"
        "b.run_check = broken\n"
        "from ctgdesk.cli import main\n"
        "sys.exit(main(['--db', sys.argv[1], 'check']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "x.sqlite")], capture_output=True, text=True,
                          timeout=120, env=dict(os.environ, PYTHONPATH=str(ROOT), XDG_DATA_HOME=str(tmp_path / "xdg")))
    assert done.returncode == 70 and "Traceback" not in done.stderr and "Erreur inattendue" in done.stderr


# ---------------------------------------------------------------- the window's way in


def test_the_window_reopens_through_the_checked_way(base):
    from ctgdesk.ui.app import open_for_gui

    with acquire(base):
        db = open_for_gui(base)
        try:
            assert db.path == base.resolve()
        finally:
            db.dispose()


def test_a_lock_held_is_refused_with_who_holds_it(base):
    with acquire(base):
        with pytest.raises(OpeningRefused) as refused:
            open_base(base, Access.CREATE)
    assert isinstance(refused.value.__cause__, DatabaseLocked)
    assert "restent possibles" in str(refused.value)


def test_a_base_whose_name_has_percent_hash_and_accents_opens_and_upgrades(templates, tmp_path, capsys):
    folder = tmp_path / "dossier été" / "a b"
    base = bad_files.old_schema(folder, templates["full"]).rename(folder / "bäse#1 à 100%.sqlite")
    code, _, err = run(capsys, "--db", base, "upgrade")
    assert code == 0, err
    code, out, err = run(capsys, "--db", base, "info")
    assert code == 0 and f"Base : {base}" in out, err


@posix_only
def test_backups_made_through_a_link_are_listed_through_it(base, tmp_path, capsys):
    link = tmp_path / "raccourci.sqlite"
    link.symlink_to(base)
    assert run(capsys, "--db", link, "backup")[0] == 0
    code, out, _ = run(capsys, "--db", link, "backups")
    assert code == 0 and "manuelle" in out and "Aucune sauvegarde" not in out
