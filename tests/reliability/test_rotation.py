"""Rotation of backups: the policy on a real folder, and its invariants under hypothesis."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ctgdesk.db.backup import (
    BackupInfo,
    BackupKind,
    format_backup_name,
    list_backups,
    plan_rotation,
    rotate,
)

NOW = datetime(2026, 1, 15, 18, 0)


def info(created: datetime, kind: BackupKind = BackupKind.AUTO, counter: int = 1) -> BackupInfo:
    return BackupInfo(Path(format_backup_name("ctgdesk", created, kind, counter)), created, 1, kind)


def test_more_than_a_year_of_backups_thins_to_the_policy(tmp_path):
    folder = tmp_path / "sauvegardes"
    folder.mkdir()
    moment = NOW - timedelta(days=400)
    while moment <= NOW:
        (folder / format_backup_name("ctgdesk", moment, BackupKind.AUTO)).write_bytes(b"")
        moment += timedelta(hours=11)  # at least two a day
    kept_by_user = [
        folder / format_backup_name("ctgdesk", NOW - timedelta(days=390), BackupKind.PRE_MIGRATION),
        folder / format_backup_name("ctgdesk", NOW - timedelta(days=200), BackupKind.PRE_RESTORE),
        folder / format_backup_name("ctgdesk", NOW - timedelta(days=100), BackupKind.MANUAL),
    ]
    for path in kept_by_user:
        path.write_bytes(b"")
    other_base = folder / format_backup_name("autre", NOW - timedelta(days=300), BackupKind.AUTO)
    other_base.write_bytes(b"")
    newest = list_backups(folder, stem="ctgdesk")[0]

    removed = rotate(folder, NOW, stem="ctgdesk")

    left = list_backups(folder, stem="ctgdesk")
    autos = [b for b in left if b.kind is BackupKind.AUTO]
    assert removed and all(not p.exists() for p in removed)
    assert newest in left
    assert all(p.exists() for p in kept_by_user) and other_base.exists()
    days = {b.created.date() for b in autos}
    # the newest of each of the last 7 days…
    assert {NOW.date() - timedelta(days=n) for n in range(7)} <= days
    # …of each of the last 12 months, and nothing older than a year
    assert {(b.created.year, b.created.month) for b in autos} >= {
        (2025, m) for m in range(2, 13)
    } | {(2026, 1)}
    assert min(b.created for b in autos) > NOW - timedelta(days=366)
    assert len(autos) <= 25
    # a second pass changes nothing
    assert rotate(folder, NOW, stem="ctgdesk") == []


def test_the_two_newest_stay_even_within_one_day():
    backups = [info(NOW - timedelta(minutes=30 * n)) for n in range(10)]
    doomed = plan_rotation(backups, NOW)
    kept = [b for b in backups if b not in doomed]
    assert kept == backups[:2]


def test_pre_import_copies_are_thinned_on_their_own():
    autos = [info(NOW - timedelta(hours=n), BackupKind.AUTO) for n in range(5)]
    imports = [info(NOW - timedelta(hours=n, minutes=10), BackupKind.PRE_IMPORT) for n in range(5)]
    doomed = plan_rotation(autos + imports, NOW)
    assert set(doomed) == set(autos[2:]) | set(imports[2:])


moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)
backup_lists = st.lists(
    st.tuples(moments, st.sampled_from(list(BackupKind)), st.integers(1, 3)),
    max_size=80,
    unique_by=lambda t: (t[0], t[1], t[2]),
).map(lambda items: [info(created, kind, counter) for created, kind, counter in items])


@settings(max_examples=200, deadline=None)
@given(backup_lists, moments)
def test_rotation_invariants(backups, now):
    doomed = plan_rotation(backups, now)
    doomed_set = set(doomed)
    kept = [b for b in backups if b not in doomed_set]
    assert len(doomed) == len(doomed_set)
    assert doomed_set <= set(backups)
    # never a copy the user keeps
    assert all(b.kind.thinned for b in doomed)
    # never the newest copy, of any kind
    if backups:
        newest = max(backups, key=lambda b: (b.created, b.path.name))
        assert newest not in doomed_set
    # never the two newest of a thinned kind, and at most 2 + 7 + 4 + 12 of one kind
    for kind in (BackupKind.AUTO, BackupKind.PRE_IMPORT):
        pool = sorted((b for b in backups if b.kind is kind), key=lambda b: (b.created, b.path.name), reverse=True)
        assert not set(pool[:2]) & doomed_set
        assert len([b for b in kept if b.kind is kind]) <= 7 + 4 + 12 + 2
    # stable: rotating what is left deletes nothing more
    assert plan_rotation(kept, now) == []
