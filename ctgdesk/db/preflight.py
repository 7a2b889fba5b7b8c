"""The two slow steps of opening a base at start-up, begun in a thread: the lock, then the file check.

Taking the lock waits on the disk (the lock file is synced) and the check on SQLite's
quick_check, which reads the whole file (≈0,15 s for the biggest territory): both in C
code that lets other Python threads run. ctgdesk.ui.startup_safety starts them, imports
SQLAlchemy and the models meanwhile (pure Python, a third of a second), then takes their
results in the order they always had — the lock (or the read-only choice), then the check.

Nothing here writes to the base: the check reads it through a read-only connection, and
the lock file is the only file created. The reading is used once, and only while the file
is as it was when read (`ctgdesk.db.health.check_database` reads it again otherwise), so
anything done after a first check — a damaged base set aside and a backup restored — is
checked afresh.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ctgdesk.db.health import FileReading
    from ctgdesk.db.lock import DbLock


class Preflight:
    """`acquire(path)` then `read_file(path)`, in a thread started at once."""

    def __init__(self, db_path: Path | str):
        self.db_path = Path(db_path)
        self._lock: DbLock | None = None
        self._lock_error: BaseException | None = None
        self._lock_claimed = False
        self._reading: FileReading | None = None
        self._reading_error: BaseException | None = None
        # A daemon: a disk that hangs must not keep the program from quitting.
        self._thread = threading.Thread(target=self._run, name="ctgdesk-preflight", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from ctgdesk.db.health import read_file
        from ctgdesk.db.lock import acquire

        try:
            self._lock = acquire(self.db_path)
        except Exception as error:  # noqa: BLE001 - raised again by lock(), in the caller's thread
            self._lock_error = error
        try:
            self._reading = read_file(self.db_path)
        except Exception as error:  # noqa: BLE001 - raised again by reading()
            self._reading_error = error

    def lock(self) -> DbLock:
        """The lock, or what `ctgdesk.db.lock.acquire` raised (DatabaseLocked, LockUnavailable…)."""
        self._thread.join()
        if self._lock_error is not None:
            raise self._lock_error
        self._lock_claimed = True
        assert self._lock is not None
        return self._lock

    def reading(self) -> FileReading | None:
        """The file as read in the thread — the first time only (None then: read it again)."""
        self._thread.join()
        reading, self._reading = self._reading, None
        error, self._reading_error = self._reading_error, None
        if error is not None:
            raise error
        return reading

    def discard(self) -> None:
        """The start went no further: release the lock if nobody claimed it."""
        self._thread.join()
        if self._lock is not None and not self._lock_claimed:
            try:
                self._lock.release()
            except OSError:
                pass  # a lock left behind is judged abandoned by the next start
        self._lock = None
