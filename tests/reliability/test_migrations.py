"""Schema versions: one real database per released revision upgrades to head without loss,
and the schema the migrations build is exactly the models'."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from ctgdesk.db import open_database
from ctgdesk.db.backup import BackupKind
from ctgdesk.db.health import HealthStatus, check_database, open_with_safety
from ctgdesk.db.migrate import head_revision, known_revisions
from ctgdesk.models import Base
from tests.reliability.helpers import integrity, scalar, table_counts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "schemas"
FIXTURE_FILES = sorted(FIXTURES.glob("*.sqlite"))


def schema_differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_every_revision_has_its_fixture():
    """Releasing a migration means freezing a base of that version (make_fixture.py)."""
    assert {path.stem for path in FIXTURE_FILES} == known_revisions()


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: p.stem)
def test_fixture_upgrades_to_head_without_loss(fixture, tmp_path):
    base = tmp_path / "ctgdesk.sqlite"
    shutil.copyfile(fixture, base)
    assert scalar(base, "SELECT version_num FROM alembic_version") == fixture.stem
    before = table_counts(base)
    assert all(count > 0 for table, count in before.items()), "the fixture fills every table"

    opened = open_with_safety(base)
    try:
        assert opened.db.schema_revision() == head_revision()
        assert schema_differences(opened.db.engine) == []
    finally:
        opened.db.dispose()

    after = table_counts(base)
    assert {table: after[table] for table in before} == before
    assert integrity(base) == "ok"
    assert check_database(base).status is HealthStatus.OK
    if fixture.stem != head_revision():
        assert opened.pre_migration_backup is not None
        assert opened.pre_migration_backup.kind is BackupKind.PRE_MIGRATION
        assert table_counts(opened.pre_migration_backup.path) == before
    else:
        assert opened.pre_migration_backup is None


def test_the_migrations_build_exactly_the_models(tmp_path):
    db = open_database(tmp_path / "neuve.sqlite")
    try:
        assert db.schema_revision() == head_revision()
        assert schema_differences(db.engine) == []
        tables = set(table_counts(db.path))
    finally:
        db.dispose()
    assert tables == set(Base.metadata.tables) | {"alembic_version"}


def test_the_comparison_does_see_a_drift(tmp_path):
    """Guard for the two tests above: a schema that drifted from the models is reported."""
    db = open_database(tmp_path / "derive.sqlite")
    try:
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE person ADD COLUMN surnom VARCHAR(50)")
            connection.exec_driver_sql("DROP INDEX ix_person_last_name")
        differences = schema_differences(db.engine)
    finally:
        db.dispose()
    kinds = sorted(diff[0] if isinstance(diff, tuple) else diff[0][0] for diff in differences)
    assert kinds == ["add_index", "remove_column"]
