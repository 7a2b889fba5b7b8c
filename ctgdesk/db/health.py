"""Start-up checks of the database file, a corrupted file set aside, and a safe opening.

`check_database(path)` looks at a file without changing it (read-only connection) and
says, in French, what it is: new, sound, to migrate, written by a newer ctgdesk, not a
ctgdesk database, not SQLite at all, or damaged. Its slow half, `read_file` (SQLite's
quick_check reads every page), may run beforehand in another thread (ctgdesk.db.preflight).

`set_aside_corrupted(path)` renames a damaged file (and its -wal/-shm) to
`<nom>.corrompu-AAAAMMJJ-HHMMSS` — never deletes, overwrites or "repairs" it — and
returns the newest backup that is sound, to offer with its date.

`open_with_safety(path)` is how the application and the command line open a database:
check, back up before any schema upgrade, upgrade, and if the upgrade fails put the base
back as it was from that backup.

`storage_findings(path)` is the SQLite part of "Vérifier la base": full integrity check,
foreign keys, and where the file lives (synced folder, network).
"""

from __future__ import annotations

import enum
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ctgdesk.db.sqlite_files import (
    companions,
    connect_read_only,
    file_problems,
    folder_is_writable,
    french_datetime,
    has_sqlite_header,
    quick_check,
    unused_name,
    wal_pending,
)
from ctgdesk.db.synced_folders import location_warnings

if TYPE_CHECKING:
    from ctgdesk.db.backup import BackupInfo

# ctgdesk.db.backup (hashlib, OpenSSL: ≈20 ms) is imported where a backup is made, listed or
# restored: opening a sound base at start-up needs none of it.

# Tables whose presence, with an unknown schema revision, says "a newer ctgdesk".
CORE_TABLES = frozenset({"convention", "organisation", "person", "meeting"})
ALEMBIC_TABLE = "alembic_version"


class HealthStatus(str, enum.Enum):
    NEW = "nouvelle"
    OK = "ok"
    NEEDS_MIGRATION = "a_mettre_a_jour"
    TOO_NEW = "trop_recente"
    NOT_CTGDESK = "pas_ctgdesk"
    NOT_SQLITE = "pas_sqlite"
    UNREADABLE = "illisible"
    CORRUPTED = "endommagee"


OPENABLE = frozenset({HealthStatus.NEW, HealthStatus.OK, HealthStatus.NEEDS_MIGRATION})


@dataclass(frozen=True)
class HealthReport:
    path: Path
    status: HealthStatus
    message: str
    revision: str | None = None
    details: tuple[str, ...] = ()

    @property
    def can_open(self) -> bool:
        return self.status in OPENABLE


class Severity(str, enum.Enum):
    ERROR = "erreur"
    WARNING = "avertissement"


@dataclass(frozen=True)
class Finding:
    """One problem found by « Vérifier la base », in French."""

    severity: Severity
    message: str
    table: str | None = None
    record_id: int | None = None

    def __str__(self) -> str:
        return f"{self.severity.value.capitalize()} : {self.message}"


class DatabaseProblem(Exception):
    """The database cannot be opened as it is. `report` says why; the message is French."""

    def __init__(self, report: HealthReport, message: str | None = None):
        self.report = report
        super().__init__(message or report.message)


# ---------------------------------------------------------------- the start-up check


def _report(path: Path, status: HealthStatus, message: str, revision: str | None = None, details=()) -> HealthReport:
    return HealthReport(path, status, message, revision, tuple(details))


@dataclass(frozen=True)
class FileReading:
    """What the file said when it was read: the first half of `check_database`.

    `report` is set when reading alone decides (new, not SQLite, unreadable, damaged);
    otherwise `tables` and `revision` are what the second half judges against ctgdesk's
    schema. `signature` is the file as it was just before it was read (`file_signature`): a
    reading made in another thread (ctgdesk.db.preflight) is used only while it still matches.
    """

    path: Path
    signature: tuple
    report: HealthReport | None = None
    tables: frozenset[str] = frozenset()
    revision: str | None = None


def file_signature(path: Path) -> tuple:
    """What changes when anything writes the base: identity, size and time of the file and of
    its write-ahead log (an empty log — SQLite may create one when merely reading — is none)."""

    def stat(file: Path) -> tuple[int, int, int] | None:
        try:
            info = file.stat()
        except OSError:
            return None
        return info.st_ino, info.st_size, info.st_mtime_ns

    wal = stat(path.with_name(path.name + "-wal"))
    return stat(path), wal if wal is not None and wal[1] else None


def read_file(path: Path | str) -> FileReading:
    """Read what the start-up check needs from the file (SQLite's quick_check, the tables,
    the schema revision) through a read-only connection. Standard library only, no shared
    state: it may run in any thread, and SQLite's work lets the other threads run meanwhile."""
    path = Path(path)
    signature = file_signature(path)

    def decided(status: HealthStatus, message: str, details=()) -> FileReading:
        return FileReading(path, signature, _report(path, status, message, details=details))

    name = f"« {path} »"
    if not path.exists():
        return decided(HealthStatus.NEW, f"La base {name} n'existe pas encore : elle sera créée.")
    if path.is_dir():
        return decided(HealthStatus.NOT_SQLITE, f"{name} est un dossier, pas une base de données.")
    try:
        size = path.stat().st_size
        header_ok = size == 0 or has_sqlite_header(path)
    except OSError as error:
        return decided(
            HealthStatus.UNREADABLE,
            f"Le fichier {name} ne peut pas être lu ({error.strerror}) : vérifiez vos droits d'accès.",
        )
    if size == 0:
        return decided(HealthStatus.NEW, f"La base {name} est vide : elle sera initialisée.")
    if not header_ok:
        return decided(
            HealthStatus.NOT_SQLITE,
            f"Le fichier {name} n'est pas une base de données ctgdesk (ce n'est pas un fichier "
            "SQLite, ou son en-tête est détruit). Il n'a pas été modifié.",
        )
    if wal_pending(path) and not folder_is_writable(path.parent) and not path.with_name(path.name + "-shm").exists():
        return decided(HealthStatus.UNREADABLE, _pending_wal_read_only(path))
    try:
        connection = connect_read_only(path)
    except sqlite3.Error as error:
        return decided(
            HealthStatus.UNREADABLE,
            f"Le fichier {name} ne peut pas être ouvert ({error}) : vérifiez vos droits d'accès.",
        )
    try:
        try:
            connection.execute("PRAGMA schema_version").fetchone()
        except sqlite3.OperationalError as error:
            if getattr(error, "sqlite_errorcode", 0) & 0xFF in _CANNOT_OPEN:
                # Opening refused by the system or the medium: the file is not damaged.
                if wal_pending(path) and not folder_is_writable(path.parent):
                    return decided(HealthStatus.UNREADABLE, _pending_wal_read_only(path))
                return decided(
                    HealthStatus.UNREADABLE,
                    f"Le fichier {name} ne peut pas être ouvert ici ({error}) : vérifiez vos droits "
                    "d'accès, la place libre sur le disque et que le support est bien branché. "
                    "Il n'est pas pour autant endommagé ; il n'a pas été modifié.",
                )
        except sqlite3.DatabaseError:
            pass  # a damaged file: the quick check below says how
        problems = quick_check(connection)
        if problems:
            return FileReading(path, signature, _corrupted(path, problems))
        try:
            tables = {
                row[0]
                for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                )
            }
            revision = None
            if ALEMBIC_TABLE in tables:
                row = connection.execute(f"SELECT version_num FROM {ALEMBIC_TABLE} LIMIT 1").fetchone()
                revision = row[0] if row else None
        except sqlite3.DatabaseError as error:
            return FileReading(path, signature, _corrupted(path, [str(error)]))
    finally:
        connection.close()
    return FileReading(path, signature, tables=frozenset(tables), revision=revision)


# SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN,
# SQLITE_AUTH — met before a page past the first is read (a full disk refusing the -shm, a
# medium pulled out): the system's refusal, not damage in the file.
_CANNOT_OPEN = frozenset({3, 5, 6, 8, 10, 14, 23})


def _pending_wal_read_only(path: Path) -> str:
    return (
        f"La base « {path} » a des modifications non encore intégrées (fichier « {path.name}-wal ») "
        "et son dossier est en lecture seule : elle ne peut pas être lue ici sans risque d'en "
        "montrer un état ancien. Elle n'est pas endommagée : copiez-la avec ses fichiers "
        "« -wal » et « -shm » dans un dossier où vous pouvez écrire, ou ouvrez-la là où elle a été écrite."
    )


def check_database(path: Path | str, *, reading: FileReading | None = None) -> HealthReport:
    """What the file at `path` is, without changing it.

    `reading`: the file read already (ctgdesk.db.preflight, in a thread); it is read again
    when it is another file's, or when the file has changed since.
    """
    path = Path(path)
    name = f"« {path} »"
    if reading is None or reading.path != path or reading.signature != file_signature(path):
        reading = read_file(path)
    if reading.report is not None:
        return reading.report
    tables, revision = set(reading.tables), reading.revision

    if not tables or (tables == {ALEMBIC_TABLE} and revision is None):
        return _report(path, HealthStatus.NEW, f"La base {name} est vide : elle sera initialisée.")
    not_ours = (
        f"Le fichier {name} est une base SQLite, mais pas une base ctgdesk"
    )
    if ALEMBIC_TABLE not in tables or revision is None:
        return _report(
            path, HealthStatus.NOT_CTGDESK,
            f"{not_ours} (aucune version de schéma enregistrée). Il n'a pas été modifié.",
            details=sorted(tables),
        )
    from ctgdesk.db.schema_head import head_from_files

    head = head_from_files()  # read from the version files: Alembic only when it differs
    if revision != head:
        from ctgdesk.db.migrate import head_revision, known_revisions

        head = head_revision()
    if revision != head and revision not in known_revisions():
        if CORE_TABLES <= tables:
            return _report(
                path, HealthStatus.TOO_NEW,
                f"La base {name} a été écrite par une version plus récente de ctgdesk "
                f"(schéma « {revision} », cette version connaît « {head} »). Installez la dernière "
                "version de ctgdesk pour l'ouvrir ; la base n'a pas été modifiée.",
                revision,
            )
        return _report(
            path, HealthStatus.NOT_CTGDESK,
            f"{not_ours} (version de schéma « {revision} » inconnue). Il n'a pas été modifié.",
            revision, sorted(tables),
        )
    if revision != head and not CORE_TABLES <= tables:
        # A known revision name ("0001" is common) on a file without ctgdesk's tables:
        # another application's Alembic base, never to be "upgraded".
        return _report(
            path, HealthStatus.NOT_CTGDESK,
            f"{not_ours} (version de schéma « {revision} », mais sans les tables de ctgdesk). "
            "Il n'a pas été modifié.",
            revision, sorted(tables),
        )
    if revision != head:
        return _report(
            path, HealthStatus.NEEDS_MIGRATION,
            f"La base {name} vient d'une version précédente de ctgdesk (schéma « {revision} ») : "
            f"elle sera mise à jour (schéma « {head} ») après une sauvegarde « avant mise à jour ».",
            revision,
        )
    expected = _expected_tables()
    missing, unknown = sorted(expected - tables), sorted(tables - expected)
    if missing or unknown:
        details = [f"table absente : {t}" for t in missing] + [f"table inconnue : {t}" for t in unknown]
        return _report(
            path, HealthStatus.NOT_CTGDESK,
            f"La base {name} ne correspond pas au schéma de ctgdesk ("
            + "; ".join(details[:5]) + ") : un autre programme l'a peut-être modifiée. "
            "ctgdesk n'y a rien changé.",
            revision, details,
        )
    return _report(path, HealthStatus.OK, f"La base {name} est en bon état (schéma « {revision} »).", revision)


def _expected_tables() -> set[str]:
    from ctgdesk.models import Base

    return set(Base.metadata.tables) | {ALEMBIC_TABLE}


def _corrupted(path: Path, problems: list[str]) -> HealthReport:
    return _report(
        path, HealthStatus.CORRUPTED,
        f"La base « {path} » est endommagée ({'; '.join(problems[:3])}). Elle doit être mise de côté, "
        "sans être effacée, et remplacée par la sauvegarde en bon état la plus récente.",
        details=problems,
    )


# ---------------------------------------------------------------- a damaged file set aside


@dataclass(frozen=True)
class SetAside:
    moved: list[Path]
    offer: BackupInfo | None

    @property
    def message(self) -> str:
        text = f"La base endommagée a été mise de côté sous « {self.moved[0]} » (rien n'a été effacé)."
        if self.offer is None:
            return text + " Aucune sauvegarde en bon état n'a été trouvée."
        return (
            text + " La sauvegarde en bon état la plus récente date du "
            f"{french_datetime(self.offer.created)} (« {self.offer.path.name} »)."
        )


def set_aside_files(path: Path | str, *, now: datetime | None = None) -> list[Path]:
    """Rename the database and its -wal/-shm/-journal to `<nom>.corrompu-AAAAMMJJ-HHMMSS`.

    The companions keep their suffix after the new name, so SQLite still finds them if
    someone opens the set-aside copy to rescue data. Nothing is deleted or overwritten.
    """
    path = Path(path)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = unused_name(path.with_name(f"{path.name}.corrompu-{stamp}"))
    for companion in companions(target):
        if companion.exists():  # pragma: no cover - would need a leftover of the same second
            target = unused_name(target.with_name(target.name + "-x"))
    from ctgdesk.db.backup import BackupError

    moved: list[Path] = []
    try:
        for source, destination in zip((path, *companions(path)), (target, *companions(target))):
            if source.exists():
                os.rename(source, destination)
                moved.append(destination)
    except PermissionError as error:
        raise BackupError(
            f"La base « {path} » n'a pas pu être mise de côté : elle est ouverte par un autre "
            "programme. Fermez-le et recommencez."
        ) from error
    return moved


def newest_good_backup(folder: Path | str, *, stem: str | None = None) -> BackupInfo | None:
    """The newest backup that passes SQLite's check and is a ctgdesk base this version opens."""
    from ctgdesk.db.backup import list_backups

    for backup in list_backups(folder, stem=stem):
        if file_problems(backup.path):
            continue
        if check_database(backup.path).status in (HealthStatus.OK, HealthStatus.NEEDS_MIGRATION):
            return backup
    return None


def set_aside_corrupted(
    path: Path | str, *, backup_folder: Path | str | None = None, now: datetime | None = None
) -> SetAside:
    """Move a damaged database out of the way and find the backup to offer."""
    from ctgdesk.db.backup import default_backup_folder

    path = Path(path)
    folder = Path(backup_folder) if backup_folder is not None else default_backup_folder(path)
    moved = set_aside_files(path, now=now)
    return SetAside(moved, newest_good_backup(folder, stem=path.stem))


# ---------------------------------------------------------------- opening safely


@dataclass
class SafeOpen:
    db: object  # ctgdesk.db.Database (not imported here: ctgdesk.db imports nothing from us)
    report: HealthReport
    pre_migration_backup: BackupInfo | None = None
    warnings: list[str] = field(default_factory=list)


def open_with_safety(
    path: Path | str,
    *,
    backup_folder: Path | str | None = None,
    read_only: bool = False,
    reading: FileReading | None = None,
) -> SafeOpen:
    """Check the file, back it up before any schema upgrade, then open (and upgrade) it —
    without the lock: ctgdesk.db.opening.open_base (the way every command and the window
    open a base) with the lock and the path resolution left to the caller.

    Raises DatabaseProblem (French message, `.report`) when the file cannot be opened:
    damaged (then call `set_aside_corrupted`), not a ctgdesk base, too new, unreadable, an
    older schema read-only; when the pre-migration backup cannot be made (no upgrade
    without it); or when the upgrade failed — the base is then put back from that backup.
    """
    from ctgdesk.db.opening import Access, open_checked

    opened = open_checked(Path(path), Access.READ if read_only else Access.CREATE,
                          backup_folder=backup_folder, reading=reading)
    return SafeOpen(opened.db, opened.report, opened.pre_migration_backup, opened.warnings)


# ---------------------------------------------------------------- « Vérifier la base » (SQLite part)


def storage_findings(path: Path | str) -> list[Finding]:
    """Full SQLite integrity check, foreign keys, and where the file lives."""
    path = Path(path)
    findings: list[Finding] = []
    report = check_database(path)
    if report.status in (HealthStatus.NOT_SQLITE, HealthStatus.UNREADABLE, HealthStatus.NOT_CTGDESK, HealthStatus.TOO_NEW):
        return [Finding(Severity.ERROR, report.message)]
    if report.status is HealthStatus.NEW:
        return [Finding(Severity.WARNING, report.message)] if path.exists() else []
    if report.status is HealthStatus.CORRUPTED:
        findings.append(Finding(Severity.ERROR, report.message))
    try:
        connection = connect_read_only(path)
    except sqlite3.Error as error:
        return [Finding(Severity.ERROR, f"La base « {path} » ne peut pas être ouverte : {error}.")]
    try:
        for problem in quick_check(connection, full=True, limit=50):
            findings.append(Finding(Severity.ERROR, f"Détail du contrôle d'intégrité SQLite : {problem}"))
        try:
            rows = connection.execute("PRAGMA foreign_key_check").fetchall()
        except sqlite3.DatabaseError as error:
            rows = []
            findings.append(Finding(Severity.ERROR, f"Contrôle des liens impossible : {error}"))
        for table, rowid, parent, _fk in rows:
            findings.append(
                Finding(
                    Severity.ERROR,
                    f"Table « {table} », enregistrement n°{rowid} : il renvoie à un enregistrement "
                    f"de « {parent} » qui n'existe plus.",
                    table, rowid,
                )
            )
    finally:
        connection.close()
    if report.status is HealthStatus.NEEDS_MIGRATION:
        findings.append(Finding(Severity.WARNING, report.message))
    findings.extend(Finding(Severity.WARNING, warning) for warning in location_warnings(path))
    return findings
