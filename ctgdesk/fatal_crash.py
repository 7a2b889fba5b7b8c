"""Knowing, at the next start, that ctgdesk stopped abruptly — and where its report is.

While the window runs, `faulthandler` writes the Python stacks of a fatal error (segmentation
fault, abort…) into a log of the logs folder (`journaux` in the user's data folder, where
ctgdesk.crashlog writes the unexpected Python errors too), and a marker file says "running"
(the process, the base, the log). A clean exit removes the marker
(and the log when nothing was written into it). A marker left by a process that no longer runs
is a crash: the next start says so, with the report's place (none after a kill or a power cut,
which leave no log). Each process has its own marker: two windows on two bases do not take each
other for crashes. No Qt here; the window shows what `start()` returns.
"""

from __future__ import annotations

import faulthandler
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO


MARKER_PREFIX = "en-cours-"
MARKER_SUFFIX = ".json"
KEEP_REPORTS = 20


@dataclass(frozen=True)
class PreviousCrash:
    """A run that did not end cleanly."""

    started: datetime | None
    db_path: str
    report: Path | None  # the log, when the fatal error could write one
    folder: Path  # where the reports are

    def message(self) -> str:
        """What the window says, in French."""
        when = f" (session ouverte le {self.started:%d/%m/%Y à %H:%M})" if self.started else ""
        text = f"ctgdesk s'est arrêté brutalement la dernière fois{when}."
        if self.report is not None:
            text += f"\nLe rapport est dans « {self.report} »."
        else:
            text += ("\nAucun rapport n'a pu être écrit (arrêt forcé ou coupure de courant) ; "
                     f"les journaux sont rangés dans « {self.folder} ».")
        return text


class CrashLog:
    """`start()` at the window's start, `stop()` at its clean end."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        self.marker: Path | None = None
        self.log: Path | None = None
        self._file: IO[str] | None = None  # kept open: faulthandler writes into it when it must

    def previous_crashes(self) -> list[PreviousCrash]:
        """Markers of processes that no longer run (removed once read; their logs are kept)."""
        from ctgdesk.db.lock import pid_alive  # after the first frame (tests/bench/test_startup_window.py)

        crashes = []
        if not self.folder.is_dir():
            return crashes
        for marker in sorted(self.folder.glob(f"{MARKER_PREFIX}*{MARKER_SUFFIX}")):
            if marker == self.marker:
                continue
            try:
                data = json.loads(marker.read_text(encoding="utf-8"))
                pid = int(data["pid"])
            except (OSError, ValueError, KeyError, TypeError):
                continue  # not ours, or half written: left alone
            if pid != os.getpid() and pid_alive(pid):
                continue  # another ctgdesk, running
            log = self.folder / str(data.get("log", ""))
            report = log if data.get("log") and log.is_file() and log.stat().st_size > 0 else None
            if report is None and data.get("log"):
                log.unlink(missing_ok=True)
            try:
                started = datetime.fromisoformat(data["started"])
            except (KeyError, TypeError, ValueError):
                started = None
            crashes.append(PreviousCrash(started, str(data.get("db", "")), report, self.folder))
            marker.unlink(missing_ok=True)
        return crashes

    def start(self, db_path: Path | str = "") -> None:
        """Say "running" and send fatal errors to a fresh log (what earlier runs left:
        previous_crashes()). Never raises: without a writable folder, no crash log."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._thin()
            now = datetime.now().replace(microsecond=0)
            stem = f"ctgdesk-{now:%Y%m%d-%H%M%S}-{os.getpid()}"
            self.log = self.folder / f"{stem}.log"
            self._file = open(self.log, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the run
            faulthandler.enable(self._file, all_threads=True)
            self.marker = self.folder / f"{MARKER_PREFIX}{os.getpid()}{MARKER_SUFFIX}"
            temporary = self.marker.with_suffix(".tmp")
            temporary.write_text(json.dumps({"pid": os.getpid(), "started": now.isoformat(), "db": str(db_path),
                                             "log": self.log.name}), encoding="utf-8")
            os.replace(temporary, self.marker)
        except OSError:
            pass

    def _thin(self) -> None:
        """The newest KEEP_REPORTS reports stay; older ones go (those of a running ctgdesk too
        are among the newest)."""
        reports = sorted(self.folder.glob("ctgdesk-*.log"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in reports[KEEP_REPORTS:]:
            old.unlink(missing_ok=True)

    def stop(self) -> None:
        """A clean end: no marker; the log goes when nothing was written into it."""
        if self._file is not None:
            faulthandler.disable()
            self._file.close()
            written = self.log is not None and self.log.is_file() and self.log.stat().st_size > 0
            self._file = None
            if not written and self.log is not None:
                self.log.unlink(missing_ok=True)
        if self.marker is not None:
            self.marker.unlink(missing_ok=True)
            self.marker = None
