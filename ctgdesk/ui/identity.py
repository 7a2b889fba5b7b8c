"""Who is at the keyboard: one of the coordinators, or the chef·fe de projet (the whole territory).

Stored in the user's settings (QSettings, per OS user), one key per database file — not in the
database: a team base (PostgreSQL, or a file passed around) is shared by several coordinators
and each has her own answer; and the same person can open the demo and her real base. The
coordinator is stored by her uid (kept by exports and packages), not her row id.

    identity.load(settings, db_path)      → None (never asked), TERRITORY, or a coordinator uid
    identity.save(settings, db_path, value)
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QSettings

TERRITORY = "territoire"  # the chef·fe de projet: the whole territory, no one coordinator
TERRITORY_LABEL = "Chef·fe de projet — tout le territoire"


def settings_key(db_path: Path) -> str:
    resolved = str(Path(db_path).expanduser().resolve())
    return "identity/" + hashlib.sha1(resolved.encode("utf-8")).hexdigest()[:16]


def load(settings: QSettings, db_path: Path) -> str | None:
    value = settings.value(settings_key(db_path))
    return value if isinstance(value, str) and value else None


def save(settings: QSettings, db_path: Path, value: str) -> None:
    settings.setValue(settings_key(db_path), value)
    settings.sync()


def coordinator_id(session, value: str | None) -> int | None:
    """The coordinator a stored value names (None: the territory, nobody, or one deleted since)."""
    if not value or value == TERRITORY:
        return None
    from sqlalchemy import select

    from ctgdesk.models import Coordinator
    from ctgdesk.models.base import table

    columns = table(Coordinator).c  # table columns: no mapper configured at start-up
    return session.scalar(select(columns.id).where(columns.uid == value))


def coordinator_uid(session, coordinator: int | None) -> str:
    if coordinator is None:
        return TERRITORY
    from ctgdesk.models import Coordinator
    from ctgdesk.services.snapshots import uid_of

    return uid_of(session, Coordinator, coordinator)
