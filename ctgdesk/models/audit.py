"""Who changed what: one row per record created, changed or deleted, written in the same
transaction as the change.

Written by the ORM (a `before_flush` listener on every session), not by database triggers:
the same code on SQLite and PostgreSQL, the before/after values as the app sees them (dates,
decimals, enums), and no trigger to keep in step with each migration. The price: a change made
outside ctgdesk (psql, bulk Core statements) is not recorded — on a team base the server's
rights (ctgdesk.db.team) are what guards against that.

The actor is the session's `info["actor"]` (the base's login on a team base, the person the user
said she is, else the system user name).
"""

import enum
import getpass
import json
from datetime import date, datetime, time
from decimal import Decimal
from typing import Optional

from sqlalchemy import DateTime, Index, String, Text, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from ctgdesk.models.base import Base, Tracked, utcnow

SKIPPED = {"updated_at", "row_version"}


class AuditEntry(Base):
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_table_name_record_uid", "table_name", "record_uid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200), default="")
    table_name: Mapped[str] = mapped_column(String(60))
    record_uid: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(12))  # "création", "modification", "suppression"
    changes: Mapped[Optional[str]] = mapped_column(Text)  # JSON {column: [before, after]}


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} octets>"
    return value


def default_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name on this system: the change is still recorded
        return ""


def _actor(session: Session) -> str:
    actor = session.info.get("actor")
    if actor is None:
        bind = session.get_bind()
        actor = (bind.url.username if bind.dialect.name == "postgresql" else None) or default_actor()
        session.info["actor"] = actor
    return actor


def _column_values(state, changed_only: bool) -> dict:
    values = {}
    for attribute in state.mapper.column_attrs:
        key = attribute.key
        if key in SKIPPED or key == "id":
            continue
        history = state.attrs[key].history
        if changed_only:
            if not history.has_changes():
                continue
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before == after:
                continue
            values[key] = [_plain(before), _plain(after)]
        else:
            current = history.unchanged[0] if history.unchanged else (history.added[0] if history.added else None)
            values[key] = _plain(current)
    return values


@event.listens_for(Session, "before_flush")
def record_changes(session: Session, _context, _instances) -> None:
    if session.info.get("audit") is False:
        return
    entries = []
    for obj in session.new:
        if isinstance(obj, Tracked):
            if obj.uid is None:
                from ctgdesk.models.base import new_uid

                obj.uid = new_uid()
            entries.append((obj, "création", None))
    for obj in session.dirty:
        if isinstance(obj, Tracked) and session.is_modified(obj, include_collections=False):
            changes = _column_values(inspect(obj), changed_only=True)
            if changes:
                entries.append((obj, "modification", changes))
    for obj in session.deleted:
        if isinstance(obj, Tracked):
            entries.append((obj, "suppression", _column_values(inspect(obj), changed_only=False)))
    if not entries:
        return
    actor = _actor(session)
    now = utcnow()
    for obj, action, changes in entries:
        session.add(AuditEntry(
            at=now, actor=actor, table_name=obj.__tablename__, record_uid=obj.uid, action=action,
            changes=None if changes is None else json.dumps(changes, ensure_ascii=False, default=str),
        ))


@event.listens_for(Session, "after_flush")
def _remember_changed_tables(session: Session, _context) -> None:
    changed = session.info.setdefault("changed_tables", set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table and table != "audit_entry":
            changed.add(table)


@event.listens_for(Session, "before_commit")
def _announce_changes(session: Session) -> None:
    """On a team base, tell the other windows what changed: NOTIFY is delivered at commit, and
    not at all if the transaction rolls back (ctgdesk.db.team.ChangeListener receives it)."""
    changed = session.info.pop("changed_tables", None)
    if not changed:
        return
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from sqlalchemy import text

    payload = json.dumps({"actor": _actor(session), "tables": sorted(changed)})[:7900]
    session.execute(text("SELECT pg_notify('ctgdesk_changes', :payload)"), {"payload": payload})


@event.listens_for(Session, "after_rollback")
def _forget_changes(session: Session) -> None:
    session.info.pop("changed_tables", None)
