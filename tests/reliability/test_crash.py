"""Crash safety: a process killed (SIGKILL) in the middle of writing leaves the last committed state.

The writer is a real separate process using ctgdesk.db.open_database and the ORM, killed
without any chance to clean up, as when a laptop's battery dies or the app is killed.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ctgdesk.db import open_database
from ctgdesk.db.backup import BackupKind, list_backups, make_backup, restore
from ctgdesk.models import Organisation, OrganisationKind
from tests.reliability.helpers import integrity, organisation_names

ROOT = Path(__file__).resolve().parents[2]
BATCH = 25

WRITER = textwrap.dedent(
    """
    import sys, time
    from sqlalchemy import select
    from ctgdesk.db import open_database
    from ctgdesk.models import Organisation, OrganisationKind

    db = open_database(sys.argv[1])
    mode = sys.argv[2]
    padding = "x" * 2000  # big rows: the transaction outgrows SQLite's page cache and spills to disk
    if mode == "insert":
        with db.transaction() as session:
            for i in range(1500):
                session.add(Organisation(name=f"Non validée {i}", kind=OrganisationKind.COMMUNE, notes=padding))
                if i % 200 == 199:
                    session.flush()
            print("EN COURS", flush=True)
            time.sleep(60)
    elif mode == "edit":
        with db.transaction() as session:
            for organisation in session.scalars(select(Organisation)):
                organisation.name = "MODIFIÉE " + organisation.name
                organisation.notes = padding
            session.flush()
            for i in range(1200):
                session.add(Organisation(name=f"Non validée {i}", kind=OrganisationKind.COMMUNE, notes=padding))
            session.flush()
            print("EN COURS", flush=True)
            time.sleep(60)
    elif mode == "batches":
        total = 0
        while True:
            with db.transaction() as session:
                for i in range(int(sys.argv[3])):
                    session.add(Organisation(name=f"Lot {total + i}", kind=OrganisationKind.COMMUNE, notes=padding))
            total += int(sys.argv[3])
            print(f"VALIDE {total}", flush=True)
    """
)


def start_writer(db_path: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )


def kill(process: subprocess.Popen) -> str:
    """SIGKILL (TerminateProcess on Windows): no cleanup, no rollback, no checkpoint."""
    process.kill()
    out, _err = process.communicate()
    assert process.returncode != 0
    return out


@pytest.fixture
def committed(db_path, db):
    """A base with 30 committed organisations, closed (the writer process is alone on it)."""
    with db.transaction() as session:
        for i in range(30):
            session.add(Organisation(name=f"Validée {i}", kind=OrganisationKind.COMMUNE))
    db.dispose()
    return organisation_names(db_path)


def wal_size(db_path: Path) -> int:
    wal = db_path.with_name(db_path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


@pytest.mark.parametrize("mode", ["insert", "edit"])
def test_killed_in_the_middle_of_a_transaction(db_path, committed, mode):
    writer = start_writer(db_path, mode)
    try:
        assert writer.stdout.readline().strip() == "EN COURS"
        in_flight = wal_size(db_path)
    finally:
        kill(writer)
    # the uncommitted pages really were on disk when the process died
    assert in_flight > 1_000_000

    assert integrity(db_path) == "ok"
    assert organisation_names(db_path) == committed
    assert organisation_names(make_backup(db_path).path) == committed
    db = open_database(db_path)  # the application opens it again and writes
    try:
        with db.transaction() as session:
            session.add(Organisation(name="Après la panne", kind=OrganisationKind.COMMUNE))
    finally:
        db.dispose()
    assert organisation_names(db_path) == committed + ["Après la panne"]
    assert integrity(db_path) == "ok"


def test_killed_between_and_during_commits(db_path, committed):
    before_writer = make_backup(db_path)
    writer = start_writer(db_path, "batches", str(BATCH))
    try:
        for _ in range(8):
            assert writer.stdout.readline().startswith("VALIDE ")
    finally:
        rest = kill(writer)
    reported = [int(line.split()[1]) for line in rest.splitlines() if line.startswith("VALIDE ")]
    last_reported = max(reported, default=8 * BATCH)

    assert integrity(db_path) == "ok"
    names = organisation_names(db_path)
    assert names[:30] == committed
    written = names[30:]
    # whole batches only: the last report, or one more batch committed just before its report
    assert len(written) in (last_reported, last_reported + BATCH)
    assert written == [f"Lot {i}" for i in range(len(written))]

    # The killed writer left committed pages in its write-ahead log. Restoring the earlier
    # backup must not let that log be replayed onto the restored base.
    assert wal_size(db_path) > 0
    result = restore(before_writer.path, db_path)
    assert organisation_names(db_path) == committed
    assert integrity(db_path) == "ok"
    assert organisation_names(result.pre_restore.path)[30:] == written
    assert {b.kind for b in list_backups(db_path.parent / "sauvegardes")} == {BackupKind.MANUAL, BackupKind.PRE_RESTORE}
