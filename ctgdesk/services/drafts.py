"""Drafts of forms being typed: what a person typed survives a crash, a power cut or a kill.

A form that has been changed writes its state — the plain data it would give the services
(`MeetingInput`, `FicheInput`…), as JSON — into a folder of the user's data folder, a few
seconds after each change, never inside a database transaction. Saving the form or leaving it
with « Annuler » discards the draft; after a crash the next start offers it back.

A draft is bound to its base (the database file) and to its record: `record_uid` None for a
new record, else the uid of the record being edited. Each opening of a form is its own draft
(its own file): a draft kept for later is never overwritten by the next one.

Files are written to a temporary name and renamed (`exchange.atomic`), flushed to the disk
first; a file that is not a draft of ours (other tag, newer version, unreadable) is left alone.
No Qt here: `to_plain` / `from_plain` turn the services' dataclasses into JSON values and back.
"""

from __future__ import annotations

import dataclasses
import json
import os
import types
import typing
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Any

from ctgdesk.exchange.atomic import atomic_path

FORMAT_TAG = "ctgdesk-draft"
VERSION = 1
SUFFIX = ".json"


@dataclass
class Draft:
    """One form's draft. `state` is JSON values (see to_plain); `label` names what is typed,
    in French, as it goes in a sentence: « la réunion « COPIL » »."""

    kind: str  # "meeting", "fiche", "journal"…: which form reopens it
    base: str  # the database it belongs to (its resolved path)
    state: dict
    label: str = ""
    record_uid: str | None = None  # None: a new record
    started_at: datetime = field(default_factory=datetime.now)
    saved_at: datetime | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    origin: Any = None  # the record as it was when the typing began (to_plain), None for a new one


def base_key(path: Path | str) -> str:
    """How a draft names its base: the resolved path of the database file."""
    return str(Path(path).resolve())


class DraftStore:
    """The drafts of one folder (the user's data folder's « brouillons »)."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)

    def path_of(self, draft_id: str) -> Path:
        return self.folder / f"{draft_id}{SUFFIX}"

    def save(self, draft: Draft) -> None:
        """Write the draft (temporary name, flushed, renamed). Raises ExportError (French)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        draft.saved_at = datetime.now()
        text = json.dumps({
            "format": FORMAT_TAG, "version": VERSION, "id": draft.id, "kind": draft.kind, "base": draft.base,
            "record_uid": draft.record_uid, "label": draft.label, "started_at": draft.started_at.isoformat(),
            "saved_at": draft.saved_at.isoformat(), "state": draft.state, "origin": draft.origin,
        }, ensure_ascii=False, indent=1)
        with atomic_path(self.path_of(draft.id)) as temporary:
            with open(temporary, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())  # on the disk before the rename: a power cut keeps one or the other

    def load(self, draft_id: str) -> Draft | None:
        return _read(self.path_of(draft_id))

    def list(self, base: Path | str | None = None) -> list[Draft]:
        """The drafts of this folder (of one base when given), the oldest first."""
        if not self.folder.is_dir():
            return []
        wanted = base_key(base) if base is not None else None
        found = []
        for path in self.folder.glob(f"*{SUFFIX}"):
            draft = _read(path)
            if draft is not None and (wanted is None or draft.base == wanted):
                found.append(draft)
        return sorted(found, key=lambda d: (d.started_at, d.id))

    def discard(self, draft_id: str) -> None:
        path = self.path_of(draft_id)
        if _read(path) is not None:  # never a file that is not a draft of ours
            path.unlink(missing_ok=True)


def _read(path: Path) -> Draft | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT_TAG or data.get("version") != VERSION:
            return None
        if path.stem != data["id"] or not isinstance(data["state"], dict):
            return None
        return Draft(
            kind=str(data["kind"]), base=str(data["base"]), state=data["state"], label=str(data.get("label", "")),
            record_uid=data.get("record_uid"), started_at=datetime.fromisoformat(data["started_at"]),
            saved_at=datetime.fromisoformat(data["saved_at"]) if data.get("saved_at") else None, id=data["id"],
            origin=data.get("origin"),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


# --- the services' plain data as JSON values, and back ----------------------------------------
def to_plain(value: Any) -> Any:
    """Dataclasses, dates, decimals, enums… as JSON values (from_plain reads them back)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return to_plain(value.value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(key): to_plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_plain(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"{type(value).__name__} cannot go in a draft")


def from_plain(kind: Any, data: Any) -> Any:
    """The value of type `kind` (a dataclass, `list[X]`, `date | None`…) that to_plain gave `data`.

    Lenient as a draft must be: a field missing from `data` keeps its default, a None stays None
    (a form may be half filled), a field the dataclass no longer has is dropped."""
    if data is None:
        return None
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        values = {f.name: from_plain(hints[f.name], data[f.name])
                  for f in dataclasses.fields(kind) if f.init and f.name in data}
        return kind(**values)
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        members = [m for m in typing.get_args(kind) if m is not type(None)]
        for member in members:  # the JSON type itself first: "12,5" stays text for `Decimal | str`
            if isinstance(member, type) and type(data) is member:
                return data
        for member in members:
            try:
                return from_plain(member, data)
            except (TypeError, ValueError, InvalidOperation):
                continue
        raise ValueError(f"{data!r} is none of {kind}")
    if origin in (list, set, frozenset, tuple):
        args = typing.get_args(kind)
        items = [from_plain(args[0] if args else Any, item) for item in data]
        return origin(items) if origin is not list else items
    if origin is dict:
        key_type, value_type = typing.get_args(kind) or (Any, Any)
        return {from_plain(key_type, key): from_plain(value_type, item) for key, item in data.items()}
    if kind is Any:
        return data
    if isinstance(kind, type):
        if issubclass(kind, Enum):
            return kind(data)
        if issubclass(kind, datetime):
            return datetime.fromisoformat(data)
        if issubclass(kind, date):
            return date.fromisoformat(data)
        if issubclass(kind, time):
            return time.fromisoformat(data)
        if issubclass(kind, Decimal):
            return Decimal(str(data))
        if kind is bool:
            if not isinstance(data, bool):
                raise TypeError(f"{data!r} is not a bool")
            return data
        if kind in (int, float, str):
            return kind(data)
    raise TypeError(f"{kind} cannot be read from a draft")
