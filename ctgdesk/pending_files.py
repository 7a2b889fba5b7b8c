"""Temporary files being written — an export's hidden `.NOM-xxxx.xlsx.tmp`, a backup's or a
restore's hidden copy of the whole base — recorded while they exist, so that what a killed
process left behind is removed by the next start of ctgdesk or the next command.

A record is a small file in `en-cours/` of the application's data folder naming the
temporary file, the process and the computer. `clean_abandoned()` removes the temporary
files (and their -wal/-shm/-journal) of processes of this computer that no longer run, then
their records. Nothing here ever raises: a record that cannot be written only means a
leftover that will not be cleaned automatically.
"""

from __future__ import annotations

import json
import os
import zlib
from pathlib import Path

FOLDER_NAME = "en-cours"
_SUFFIXES = ("", "-wal", "-shm", "-journal")


def records_folder() -> Path | None:
    try:
        from ctgdesk.db.paths import data_dir

        return data_dir() / FOLDER_NAME
    except Exception:  # noqa: BLE001 - no data folder (no HOME…): nothing recorded
        return None


def _record_name(temporary: Path) -> str:
    return f"{os.getpid()}-{zlib.crc32(str(Path(temporary).absolute()).encode('utf-8')):08x}.json"


def record(temporary: Path) -> None:
    """Note that this process is writing `temporary`."""
    folder = records_folder()
    if folder is None:
        return
    try:
        from ctgdesk.db.lock import this_host

        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        text = json.dumps({"pid": os.getpid(), "host": this_host(), "path": str(Path(temporary).absolute())},
                          ensure_ascii=False)
        # Written in place: a record cut short is unreadable, hence skipped — never harmful.
        (folder / _record_name(temporary)).write_text(text, encoding="utf-8")
    except Exception:  # noqa: BLE001 - see the module docstring
        pass


def forget(temporary: Path) -> None:
    """`temporary` is gone (renamed into place or removed): no record any more."""
    folder = records_folder()
    if folder is None:
        return
    try:
        (folder / _record_name(temporary)).unlink(missing_ok=True)
    except OSError:
        pass


def clean_abandoned() -> list[Path]:
    """Remove the temporary files of processes of this computer that no longer run."""
    from ctgdesk.db.lock import pid_alive, this_host

    folder = records_folder()
    removed: list[Path] = []
    if folder is None or not folder.is_dir():
        return removed
    host = this_host().casefold()
    for entry in folder.glob("*.json"):
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
            pid, where, path = int(data["pid"]), str(data["host"]), Path(data["path"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if where.casefold() != host or pid == os.getpid() or pid_alive(pid):
            continue
        try:
            for suffix in _SUFFIXES:
                leftover = path.with_name(path.name + suffix)
                if leftover.is_file():
                    leftover.unlink()
                    removed.append(leftover)
            entry.unlink()
        except OSError:
            continue  # a file in use or a read-only medium: next time
    return removed
