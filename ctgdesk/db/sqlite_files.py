"""Low-level handling of SQLite files: read-only connections, checks, durable renames.

Used by backups, start-up checks and restore. Everything here works on a *file*, with the
stdlib `sqlite3` module, never through an application engine, so it can look at a file
the application has not (or cannot) open.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from datetime import datetime
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")


def companions(path: Path) -> list[Path]:
    """The files SQLite keeps beside a database: write-ahead log, shared memory, rollback journal."""
    return [path.with_name(path.name + suffix) for suffix in COMPANION_SUFFIXES]


def has_sqlite_header(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def folder_is_writable(folder: Path) -> bool:
    """Whether files can be created in `folder` (False on a read-only medium or share)."""
    return os.access(folder, os.W_OK | os.X_OK)


def wal_pending(path: Path) -> bool:
    """Whether a write-ahead log with content lies beside the base (changes not yet folded in)."""
    try:
        return path.with_name(path.name + "-wal").stat().st_size > 0
    except OSError:
        return False


def read_only_uri(path: Path) -> str:
    """The SQLite URI that reads `path` without ever writing it (nor creating it).

    `mode=ro` as a rule. In a folder where nothing can be written (USB key, read-only
    share) a base in WAL mode cannot be opened `mode=ro` without its -shm file: there, when
    no write-ahead log is pending, `immutable=1` reads the file as it is (it ignores any WAL,
    hence only then). A pending WAL needs `mode=ro` and its -shm (the caller says so when
    that fails).
    """
    path = Path(path).resolve()
    uri = path.as_uri() + "?mode=ro"
    if not folder_is_writable(path.parent) and not wal_pending(path):
        uri += "&immutable=1"
    return uri


def connect_read_only(path: Path, *, timeout: float = 5.0) -> sqlite3.Connection:
    """A connection that can never write to (nor create) the database file.

    On a base in WAL mode SQLite may still create empty -wal/-shm files beside it; they are
    harmless and are not removed (another process may be opening the base at that moment).
    """
    return sqlite3.connect(read_only_uri(Path(path)), uri=True, timeout=timeout)


def quick_check(connection: sqlite3.Connection, *, full: bool = False, limit: int = 20) -> list[str]:
    """SQLite's own consistency check of the file. Returns the problems found, [] when sound.

    `quick_check` reads every page but skips index/table cross-checks; `integrity_check`
    (full=True) also verifies that each index matches its table.
    """
    pragma = "integrity_check" if full else "quick_check"
    try:
        rows = connection.execute(f"PRAGMA {pragma}({int(limit)})").fetchall()
    except sqlite3.DatabaseError as error:
        return [str(error)]
    messages = [str(row[0]) for row in rows]
    return [] if messages == ["ok"] else messages


def file_problems(path: Path, *, full: bool = False) -> list[str]:
    """[] when `path` is a readable, sound SQLite file; otherwise what is wrong (untranslated)."""
    path = Path(path)
    if not path.is_file():
        return ["fichier absent"]
    if path.stat().st_size == 0 or not has_sqlite_header(path):
        return ["pas une base SQLite"]
    try:
        connection = connect_read_only(path)
    except sqlite3.Error as error:
        return [str(error)]
    try:
        return quick_check(connection, full=full)
    finally:
        connection.close()


def fsync_file(path: Path) -> None:
    """Make sure the bytes of `path` are on disk before it is renamed into place."""
    flags = os.O_RDWR | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX). Windows has no directory handles to sync: nothing to do."""
    if sys.platform == "win32":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def make_private_dir(folder: Path) -> None:
    """Create a folder (and parents) readable by its owner only; existing folders are left alone."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)


def create_private_file(path: Path) -> None:
    """Create an empty file readable and writable by its owner only (0o600 on POSIX)."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    os.close(fd)


def unused_name(path: Path) -> Path:
    """`path` itself if free, else `path` with -2, -3… before its suffixes: never overwrite."""
    if not path.exists() and not path.is_symlink():
        return path
    counter = 2
    while True:
        candidate = path.with_name(f"{path.name}-{counter}")
        if not candidate.exists() and not candidate.is_symlink():
            return candidate
        counter += 1


def french_datetime(moment: datetime) -> str:
    """15/01/2026 à 14:30"""
    return moment.strftime("%d/%m/%Y à %H:%M")


def french_size(size: int) -> str:
    """1,4 Mo — sizes as a French user reads them."""
    if size < 1024:
        return f"{size} octets"
    value = float(size)
    for unit in ("Ko", "Mo", "Go"):
        value /= 1024
        if value < 1024 or unit == "Go":
            break
    return f"{value:.1f} {unit}".replace(".", ",")


def erase_freed_space(path: Path) -> None:
    """Rewrite the database so that deleted or overwritten data leave no trace in the file.

    SQLite keeps old content in free pages and in the write-ahead log; after an RGPD
    anonymisation or erasure, VACUUM rebuilds the file from live rows only and the WAL is
    emptied. The base must not be in a transaction elsewhere (other idle connections are fine).
    """
    connection = sqlite3.connect(path, timeout=5.0)
    try:
        connection.execute("PRAGMA secure_delete=ON")
        connection.execute("VACUUM")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
