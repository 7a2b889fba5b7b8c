"""The service tests run on both engines: a file (SQLite) and a team base (a real PostgreSQL server)."""

from __future__ import annotations

import pytest

from ctgdesk.db import open_database
from ctgdesk.services.referential import ensure_referential


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    if request.param == "sqlite":
        target = tmp_path / "test.sqlite"
    else:
        target = request.getfixturevalue("pg_url")
    database = open_database(target)
    with database.transaction() as session:
        ensure_referential(session)
    yield database
    database.dispose()
