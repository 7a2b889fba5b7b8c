"""Loading the pages' data off the UI thread.

On the biggest territory a page's queries take a tenth to a third of a second (bench/run);
run on the UI thread they freeze the window, its repaints and the keyboard for as long. A page
therefore splits its `refresh()` in two:

* `fetch(session) -> data`, which runs in a worker thread with its own session and returns
  plain values (rows, dataclasses) — it must not touch a widget, so everything it needs from
  the widgets (year, filters) is read before, on the UI thread;
* `show(data)`, which runs back on the UI thread and puts the data in the widgets.

`PageLoads.start(owner, fetch, show)` queues the pair. Only the newest request of an owner
counts: a request superseded before its turn is never run, and a result that arrives after a
newer request was made is dropped (year changed twice in a row, filters clicked quickly).
Requests run one at a time in their own pool (the queries would only fight over the GIL and
the file), in the order made. A request is handed to the worker once the events already
waiting — the repaint of the page just shown, above all — are through: a worker running
Python while the UI thread paints makes them share the GIL, and the paint of a page took
twice as long, 90–120 ms instead of 30–40, with the window unresponsive (bench/run, "page
switch after a year change"). An error in `fetch` is said in French in the status bar, never
a traceback, and the page keeps what it showed.

Reads never block writes: the base is in WAL mode, the forms write on the UI thread while a
worker reads its snapshot. Before the database is closed (quit, restore of a backup),
`wait_done()` lets the worker finish.

In tests, `background=False` (UiContext's default) runs fetch and show at once, in order, so
that a test reads the widgets right after `refresh()`; the application and bench/run load in
the background (`UiContext(background_loads=True)`), and tests/ui/test_background_loads.py
drives that mode.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Hashable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRunnable, QThreadPool, QTimer, Signal

log = logging.getLogger(__name__)

Fetch = Callable[[Any], Any]
Show = Callable[[Any], None]
OnError = Callable[[BaseException], bool]

BUSY_LABEL_DELAY_MS = 250  # shorter loads show nothing (no flicker); longer ones say "Chargement…"
HAND_TO_WORKER = QEvent.Type(QEvent.registerEventType())
# Posted events are delivered by priority: Qt posts a window's repaint (UpdateRequest) at
# Qt.LowEventPriority (-1); the requests go to the worker after it.
AFTER_REPAINTS = -2


class _Request:
    __slots__ = ("owner", "token", "fetch", "show", "on_error", "label")

    def __init__(self, owner: Hashable, token: int, fetch: Fetch, show: Show,
                 on_error: OnError | None, label: str):
        self.owner, self.token, self.fetch, self.show = owner, token, fetch, show
        self.on_error, self.label = on_error, label


class _Job(QRunnable):
    def __init__(self, loads: "PageLoads", request: _Request):
        super().__init__()
        self.loads, self.request = loads, request
        self.setAutoDelete(True)

    def run(self) -> None:  # worker thread
        request = self.request
        if not self.loads._is_current(request):
            self.loads._finished.emit(request, None, None, False)  # superseded before its turn
            return
        try:
            db = self.loads._database()
            with db.transaction() as session:
                data = request.fetch(session)
        except BaseException as error:  # noqa: BLE001 - carried to the UI thread, said in French
            self.loads._finished.emit(request, None, error, True)
            return
        self.loads._finished.emit(request, data, None, True)


class PageLoads(QObject):
    """The queue of page loads of one window (see the module docstring)."""

    busy_changed = Signal(bool)   # True once a load has lasted BUSY_LABEL_DELAY_MS, False when all are done
    failed = Signal(str)          # a French message, for the status bar
    _finished = Signal(object, object, object, bool)  # request, data, error, ran (worker → UI thread)

    def __init__(self, database: Callable[[], Any], *, background: bool, parent: QObject | None = None):
        super().__init__(parent)
        self._database = database
        self.background = background
        self._latest: dict[Hashable, int] = {}
        self._pending = 0
        self._next_token = 0
        self._pool: QThreadPool | None = None
        self._waiting: list[_Request] = []  # asked for, not yet handed to the worker
        self._when_done: list[Callable[[], None]] = []
        self._finished.connect(self._deliver)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_LABEL_DELAY_MS)
        self._busy_timer.timeout.connect(lambda: self.busy_changed.emit(True))

    # --- asking -------------------------------------------------------------------------
    def start(self, owner: Hashable, fetch: Fetch, show: Show, *,
              on_error: OnError | None = None, label: str = "") -> None:
        """Load for `owner`: `fetch(session)` (worker), then `show(data)` (UI thread).

        `on_error(error)` may handle an error itself (return True); otherwise the status bar
        says "Impossible de charger {label} : …". The newest request of an owner wins."""
        self._next_token += 1
        request = _Request(owner, self._next_token, fetch, show, on_error, label)
        self._latest[owner] = request.token
        if not self.background:
            self._run_here(request)
            return
        self._pending += 1
        if self._pending == 1:
            self._busy_timer.start()
        self._waiting.append(request)
        if len(self._waiting) == 1:
            QCoreApplication.postEvent(self, QEvent(HAND_TO_WORKER), AFTER_REPAINTS)

    def is_busy(self) -> bool:
        return self._pending > 0

    def call_when_done(self, callback: Callable[[], None]) -> None:
        """`callback()` once the loads asked so far are shown — at once when none is under way.
        For what must follow fresh data: selecting the record just saved, a record opened from
        another page."""
        if self._pending == 0:
            callback()
        else:
            self._when_done.append(callback)

    def wait_done(self, timeout_ms: int = 30_000) -> bool:
        """Let the running and queued fetches finish (before the database is closed).
        Their results are delivered with the next events, if still wanted."""
        self._hand_to_worker()
        if self._pool is None:
            return True
        return self._pool.waitForDone(timeout_ms)

    # --- inside -------------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        if event.type() == HAND_TO_WORKER:
            self._hand_to_worker()
            return True
        return super().event(event)

    def _hand_to_worker(self) -> None:
        waiting, self._waiting = self._waiting, []
        for request in waiting:
            self._worker_pool().start(_Job(self, request))

    def _worker_pool(self) -> QThreadPool:
        if self._pool is None:
            self._pool = QThreadPool(self)
            self._pool.setMaxThreadCount(1)  # in order, one at a time
            self._pool.setExpiryTimeout(-1)   # the thread stays: no start-up cost per load
        return self._pool

    def _is_current(self, request: _Request) -> bool:
        return self._latest.get(request.owner) == request.token

    def _run_here(self, request: _Request) -> None:
        """Synchronous mode: an error the page does not handle goes up to the caller, as when
        pages loaded on the UI thread (a test sees it)."""
        try:
            with self._database().transaction() as session:
                data = request.fetch(session)
        except Exception as error:
            if request.on_error is not None and request.on_error(error):
                return
            raise
        request.show(data)

    def _deliver(self, request: _Request, data: Any, error: BaseException | None, ran: bool) -> None:
        self._pending -= 1
        try:
            if ran and self._is_current(request):
                if error is not None:
                    self._fail(request, error)
                else:
                    request.show(data)
        finally:
            if self._pending == 0:
                self._busy_timer.stop()
                self.busy_changed.emit(False)
                callbacks, self._when_done = self._when_done, []
                for callback in callbacks:
                    callback()

    def _fail(self, request: _Request, error: BaseException) -> None:
        if request.on_error is not None and request.on_error(error):
            return
        log.error("Chargement impossible (%s)", request.label or request.owner, exc_info=error)
        what = f" {request.label}" if request.label else ""
        self.failed.emit(f"Impossible de charger{what} : {error}")
