"""Undo for what pages do: small QUndoCommands built from two functions.

Pages do the change first (so a refusal from the service shows before anything is pushed),
then push a command that knows how to take it back and do it again::

    snapshot = delete_in_a_transaction(record_id)
    ctx.undo_stack.push(make_delete_command(
        "Supprimer « Divion »", delete=delete_in_a_transaction, restore=restore_in_a_transaction,
        key=record_id, snapshot=snapshot, on_error=ctx.show_status))

`restore(snapshot)` re-creates the record through services and returns its new key (a new id);
`delete(key)` deletes it again and returns a fresh snapshot.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtGui import QUndoCommand

from ctgdesk.services.errors import ValidationError

ErrorHandler = Callable[[str], None]


class CallbackCommand(QUndoCommand):
    """A QUndoCommand running two plain functions. A refusal (ValidationError) is reported
    through `on_error` and the command is dropped from the stack instead of raising."""

    def __init__(
        self, text: str, undo_fn: Callable[[], None], redo_fn: Callable[[], None], *,
        already_done: bool = True, on_error: ErrorHandler | None = None,
    ):
        super().__init__(text)
        self._undo_fn, self._redo_fn = undo_fn, redo_fn
        self._skip_first_redo = already_done
        self._on_error = on_error

    def _run(self, fn: Callable[[], None]) -> None:
        try:
            fn()
        except ValidationError as error:
            self.setObsolete(True)
            if self._on_error is not None:
                self._on_error(error.message)

    def redo(self) -> None:
        if self._skip_first_redo:  # QUndoStack.push calls redo(); the page already did it
            self._skip_first_redo = False
            return
        self._run(self._redo_fn)

    def undo(self) -> None:
        self._run(self._undo_fn)


def make_undo_command(
    text: str, undo_fn: Callable[[], None], redo_fn: Callable[[], None], *,
    already_done: bool = True, on_error: ErrorHandler | None = None,
) -> QUndoCommand:
    """A command whose undo calls `undo_fn` and redo calls `redo_fn`.

    With `already_done` (the default) the first redo — the one QUndoStack.push makes — does
    nothing, because the page has already made the change.
    """
    return CallbackCommand(text, undo_fn, redo_fn, already_done=already_done, on_error=on_error)


def make_delete_command(
    text: str, *, delete: Callable[[Any], Any], restore: Callable[[Any], Any], key: Any, snapshot: Any,
    on_error: ErrorHandler | None = None,
) -> QUndoCommand:
    """Undo of a delete already made: restore(snapshot) → new key; delete(key) → new snapshot."""
    state = {"key": key, "snapshot": snapshot}

    def undo() -> None:
        state["key"] = restore(state["snapshot"])

    def redo() -> None:
        state["snapshot"] = delete(state["key"])

    return make_undo_command(text, undo, redo, on_error=on_error)


def write(ctx, fn: Callable[[Any], Any]) -> Any:
    """Run fn(session) in one transaction, then tell the pages the data changed."""
    with ctx.db.transaction() as session:
        result = fn(session)
    ctx.notify_changed()
    return result


def push(ctx, command: QUndoCommand) -> None:
    """Push on the context's stack (the status bar then offers "Annuler")."""
    ctx.undo_stack.push(command)


def report_to_status(ctx) -> ErrorHandler:
    """on_error for commands: a refusal while undoing shows in the status bar."""
    return lambda message: ctx.show_status(f"Impossible : {message}", 10_000)


def delete_record_with_undo(
    ctx, *, model: type, record_id: int, delete: Callable[[Any, int], Any], restore: Callable[[Any, Any], Any],
    undo_text: str, done_message: str,
) -> None:
    """Delete a record through its snapshot service and push the command that brings it back.

    `delete(session, id)` returns a snapshot (or raises ValidationError, left to the caller);
    `restore(session, snapshot)` re-creates the record with its uid. The command finds the
    record by uid, so undo → redo → undo keeps working after ids change.
    """
    from ctgdesk.services import snapshots

    with ctx.db.transaction() as session:
        uid = snapshots.uid_of(session, model, record_id)
        snapshot = delete(session, record_id)

    def delete_again(key: str):
        return write(ctx, lambda s: delete(s, snapshots.id_of(s, model, key)))

    def restore_snapshot(snap) -> str:
        write(ctx, lambda s: restore(s, snap))
        return snap.uid

    ctx.undo_stack.push(make_delete_command(
        undo_text, delete=delete_again, restore=restore_snapshot, key=uid, snapshot=snapshot,
        on_error=report_to_status(ctx),
    ))
    ctx.show_status(done_message)
    ctx.notify_changed()
