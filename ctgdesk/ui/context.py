"""What every page is given: the database, the chosen year, the undo stack, the status bar.

Contract for pages (ctgdesk/ui/pages/<name>.py):
    class SomethingPage(Page):
        title = "Réunions"            # French, shown in the sidebar
        icon_name = "fa5s.users"      # qtawesome icon name
        def refresh(self) -> None: ...  # reload from services (called on year change / data change)
A page's refresh reads its parameters from its widgets, then calls
`self.load_data(fetch, show)`: the services run in a worker thread (`fetch(session)`), the
widgets are filled on the UI thread (`show(data)`) — ctgdesk.ui.loading. Writes (forms,
deletes) call services inside `self.ctx.db.transaction()` on the UI thread.
Pages call services inside `self.ctx.db.transaction()`, push an undoable QUndoCommand on
`self.ctx.undo_stack` for deletes (and edits where natural), and call `self.ctx.notify_changed()`
after any write so the other pages (dashboard…) refresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from ctgdesk.db import Database

if TYPE_CHECKING:
    from ctgdesk.services.drafts import DraftStore
    from ctgdesk.ui.loading import Fetch, OnError, PageLoads, Show


class ContextSignals(QObject):
    data_changed = Signal()
    year_changed = Signal(int)
    status_message = Signal(str, int)


@dataclass
class UiContext:
    db: Database
    year: int = field(default_factory=lambda: date.today().year)
    undo_stack: QUndoStack = field(default_factory=QUndoStack)
    signals: ContextSignals = field(default_factory=ContextSignals)
    # Pages load their data in a worker thread in the application (ctgdesk.ui.app) and in
    # bench/run; tests keep the synchronous default unless they test that mode.
    background_loads: bool = False
    # Who uses the window (ctgdesk.ui.identity): her coordinator id, the default wherever a
    # coordinator is asked; None for the chef·fe de projet (the whole territory) or not said yet.
    me: int | None = None
    # Where forms keep a draft of what is typed (ctgdesk.ui.widgets.drafts): the user's data
    # folder in the application; None (no drafts) unless a test gives one.
    drafts: DraftStore | None = None
    _loads: PageLoads | None = field(default=None, init=False, repr=False)

    @property
    def loads(self) -> PageLoads:
        """The queue of page loads (ctgdesk.ui.loading), made on first use."""
        if self._loads is None:
            from ctgdesk.ui.loading import PageLoads

            self._loads = PageLoads(lambda: self.db, background=self.background_loads)
            self._loads.failed.connect(lambda message: self.show_status(message, 10_000))
        return self._loads

    def wait_for_loads(self, timeout_ms: int = 30_000) -> bool:
        """Let the page loads under way finish (before the database is closed)."""
        return self._loads is None or self._loads.wait_done(timeout_ms)

    def notify_changed(self) -> None:
        self.signals.data_changed.emit()

    def set_year(self, year: int) -> None:
        if year != self.year:
            self.year = year
            self.signals.year_changed.emit(year)

    def show_status(self, message: str, timeout_ms: int = 5000) -> None:
        self.signals.status_message.emit(message, timeout_ms)

    def today(self) -> date:
        return date.today()


class Page(QWidget):
    title: str = ""
    icon_name: str = "fa5s.circle"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx

    def refresh(self) -> None:  # pragma: no cover - every page overrides it
        raise NotImplementedError

    def load_data(self, fetch: Fetch, show: Show, *, part: str = "", on_error: OnError | None = None) -> None:
        """`fetch(session)` off the UI thread — plain values only, no widget — then `show(data)`
        here; a newer load of the same `part` of this page replaces it (ctgdesk.ui.loading)."""
        label = f"la page « {self.title} »" if self.title else ""
        self.ctx.loads.start((id(self), part), fetch, show, on_error=on_error, label=label)

    def when_loaded(self, callback: Callable[[], None]) -> None:
        """`callback()` once the data asked for is on screen (at once when nothing loads):
        selecting the record just saved must wait for the list that holds it."""
        self.ctx.loads.call_when_done(callback)
