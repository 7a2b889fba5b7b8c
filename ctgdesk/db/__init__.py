"""Database access: engine, sessions, migrations. The only place that knows the URL.

Light to import (no SQLAlchemy, no Alembic until a database is opened): the window shows
before the ORM is loaded, and `ctgdesk.db.paths` stays cheap for the command line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker


@dataclass
class Database:
    path: Path | str  # a file, or a team base's URL (postgresql://…)
    engine: Engine
    sessions: sessionmaker[Session] = field(repr=False)

    def transaction(self):
        """`with db.transaction() as session:` — commit on success, roll back on error."""
        from ctgdesk.db.engine import transaction

        return transaction(self.sessions)

    def session(self) -> Session:
        return self.sessions()

    def schema_revision(self) -> str | None:
        from ctgdesk.db.migrate import current_revision

        return current_revision(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(path: Path | str, *, migrate: bool = True, read_only: bool = False) -> Database:
    """Open (creating if needed) the database file and bring its schema to the current version."""
    from ctgdesk.db.engine import make_engine, make_session_factory
    from ctgdesk.db.schema_head import is_at_head

    from ctgdesk.db.paths import is_server_url

    if not is_server_url(path):
        path = Path(path)
    engine = make_engine(path, read_only=read_only)
    if migrate and not read_only:
        try:
            if not is_at_head(engine):  # Alembic is loaded only when there is something to do
                from ctgdesk.db.migrate import upgrade

                upgrade(engine)
        except BaseException:
            engine.dispose()  # no pooled connection may outlive a failed upgrade
            raise
    return Database(path=path, engine=engine, sessions=make_session_factory(engine))


def __getattr__(name: str):
    # `from ctgdesk.db import head_revision, transaction` still works, loaded on first use.
    if name == "head_revision":
        from ctgdesk.db.migrate import head_revision

        return head_revision
    if name == "transaction":
        from ctgdesk.db.engine import transaction

        return transaction
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Database", "open_database", "head_revision", "transaction"]
