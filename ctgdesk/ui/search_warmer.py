"""The search texts of every table, made in idle moments: one slice per pass of the event loop.

Each RowsTableModel prepares the search text of its rows after a load, so that the first
letter typed in a search field finds them ready. After a year change every page reloads its
tables: when each table had an idle timer of its own, one pass of the event loop ran a slice
for each of them, back to back — stretches of 60–130 ms with the window unresponsive
(bench/run, "page switch after a year change"). One timer for them all: a pass makes texts for
WARM_SLICE_S at most, for the tables in the order they were loaded.
"""

from __future__ import annotations

import time
import weakref
from collections import deque
from typing import Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

WARM_SLICE_S = 0.006  # search texts made per idle moment: the window stays responsive meanwhile


class Warmable(Protocol):
    def warm_search_texts(self, deadline: float) -> bool:
        """Make search texts until time.perf_counter() reaches `deadline`; True once all are made."""


class SearchTextWarmer(QObject):
    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._queue: deque[weakref.ref[Warmable]] = deque()
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.run_slice)

    def add(self, model: Warmable) -> None:
        """`model` has texts to make (again): queued once, behind the tables loaded before it."""
        if not any(ref() is model for ref in self._queue):
            self._queue.append(weakref.ref(model))
        self._timer.start()

    def pending(self) -> int:
        return sum(1 for ref in self._queue if ref() is not None)

    def run_slice(self) -> None:
        deadline = time.perf_counter() + WARM_SLICE_S
        while self._queue and time.perf_counter() < deadline:
            model = self._queue[0]()
            if model is None or model.warm_search_texts(deadline):
                self._queue.popleft()
        if not self._queue:
            self._timer.stop()


_warmer: SearchTextWarmer | None = None


def warmer() -> SearchTextWarmer:
    """The application's warmer (made on first use, deleted with the QApplication)."""
    global _warmer
    if _warmer is None:
        _warmer = SearchTextWarmer(QApplication.instance())
    return _warmer
