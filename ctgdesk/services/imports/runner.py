"""Running an import: a preview (everything computed, then rolled back) or the import itself
(one transaction, committed only without any error, after a backup of the database).

    report = run_import(db, "etp", path, dry_run=True, year=2026)
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ctgdesk.db import Database
from ctgdesk.exchange.readers import ImportFileError, Location
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.imports.report import ImportReport

# kind → (module, function). Each function: (session, path, report, **options) -> None.
IMPORTERS: dict[str, tuple[str, str]] = {
    "etp": ("ctgdesk.services.imports.etp", "import_etp_file"),
    "communes": ("ctgdesk.services.imports.communes", "import_communes_file"),
    "meetings": ("ctgdesk.services.imports.meetings", "import_meetings_file"),
    "workbook": ("ctgdesk.services.imports.workbook", "import_workbook_file"),
    "package": ("ctgdesk.services.imports.packages", "import_package_file"),
}

KIND_LABELS = {
    "etp": "Tableau des ETP",
    "communes": "Communes (INSEE)",
    "meetings": "Réunions",
    "workbook": "Classeur complet",
    "package": "Paquet d'un·e chargé·e de coopération",
}


class BackupFailed(Exception):
    """The backup before the import could not be made: the import is not done."""


def importer(kind: str) -> Callable[..., None]:
    if kind not in IMPORTERS:
        raise ValueError(kind)
    module, name = IMPORTERS[kind]
    return getattr(importlib.import_module(module), name)


def _broken_rules(session: Session) -> list:
    from ctgdesk.db.health import Severity
    from ctgdesk.services.consistency import consistency_findings

    return [f for f in consistency_findings(session) if f.severity is Severity.ERROR]


def run_in_session(session: Session, kind: str, path: Path, report: ImportReport, **options) -> None:
    """Fill the report by running the importer in the session's current transaction.

    Whatever path the rows took (the services for the files, plain inserts for workbooks and
    packages), the base must then keep every rule « Vérifier la base » checks
    (services.consistency): a rule the import breaks is an error, where the row came from."""
    try:
        before = {(f.table, f.record_id, f.message) for f in _broken_rules(session)}
        importer(kind)(session, path, report, **options)
        session.flush()
        if not report.errors:
            for finding in _broken_rules(session):
                if (finding.table, finding.record_id, finding.message) not in before:
                    where = report.record_locations.get((finding.table, finding.record_id)) or Location(path.name)
                    report.add_error(where, finding.message)
    except ImportFileError as error:
        report.add_error(error.location or Location(path.name), error.message)
    except ValidationError as error:
        report.add_error(Location(path.name), error.message)


def pre_import_backup(db_path: Path) -> Path | None:
    """A backup through ctgdesk.db.backup.make_backup when that module exists."""
    try:
        from ctgdesk.db.backup import make_backup
    except ImportError:
        return None
    try:
        return make_backup(db_path, "avant-import").path
    except Exception as error:  # BackupError and OS errors alike
        raise BackupFailed(f"La sauvegarde avant import a échoué ({error}) : l'import n'a pas été fait.") from None


def run_import(
    db: Database, kind: str, path: Path | str, *, dry_run: bool = False, backup: bool = True, **options
) -> ImportReport:
    """Preview (dry_run) or import a file. With any error, nothing is written."""
    path = Path(path)
    report = ImportReport(kind=kind, file=path.name, dry_run=dry_run)
    if not dry_run and backup:
        try:
            report.backup = pre_import_backup(db.path)
        except BackupFailed as error:
            report.add_error(Location(path.name), str(error))
            return report
    session = db.session()
    try:
        run_in_session(session, kind, path, report, **options)
        if report.errors or dry_run:
            session.rollback()
        else:
            session.commit()
            report.committed = True
    except SQLAlchemyError as error:
        session.rollback()
        report.add_error(Location(path.name), f"La base de données a refusé l'import ({type(error).__name__}) : rien n'a été importé.")
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
    return report
