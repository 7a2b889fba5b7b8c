"""A form keeps a draft of what is typed (ctgdesk.services.drafts), and asks before dropping it.

A dialog gives three things: `draft_state()` (the plain data it would give the services, as
JSON values), `draft_label()` (« la réunion « COPIL » »), and, to come back, a way to fill
itself from that state — the same code that fills it for an existing record. Then:

    self.draft = DraftKeeper(self, ctx, "meeting", self.draft_state, self.draft_label,
                             record_uid=…, restored=draft)        # at the end of __init__

    def reject(self):                                             # Annuler, Échap, ×
        if self.draft.may_close():
            super().reject()

Any change in the form (typing, a tick, a line added: the fields' change signals, and any key
or click inside the form, whatever its widgets are) starts a short single-shot timer; when it
fires, the state is written if it differs from the form as it opened (or from what was last
written). Only `draft_state()` says what the form holds: widgets may change, drafts follow.
Saving the form, or leaving it with « Annuler » (confirmed when something was changed),
discards the draft. Without a draft store (`ctx.drafts` None, as in most tests)
nothing is written and nothing is asked.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, SignalInstance
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from ctgdesk.exchange.atomic import ExportError
from ctgdesk.services.drafts import Draft, base_key, to_plain
from ctgdesk.services.errors import ValidationError

SAVE_DELAY_MS = 1500
_WATCHED = "_draftWatched"


def _change_signals(widget: QWidget) -> list[SignalInstance]:
    """The signals that say a person changed this widget's value."""
    if isinstance(widget, QLineEdit):
        return [widget.textChanged]
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        return [widget.textChanged]
    if isinstance(widget, QComboBox):
        return [widget.currentIndexChanged]
    if isinstance(widget, QAbstractButton) and widget.isCheckable():
        return [widget.toggled]
    if isinstance(widget, QDateTimeEdit):
        return [widget.dateTimeChanged]
    if isinstance(widget, QAbstractSpinBox) and hasattr(widget, "valueChanged"):
        return [widget.valueChanged]
    if isinstance(widget, QAbstractItemView):  # model/view tables and lists: their model says it
        model = widget.model()
        if model is None or model.property(_WATCHED):
            return []
        model.setProperty(_WATCHED, True)
        return [model.dataChanged, model.rowsInserted, model.rowsRemoved, model.modelReset]
    signal = getattr(widget, "changed", None)  # our composite widgets: line tables, check lists
    return [signal] if isinstance(signal, SignalInstance) else []


class DraftKeeper(QObject):
    """`record`: the record being edited as loaded (plain data, e.g. the dialog's `before`): a
    draft brought back is `stale` when the record has changed since its typing began."""

    def __init__(self, dialog: QDialog, ctx, kind: str, state: Callable[[], dict], label: Callable[[], str], *,
                 record_uid: str | None = None, restored: Draft | None = None, record=None):
        super().__init__(dialog)
        self.dialog = dialog
        self.ctx = ctx
        self.store = getattr(ctx, "drafts", None)
        self._state = state
        self._label = label
        self.baseline = state()  # the form as it opened
        self.restored = restored is not None
        origin = to_plain(record) if record is not None else None
        self.stale = bool(restored is not None and restored.origin is not None and origin is not None
                          and origin != restored.origin)
        if restored is not None:
            self.draft: Draft | None = restored
            self.draft.state = self.baseline
        elif self.store is not None and ctx.db is not None:
            self.draft = Draft(kind=kind, base=base_key(ctx.db.path), state=self.baseline, record_uid=record_uid,
                               origin=origin)
        else:
            self.draft = None
        self.written = restored is not None  # a draft of this form is on the disk
        self._warned = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SAVE_DELAY_MS)
        self.timer.timeout.connect(self.flush)
        self.watch()
        dialog.accepted.connect(self.discard)
        dialog.rejected.connect(self.discard)
        application = QApplication.instance()
        if application is not None and self.store is not None:
            application.installEventFilter(self)  # keys and clicks in the form, popups included

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() in (QEvent.Type.KeyRelease, QEvent.Type.MouseButtonRelease) and self._inside(watched):
            self.schedule()
        return False

    def _inside(self, watched: QObject) -> bool:
        """Is this widget the form's, or a popup of one of its fields (a calendar, a list)?"""
        widget = watched if isinstance(watched, QWidget) else None
        while widget is not None:
            if widget is self.dialog:
                return True
            widget = widget.parentWidget()
        return False

    # --- watching the form -----------------------------------------------------------------
    def watch(self) -> None:
        """Listen to every field of the form, lines added since included."""
        for widget in self.dialog.findChildren(QWidget):
            if widget.property(_WATCHED):
                continue
            widget.setProperty(_WATCHED, True)
            for signal in _change_signals(widget):
                signal.connect(self.schedule)

    def schedule(self, *_args) -> None:
        """Something changed: the draft is written shortly (at most one write per delay)."""
        if not self.timer.isActive():
            self.timer.start()

    def changed(self) -> bool:
        """Is there typing to lose: a change since the form opened, or a draft brought back?"""
        state = self._readable_state()
        return self.restored or state is None or state != self.baseline

    def _readable_state(self) -> dict | None:
        """The form's state; None while a field holds a text it cannot read (refused there)."""
        try:
            return self._state()
        except ValidationError:
            return None

    # --- writing ---------------------------------------------------------------------------
    def flush(self) -> None:
        self.timer.stop()
        self.watch()  # the widgets of lines added meanwhile
        if self.draft is None or self.store is None:
            return
        state = self._readable_state()
        if state is None:  # a date or an amount that cannot be read yet: the last draft stays
            return
        if state == self.draft.state and (self.written or state == self.baseline):
            return
        self.draft.state = state
        self.draft.label = self._label()
        try:
            self.store.save(self.draft)
        except (ExportError, OSError) as error:
            if not self._warned:  # said once, in the status bar; the form itself goes on
                self._warned = True
                message = getattr(error, "message", None) or str(error)
                self.ctx.show_status(f"Le brouillon du formulaire n'a pas pu être gardé : {message}", 15_000)
            return
        self.written = True

    def discard(self) -> None:
        self.timer.stop()
        application = QApplication.instance()
        if application is not None:
            application.removeEventFilter(self)
        if self.draft is not None and self.store is not None and self.written:
            self.store.discard(self.draft.id)
        self.written = False
        self.draft = None

    # --- leaving ---------------------------------------------------------------------------
    def may_close(self) -> bool:
        """Annuler: True to close (the draft then goes). Asks first when something was typed
        (in the application, which keeps drafts; a form without a store closes as it always did)."""
        if self.store is None or not self.changed():
            return True
        answer = QMessageBox.question(
            self.dialog, "Abandonner la saisie",
            "Abandonner ce qui a été saisi dans ce formulaire ?\nLes modifications ne seront pas enregistrées.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes
