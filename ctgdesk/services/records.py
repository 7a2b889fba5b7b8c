"""Small helpers every service module uses to fetch and check records."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

from ctgdesk.services.errors import ChangedMeanwhile, NotFound, ValidationError

T = TypeVar("T")

LONG_TEXT_MAX = 200_000
"""Characters in a long text (minutes, notes, descriptions): a long compte rendu fits, a 20 Mo
paste does not. A short text (String(n) in the models) is at most n characters."""


def text_limit(column) -> int:
    """The most characters a text column of the models may hold (its String(n), else LONG_TEXT_MAX)."""
    return getattr(column.type, "length", None) or LONG_TEXT_MAX


def get_or_fail(session: Session, model: type[T], record_id: int | None, what: str) -> T:
    record = session.get(model, record_id) if record_id is not None else None
    if record is None:
        raise NotFound(f"{what} n°{record_id} n'existe pas (ou plus).")
    return record


def id_for_uid(session: Session, model: type, uid: str | None) -> int | None:
    """The current id of a record known by its uid; None for no uid or a record gone since."""
    if not uid:
        return None
    from sqlalchemy import select

    return session.scalar(select(model.id).where(model.uid == uid))


def check_version(record, expected: int | None, what: str) -> None:
    """Refuse to save over a version of `record` other than the one the form read.

    `expected` None: no check (a new record, or the user chose to keep her version). `what`
    starts the message: "Cette réunion a été modifiée".
    """
    if expected is None or record.row_version == expected:
        return
    from datetime import timezone

    from sqlalchemy import select
    from sqlalchemy.orm import object_session

    from ctgdesk.models import AuditEntry

    changed = record.updated_at
    last = object_session(record).execute(
        select(AuditEntry.actor, AuditEntry.at)
        .where(AuditEntry.table_name == record.__tablename__, AuditEntry.record_uid == record.uid)
        .order_by(AuditEntry.id.desc()).limit(1)).first()
    who = f" par {last.actor}" if last is not None and last.actor else ""
    changed = last.at if last is not None else changed
    local = changed.replace(tzinfo=timezone.utc).astimezone() if changed else None
    when = f" le {local:%d/%m/%Y} à {local:%H:%M}" if local else ""
    raise ChangedMeanwhile(
        f"{what}{who}{when} pendant que vous l'éditiez (dans une autre fenêtre ou par un autre poste). "
        "Rechargez-la pour voir cette version, ou enregistrez de nouveau pour garder la vôtre.",
        changed,
    )


def required_text(value: str | None, what: str, field: str, *, max_length: int = 200) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(f"{what} est obligatoire.", field)
    if len(text) > max_length:
        raise ValidationError(f"{what} est trop long ({len(text)} caractères, {max_length} au plus).", field)
    return text


def optional_text(value: str | None, what: str, field: str, *, max_length: int = 200) -> str:
    text = (value or "").strip()
    if len(text) > max_length:
        raise ValidationError(f"{what} est trop long ({len(text)} caractères, {max_length} au plus).", field)
    return text


def apply(record: object, fields: dict, allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(record, name, value)
