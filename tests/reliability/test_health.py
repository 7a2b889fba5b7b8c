"""Start-up checks, a damaged base set aside, safe opening with a backup before migrations."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from ctgdesk.db import migrate
from ctgdesk.db.backup import BackupKind, list_backups, make_backup
from ctgdesk.db.health import (
    DatabaseProblem,
    HealthStatus,
    check_database,
    open_with_safety,
    set_aside_corrupted,
)
from ctgdesk.models import Organisation
from tests.reliability.helpers import corrupt_pages, organisation_names, scalar, table_counts

NOW = datetime(2026, 1, 15, 9, 0)


def closed(db, db_path: Path) -> Path:
    db.dispose()
    return db_path


def test_a_new_or_empty_file_is_a_new_base(tmp_path):
    assert check_database(tmp_path / "absente.sqlite").status is HealthStatus.NEW
    empty = tmp_path / "vide.sqlite"
    empty.write_bytes(b"")
    report = check_database(empty)
    assert report.status is HealthStatus.NEW and report.can_open and "initialisée" in report.message
    bare = tmp_path / "sqlite-vide.sqlite"
    sqlite3.connect(bare).execute("PRAGMA user_version=0").connection.close()
    assert check_database(bare).status in (HealthStatus.NEW,)


def test_a_sound_base_is_ok(filled, db_path):
    report = check_database(db_path)  # while the application has it open
    assert report.status is HealthStatus.OK and report.revision == migrate.head_revision()
    assert report.message == f"La base « {db_path} » est en bon état (schéma « {report.revision} »)."


def test_files_that_are_not_ctgdesk_bases_are_recognised_and_left_alone(tmp_path, filled, db_path):
    spreadsheet = tmp_path / "bilan.sqlite"
    spreadsheet.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    report = check_database(spreadsheet)
    assert report.status is HealthStatus.NOT_SQLITE and not report.can_open
    assert "n'est pas une base de données ctgdesk" in report.message

    assert check_database(tmp_path).status is HealthStatus.NOT_SQLITE

    other = tmp_path / "autre.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE recettes (nom TEXT)").connection.close()
    report = check_database(other)
    assert report.status is HealthStatus.NOT_CTGDESK and "pas une base ctgdesk" in report.message

    other_alembic = tmp_path / "autre-appli.sqlite"
    with sqlite3.connect(other_alembic) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        connection.execute("INSERT INTO alembic_version VALUES ('a1b2c3')")
        connection.execute("CREATE TABLE photos (id INTEGER)")
    connection.close()
    assert check_database(other_alembic).status is HealthStatus.NOT_CTGDESK

    db, _ = filled
    db.dispose()
    with sqlite3.connect(db_path) as connection:
        connection.execute("CREATE TABLE ajout_manuel (x)")
    connection.close()
    report = check_database(db_path)
    assert report.status is HealthStatus.NOT_CTGDESK and "table inconnue : ajout_manuel" in report.details


def test_a_base_from_a_newer_ctgdesk_is_refused_untouched(filled, db_path):
    db, _ = filled
    db.dispose()
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    connection.close()
    before = db_path.read_bytes()
    report = check_database(db_path)
    assert report.status is HealthStatus.TOO_NEW and report.revision == "0099"
    assert "version plus récente de ctgdesk" in report.message
    with pytest.raises(DatabaseProblem, match="version plus récente") as raised:
        open_with_safety(db_path)
    assert raised.value.report.status is HealthStatus.TOO_NEW
    assert db_path.read_bytes() == before
    assert list_backups(db_path.parent / "sauvegardes") == []


def test_a_damaged_base_is_set_aside_and_the_newest_good_backup_offered(filled, db_path):
    db, _ = filled
    folder = db_path.parent / "sauvegardes"
    good = make_backup(db_path, BackupKind.AUTO, now=NOW - timedelta(days=1))
    newer_but_damaged = make_backup(db_path, BackupKind.AUTO, now=NOW - timedelta(hours=1))
    corrupt_pages(newer_but_damaged.path, offset=1024 * 20)
    db.dispose()
    corrupt_pages(db_path)
    damaged = db_path.read_bytes()

    report = check_database(db_path)
    assert report.status is HealthStatus.CORRUPTED and "endommagée" in report.message
    with pytest.raises(DatabaseProblem) as raised:
        open_with_safety(db_path)
    assert raised.value.report.status is HealthStatus.CORRUPTED

    result = set_aside_corrupted(db_path, now=NOW)

    aside = db_path.with_name("ctgdesk.sqlite.corrompu-20260115-090000")
    assert result.moved[0] == aside and aside.read_bytes() == damaged
    assert not db_path.exists()
    assert result.offer == good
    assert "14/01/2026 à 09:00" in result.message and str(aside) in result.message
    assert newer_but_damaged.path.exists() and folder.is_dir()

    # a second damaged file the same second never overwrites the first one
    db_path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    again = set_aside_corrupted(db_path, now=NOW)
    assert again.moved[0].name == "ctgdesk.sqlite.corrompu-20260115-090000-2"
    assert aside.read_bytes() == damaged


def test_set_aside_without_backup_says_so(db, db_path):
    db.dispose()
    result = set_aside_corrupted(db_path, now=NOW)
    assert result.offer is None and "Aucune sauvegarde en bon état" in result.message


def test_read_only_opening_of_a_closed_base(filled, db_path):
    db, _ = filled
    db.dispose()
    with sqlite3.connect(db_path) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")  # as a restored backup is
    connection.close()
    opened = open_with_safety(db_path, read_only=True)
    try:
        with opened.db.session() as session:
            assert session.scalars(select(Organisation.name).order_by(Organisation.id)).first() == "Communauté de communes du Val Vert"
    finally:
        opened.db.dispose()
    assert scalar(db_path, "PRAGMA journal_mode") == "delete"


# ---------------------------------------------------------------- migrations through open_with_safety

NEXT_MIGRATION = '''"""test revision"""
from alembic import op

revision = "0002"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE organisation SET notes = notes || ' (migrée)'")
    {extra}


def downgrade() -> None:
    pass
'''


@pytest.fixture
def next_revision(tmp_path, monkeypatch):
    """A copy of the real migrations plus one more revision, in place of the real folder."""

    def install(extra: str = "pass") -> None:
        folder = tmp_path / "migrations"
        shutil.copytree(migrate.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
        head = migrate.head_revision()
        (folder / "versions" / "0002_essai.py").write_text(
            NEXT_MIGRATION.format(head=head, extra=extra), encoding="utf-8"
        )
        monkeypatch.setattr(migrate, "MIGRATIONS_DIR", folder)

    return install


def test_upgrade_is_preceded_by_a_pre_migration_backup(filled, db_path, next_revision):
    db, _ = filled
    db.dispose()
    before_names = organisation_names(db_path)
    before_counts = table_counts(db_path)
    next_revision()
    assert check_database(db_path).status is HealthStatus.NEEDS_MIGRATION

    opened = open_with_safety(db_path)
    opened.db.dispose()

    backup = opened.pre_migration_backup
    assert backup is not None and backup.kind is BackupKind.PRE_MIGRATION
    assert scalar(backup.path, "SELECT version_num FROM alembic_version") != "0002"
    assert organisation_names(backup.path) == before_names
    assert scalar(db_path, "SELECT version_num FROM alembic_version") == "0002"
    assert organisation_names(db_path) == before_names
    assert scalar(db_path, "SELECT count(*) FROM organisation WHERE notes LIKE '%(migrée)'") == len(before_names)
    assert table_counts(db_path) == before_counts


def test_a_new_base_is_not_backed_up_before_creation(db_path, next_revision):
    next_revision()
    opened = open_with_safety(db_path)
    opened.db.dispose()
    assert opened.pre_migration_backup is None
    assert list_backups(db_path.parent / "sauvegardes") == []


def test_a_failed_upgrade_puts_the_base_back_as_it_was(filled, db_path, next_revision):
    db, _ = filled
    db.dispose()
    before = table_counts(db_path)
    notes_before = scalar(db_path, "SELECT group_concat(notes, '|') FROM organisation")
    # A migration that fails after part of it was committed (as non-transactional steps can):
    # only the pre-migration backup can bring the base back.
    next_revision(
        extra='op.get_bind().exec_driver_sql("COMMIT")\n'
        '    op.execute("CREATE TABLE moitie (x)")\n'
        '    raise RuntimeError("échec simulé")'
    )

    with pytest.raises(DatabaseProblem, match="a échoué .*remise dans son état d'avant") as raised:
        open_with_safety(db_path)

    assert "échec simulé" in str(raised.value)
    assert table_counts(db_path) == before
    assert scalar(db_path, "SELECT group_concat(notes, '|') FROM organisation") == notes_before
    backups = {b.kind: b for b in list_backups(db_path.parent / "sauvegardes")}
    assert set(backups) == {BackupKind.PRE_MIGRATION, BackupKind.PRE_RESTORE}
    half_done = backups[BackupKind.PRE_RESTORE].path  # the half-migrated base, kept as evidence
    assert "moitie" in table_counts(half_done)
    assert scalar(half_done, "SELECT count(*) FROM organisation WHERE notes LIKE '%(migrée)'") > 0
    assert "moitie" not in table_counts(db_path)
