"""Database access: engine, sessions, migrations. The only place that knows the URL."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ctgdesk.db.engine import make_engine, make_session_factory, transaction
from ctgdesk.db.migrate import current_revision, head_revision, upgrade


@dataclass
class Database:
    path: Path
    engine: Engine
    sessions: sessionmaker[Session] = field(repr=False)

    def transaction(self):
        """`with db.transaction() as session:` — commit on success, roll back on error."""
        return transaction(self.sessions)

    def session(self) -> Session:
        return self.sessions()

    def schema_revision(self) -> str | None:
        return current_revision(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(path: Path | str, *, migrate: bool = True, read_only: bool = False) -> Database:
    """Open (creating if needed) the database file and bring its schema to the current version."""
    path = Path(path)
    engine = make_engine(path, read_only=read_only)
    if migrate and not read_only:
        try:
            upgrade(engine)
        except BaseException:
            engine.dispose()  # no pooled connection may outlive a failed upgrade
            raise
    return Database(path=path, engine=engine, sessions=make_session_factory(engine))


__all__ = ["Database", "open_database", "head_revision", "transaction"]
