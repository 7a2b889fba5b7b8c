"""Backups of the database: made with SQLite's online backup API, verified, then renamed.

How a backup is written (`make_backup`, `backup_to_file`):
1. SQLite's backup API copies a consistent snapshot of the live database page by page
   (never a plain file copy, which can catch the file mid-write and give a corrupt copy);
2. into a temporary file (owner-only permissions) in the backup folder;
3. the copy is checked with `PRAGMA quick_check`; a bad copy is deleted and an error raised;
4. only then is it renamed (`os.replace`) to its final name. A bad backup never displaces a
   good one.

Names say the database, the local date and time, and the kind:
`ctgdesk_20260115-143012_auto.sqlite`. The date comes from the name, not from the file's
modification time, so that copies moved to a USB key keep their date.

Rotation (`rotate`) thins automatic and pre-import copies, each kind on its own:
- the 2 newest copies always stay (with the daily rhythm, today's and yesterday's);
- the newest copy of each of the last 7 days (today included),
- of each of the last 4 ISO weeks (this one included),
- of each of the last 12 months (this one included).
So at most 2 + 7 + 4 + 12 = 25 copies of a kind (plus the newest sound one). A copy stands for
its period only once `PRAGMA quick_check` passes on it: damaged copies never push the last good
one out, and the newest sound copy of a kind is always kept. Manual, pre-migration and pre-restore
copies are never deleted by ctgdesk: only the user deletes them.

When to back up automatically (`should_auto_backup`): when the last automatic copy is at
least 30 minutes old *and* the data differ from the newest copy. "Differ" is decided by
`content_fingerprint`: a SHA-256 over the schema and every row of every table, in rowid
order. It is exact (unlike file dates, which a mere checkpoint changes, or
`PRAGMA data_version`, which only means something inside one connection) and cheap for a
database of a few megabytes; it is only computed once the 30 minutes have passed.
"""

from __future__ import annotations

import enum
import hashlib
import os
import re
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable

from ctgdesk.db.sqlite_files import (
    companions,
    connect_read_only,
    file_problems,
    create_private_file,
    french_datetime,
    french_size,
    fsync_dir,
    fsync_file,
    make_private_dir,
    quick_check,
)

BACKUP_FOLDER_NAME = "sauvegardes"
AUTO_BACKUP_INTERVAL = timedelta(minutes=30)
SECOND_COPY_MAX_AGE = timedelta(days=30)
KEEP_NEWEST = 2
KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_MONTHLY = 12


class BackupError(Exception):
    """A backup or a restore could not be done. The message is French, for the user."""


class BackupKind(str, enum.Enum):
    AUTO = "auto"
    MANUAL = "manuelle"
    PRE_MIGRATION = "avant-migration"
    PRE_IMPORT = "avant-import"
    PRE_RESTORE = "avant-restauration"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def thinned(self) -> bool:
        """Whether rotation may delete copies of this kind (else only the user does)."""
        return self in (BackupKind.AUTO, BackupKind.PRE_IMPORT)


_KIND_LABELS = {
    BackupKind.AUTO: "automatique",
    BackupKind.MANUAL: "manuelle",
    BackupKind.PRE_MIGRATION: "avant mise à jour du schéma",
    BackupKind.PRE_IMPORT: "avant import",
    BackupKind.PRE_RESTORE: "avant restauration",
}


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime
    size: int
    kind: BackupKind

    @property
    def label(self) -> str:
        """« Sauvegarde automatique du 15/01/2026 à 14:30 (1,2 Mo) »"""
        return (
            f"Sauvegarde {self.kind.label} du {french_datetime(self.created)}"
            f" ({french_size(self.size)})"
        )


@dataclass(frozen=True)
class BackupName:
    stem: str
    created: datetime
    kind: BackupKind
    counter: int = 1


# ---------------------------------------------------------------- names

_NAME_RE = re.compile(
    r"^(?P<stem>.+)_(?P<ts>\d{8}-\d{6})(?:-(?P<counter>[1-9]\d{0,3}))?_(?P<kind>"
    + "|".join(re.escape(k.value) for k in BackupKind)
    + r")\.sqlite\Z",
    re.DOTALL | re.ASCII,
)


def format_backup_name(stem: str, created: datetime, kind: BackupKind, counter: int = 1) -> str:
    if not 1 <= counter <= 9999:
        raise ValueError(counter)
    suffix = "" if counter == 1 else f"-{counter}"
    return f"{stem}_{created:%Y%m%d-%H%M%S}{suffix}_{BackupKind(kind).value}.sqlite"


def parse_backup_name(name: str) -> BackupName | None:
    """The parts of a backup file name, or None for any other file."""
    match = _NAME_RE.match(name)
    if match is None:
        return None
    try:
        created = datetime.strptime(match["ts"], "%Y%m%d-%H%M%S")
    except ValueError:
        return None
    counter = int(match["counter"]) if match["counter"] else 1
    if counter < 2 and match["counter"]:
        return None
    return BackupName(match["stem"], created, BackupKind(match["kind"]), counter)


def default_backup_folder(db_path: Path | str) -> Path:
    """`sauvegardes/` beside the database file."""
    return Path(db_path).parent / BACKUP_FOLDER_NAME


def list_backups(folder: Path | str, *, stem: str | None = None) -> list[BackupInfo]:
    """The backups in `folder` (of the database named `stem` if given), newest first."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found: list[tuple[BackupInfo, int]] = []
    for path in folder.iterdir():
        parsed = parse_backup_name(path.name)
        if parsed is None or (stem is not None and parsed.stem != stem):
            continue
        try:
            size = path.stat().st_size
        except OSError:
            continue
        if not path.is_file():
            continue
        found.append((BackupInfo(path, parsed.created, size, parsed.kind), parsed.counter))
    found.sort(key=lambda item: (item[0].created, item[1], item[0].path.name), reverse=True)
    return [info for info, _ in found]


# ---------------------------------------------------------------- writing


def _copy_database(source: Path, target_tmp: Path) -> None:
    """Copy `source` into the new file `target_tmp` with the backup API, then check the copy."""
    create_private_file(target_tmp)
    try:
        src = connect_read_only(source)
    except sqlite3.Error as error:
        raise BackupError(f"La base « {source} » n'a pas pu être ouverte : {error}.") from error
    try:
        dst = sqlite3.connect(target_tmp)
        try:
            try:
                src.backup(dst)
                # A backup is a closed, single file: no write-ahead log beside it.
                dst.execute("PRAGMA journal_mode=DELETE")
            except sqlite3.Error as error:
                raise _copy_failure(source, target_tmp, error) from error
            problems = quick_check(dst)
        finally:
            dst.close()
    finally:
        src.close()
    if problems:
        raise BackupError(
            "La copie de sauvegarde est invalide (" + "; ".join(problems[:3]) + ") : "
            "elle a été écartée et les sauvegardes précédentes sont conservées."
        )
    fsync_file(target_tmp)


def _copy_failure(source: Path, target_tmp: Path, error: sqlite3.Error) -> BackupError:
    """Which side failed: a full disk or a medium that refuses writing is the destination's
    problem, not the base's — the base is read again to tell (reading never fills a disk)."""
    from ctgdesk.db.sqlite_files import file_problems

    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    source_sound = code == 13 or not file_problems(source)  # 13: SQLITE_FULL
    if source_sound:
        return BackupError(
            f"La sauvegarde n'a pas pu être écrite dans « {target_tmp.parent} » ({error}) : disque "
            "plein, support protégé en écriture ou retiré ? La base elle-même n'est pas en cause."
        )
    return BackupError(f"La base « {source} » n'a pas pu être lue : {error}.")


def _temporary_beside(target: Path, purpose: str) -> Path:
    """A hidden name beside `target`, recorded (ctgdesk.pending_files) so that the copy a killed
    process leaves there is removed by the next start or command (ctgdesk.db.opening)."""
    from ctgdesk import pending_files

    temporary = target.with_name(f".{target.name}.{purpose}-{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
    pending_files.record(temporary)
    return temporary


def _forget_temporary(path: Path) -> None:
    from ctgdesk import pending_files

    pending_files.forget(path)


def _remove_quietly(path: Path) -> None:
    from ctgdesk import pending_files

    for candidate in (path, *companions(path)):
        try:
            candidate.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            pass
    pending_files.forget(path)


def write_verified_copy(source: Path | str, target: Path | str) -> int:
    """Copy the database `source` to `target` safely (temp file, check, rename). Returns its size."""
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise BackupError(f"La base « {source} » n'existe pas : rien à sauvegarder.")
    live = {source.resolve(), *(c.resolve() for c in companions(source))}
    if target.resolve() in live:
        raise BackupError("Une sauvegarde ne peut pas être écrite sur la base elle-même : choisissez un autre fichier.")
    try:
        make_private_dir(target.parent)
    except OSError as error:
        raise BackupError(
            f"Le dossier de sauvegarde « {target.parent} » n'a pas pu être créé : {error.strerror}."
        ) from error
    tmp = _temporary_beside(target, "copie")
    try:
        _copy_database(source, tmp)
        os.replace(tmp, target)
        _forget_temporary(tmp)
    except PermissionError as error:
        _remove_quietly(tmp)
        raise BackupError(
            f"Le fichier « {target} » est verrouillé ou protégé (ouvert dans un autre programme ?) :"
            " la sauvegarde n'a pas été écrite."
        ) from error
    except OSError as error:
        _remove_quietly(tmp)
        raise BackupError(
            f"La sauvegarde n'a pas pu être écrite dans « {target.parent} » : {error.strerror or error}"
            " (disque plein ou support retiré ?)."
        ) from error
    except BaseException:
        _remove_quietly(tmp)
        raise
    fsync_dir(target.parent)
    return target.stat().st_size


def make_backup(
    db_path: Path | str,
    kind: BackupKind | str = BackupKind.MANUAL,
    folder: Path | str | None = None,
    *,
    now: datetime | None = None,
) -> BackupInfo:
    """Back up the database into `folder` (default: `sauvegardes/` beside it) under a dated name."""
    db_path = Path(db_path)
    kind = BackupKind(kind)
    folder = Path(folder) if folder is not None else default_backup_folder(db_path)
    created = (now or datetime.now()).replace(microsecond=0)
    counter = 1
    while True:
        target = folder / format_backup_name(db_path.stem, created, kind, counter)
        if not target.exists():
            break
        counter += 1
    size = write_verified_copy(db_path, target)
    return BackupInfo(target, created, size, kind)


def backup_to_file(db_path: Path | str, target: Path | str) -> BackupInfo:
    """A manual backup to a file the user named (`ctgdesk backup --out FICHIER`)."""
    target = Path(target)
    size = write_verified_copy(db_path, target)
    return BackupInfo(target, datetime.now().replace(microsecond=0), size, BackupKind.MANUAL)


# ---------------------------------------------------------------- rotation


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def plan_rotation(
    backups: list[BackupInfo], now: datetime, is_good: "Callable[[BackupInfo], bool] | None" = None,
) -> list[BackupInfo]:
    """Which backups rotation deletes (see the module docstring). Pure unless `is_good` reads files.

    `is_good(backup)` says whether a copy is sound (`rotate` runs SQLite's quick_check): a
    damaged copy never stands for its day, week or month, and the newest sound copy of each
    thinned kind is kept whatever its age. Without `is_good`, every copy counts as sound.
    A period whose copies are all damaged keeps its newest one: never the only one of a period."""
    good = is_good or (lambda backup: True)
    today = now.date()
    days = {today - timedelta(days=n) for n in range(KEEP_DAILY)}
    weeks = {_monday(today) - timedelta(weeks=n) for n in range(KEEP_WEEKLY)}
    months = {_month_index(today) - n for n in range(KEEP_MONTHLY)}
    doomed: list[BackupInfo] = []
    for kind in BackupKind:
        if not kind.thinned:
            continue
        pool = sorted(
            (b for b in backups if b.kind is kind),
            key=lambda b: (b.created, b.path.name),
            reverse=True,
        )
        keep = set(pool[:KEEP_NEWEST])
        newest_good = next((b for b in pool if good(b)), None)
        if newest_good is not None:
            keep.add(newest_good)
        members: dict[tuple, list[BackupInfo]] = {}
        for backup in pool:  # newest first
            day = backup.created.date()
            for bucket, inside in (
                (("d", day), day in days),
                (("w", _monday(day)), _monday(day) in weeks),
                (("m", _month_index(day)), _month_index(day) in months),
            ):
                if inside:
                    members.setdefault(bucket, []).append(backup)
        for copies in members.values():
            keep.add(next((b for b in copies if good(b)), copies[0]))
        doomed.extend(b for b in pool if b not in keep)
    return doomed


def is_sound_backup(backup: BackupInfo) -> bool:
    """Whether the copy opens and passes SQLite's quick_check."""
    try:
        return not file_problems(backup.path)
    except OSError:
        return False


def rotate(folder: Path | str, now: datetime | None = None, *, stem: str | None = None) -> list[Path]:
    """Delete the automatic / pre-import copies the policy no longer keeps. Returns them.

    Each copy that would stand for a period is verified first (quick_check, once per copy):
    a damaged copy does not count, so the last good one is never deleted for it."""
    verdicts: dict[Path, bool] = {}

    def is_good(backup: BackupInfo) -> bool:
        if backup.path not in verdicts:
            verdicts[backup.path] = is_sound_backup(backup)
        return verdicts[backup.path]

    removed = []
    for backup in plan_rotation(list_backups(folder, stem=stem), now or datetime.now(), is_good):
        try:
            backup.path.unlink()
        except FileNotFoundError:
            continue
        except OSError:
            continue  # locked (antivirus, explorer): it will go next time
        removed.append(backup.path)
    return removed


# ---------------------------------------------------------------- automatic backups


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def content_fingerprint(path: Path | str) -> str:
    """SHA-256 of the schema and every row of the database, independent of its page layout."""
    digest = hashlib.sha256()
    connection = connect_read_only(Path(path))
    try:
        tables = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        ).fetchall()
        for name, sql in tables:
            digest.update(repr((name, sql)).encode("utf-8"))
            table = _quote_identifier(name)
            try:
                rows = connection.execute(f"SELECT * FROM {table} ORDER BY rowid")
            except sqlite3.OperationalError:  # WITHOUT ROWID table
                width = len(connection.execute(f"SELECT * FROM {table} LIMIT 0").description)
                order = ", ".join(str(i) for i in range(1, width + 1))
                rows = connection.execute(f"SELECT * FROM {table} ORDER BY {order}")
            for row in rows:
                digest.update(repr(row).encode("utf-8"))
    finally:
        connection.close()
    return digest.hexdigest()


def should_auto_backup(
    db_path: Path | str,
    folder: Path | str | None = None,
    now: datetime | None = None,
    *,
    interval: timedelta = AUTO_BACKUP_INTERVAL,
) -> bool:
    """True when an automatic backup is due: last one ≥ `interval` old and the data changed."""
    db_path = Path(db_path)
    if not db_path.is_file() or db_path.stat().st_size == 0:
        return False
    folder = Path(folder) if folder is not None else default_backup_folder(db_path)
    now = now or datetime.now()
    backups = list_backups(folder, stem=db_path.stem)
    last_auto = next((b for b in backups if b.kind is BackupKind.AUTO), None)
    if last_auto is not None and timedelta(0) <= now - last_auto.created < interval:
        return False
    try:
        current = content_fingerprint(db_path)
    except sqlite3.Error:
        return False  # an unreadable database is the start-up check's business, not a backup's
    for backup in backups:
        try:
            return content_fingerprint(backup.path) != current
        except sqlite3.Error:
            continue  # a damaged copy proves nothing: compare with the next one
    return True


def auto_backup(
    db_path: Path | str, folder: Path | str | None = None, now: datetime | None = None
) -> BackupInfo | None:
    """What the application calls on a timer and on closing: back up if due, then rotate."""
    db_path = Path(db_path)
    folder = Path(folder) if folder is not None else default_backup_folder(db_path)
    now = now or datetime.now()
    if not should_auto_backup(db_path, folder, now):
        return None
    info = make_backup(db_path, BackupKind.AUTO, folder, now=now)
    rotate(folder, now, stem=db_path.stem)
    return info


# ---------------------------------------------------------------- restore


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    pre_restore: BackupInfo | None
    set_aside: list[Path]

    @property
    def summary(self) -> str:
        lines = [f"Base restaurée depuis « {self.restored_from} »."]
        if self.pre_restore is not None:
            lines.append(f"La base remplacée a été sauvegardée dans « {self.pre_restore.path} ».")
        if self.set_aside:
            lines.append(
                "La base remplacée était illisible ; elle a été mise de côté sous "
                f"« {self.set_aside[0]} »."
            )
        return "\n".join(lines)


def _release_write_ahead_log(db_path: Path) -> None:
    """Fold the WAL into the file and leave WAL mode, proving no one else has it open."""
    try:
        connection = sqlite3.connect(db_path, timeout=1.0)
    except sqlite3.Error as error:
        raise BackupError(f"La base « {db_path} » n'a pas pu être ouverte : {error}.") from error
    try:
        mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError as error:
        raise BackupError(
            "La base est encore ouverte (par ctgdesk ou un autre programme) : "
            "fermez-la avant de restaurer une sauvegarde."
        ) from error
    finally:
        connection.close()
    if str(mode).lower() != "delete":
        raise BackupError(
            "La base est encore ouverte (par ctgdesk ou un autre programme) : "
            "fermez-la avant de restaurer une sauvegarde."
        )


def restore(
    backup_path: Path | str,
    db_path: Path | str,
    *,
    folder: Path | str | None = None,
    now: datetime | None = None,
) -> RestoreResult:
    """Replace the database by a backup, keeping what is replaced.

    Every engine on `db_path` must be disposed first (the application closes its database;
    the command line holds the lock). Steps: verify the backup (SQLite check, a ctgdesk
    database, a schema this version knows); back the current file up as « avant
    restauration » (or, if it cannot be read, set it aside under a new name — never
    delete it); copy the backup beside the database and check the copy; fold and remove
    the write-ahead log of the current file (a stale -wal applied to another database
    would corrupt it); then rename the copy into place.
    """
    from ctgdesk.db.health import HealthStatus, check_database, set_aside_files

    backup_path, db_path = Path(backup_path), Path(db_path)
    report = check_database(backup_path)
    if report.status is HealthStatus.NEW:
        raise BackupError(f"La sauvegarde « {backup_path} » est vide ou absente : rien à restaurer.")
    if report.status not in (HealthStatus.OK, HealthStatus.NEEDS_MIGRATION):
        raise BackupError(
            f"La sauvegarde « {backup_path} » ne peut pas être restaurée : {report.message}"
        )
    if db_path.resolve() == backup_path.resolve():
        raise BackupError("La sauvegarde choisie est la base elle-même.")
    pre_restore: BackupInfo | None = None
    set_aside: list[Path] = []
    if db_path.exists() and db_path.stat().st_size > 0:
        try:
            pre_restore = make_backup(db_path, BackupKind.PRE_RESTORE, folder, now=now)
        except BackupError:
            set_aside = set_aside_files(db_path, now=now)
    make_private_dir(db_path.parent)
    tmp = _temporary_beside(db_path, "restauration")
    try:
        _copy_database(backup_path, tmp)
        if db_path.exists() and not set_aside:
            _release_write_ahead_log(db_path)
        for companion in companions(db_path):
            if companion.exists():
                companion.unlink()
        os.replace(tmp, db_path)
        _forget_temporary(tmp)
    except PermissionError as error:
        _remove_quietly(tmp)
        raise BackupError(
            f"La base « {db_path} » est verrouillée par un autre programme : "
            "fermez-le et recommencez."
        ) from error
    except OSError as error:
        _remove_quietly(tmp)
        raise BackupError(
            f"La restauration n'a pas pu écrire dans « {db_path.parent} » : {error.strerror or error}."
        ) from error
    except BaseException:
        _remove_quietly(tmp)
        raise
    fsync_dir(db_path.parent)
    return RestoreResult(backup_path, pre_restore, set_aside)


# ---------------------------------------------------------------- second copy (USB key, share)


@dataclass(frozen=True)
class SecondCopyStatus:
    folder: Path
    latest: BackupInfo | None
    overdue: bool
    message: str


def copy_to_second_folder(backup: BackupInfo, folder: Path | str) -> BackupInfo:
    """Put a (finished, closed) backup on a second support, verified like any backup."""
    target = Path(folder) / backup.path.name
    if not Path(folder).is_dir():
        raise BackupError(
            f"Le dossier « {folder} » est introuvable (clé USB débranchée, partage absent ?)."
        )
    size = write_verified_copy(backup.path, target)
    return BackupInfo(target, backup.created, size, backup.kind)


def second_copy_status(
    folder: Path | str,
    now: datetime | None = None,
    *,
    stem: str | None = None,
    max_age: timedelta = SECOND_COPY_MAX_AGE,
) -> SecondCopyStatus:
    """Whether the second support's newest copy is older than `max_age` (30 days)."""
    folder = Path(folder)
    now = now or datetime.now()
    if not folder.is_dir():
        return SecondCopyStatus(
            folder, None, True,
            f"Le dossier de copie « {folder} » est introuvable (clé USB débranchée ?).",
        )
    backups = list_backups(folder, stem=stem)
    if not backups:
        return SecondCopyStatus(
            folder, None, True, "Aucune copie de sauvegarde sur le second support : faites-en une."
        )
    latest = backups[0]
    age = now - latest.created
    if age > max_age:
        return SecondCopyStatus(
            folder, latest, True,
            f"La dernière copie sur le second support date du {french_datetime(latest.created)}"
            f" (il y a {age.days} jours) : pensez à en faire une nouvelle.",
        )
    return SecondCopyStatus(
        folder, latest, False,
        f"Dernière copie sur le second support : {french_datetime(latest.created)}.",
    )
