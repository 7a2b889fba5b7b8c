"""Fixtures shared by every test: a fresh database file per test, and the demo territory."""

from __future__ import annotations

import os
from datetime import date

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The application's data folder (logs, drafts, records of temporary files…) is a throw-away
# one for the whole run, inherited by the commands the tests start: a test run never writes
# into the real user's folder.
os.environ["XDG_DATA_HOME"] = __import__("tempfile").mkdtemp(prefix="ctgdesk-tests-data-")

from ctgdesk.db import open_database  # noqa: E402
from ctgdesk.services.referential import ensure_referential  # noqa: E402

pytest_plugins = ["tests.isolation"]  # @pytest.mark.isolated: a test in a child process

DEMO_TODAY = date(2026, 11, 23)


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "test.sqlite")
    with database.transaction() as session:
        ensure_referential(session)
    yield database
    database.dispose()


@pytest.fixture
def session(db):
    with db.transaction() as s:
        yield s


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """The demo database, built once per test run and copied for each test that needs it."""
    from ctgdesk.services.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    database = open_database(path)
    with database.transaction() as s:
        build_demo(s, today=DEMO_TODAY)
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path


@pytest.fixture
def demo_db(demo_template, tmp_path):
    import sqlite3

    target = tmp_path / "demo.sqlite"
    source = sqlite3.connect(demo_template)
    destination = sqlite3.connect(target)
    with destination:
        source.backup(destination)
    source.close()
    destination.close()
    database = open_database(target)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL server in a temporary folder, for the whole run (see tests/pg_server.py)."""
    from tests.pg_server import PostgresServer, PostgresUnavailable

    try:
        server = PostgresServer.start()
    except PostgresUnavailable as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {error}")
        pytest.skip(str(error))
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server, request):
    """A new, empty PostgreSQL database for one test."""
    import re

    name = "t_" + re.sub(r"\W+", "_", request.node.name.lower())[:40] + f"_{os.getpid()}_{id(request)}"
    return pg_server.create_database(name[:63])
