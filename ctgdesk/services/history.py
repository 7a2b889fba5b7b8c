"""A record's history ("Historique"): who created, changed or deleted it, when, and what changed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctgdesk.models import AuditEntry


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    actor: str
    action: str
    changes: dict  # {column: [before, after]} for a change, {column: value} for a deletion


def history(session: Session, table_name: str, uid: str) -> list[HistoryLine]:
    """Newest first."""
    rows = session.scalars(
        select(AuditEntry).where(AuditEntry.table_name == table_name, AuditEntry.record_uid == uid)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    return [HistoryLine(r.at, r.actor, r.action, json.loads(r.changes) if r.changes else {}) for r in rows]
