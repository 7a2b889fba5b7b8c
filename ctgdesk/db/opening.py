"""The one way in: how every command and the window open a database file.

`open_base(path, access)` does, in this order:
1. the path resolved (`os.path.realpath`): a symbolic link and its target are one base,
   with one lock;
2. a directory refused; for an access that writes, the lock on the resolved path
   (another ctgdesk → refused, naming it; a folder where the lock cannot be written →
   the base is read-only there);
3. hidden whole-base temporary copies left by a killed backup, restore or export, cleaned
   (beside the base and in its backup folder by their names; anywhere else through
   ctgdesk.pending_files, which records them while they are written);
4. "is it a ctgdesk base?" (ctgdesk.db.health.check_database, through a read-only
   connection): another program's SQLite file, a foreign Alembic revision, a file that is
   not SQLite are refused untouched — byte for byte; a missing or empty file is a new base
   only for the accesses that create one;
5. "is it read-only here?" (folder or file not writable): the base is read through a
   read-only connection (SQLite `mode=ro`, or `immutable=1` when no write-ahead log is
   pending: ctgdesk.db.sqlite_files.read_only_uri) and said so — never called damaged;
6. the health check (damaged → refused with what to do);
7. for an access that writes, a verified backup before any schema upgrade, then the
   upgrade (put back from that backup if it fails).

`Access.READ` (info, check, verify, exports, backups) never writes nor upgrades: a base of
an older schema is refused with the command that upgrades it; a newer one is refused.

Raises `OpeningRefused` (a French message for the user) for every refusal.
"""

from __future__ import annotations

import enum
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ctgdesk.db.health import DatabaseProblem
from ctgdesk.db.sqlite_files import folder_is_writable
from ctgdesk.db.synced_folders import location_warnings

if TYPE_CHECKING:
    from ctgdesk.db import Database
    from ctgdesk.db.backup import BackupInfo
    from ctgdesk.db.health import FileReading, HealthReport
    from ctgdesk.db.lock import DbLock

UPGRADE_HINT = "ouvrez-la avec ctgdesk ou lancez « ctgdesk upgrade »"
# Hidden temporary copies written by ctgdesk.db.backup (write_verified_copy, restore):
# `.<nom>.copie-<pid>-<hex>.tmp`, `.<nom>.restauration-<pid>-<hex>.tmp` (and their -wal…).
_TEMPORARY_COPY = re.compile(
    r"^\.(?P<name>.+)\.(?:copie|restauration)-(?P<pid>\d+)-[0-9a-f]{8}\.tmp(?:-wal|-shm|-journal)?\Z",
    re.DOTALL,
)
TEMPORARY_COPY_MAX_AGE_S = 24 * 3600
# ctgdesk.db.backup.BACKUP_FOLDER_NAME (the same, tested): that module (hashlib, OpenSSL) is
# not loaded to open a sound base at start-up.
BACKUP_FOLDER_NAME = "sauvegardes"


class Access(str, enum.Enum):
    READ = "lecture"  # info, verify, exports: never writes, never upgrades, current schema only
    COPY = "copie"  # a backup: reads only, an older schema too
    PREVIEW = "apercu"  # an import preview (on a copy): reads only, any schema, none yet
    WRITE = "ecriture"  # an existing ctgdesk base: lock, backup, upgrade
    CREATE = "creation"  # WRITE, and a missing or empty file becomes a new base
    REPLACE = "remplacement"  # a restore: locked; a ctgdesk base (any schema), a damaged one, or none

    @property
    def writes(self) -> bool:
        return self in (Access.WRITE, Access.CREATE, Access.REPLACE)


class OpeningRefused(DatabaseProblem):
    """The base cannot be opened for what was asked. The message is French, for the user.

    `report` is the health check's verdict when the file itself is the reason (None for a
    lock held elsewhere, a directory…); `locked` is true when another ctgdesk holds it."""

    def __init__(self, message: str, report: HealthReport | None = None, *, locked: bool = False,
                 read_only_folder: bool = False):
        super().__init__(report, message)  # type: ignore[arg-type]
        self.locked = locked
        self.read_only_folder = read_only_folder


@dataclass
class OpenedBase:
    path: Path  # resolved
    report: HealthReport
    db: Database | None = None
    lock: DbLock | None = None
    read_only: str | None = None  # why the base is read-only here (French), None when writable
    pre_migration_backup: BackupInfo | None = None
    warnings: list[str] = field(default_factory=list)
    cleaned: list[Path] = field(default_factory=list)

    def close(self) -> None:
        """Close the engine and release the lock (if this opening took it). Safe twice."""
        if self.db is not None:
            self.db.dispose()
            self.db = None
        if self.lock is not None:
            try:
                self.lock.release()
            except OSError:
                pass  # a lock left behind is judged abandoned by the next start
            self.lock = None

    def __enter__(self) -> "OpenedBase":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def resolve(path: Path | str) -> Path:
    """The real file behind `path` (symbolic links followed), absolute."""
    return Path(os.path.realpath(os.path.expanduser(str(path))))


def read_only_reason(path: Path) -> str | None:
    """Why ctgdesk cannot write the base at `path` here (French), or None when it can."""
    folder = path.parent
    if not folder_is_writable(folder):
        return (f"le dossier « {folder} » est en lecture seule (clé USB protégée, partage en lecture "
                "seule, droits insuffisants)")
    if path.exists() and not os.access(path, os.W_OK):
        return f"le fichier « {path} » est en lecture seule"
    return None


def clean_temporary_copies(db_path: Path, backup_folder: Path | None = None, *, now: float | None = None) -> list[Path]:
    """Remove the hidden whole-base copies a killed backup or restore left behind.

    A copy is removed when the process named in it no longer runs on this computer, or when
    it is older than a day (left by another computer). Errors are ignored (read-only folder,
    a file in use): the next start tries again."""
    from ctgdesk.db.lock import pid_alive

    now = time.time() if now is None else now
    folders = {db_path.parent, Path(backup_folder) if backup_folder else db_path.parent / BACKUP_FOLDER_NAME}
    removed: list[Path] = []
    for folder in folders:
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            match = _TEMPORARY_COPY.match(entry.name)
            if match is None:
                continue
            if folder == db_path.parent and match["name"] != db_path.name:
                continue  # beside the base, only its own restore copies
            try:
                age = now - entry.lstat().st_mtime
                pid = int(match["pid"])
                if (pid != os.getpid() and not pid_alive(pid)) or age > TEMPORARY_COPY_MAX_AGE_S:
                    entry.unlink()
                    removed.append(entry)
            except OSError:
                continue
    return removed


def _lock(path: Path, access: Access) -> DbLock | None:
    from ctgdesk.db.lock import DatabaseLocked, LockUnavailable, acquire

    if not access.writes:
        return None
    try:
        return acquire(path)
    except DatabaseLocked as error:
        raise OpeningRefused(
            f"{error} Les commandes qui ne font que lire (info, check, verify, export) restent possibles.",
            locked=True,
        ) from error
    except LockUnavailable as error:
        reason = read_only_reason(path)
        if reason is None:
            raise OpeningRefused(str(error)) from error
        raise OpeningRefused(
            f"La base « {path} » ne peut pas être modifiée ici : {reason}. Elle peut être consultée "
            "(info, verify, export) ; pour la modifier, copiez-la dans un dossier où vous pouvez écrire.",
            read_only_folder=True,
        ) from error


def check(path: Path, access: Access, *, reading: FileReading | None = None) -> HealthReport:
    """Steps 4 to 6: the health check's verdict, or OpeningRefused saying why not for `access`."""
    from ctgdesk.db.health import HealthStatus, check_database

    report = check_database(path, reading=reading)
    status = report.status
    if status is HealthStatus.NEW:
        if access in (Access.CREATE, Access.REPLACE, Access.PREVIEW):
            return report
        if path.exists():
            raise OpeningRefused(
                f"La base « {path} » est vide : rien à lire. Créez-la en ouvrant ctgdesk "
                "(ou avec « ctgdesk demo »).", report)
        raise OpeningRefused(
            f"La base « {path} » n'existe pas. Vérifiez le chemin donné à --db, ou créez-la en "
            "ouvrant ctgdesk (ou avec « ctgdesk demo »).", report)
    if status is HealthStatus.CORRUPTED:
        if access is Access.REPLACE:
            return report  # restoring a backup is what a damaged base needs (it is set aside)
        raise OpeningRefused(
            f"{report.message} Les sauvegardes : « ctgdesk backups » ; pour en remettre une : "
            "« ctgdesk restore FICHIER » (la base endommagée est alors mise de côté, jamais effacée).",
            report)
    if not report.can_open:
        raise OpeningRefused(report.message, report)
    if status is HealthStatus.NEEDS_MIGRATION and access is Access.READ:
        raise OpeningRefused(
            f"La base « {path} » vient d'une version précédente de ctgdesk (schéma « {report.revision} ») : "
            f"cette commande ne fait que lire et ne la met pas à jour. Pour la mettre à jour, {UPGRADE_HINT} "
            "(une sauvegarde est faite avant). Elle n'a pas été modifiée.", report)
    return report


def open_base(
    path: Path | str,
    access: Access,
    *,
    backup_folder: Path | str | None = None,
    reading: FileReading | None = None,
    lock: DbLock | None = None,
    engine: bool = True,
) -> OpenedBase:
    """Open the base at `path` for `access` (see the module docstring).

    `lock`: the lock already taken on the resolved path (the window takes it in a thread,
    ctgdesk.db.preflight); it is then not taken again, and not released by `close()`.
    `engine=False`: every check, no SQLAlchemy engine (a backup copies the file itself).
    """
    from ctgdesk.db.paths import is_server_url

    if is_server_url(path):
        return open_server(str(path), access)
    path = resolve(path)
    if path.is_dir():
        raise OpeningRefused(f"« {path} » est un dossier, pas une base de données : donnez le chemin du fichier.")
    if access is Access.WRITE and not path.exists():
        check(path, access)  # refused, saying so — before a lock (and its folder) is created
    own_lock = _lock(path, access) if lock is None else None
    try:
        opened = open_checked(path, access, backup_folder=backup_folder, reading=reading, engine=engine)
    except BaseException:
        if own_lock is not None:
            own_lock.release()
        raise
    opened.lock = own_lock
    return opened


def open_checked(path: Path, access: Access, *, backup_folder=None, reading=None, engine: bool = True) -> OpenedBase:
    """Steps 3 to 7, the lock held (or not needed) by the caller."""
    from ctgdesk import pending_files

    cleaned = clean_temporary_copies(path, Path(backup_folder) if backup_folder else None)
    cleaned += pending_files.clean_abandoned()  # anywhere: exports beside their target…
    read_only = read_only_reason(path) if path.exists() else None
    if read_only is not None and access.writes:
        raise OpeningRefused(
            f"La base « {path} » ne peut pas être modifiée ici : {read_only}. Elle peut être consultée "
            "(info, verify, export) ; pour la modifier, copiez-la dans un dossier où vous pouvez écrire.",
            read_only_folder=True,
        )
    report = check(path, access, reading=reading)
    opened = OpenedBase(path, report, read_only=read_only, cleaned=cleaned, warnings=location_warnings(path))
    if not engine or access is Access.REPLACE:
        return opened
    from ctgdesk.db import open_database

    if not access.writes:  # READ, COPY, PREVIEW
        opened.db = open_database(path, migrate=False, read_only=True)
        return opened
    from ctgdesk.db.health import HealthStatus

    if report.status is HealthStatus.NEEDS_MIGRATION:
        from ctgdesk.db.backup import BackupError, BackupKind, make_backup

        try:
            opened.pre_migration_backup = make_backup(path, BackupKind.PRE_MIGRATION, backup_folder)
        except BackupError as error:
            raise OpeningRefused(f"{error} La base n'a pas été mise à jour sans sauvegarde ; elle n'a pas été modifiée.",
                                 report) from error
    try:
        opened.db = open_database(path, migrate=True)
    except Exception as error:
        backup = opened.pre_migration_backup
        if backup is None:
            raise
        from ctgdesk.db.backup import restore

        restore(backup.path, path, folder=backup_folder)
        raise OpeningRefused(
            f"La mise à jour du schéma de la base a échoué ({error}). La base a été remise dans "
            f"son état d'avant, depuis la sauvegarde « {backup.path} ».", report,
        ) from error
    return opened


def open_server(url: str, access: Access) -> OpenedBase:
    """A team base on a PostgreSQL server: no file, no lock (the server serialises writers and
    enforces the rights, ctgdesk.db.team); "is it ours?" and the schema version are checked as
    for a file. Backups of a team base are the server's (pg_dump), made by its IT service."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import DBAPIError

    from ctgdesk.db import open_database
    from ctgdesk.db.engine import make_engine
    from ctgdesk.db.health import HealthReport, HealthStatus
    from ctgdesk.db.migrate import current_revision, head_revision, known_revisions

    engine = make_engine(url)
    shown = engine.url.render_as_string(hide_password=True)
    try:
        revision = current_revision(engine)
        tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
    except DBAPIError as error:
        first = str(getattr(error, "orig", error)).strip().splitlines()[0] if str(error).strip() else ""
        raise OpeningRefused(f"Connexion à la base d'équipe {shown} impossible : {first}") from None
    finally:
        engine.dispose()
    if revision is None:
        if tables:
            raise OpeningRefused(f"La base {shown} n'est pas une base ctgdesk : elle n'a pas été modifiée.")
        if access is not Access.CREATE:
            raise OpeningRefused(f"La base {shown} est vide : préparez-la d'abord avec « ctgdesk team init ».")
    elif revision not in known_revisions():
        raise OpeningRefused(f"La base {shown} a été écrite par une version plus récente de ctgdesk "
                             f"(schéma {revision}) : mettez ctgdesk à jour.")
    elif revision != head_revision() and not access.writes:
        raise OpeningRefused(f"La base {shown} est d'une version plus ancienne de ctgdesk : {UPGRADE_HINT}.")
    status = HealthStatus.OK if revision == head_revision() else HealthStatus.NEW if revision is None \
        else HealthStatus.NEEDS_MIGRATION
    report = HealthReport(shown, status, "base d'équipe", revision)  # type: ignore[arg-type]  # an address
    opened = OpenedBase(shown, report)  # type: ignore[arg-type]  # an address, not a file
    opened.db = open_database(url, migrate=access.writes, read_only=not access.writes)
    return opened
