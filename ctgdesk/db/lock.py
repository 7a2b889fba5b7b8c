"""One writer at a time: a lock file beside the database (`<base>.lock`).

The file holds who holds the database: process id, computer name, start time, the time
of the last heartbeat, and a random token that tells a holder its own lock from another's.
It is created with `O_CREAT | O_EXCL`, which the operating system makes atomic, also on
most network shares.

Another process that finds the file is refused with a French message naming the computer,
the process and the time (`DatabaseLocked`); the caller then opens the base read-only or
not at all. A lock left behind by a crash is recovered when it is stale:
- on this computer, its process no longer runs;
- anywhere, its heartbeat is older than `stale_after` (12 hours by default) — a holder
  that lives refreshes it (`DbLock.refresh`) every few minutes.

Only the standard library is used, so that the window, the command line and the tests
share the same lock.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from ctgdesk.db.sqlite_files import french_datetime

LOCK_SUFFIX = ".lock"
DEFAULT_STALE_AFTER = timedelta(hours=12)
HEARTBEAT_INTERVAL = timedelta(minutes=5)
FRESH_UNREADABLE = timedelta(seconds=10)
_FORMAT_TAG = "ctgdesk-lock-1"


@dataclass(frozen=True)
class LockInfo:
    pid: int
    host: str
    started: datetime  # aware, UTC
    heartbeat: datetime  # aware, UTC
    token: str

    def describe(self) -> str:
        """« sur le poste « PC-ACCUEIL » (processus 4242) depuis le 15/01/2026 à 14:30 »"""
        since = french_datetime(self.started.astimezone())
        return f"sur le poste « {self.host} » (processus {self.pid}) depuis le {since}"


class DatabaseLocked(Exception):
    """Another ctgdesk holds the database. The message is French, for the user."""

    def __init__(self, db_path: Path, info: LockInfo | None):
        self.db_path = db_path
        self.info = info
        if info is None:
            message = (
                f"La base « {db_path} » est en cours d'ouverture par un autre ctgdesk. "
                "Réessayez dans un instant, ou ouvrez-la en lecture seule."
            )
        else:
            message = (
                f"La base « {db_path} » est déjà ouverte par ctgdesk {info.describe()}. "
                "Fermez ctgdesk sur ce poste avant de la modifier ici, "
                "ou ouvrez-la en lecture seule."
            )
        super().__init__(message)


class LockUnavailable(Exception):
    """The lock file cannot be written (read-only folder, full disk…). French message."""


class LockLost(Exception):
    """Our lock was taken over (it looked abandoned, e.g. after a long sleep)."""


def lock_path(db_path: Path | str) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + LOCK_SUFFIX)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def this_host() -> str:
    """The computer's name (a local system call: no network)."""
    return socket.gethostname() or "inconnu"


# ---------------------------------------------------------------- file format (pure)


def format_lock(info: LockInfo) -> str:
    return json.dumps(
        {
            "format": _FORMAT_TAG,
            "pid": info.pid,
            "host": info.host,
            "started": info.started.isoformat(),
            "heartbeat": info.heartbeat.isoformat(),
            "token": info.token,
        },
        ensure_ascii=False,
    )


def _aware(text: object, key: str) -> datetime:
    if not isinstance(text, str):
        raise ValueError(f"{key}: not a string")
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{key}: no time zone")
    return moment


def parse_lock(text: str) -> LockInfo:
    """The holder described by a lock file's text. ValueError for anything else."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise ValueError("not JSON") from error
    if not isinstance(data, dict) or data.get("format") != _FORMAT_TAG:
        raise ValueError("not a ctgdesk lock")
    pid, host, token = data.get("pid"), data.get("host"), data.get("token")
    if isinstance(pid, bool) or not isinstance(pid, int) or not 0 < pid < 2**32:
        raise ValueError("pid")
    if not isinstance(host, str) or not host or not isinstance(token, str) or not token:
        raise ValueError("host/token")
    return LockInfo(pid, host, _aware(data.get("started"), "started"), _aware(data.get("heartbeat"), "heartbeat"), token)


def is_stale(
    info: LockInfo,
    *,
    now: datetime,
    host: str,
    pid_alive: Callable[[int], bool],
    stale_after: timedelta = DEFAULT_STALE_AFTER,
) -> bool:
    """Whether a lock may be taken over: its process is gone, or it has not beaten for long."""
    if now - info.heartbeat > stale_after:
        return True
    if info.host.casefold() == host.casefold():
        return not pid_alive(info.pid)
    return False


# ---------------------------------------------------------------- processes


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this computer."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, belongs to someone else
    except OverflowError:
        return False
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """A killed process not yet reaped by its parent still answers kill(0) on Linux."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return False
    state = stat.rsplit(b")", 1)[-1].split()[:1]
    return state == [b"Z"]


def _windows_pid_alive(pid: int) -> bool:  # pragma: no cover - Windows only
    # Never os.kill(pid, 0) on Windows: signal 0 is CTRL_C_EVENT there.
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.OpenProcess.restype = wintypes.HANDLE
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return ctypes.get_last_error() == 5  # ERROR_ACCESS_DENIED: it exists
    try:
        code = wintypes.DWORD()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


# ---------------------------------------------------------------- the lock


def _write_new(path: Path, text: str) -> bool:
    """Create `path` with `text` if it does not exist. False if it exists."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), 0o600)
    except FileExistsError:
        return False
    try:
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    except OSError:
        os.close(fd)
        path.unlink(missing_ok=True)  # no half-written lock left behind (disk full…)
        raise
    os.close(fd)
    return True


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None


def read_lock(db_path: Path | str) -> LockInfo | None:
    """Who holds the database, or None (free, or a lock file that cannot be read)."""
    text = _read_text(lock_path(db_path))
    if text is None:
        return None
    try:
        return parse_lock(text)
    except ValueError:
        return None


class DbLock:
    """A held lock. Refresh it every few minutes; release it on closing (or use `with`)."""

    def __init__(self, path: Path, info: LockInfo):
        self.path = path
        self.info = info
        self.held = True

    def _still_ours(self) -> bool:
        text = _read_text(self.path)
        if text is None:
            return False
        try:
            return parse_lock(text).token == self.info.token
        except ValueError:
            return False

    def refresh(self, now: datetime | None = None) -> None:
        """Write a new heartbeat. Raises LockLost if another process took the lock over."""
        if not self.held or not self._still_ours():
            self.held = False
            raise LockLost(
                "Le verrou de la base a été repris par un autre poste (absence prolongée ?) : "
                "fermez la base et rouvrez-la pour éviter d'écrire à deux."
            )
        info = LockInfo(self.info.pid, self.info.host, self.info.started, now or utcnow(), self.info.token)
        tmp = self.path.with_name(f"{self.path.name}.{self.info.token[:8]}.tmp")
        tmp.write_text(format_lock(info), encoding="utf-8")
        os.replace(tmp, self.path)
        self.info = info

    def release(self) -> None:
        """Remove the lock file if it is still ours. Safe to call twice."""
        if self.held and self._still_ours():
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass
        self.held = False

    def __enter__(self) -> "DbLock":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def _take_over(path: Path, stale_text: str) -> None:
    """Remove a stale lock — only if it is still the very file judged stale."""
    claimed = path.with_name(f"{path.name}.abandonne-{uuid.uuid4().hex[:12]}")
    try:
        os.rename(path, claimed)
    except FileNotFoundError:
        return  # someone else took it over first
    if _read_text(claimed) == stale_text:
        claimed.unlink()
        return
    # A fresh lock replaced the stale one between our read and our rename: put it back.
    try:
        os.link(claimed, path)
    except OSError:
        pass
    claimed.unlink()


def acquire(
    db_path: Path | str,
    *,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
    now: datetime | None = None,
    host: str | None = None,
    pid: int | None = None,
    alive: Callable[[int], bool] = pid_alive,
) -> DbLock:
    """Take the lock of the database or raise DatabaseLocked (French message)."""
    db_path = Path(db_path)
    path = lock_path(db_path)
    host = host or this_host()
    now = now or utcnow()
    info = LockInfo(pid or os.getpid(), host, now, now, uuid.uuid4().hex)
    for _ in range(50):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            created = _write_new(path, format_lock(info))
        except OSError as error:
            raise LockUnavailable(
                f"Le verrou « {path} » n'a pas pu être créé ({error.strerror or error}) : le dossier "
                "de la base est-il en lecture seule ? La base ne peut être ouverte qu'en lecture seule."
            ) from error
        if created:
            return DbLock(path, info)
        text = _read_text(path)
        if text is None:
            continue  # released meanwhile: try again
        try:
            holder = parse_lock(text)
        except ValueError:
            holder = None
        if holder is None:
            try:
                age = time.time() - path.stat().st_mtime
            except FileNotFoundError:
                continue
            if age < FRESH_UNREADABLE.total_seconds():
                time.sleep(0.05)  # being written by a starting process
                continue
            _take_over(path, text)  # garbage left by a crash mid-write
            continue
        if is_stale(holder, now=now, host=host, pid_alive=alive, stale_after=stale_after):
            _take_over(path, text)
            continue
        raise DatabaseLocked(db_path, holder)
    raise DatabaseLocked(db_path, None)
