"""A fresh database file per test."""

from __future__ import annotations

import pytest

from ctgdesk.db import open_database


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "territoire.sqlite")
    yield database
    database.dispose()
