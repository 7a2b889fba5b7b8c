"""Engine and session factory. The only place that knows the database URL and SQLite pragmas."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from ctgdesk.db.paths import is_server_url  # noqa: F401 - also imported from here

BUSY_TIMEOUT_MS = 5000


def _take_transaction_control(dbapi_connection) -> None:
    # pysqlite's own transaction handling commits DDL on the spot and breaks SAVEPOINT; we
    # let SQLAlchemy emit BEGIN itself (see _begin), so a migration or an import is one
    # transaction that rolls back whole.
    dbapi_connection.isolation_level = None


def _begin(connection) -> None:
    connection.exec_driver_sql("BEGIN")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    _take_transaction_control(dbapi_connection)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _sqlite_read_only_pragmas(dbapi_connection, _record) -> None:
    # No journal_mode here: switching a base to WAL is a write, refused in read-only mode.
    _take_transaction_control(dbapi_connection)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only (the database holds personal data)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)


def server_url(target: str):
    """The SQLAlchemy URL of a team base, always through psycopg 3."""
    from sqlalchemy.engine import make_url

    url = make_url(target)
    return url.set(drivername="postgresql+psycopg")


def _postgres_session_settings(dbapi_connection, _record) -> None:
    # Dates and texts as the app writes them, whatever the server's defaults.
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
        cursor.execute("SET client_encoding TO 'UTF8'")
    dbapi_connection.commit()


def make_engine(path: Path | str, *, read_only: bool = False) -> Engine:
    if is_server_url(path):
        engine = create_engine(server_url(str(path)), pool_pre_ping=True,
                               execution_options={"postgresql_readonly": True} if read_only else {})
        event.listen(engine, "connect", _postgres_session_settings)
        return engine
    path = Path(path)
    if read_only:
        from ctgdesk.db.sqlite_files import read_only_uri

        url = f"sqlite:///{read_only_uri(path)}&uri=true"
    else:
        create_private_file(path)
        url = f"sqlite:///{path.as_posix()}"
    engine = create_engine(url)
    event.listen(engine, "connect", _sqlite_read_only_pragmas if read_only else _sqlite_pragmas)
    event.listen(engine, "begin", _begin)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back everything on any error."""
    from sqlalchemy.orm.exc import StaleDataError

    session = factory()
    try:
        yield session
        session.commit()
    except StaleDataError:
        # A versioned row (models.base.Tracked.row_version) changed under this transaction:
        # someone saved it meanwhile. Nothing is written; the user is told, in French.
        session.rollback()
        from ctgdesk.services.errors import ChangedMeanwhile

        raise ChangedMeanwhile(
            "Ces données ont été modifiées ailleurs (une autre fenêtre ou un autre poste) pendant "
            "l'enregistrement : rien n'a été écrit. Rechargez-les, puis recommencez."
        ) from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
