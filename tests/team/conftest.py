"""Fixtures of the team-base tests: a real PostgreSQL base prepared by `team init`, with the demo."""

from __future__ import annotations

import pytest

from ctgdesk.db import open_database
from ctgdesk.db.team import init_team_base
from ctgdesk.services.demo import build_demo
from tests.conftest import DEMO_TODAY


@pytest.fixture
def team_base(pg_url):
    database = open_database(pg_url, migrate=False)
    init_team_base(database.engine)
    with database.transaction() as session:
        build_demo(session, today=DEMO_TODAY)
    yield database
    database.dispose()
