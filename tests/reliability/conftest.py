"""Fixtures of the reliability tests: a fresh database file per test, optionally filled.

Creating the schema through the migrations takes most of a second, so it is done once per
session into closed template files (no -wal), which each test copies before opening.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from ctgdesk.db import Database, open_database
from tests.reliability.dataset import Ids, populate


def _close_as_template(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()


@pytest.fixture(scope="session")
def templates(tmp_path_factory) -> dict[str, Path | Ids]:
    folder = tmp_path_factory.mktemp("modeles")
    empty, full = folder / "vide.sqlite", folder / "remplie.sqlite"
    database = open_database(empty)
    database.dispose()
    _close_as_template(empty)
    shutil.copyfile(empty, full)
    database = open_database(full)
    with database.transaction() as session:
        ids = populate(session)
    database.dispose()
    _close_as_template(full)
    return {"empty": empty, "full": full, "ids": ids}


def _copy_template(template: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)
    target.chmod(0o600)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "donnees" / "ctgdesk.sqlite"


@pytest.fixture
def db(db_path: Path, templates):
    _copy_template(templates["empty"], db_path)
    database = open_database(db_path)
    yield database
    database.dispose()


@pytest.fixture
def filled(db_path: Path, templates) -> tuple[Database, Ids]:
    _copy_template(templates["full"], db_path)
    database = open_database(db_path)
    yield database, templates["ids"]
    database.dispose()
