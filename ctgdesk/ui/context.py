"""What every page is given: the database, the chosen year, the undo stack, the status bar.

Contract for pages (ctgdesk/ui/pages/<name>.py):
    class SomethingPage(Page):
        title = "Réunions"            # French, shown in the sidebar
        icon_name = "fa5s.users"      # qtawesome icon name
        def refresh(self) -> None: ...  # reload from services (called on year change / data change)
Pages call services inside `self.ctx.db.transaction()`, push an undoable QUndoCommand on
`self.ctx.undo_stack` for deletes (and edits where natural), and call `self.ctx.notify_changed()`
after any write so the other pages (dashboard…) refresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from ctgdesk.db import Database


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
