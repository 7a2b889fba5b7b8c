"""One writer: the lock file, with real processes holding, dying and racing for it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctgdesk.db import lock as lock_module
from ctgdesk.db.lock import (
    DatabaseLocked,
    LockInfo,
    LockLost,
    LockUnavailable,
    acquire,
    format_lock,
    is_stale,
    lock_path,
    parse_lock,
    pid_alive,
    read_lock,
    this_host,
)

ROOT = Path(__file__).resolve().parents[2]

HOLDER = textwrap.dedent(
    """
    import sys, time
    from ctgdesk.db.lock import DatabaseLocked, acquire
    try:
        held = acquire(sys.argv[1])
    except DatabaseLocked:
        print("REFUS", flush=True)
        sys.exit(3)
    print("VERROU", flush=True)
    time.sleep(float(sys.argv[2]))
    held.release()
    """
)


def spawn_holder(db_path: Path, hold_seconds: float = 60) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path), str(hold_seconds)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )


def stop(process: subprocess.Popen) -> None:
    """Kill (SIGKILL on POSIX) and reap the process, closing its pipes."""
    process.kill()
    process.communicate()


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_second_process_is_refused_with_who_and_since_when(tmp_path):
    db_path = tmp_path / "ctgdesk.sqlite"
    holder = spawn_holder(db_path)
    try:
        assert holder.stdout.readline().strip() == "VERROU"
        with pytest.raises(DatabaseLocked) as refused:
            acquire(db_path)
        message = str(refused.value)
        assert refused.value.info.pid == holder.pid
        assert f"sur le poste « {this_host()} » (processus {holder.pid}) depuis le " in message
        assert datetime.now().strftime("%d/%m/%Y à ") in message
        assert "lecture seule" in message
    finally:
        stop(holder)
    # the holder was killed without releasing: its lock is stale and is taken over
    assert lock_path(db_path).exists()
    with acquire(db_path) as taken:
        assert read_lock(db_path).token == taken.info.token
        assert taken.info.pid == os.getpid()
    assert not lock_path(db_path).exists()


def test_a_released_lock_frees_the_base(tmp_path):
    db_path = tmp_path / "ctgdesk.sqlite"
    holder = spawn_holder(db_path, hold_seconds=0)
    assert holder.stdout.readline().strip() == "VERROU"
    holder.communicate(timeout=30)
    assert holder.returncode == 0
    assert not lock_path(db_path).exists()
    acquire(db_path).release()


def test_racing_processes_over_an_abandoned_lock_get_exactly_one(tmp_path):
    db_path = tmp_path / "ctgdesk.sqlite"
    now = datetime.now(timezone.utc)
    lock_path(db_path).write_text(format_lock(LockInfo(dead_pid(), this_host(), now, now, "ancien")))
    racers = [spawn_holder(db_path, hold_seconds=3) for _ in range(3)]
    try:
        answers = sorted(racer.stdout.readline().strip() for racer in racers)
    finally:
        for racer in racers:
            stop(racer)
    assert answers == ["REFUS", "REFUS", "VERROU"]


def test_lock_of_another_computer_is_respected_until_its_heartbeat_is_old(tmp_path):
    db_path = tmp_path / "ctgdesk.sqlite"
    now = datetime(2026, 1, 15, 8, 0, tzinfo=timezone.utc)
    other = LockInfo(4242, "PC-ACCUEIL", now - timedelta(hours=3), now - timedelta(hours=2), "autre")
    lock_path(db_path).write_text(format_lock(other))
    with pytest.raises(DatabaseLocked, match="« PC-ACCUEIL » \\(processus 4242\\)"):
        acquire(db_path, now=now, host="PC-BUREAU")
    taken = acquire(db_path, now=now + timedelta(hours=11), host="PC-BUREAU")
    assert read_lock(db_path).host == "PC-BUREAU"
    taken.release()


def test_a_live_process_on_this_computer_keeps_its_lock_even_if_quiet(tmp_path):
    db_path = tmp_path / "ctgdesk.sqlite"
    now = datetime.now(timezone.utc)
    mine = LockInfo(os.getpid(), this_host(), now - timedelta(hours=5), now - timedelta(hours=5), "autre")
    lock_path(db_path).write_text(format_lock(mine))
    with pytest.raises(DatabaseLocked):
        acquire(db_path)
    assert read_lock(db_path) == mine


def test_refresh_and_takeover(tmp_path):
    db_path = tmp_path / "ctgdesk.sqlite"
    start = datetime(2026, 1, 15, 8, 0, tzinfo=timezone.utc)
    held = acquire(db_path, now=start)
    held.refresh(start + timedelta(hours=1))
    assert read_lock(db_path).heartbeat == start + timedelta(hours=1)
    assert read_lock(db_path).started == start
    # the laptop sleeps 20 hours; another computer takes the abandoned-looking lock over
    other = acquire(db_path, now=start + timedelta(hours=21), host="PC-AUTRE", pid=99)
    with pytest.raises(LockLost, match="repris par un autre poste"):
        held.refresh()
    held.release()  # must not remove the other computer's lock
    assert read_lock(db_path).token == other.info.token
    other.release()
    assert not lock_path(db_path).exists()


def test_an_unreadable_lock_file(tmp_path, monkeypatch):
    db_path = tmp_path / "ctgdesk.sqlite"
    path = lock_path(db_path)
    path.write_bytes(b"\x00\x00 garbage")
    monkeypatch.setattr(lock_module.time, "sleep", lambda _s: None)
    # just written (another ctgdesk is starting): wait, then refuse without a holder
    with pytest.raises(DatabaseLocked, match="en cours d'ouverture") as refused:
        acquire(db_path)
    assert refused.value.info is None
    # left by a crash long ago: recovered
    old = datetime.now().timestamp() - 3600
    os.utime(path, (old, old))
    acquire(db_path).release()


def test_pid_alive():
    assert pid_alive(os.getpid())
    assert not pid_alive(dead_pid())
    assert not pid_alive(0) and not pid_alive(-5)


# ---------------------------------------------------------------- the file format, under hypothesis

aware = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=2))])
)
infos = st.builds(
    LockInfo,
    pid=st.integers(1, 2**31),
    host=st.text(min_size=1, max_size=40),
    started=aware,
    heartbeat=aware,
    token=st.text(min_size=1, max_size=40),
)


@settings(max_examples=200, deadline=None)
@given(infos)
def test_lock_file_round_trip(info):
    assert parse_lock(format_lock(info)) == info


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=6),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=200), json_values.map(json.dumps), infos.map(format_lock).map(lambda t: t[:-3])))
def test_any_text_parses_or_raises_value_error(text):
    try:
        info = parse_lock(text)
    except ValueError:
        return
    assert isinstance(info, LockInfo) and info.pid > 0 and info.started.tzinfo is not None


@settings(max_examples=200, deadline=None)
@given(infos, aware, st.booleans(), st.booleans())
def test_staleness_rule(info, now, same_host, alive):
    host = info.host if same_host else info.host + "-autre"
    stale = is_stale(info, now=now, host=host, pid_alive=lambda _pid: alive, stale_after=timedelta(hours=12))
    if now - info.heartbeat > timedelta(hours=12):
        assert stale
    elif same_host:
        assert stale is (not alive)
    else:
        assert not stale


def test_a_lock_that_cannot_be_written_is_a_french_error(tmp_path):
    blocker = tmp_path / "pas-un-dossier"
    blocker.write_text("")
    with pytest.raises(LockUnavailable, match="n'a pas pu être créé .*lecture seule"):
        acquire(blocker / "ctgdesk.sqlite")
