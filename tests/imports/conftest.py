"""Fast databases for the import tests: migrated once, then copied with SQLite's backup API."""

from __future__ import annotations

import sqlite3

import pytest

from ctgdesk.db import open_database
from ctgdesk.services.referential import ensure_referential


def copy_database(source, target):
    origin, destination = sqlite3.connect(source), sqlite3.connect(target)
    with destination:
        origin.backup(destination)
    origin.close()
    destination.close()
    return open_database(target)


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("empty") / "empty.sqlite"
    database = open_database(path)
    with database.transaction() as session:
        ensure_referential(session)
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path


@pytest.fixture
def db(empty_template, tmp_path):
    """An empty database with the referential (same as the shared fixture, without migrating again)."""
    database = copy_database(empty_template, tmp_path / "test.sqlite")
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def demo_workbook(demo_template, tmp_path_factory):
    """The demo database exported once as a workbook."""
    from datetime import datetime

    from ctgdesk.services.imports.workbook import export_workbook

    path = tmp_path_factory.mktemp("workbook") / "demo.xlsx"
    database = open_database(demo_template)
    try:
        with database.session() as session:
            export_workbook(session, path, exported_at=datetime(2026, 11, 23, 10, 0))
    finally:
        database.dispose()
    return path
