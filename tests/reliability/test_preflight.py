"""The lock and the file check begun in a thread at start-up (ctgdesk.db.preflight), and a
reading of the file used only while the file is as it was read (ctgdesk.db.health)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from ctgdesk.db import health, migrate
from ctgdesk.db.health import HealthStatus, check_database, read_file
from ctgdesk.db.lock import DatabaseLocked, acquire, lock_path, read_lock
from ctgdesk.db.preflight import Preflight
from tests.reliability.helpers import corrupt_pages


@pytest.fixture
def base(filled, db_path) -> Path:
    database, _ids = filled
    database.dispose()
    return db_path


def test_the_preflight_takes_the_lock_then_reads_the_file_once(base):
    preflight = Preflight(base)
    lock = preflight.lock()
    assert read_lock(base).token == lock.info.token
    reading = preflight.reading()
    assert reading.report is None and reading.revision == migrate.head_revision()
    assert {"meeting", "organisation", "alembic_version"} <= reading.tables
    assert preflight.reading() is None  # once: a second opening checks the file afresh
    assert check_database(base, reading=reading).status is HealthStatus.OK
    preflight.discard()
    assert lock_path(base).exists()  # claimed: the window releases it when it closes
    lock.release()
    assert not lock_path(base).exists()


def test_a_base_held_elsewhere_is_refused_and_still_checked(base):
    other = acquire(base)
    try:
        preflight = Preflight(base)
        with pytest.raises(DatabaseLocked, match="lecture seule"):
            preflight.lock()
        assert check_database(base, reading=preflight.reading()).status is HealthStatus.OK
        preflight.discard()
        assert read_lock(base).token == other.info.token  # the holder's lock is left alone
    finally:
        other.release()


def test_a_lock_nobody_claimed_is_released_by_discard(base):
    preflight = Preflight(base)
    preflight.discard()
    assert not lock_path(base).exists()


def test_a_damaged_base_is_seen_by_the_preflight(base):
    corrupt_pages(base)
    preflight = Preflight(base)
    report = check_database(base, reading=preflight.reading())
    assert report.status is HealthStatus.CORRUPTED and "endommagée" in report.message
    preflight.lock().release()


def test_an_unchanged_file_is_not_read_twice(base, monkeypatch):
    reading = read_file(base)
    monkeypatch.setattr(health, "read_file", lambda path: pytest.fail("read again"))
    assert check_database(base, reading=reading).status is HealthStatus.OK


def test_a_file_changed_since_it_was_read_is_read_again(base, tmp_path):
    reading = read_file(base)
    connection = sqlite3.connect(base)  # another program adds a table: the file grows
    connection.execute("CREATE TABLE notes (texte TEXT)")
    connection.close()
    report = check_database(base, reading=reading)
    assert report.status is HealthStatus.NOT_CTGDESK and "table inconnue : notes" in report.details

    damaged = tmp_path / "copie-abimee.sqlite"
    shutil.copyfile(base, damaged)
    corrupt_pages(damaged)
    good = read_file(base)
    os.replace(damaged, base)  # replaced by another file (a restore, a copy over it)
    assert check_database(base, reading=good).status is HealthStatus.CORRUPTED


def test_a_reading_of_another_file_is_not_used(base, tmp_path):
    other = tmp_path / "autre.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE recettes (nom TEXT)").connection.close()
    assert check_database(base, reading=read_file(other)).status is HealthStatus.OK
