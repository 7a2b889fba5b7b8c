"""The files a hostile tester gives ctgdesk as its base, built for tests and for the scripts
that reproduce each case (tests/reliability/repro_opening.py).

Each builder takes a folder and a healthy template base (closed, current schema, filled by
tests/reliability/dataset.py) and returns the path to give to `--db`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "tests" / "fixtures" / "schemas"


def sha256(path: Path) -> str | None:
    """The file's bytes (None for a directory or a missing file: compare listings then)."""
    if not path.is_file():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _copy(template: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)
    target.chmod(0o600)
    return target


def _sql(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path)
    try:
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def foreign_sqlite(folder: Path, template: Path) -> Path:
    """Another program's SQLite file, in WAL mode like Firefox's places.sqlite."""
    path = folder / "places.sqlite"
    folder.mkdir(parents=True, exist_ok=True)
    _sql(path, "PRAGMA journal_mode=WAL",
         "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT, title TEXT)",
         "INSERT INTO moz_places (url, title) VALUES ('https://www.caf.fr', 'Caf')",
         "CREATE TABLE moz_bookmarks (id INTEGER PRIMARY KEY, fk INTEGER)")
    return path


def foreign_alembic(folder: Path, template: Path) -> Path:
    """Another application managed by Alembic: an alembic_version table, a revision ctgdesk does not know."""
    path = folder / "autre_appli.sqlite"
    folder.mkdir(parents=True, exist_ok=True)
    _sql(path, "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)",
         "INSERT INTO alembic_version VALUES ('3f1c2a9b7d10')",
         "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)",
         "INSERT INTO users (email) VALUES ('a@example.org')")
    return path


def foreign_alembic_known_name(folder: Path, template: Path) -> Path:
    """Another application's Alembic base whose revision is named like one of ctgdesk's ("0001")."""
    path = folder / "autre_appli.sqlite"
    folder.mkdir(parents=True, exist_ok=True)
    _sql(path, "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)",
         "INSERT INTO alembic_version VALUES ('0001')",
         "CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount NUMERIC)")
    return path


def newer_schema(folder: Path, template: Path) -> Path:
    """A ctgdesk base written by a newer ctgdesk (a revision this version does not know)."""
    path = _copy(template, folder / "ctgdesk.sqlite")
    _sql(path, "UPDATE alembic_version SET version_num = '0099'")
    return path


def old_schema(folder: Path, template: Path) -> Path:
    """A ctgdesk base of the first released schema (tests/fixtures/schemas/0001.sqlite)."""
    return _copy(SCHEMAS / "0001.sqlite", folder / "ctgdesk.sqlite")


def extra_table(folder: Path, template: Path) -> Path:
    """A current ctgdesk base to which another program added a table."""
    path = _copy(template, folder / "ctgdesk.sqlite")
    _sql(path, "CREATE TABLE notes_perso (id INTEGER PRIMARY KEY, texte TEXT)")
    return path


def damaged(folder: Path, template: Path) -> Path:
    """A current ctgdesk base with pages overwritten by garbage."""
    path = _copy(template, folder / "ctgdesk.sqlite")
    with open(path, "r+b") as handle:
        handle.seek(4096 * 3)
        handle.write(b"\xde\xad\xbe\xef" * 4096)
    return path


def truncated(folder: Path, template: Path) -> Path:
    """A current ctgdesk base cut in the middle (a copy interrupted)."""
    path = _copy(template, folder / "ctgdesk.sqlite")
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.truncate(size // 2)
    return path


def not_sqlite(folder: Path, template: Path) -> Path:
    """A text file named like a base."""
    path = folder / "ctgdesk.sqlite"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text("Compte rendu du COPIL du 12 mars\nÀ relire.\n", encoding="utf-8")
    return path


def directory(folder: Path, template: Path) -> Path:
    """A directory given as the base."""
    path = folder / "ctgdesk.sqlite"
    path.mkdir(parents=True)
    (path / "dedans.txt").write_text("un fichier", encoding="utf-8")
    return path


def healthy_wal(folder: Path, template: Path) -> Path:
    """A current, healthy base in WAL mode (as ctgdesk leaves it), closed: no -wal, no -shm —
    what a copy on a USB key or a read-only share looks like."""
    path = _copy(template, folder / "ctgdesk.sqlite")
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.close()
    assert not path.with_name(path.name + "-shm").exists()
    return path


def healthy(folder: Path, template: Path) -> Path:
    return _copy(template, folder / "ctgdesk.sqlite")


BUILDERS = {
    "sqlite_etrangere": foreign_sqlite,
    "alembic_etrangere": foreign_alembic,
    "alembic_etrangere_0001": foreign_alembic_known_name,
    "schema_plus_recent": newer_schema,
    "schema_ancien": old_schema,
    "table_en_trop": extra_table,
    "endommagee": damaged,
    "tronquee": truncated,
    "pas_sqlite": not_sqlite,
    "dossier": directory,
    "dossier_lecture_seule": healthy_wal,
    "verrouillee": healthy,
}


# ---------------------------------------------------------------- a lock held by another process


def hold_lock_elsewhere(db_path: Path) -> subprocess.Popen:
    """Another process (alive) holds the base's lock: its pid is written in the lock file."""
    from ctgdesk.db.lock import LockInfo, format_lock, lock_path, this_host

    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    now = datetime.now(timezone.utc)
    info = LockInfo(holder.pid, this_host(), now, now, "jeton-de-l-autre-processus")
    lock_path(db_path).write_text(format_lock(info), encoding="utf-8")
    return holder


# ---------------------------------------------------------------- a read-only folder


class CannotMakeReadOnly(Exception):
    """Running as root where folders cannot be mounted read-only: no read-only folder here."""


@contextlib.contextmanager
def read_only_folder(folder: Path):
    """`folder` read-only while inside: by its permissions, or — root writing everywhere —
    by a read-only bind mount of it (as a USB key with its write-protect switch on)."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        mounted = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
        if mounted.returncode != 0:
            raise CannotMakeReadOnly(mounted.stderr.decode(errors="replace"))
        try:
            remounted = subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], capture_output=True)
            if remounted.returncode != 0:
                raise CannotMakeReadOnly(remounted.stderr.decode(errors="replace"))
            yield folder
        finally:
            subprocess.run(["umount", str(folder)], check=True)
        return
    modes = {path: path.stat().st_mode for path in [folder, *folder.rglob("*")]}
    for path in modes:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        yield folder
    finally:
        for path, mode in modes.items():
            path.chmod(mode)
