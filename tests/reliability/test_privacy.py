"""Personal data stay on the computer: no network connection, files readable by their owner only."""

from __future__ import annotations

import json
import socket
import sys
from datetime import datetime, timedelta

import pytest

from ctgdesk import cli
from ctgdesk.db import open_database
from ctgdesk.db.backup import auto_backup, list_backups, make_backup, restore
from ctgdesk.db.health import check_database, open_with_safety, set_aside_corrupted
from ctgdesk.db.lock import acquire, lock_path
from ctgdesk.db.synced_folders import location_warnings
from ctgdesk.services.consistency import verify_database
from ctgdesk.services.rgpd import anonymise_person, export_person, persons_not_seen_since
from tests.reliability.dataset import populate
from tests.reliability.helpers import corrupt_pages


@pytest.fixture
def no_network(monkeypatch):
    """Every way of reaching the network raises — and is recorded."""
    attempts: list[str] = []

    def refuse(name):
        def refused(*args, **kwargs):
            attempts.append(name)
            raise OSError(f"réseau interdit ({name})")

        return refused

    for name in ("connect", "connect_ex", "bind", "sendto", "sendall", "send"):
        monkeypatch.setattr(socket.socket, name, refuse(f"socket.{name}"))
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        monkeypatch.setattr(socket, name, refuse(name))
    return attempts


def test_the_whole_data_life_cycle_opens_no_network_connection(no_network, tmp_path, monkeypatch, capsys):
    db_path = tmp_path / "ctgdesk.sqlite"
    opened = open_with_safety(db_path)
    db = opened.db
    with acquire(db_path) as held:
        with db.transaction() as session:
            ids = populate(session)
        with db.session() as session:
            json.dumps(export_person(session, ids.partner))
            persons_not_seen_since(session, 3)
        with db.transaction() as session:
            anonymise_person(session, ids.partner)
        assert verify_database(db) == []
        held.refresh()
        first = auto_backup(db_path, None, datetime(2026, 1, 15, 9, 0))
        assert first is not None
        make_backup(db_path, "manuelle")
        location_warnings(db_path)
    db.dispose()
    restore(first.path, db_path)
    assert check_database(db_path).can_open
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["ctgdesk.commands.maintenance"])
    assert cli.main(["--db", str(db_path), "verify"]) == 0
    assert cli.main(["--db", str(db_path), "backup"]) == 0
    corrupt_pages(db_path)
    set_aside_corrupted(db_path)
    capsys.readouterr()
    assert no_network == []


def test_the_guard_does_catch_a_connection(no_network):
    with pytest.raises(OSError, match="réseau interdit"):
        socket.create_connection(("example.org", 80), timeout=1)
    assert no_network == ["create_connection"]


@pytest.mark.skipif(sys.platform == "win32", reason="permissions POSIX")
def test_every_file_holding_data_is_private(tmp_path):
    db_path = tmp_path / "donnees" / "ctgdesk.sqlite"
    db = open_database(db_path)
    with db.transaction() as session:
        populate(session)
    with acquire(db_path):
        modes = {
            "base": db_path.stat().st_mode & 0o777,
            "wal": db_path.with_name(db_path.name + "-wal").stat().st_mode & 0o777,
            "verrou": lock_path(db_path).stat().st_mode & 0o777,
        }
    backup = make_backup(db_path, "auto", now=datetime(2026, 1, 15))
    db.dispose()
    restore(backup.path, db_path, now=datetime(2026, 1, 15) + timedelta(hours=1))
    modes["sauvegarde"] = backup.path.stat().st_mode & 0o777
    modes["base restaurée"] = db_path.stat().st_mode & 0o777
    modes["avant restauration"] = [
        b.path.stat().st_mode & 0o777 for b in list_backups(backup.path.parent) if b.kind.value == "avant-restauration"
    ][0]
    corrupt_pages(db_path)
    aside = set_aside_corrupted(db_path).moved[0]
    modes["mise de côté"] = aside.stat().st_mode & 0o777
    assert modes == dict.fromkeys(modes, 0o600)
    assert backup.path.parent.stat().st_mode & 0o777 == 0o700
