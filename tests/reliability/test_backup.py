"""Backups: verified copies through SQLite's backup API, automatic backups, restore, second copy."""

from __future__ import annotations

import os
import sqlite3
import sys
from datetime import datetime, timedelta

import pytest

from ctgdesk.db import open_database
from ctgdesk.db.backup import (
    BackupError,
    BackupKind,
    auto_backup,
    backup_to_file,
    content_fingerprint,
    copy_to_second_folder,
    default_backup_folder,
    list_backups,
    make_backup,
    restore,
    second_copy_status,
    should_auto_backup,
)
from ctgdesk.models import Organisation, OrganisationKind
from tests.reliability.helpers import corrupt_pages, integrity, organisation_names, scalar, table_counts

NOW = datetime(2026, 1, 15, 14, 30, 12)
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="permissions POSIX")


def add_organisation(db, name: str) -> None:
    with db.transaction() as session:
        session.add(Organisation(name=name, kind=OrganisationKind.COMMUNE))


def test_backup_is_a_verified_copy_of_the_live_database(filled, db_path):
    db, _ = filled
    info = make_backup(db_path, BackupKind.MANUAL, now=NOW)  # the app still has the base open
    assert info.path == default_backup_folder(db_path) / "ctgdesk_20260115-143012_manuelle.sqlite"
    assert info.path.parent == db_path.parent / "sauvegardes"
    assert info.created == NOW and info.kind is BackupKind.MANUAL
    assert info.size == info.path.stat().st_size > 0
    assert integrity(info.path) == "ok"
    assert table_counts(info.path) == table_counts(db_path)
    assert scalar(info.path, "PRAGMA journal_mode") == "delete"  # a closed, single file
    assert not any(p.name.endswith((".tmp", "-wal", "-shm")) for p in info.path.parent.iterdir())
    assert info.label == "Sauvegarde manuelle du 15/01/2026 à 14:30 (" + info.label.split("(")[1]


@posix_only
def test_database_backups_and_their_folder_are_private(filled, db_path):
    db, _ = filled
    info = make_backup(db_path, "auto", now=NOW)
    assert db_path.stat().st_mode & 0o777 == 0o600
    wal = db_path.with_name(db_path.name + "-wal")
    assert wal.exists() and wal.stat().st_mode & 0o777 == 0o600
    assert info.path.stat().st_mode & 0o777 == 0o600
    assert info.path.parent.stat().st_mode & 0o777 == 0o700
    out = backup_to_file(db_path, db_path.parent / "copie.sqlite")
    assert out.path.stat().st_mode & 0o777 == 0o600


def test_backup_holds_the_last_committed_state_not_an_open_transaction(db, db_path):
    add_organisation(db, "Validée")
    writer = sqlite3.connect(db_path)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO organisation (name, kind, engagement_signed, notes, uid, updated_at) "
                   "VALUES ('En cours', 'commune', 0, '', 'u-1', '2026-01-01')")
    try:
        info = make_backup(db_path, now=NOW)
    finally:
        writer.rollback()
        writer.close()
    assert organisation_names(info.path) == ["Validée"]


def test_two_backups_in_the_same_second_get_two_names(filled, db_path):
    first = make_backup(db_path, "auto", now=NOW)
    second = make_backup(db_path, "auto", now=NOW)
    assert first.path != second.path and second.path.name == "ctgdesk_20260115-143012-2_auto.sqlite"
    assert [b.path for b in list_backups(first.path.parent)] == [second.path, first.path]


def test_a_corrupted_database_gives_no_backup_and_keeps_the_previous_ones(filled, db_path, tmp_path):
    db, _ = filled
    good = make_backup(db_path, "auto", now=NOW)
    good_bytes = good.path.read_bytes()
    named = backup_to_file(db_path, tmp_path / "ma-sauvegarde.sqlite")
    named_bytes = named.path.read_bytes()
    db.dispose()
    corrupt_pages(db_path)

    with pytest.raises(BackupError, match="invalide|n'a pas pu être lue"):
        make_backup(db_path, "auto", now=NOW + timedelta(hours=1))
    with pytest.raises(BackupError):
        backup_to_file(db_path, named.path)  # the user's file is not replaced by a bad copy

    assert [b.path for b in list_backups(good.path.parent)] == [good.path]
    assert good.path.read_bytes() == good_bytes
    assert named.path.read_bytes() == named_bytes
    assert sorted(p.name for p in good.path.parent.iterdir()) == [good.path.name]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["donnees", "ma-sauvegarde.sqlite"]


def test_backup_of_a_missing_database_says_so(tmp_path):
    with pytest.raises(BackupError, match="n'existe pas"):
        make_backup(tmp_path / "absente.sqlite")


def test_list_backups_ignores_other_files_and_other_databases(tmp_path):
    folder = tmp_path / "sauvegardes"
    folder.mkdir()
    for name in (
        "ctgdesk_20260101-120000_auto.sqlite",
        "ctgdesk_20260102-120000_avant-migration.sqlite",
        "autre_20260103-120000_auto.sqlite",
        "ctgdesk_20260104-120000_inconnu.sqlite",
        "notes.txt",
        ".ctgdesk_20260105-120000_auto.sqlite.copie-1-ab.tmp",
    ):
        (folder / name).write_bytes(b"x")
    found = list_backups(folder, stem="ctgdesk")
    assert [(b.created, b.kind) for b in found] == [
        (datetime(2026, 1, 2, 12), BackupKind.PRE_MIGRATION),
        (datetime(2026, 1, 1, 12), BackupKind.AUTO),
    ]
    assert len(list_backups(folder)) == 3
    assert list_backups(tmp_path / "absent") == []


def test_fingerprint_sees_any_change_and_ignores_page_layout(filled, db_path):
    db, _ = filled
    copy = make_backup(db_path, now=NOW)
    assert content_fingerprint(copy.path) == content_fingerprint(db_path)
    with db.transaction() as session:
        session.get(Organisation, 1).notes = "modifiée"
    assert content_fingerprint(copy.path) != content_fingerprint(db_path)


def test_automatic_backup_when_data_changed_and_thirty_minutes_passed(filled, db_path):
    db, _ = filled
    folder = default_backup_folder(db_path)
    assert should_auto_backup(db_path, folder, NOW)  # never backed up
    first = auto_backup(db_path, folder, NOW)
    assert first is not None and first.kind is BackupKind.AUTO
    assert not should_auto_backup(db_path, folder, NOW + timedelta(hours=2))  # nothing changed
    add_organisation(db, "Nouvelle commune")
    assert not should_auto_backup(db_path, folder, NOW + timedelta(minutes=29))  # too soon
    assert should_auto_backup(db_path, folder, NOW + timedelta(minutes=30))
    second = auto_backup(db_path, folder, NOW + timedelta(minutes=45))
    assert second is not None and "Nouvelle commune" in organisation_names(second.path)
    assert auto_backup(db_path, folder, NOW + timedelta(hours=3)) is None


def test_a_manual_backup_counts_as_the_latest_copy_of_the_data(filled, db_path):
    db, _ = filled
    auto_backup(db_path, None, NOW)
    add_organisation(db, "Après")
    make_backup(db_path, BackupKind.MANUAL, now=NOW + timedelta(minutes=5))
    assert not should_auto_backup(db_path, None, NOW + timedelta(hours=1))


def test_automatic_backup_is_due_when_the_last_copy_is_damaged(filled, db_path):
    first = make_backup(db_path, "auto", now=NOW)
    corrupt_pages(first.path, offset=1024 * 20)
    assert should_auto_backup(db_path, None, NOW + timedelta(hours=1))


# ---------------------------------------------------------------- restore


def test_restore_brings_back_the_backup_and_keeps_the_replaced_base(filled, db_path):
    db, _ = filled
    saved = make_backup(db_path, now=NOW)
    add_organisation(db, "Saisie après la sauvegarde")
    db.dispose()
    before = organisation_names(db_path)

    result = restore(saved.path, db_path, now=NOW + timedelta(hours=1))

    assert "Saisie après la sauvegarde" not in organisation_names(db_path)
    assert organisation_names(db_path) == organisation_names(saved.path)
    assert result.pre_restore is not None and result.pre_restore.kind is BackupKind.PRE_RESTORE
    assert organisation_names(result.pre_restore.path) == before
    assert not db_path.with_name(db_path.name + "-wal").exists()
    assert not db_path.with_name(db_path.name + "-shm").exists()
    assert integrity(db_path) == "ok"
    assert "Base restaurée depuis" in result.summary and "avant" not in result.summary.split("\n")[0]
    reopened = open_database(db_path)
    try:
        add_organisation(reopened, "Après restauration")
        assert scalar(db_path, "PRAGMA journal_mode") == "wal"
    finally:
        reopened.dispose()
    assert organisation_names(db_path)[-1] == "Après restauration"


def test_restore_refuses_while_the_base_is_open(filled, db_path):
    db, _ = filled
    saved = make_backup(db_path, now=NOW)
    add_organisation(db, "Pas perdue")
    with db.session() as session:  # a connection still open on the base
        session.connection()
        with pytest.raises(BackupError, match="encore ouverte"):
            restore(saved.path, db_path, now=NOW + timedelta(hours=1))
    db.dispose()
    assert "Pas perdue" in organisation_names(db_path)
    assert integrity(db_path) == "ok"


def test_restore_refuses_a_bad_backup_and_leaves_the_base_alone(filled, db_path, tmp_path):
    db, _ = filled
    db.dispose()
    before = db_path.read_bytes()
    not_sqlite = tmp_path / "bilan.xlsx"
    not_sqlite.write_bytes(b"PK\x03\x04 pas une base")
    other = tmp_path / "autre.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    damaged = make_backup(db_path, now=NOW).path
    corrupt_pages(damaged, offset=1024 * 20)

    for bad, reason in ((not_sqlite, "pas un fichier SQLite"), (other, "pas une base ctgdesk"), (damaged, "endommagée")):
        with pytest.raises(BackupError, match=reason):
            restore(bad, db_path)
    assert db_path.read_bytes() == before
    assert [b.kind for b in list_backups(default_backup_folder(db_path))] == [BackupKind.MANUAL]


def test_restore_over_a_damaged_base_sets_it_aside(filled, db_path):
    db, _ = filled
    saved = make_backup(db_path, now=NOW)
    db.dispose()
    corrupt_pages(db_path)
    damaged_bytes = db_path.read_bytes()

    result = restore(saved.path, db_path, now=NOW + timedelta(hours=1))

    assert result.pre_restore is None
    aside = db_path.with_name("ctgdesk.sqlite.corrompu-20260115-153012")
    assert result.set_aside[0] == aside
    # its companions (if any) keep their suffix after the new name, so SQLite still finds them
    assert all(p.name in (aside.name + "-wal", aside.name + "-shm") for p in result.set_aside[1:])
    assert result.set_aside[0].read_bytes() == damaged_bytes
    assert integrity(db_path) == "ok"
    assert "mise de côté" in result.summary


def test_restore_onto_a_new_computer(filled, db_path, tmp_path):
    saved = make_backup(db_path, now=NOW)
    target = tmp_path / "nouveau-poste" / "ctgdesk.sqlite"
    result = restore(saved.path, target)
    assert result.pre_restore is None and result.set_aside == []
    assert table_counts(target) == table_counts(saved.path)


# ---------------------------------------------------------------- second support


def test_copy_to_a_second_folder_and_its_age(filled, db_path, tmp_path):
    usb = tmp_path / "CLE_USB"
    status = second_copy_status(usb, NOW)
    assert status.overdue and "introuvable" in status.message
    usb.mkdir()
    status = second_copy_status(usb, NOW)
    assert status.overdue and status.latest is None and "Aucune copie" in status.message

    copy = copy_to_second_folder(make_backup(db_path, "auto", now=NOW), usb)
    assert copy.path.parent == usb and integrity(copy.path) == "ok"
    assert not second_copy_status(usb, NOW + timedelta(days=30)).overdue
    late = second_copy_status(usb, NOW + timedelta(days=31))
    assert late.overdue and late.latest == copy
    assert "15/01/2026" in late.message and "il y a 31 jours" in late.message


def test_copy_to_a_missing_second_folder_is_refused(filled, db_path, tmp_path):
    backup = make_backup(db_path, now=NOW)
    with pytest.raises(BackupError, match="clé USB"):
        copy_to_second_folder(backup, tmp_path / "absente")
    assert os.path.exists(backup.path)


def test_a_backup_never_targets_the_base_itself(filled, db_path):
    before = organisation_names(db_path)
    for target in (db_path, db_path.with_name(db_path.name + "-wal")):
        with pytest.raises(BackupError, match="sur la base elle-même"):
            backup_to_file(db_path, target)
    assert organisation_names(db_path) == before and integrity(db_path) == "ok"
