"""Reproduce, as a user would type them, the opening failures a hostile tester found.

    PYTHONPATH=. .venv/bin/python tests/reliability/repro_opening.py

Each case builds its files in a temporary folder, runs `python -m ctgdesk …` in a subprocess
and prints what ctgdesk said, the exit code and whether the file was left as it was. The
last column says whether the behaviour is the one wanted (OK) or not (ÉCHEC); the script
exits with 1 when any case fails. tests/reliability/test_bad_files.py and test_opening.py
check the same in the test suite.
"""

from __future__ import annotations

import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.reliability import bad_files  # noqa: E402
from tests.reliability.bad_files import sha256  # noqa: E402


def ctgdesk(*args, env_extra=None, preexec=None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "ctgdesk", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=300, preexec_fn=preexec)


def make_template(folder: Path) -> Path:
    from ctgdesk.db import open_database
    from tests.reliability.dataset import populate

    path = folder / "modele.sqlite"
    db = open_database(path)
    with db.transaction() as session:
        populate(session)
    db.dispose()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    return path


RESULTS: list[bool] = []


def report(title: str, done: subprocess.CompletedProcess, ok: bool, *notes: str) -> None:
    RESULTS.append(ok)
    said = (done.stdout + done.stderr).strip().replace("\n", "\n      ")
    print(f"{'OK   ' if ok else 'ÉCHEC'} {title} (code {done.returncode})\n      {said}")
    for note in notes:
        print(f"      → {note}")


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="ctgdesk-repro-"))
    os.environ["XDG_DATA_HOME"] = str(work / "donnees-appli")
    try:
        template = make_template(work)

        places = bad_files.foreign_sqlite(work / "firefox", template)
        before = sha256(places)
        done = ctgdesk("--db", places, "info")
        report("info sur le places.sqlite d'un autre programme", done,
               done.returncode == 1 and sha256(places) == before and "Traceback" not in done.stderr,
               f"fichier inchangé : {sha256(places) == before}")

        old = bad_files.old_schema(work / "ancienne", template)
        before = sha256(old)
        done = ctgdesk("--db", old, "info")
        report("info sur une base du schéma 0001", done,
               done.returncode == 1 and sha256(old) == before and "ctgdesk upgrade" in done.stderr,
               f"fichier inchangé : {sha256(old) == before}")

        other = bad_files.foreign_alembic(work / "autre", template)
        before = sha256(other)
        done = ctgdesk("--db", other, "info")
        report("info sur la base Alembic d'une autre application", done,
               done.returncode == 1 and sha256(other) == before and "plus récente" not in done.stderr)

        for kind in ("endommagee", "tronquee", "pas_sqlite", "dossier"):
            path = bad_files.BUILDERS[kind](work / kind, template)
            done = ctgdesk("--db", path, "info")
            report(f"info sur un fichier « {kind} »", done, done.returncode == 1 and "Traceback" not in done.stderr)

        real = bad_files.healthy(work / "reelle", template)
        from ctgdesk.db.lock import acquire

        with acquire(real):  # the window holds the base
            before = sha256(real)
            done = ctgdesk("--db", real, "demo", "--force")
            report("demo --force pendant que la fenêtre tient la base", done,
                   done.returncode == 1 and sha256(real) == before)
        done = ctgdesk("--db", real, "demo", "--force")
        backups = list((real.parent / "sauvegardes").glob("*.sqlite"))
        report("demo --force sur une base réelle", done, done.returncode == 0 and len(backups) == 1
               and str(backups[0]) in done.stdout, f"sauvegardes : {[b.name for b in backups]}")

        usb = bad_files.healthy_wal(work / "cle-usb", template)
        try:
            with bad_files.read_only_folder(usb.parent):
                done = ctgdesk("--db", usb, "info")
                report("info sur une base saine dans un dossier en lecture seule", done,
                       done.returncode == 0 and "endommagée" not in done.stderr)
                done = ctgdesk("--db", usb, "export", "csv", "meetings", "--out", work / "reunions.csv")
                report("export csv depuis un dossier en lecture seule", done,
                       done.returncode in (0, 1) and "Traceback" not in done.stderr)
        except bad_files.CannotMakeReadOnly as error:
            print(f"(dossier en lecture seule impossible ici : {error})")

        linked = bad_files.healthy(work / "lien", template)
        link = work / "raccourci.sqlite"
        link.symlink_to(linked)
        with acquire(linked):
            done = ctgdesk("--db", link, "demo", "--force")
            report("la même base par un lien symbolique, verrouillée", done, done.returncode == 1)

        killed = bad_files.healthy(work / "tuee", template)
        (killed.parent / "sauvegardes").mkdir()
        leftover = killed.parent / "sauvegardes" / f".{killed.stem}_x.sqlite.copie-999999-0123abcd.tmp"
        shutil.copyfile(killed, leftover)
        done = ctgdesk("--db", killed, "info")
        report("copie temporaire laissée par une sauvegarde tuée", done, not leftover.exists(),
               f"copie encore là : {leftover.exists()}")

        extra = bad_files.extra_table(work / "table-en-trop", template)
        check, verify = ctgdesk("--db", extra, "check"), ctgdesk("--db", extra, "verify")
        report("check et verify sur une base avec une table en plus", check,
               check.returncode == verify.returncode == 1, f"verify : code {verify.returncode}")

        done = subprocess.run([sys.executable, "-m", "ctgdesk", "--db", str(real), "--self-test"],
                              capture_output=True, text=True, timeout=300,
                              env=dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen"))
        report("--self-test --db", done, "ni lue ni modifiée" in done.stdout)

        def full_disk():
            import signal

            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

        (work / "plein").mkdir()
        source = bad_files.healthy(work / "source", template)  # closed: no -shm to create
        done = ctgdesk("--db", source, "backup", "--out", work / "plein" / "copie.sqlite", preexec=full_disk)
        report("backup --out sur un disque plein", done,
               done.returncode == 1 and "n'est pas en cause" in done.stderr and "pas pu être lue" not in done.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{sum(RESULTS)}/{len(RESULTS)} cas conformes.")
    return 0 if all(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
