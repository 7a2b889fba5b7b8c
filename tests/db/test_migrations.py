"""The schema built by migrations is the schema of the models; a newer database is refused."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from ctgdesk.db import open_database
from ctgdesk.db.engine import make_engine
from ctgdesk.db.migrate import SchemaTooNew, current_revision, head_revision, upgrade
from ctgdesk.models import Base


def test_migrations_build_exactly_the_models(tmp_path):
    engine = make_engine(tmp_path / "m.sqlite")
    upgrade(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    assert diff == []
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_pragmas_are_set_on_every_connection(db):
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "newer.sqlite"
    database = open_database(path)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    database.dispose()
    with pytest.raises(SchemaTooNew):
        open_database(path)


def test_database_file_is_private(tmp_path):
    import os
    import stat

    path = tmp_path / "private.sqlite"
    open_database(path).dispose()
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_foreign_keys_are_enforced(db):
    from sqlalchemy.exc import IntegrityError

    from ctgdesk.models import EtpAllocation

    with pytest.raises(IntegrityError):
        with db.transaction() as session:
            session.add(EtpAllocation(organisation_id=424242, year=2026))


def test_schema_changes_roll_back_with_their_transaction(db):
    """DDL is transactional (pysqlite would commit it on the spot): a failed migration leaves nothing."""
    from sqlalchemy import inspect

    with pytest.raises(RuntimeError):
        with db.engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE half_done (id INTEGER)")
            raise RuntimeError("migration failed")
    assert "half_done" not in inspect(db.engine).get_table_names()


def test_savepoints_roll_back_only_their_part(db):
    from ctgdesk.models import Organisation, OrganisationKind

    with db.transaction() as session:
        session.add(Organisation(name="Gardée", kind=OrganisationKind.COMMUNE))
        nested = session.begin_nested()
        session.add(Organisation(name="Annulée", kind=OrganisationKind.COMMUNE))
        session.flush()
        nested.rollback()
    with db.transaction() as session:
        from sqlalchemy import select

        assert list(session.scalars(select(Organisation.name))) == ["Gardée"]
