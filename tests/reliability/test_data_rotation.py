"""Issue « Data safety, second pass », case 6: rotation never deletes the last good backup."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from ctgdesk.db.backup import BackupKind, format_backup_name, list_backups, rotate
from tests.reliability.helpers import corrupt_pages

NOW = datetime(2026, 3, 10, 11, 30)


def _sound_copy(path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, text TEXT)")
    connection.executemany("INSERT INTO t (text) VALUES (?)", [("x" * 200,) for _ in range(500)])
    connection.commit()
    connection.close()


def _damaged_copy(path) -> None:
    _sound_copy(path)
    corrupt_pages(path)


def test_damaged_copies_of_the_morning_do_not_push_out_the_good_one_of_8_oclock(tmp_path):
    folder = tmp_path / "sauvegardes"
    folder.mkdir()
    good = folder / format_backup_name("ctgdesk", NOW.replace(hour=8, minute=0), BackupKind.AUTO)
    _sound_copy(good)
    damaged = []
    for hour in (9, 10, 11):
        path = folder / format_backup_name("ctgdesk", NOW.replace(hour=hour, minute=0), BackupKind.AUTO)
        _damaged_copy(path)
        damaged.append(path)
    yesterday = folder / format_backup_name("ctgdesk", NOW - timedelta(days=1), BackupKind.AUTO)
    _damaged_copy(yesterday)

    removed = rotate(folder, NOW, stem="ctgdesk")

    assert good.exists(), "the only sound copy was deleted"
    assert good not in removed
    # the 2 newest stay as before; the 09:00 damaged one is not its day's keeper any more
    assert damaged[1].exists() and damaged[2].exists()
    assert removed == [damaged[0]]
    # yesterday: its only copy (damaged) stays, it is the only one of its day
    assert yesterday.exists()


def test_the_newest_sound_copy_stays_even_when_older_than_every_period(tmp_path):
    folder = tmp_path / "sauvegardes"
    folder.mkdir()
    old_good = folder / format_backup_name("ctgdesk", NOW - timedelta(days=500), BackupKind.AUTO)
    _sound_copy(old_good)
    for days in range(0, 40, 2):
        _damaged_copy(folder / format_backup_name("ctgdesk", NOW - timedelta(days=days), BackupKind.AUTO))

    rotate(folder, NOW, stem="ctgdesk")

    assert old_good.exists()
    assert old_good in {b.path for b in list_backups(folder, stem="ctgdesk")}
