"""Keeping the data safe from the command line: backup, restore, verify, RGPD requests.

    ctgdesk [--db BASE] backup [--out FICHIER] [--dossier DOSSIER]
    ctgdesk [--db BASE] backups [--dossier DOSSIER]
    ctgdesk [--db BASE] restore FICHIER [--dossier DOSSIER]
    ctgdesk [--db BASE] verify
    ctgdesk [--db BASE] rgpd inventory
    ctgdesk [--db BASE] rgpd export ID --out FICHIER.json
    ctgdesk [--db BASE] rgpd anonymise ID
    ctgdesk [--db BASE] rgpd erase ID
    ctgdesk [--db BASE] rgpd stale --years N

Commands never ask anything (they are meant for scripts) and say in French what they did.
Commands that write take the database lock, so they refuse to run while ctgdesk has the
base open elsewhere.
"""

from __future__ import annotations

import argparse
import json
import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ctgdesk.cli import CommandError, db_path, open_base, tell_read_only
from ctgdesk.db.backup import (
    BackupError,
    backup_to_file,
    default_backup_folder,
    list_backups,
    make_backup,
    restore,
)
from ctgdesk.db.health import HealthStatus, Severity, storage_findings
from ctgdesk.db.opening import Access, OpeningRefused
from ctgdesk.db.sqlite_files import erase_freed_space, french_datetime, french_size


def register(subparsers) -> None:
    p = subparsers.add_parser("backup", help="sauvegarder la base (copie vérifiée)")
    p.add_argument("--out", type=Path, help="fichier de sauvegarde à écrire (sinon : dossier des sauvegardes)")
    p.add_argument("--dossier", type=Path, help="dossier des sauvegardes (par défaut : « sauvegardes » à côté de la base)")
    p.set_defaults(handler=run_backup)

    p = subparsers.add_parser("backups", help="lister les sauvegardes")
    p.add_argument("--dossier", type=Path, help="dossier des sauvegardes")
    p.set_defaults(handler=run_list_backups)

    p = subparsers.add_parser("restore", help="remplacer la base par une sauvegarde (la base actuelle est sauvegardée avant)")
    p.add_argument("file", type=Path, metavar="FICHIER", help="la sauvegarde à restaurer")
    p.add_argument("--dossier", type=Path, help="dossier où sauvegarder la base remplacée")
    p.set_defaults(handler=run_restore)

    p = subparsers.add_parser("verify", help="vérifier la base (intégrité, liens, cohérence) ; code 1 si problème")
    p.set_defaults(handler=run_verify)

    rgpd = subparsers.add_parser("rgpd", help="données personnelles : inventaire, export, anonymisation")
    actions = rgpd.add_subparsers(dest="rgpd_action", metavar="ACTION", required=True)
    p = actions.add_parser("inventory", help="où la base garde des données personnelles")
    p.set_defaults(handler=run_rgpd_inventory)
    p = actions.add_parser("export", help="toutes les données d'une personne, en JSON")
    p.add_argument("person_id", type=int, metavar="ID")
    p.add_argument("--out", type=Path, required=True, metavar="FICHIER.json")
    p.set_defaults(handler=run_rgpd_export)
    p = actions.add_parser("anonymise", help="anonymiser une personne (liens et comptes conservés)")
    p.add_argument("person_id", type=int, metavar="ID")
    p.set_defaults(handler=run_rgpd_anonymise)
    p = actions.add_parser("erase", help="effacer une personne citée nulle part")
    p.add_argument("person_id", type=int, metavar="ID")
    p.set_defaults(handler=run_rgpd_erase)
    p = actions.add_parser("stale", help="personnes absentes de tout enregistrement depuis N ans")
    p.add_argument("--years", type=int, default=3, metavar="N")
    p.set_defaults(handler=run_rgpd_stale)


# ---------------------------------------------------------------- helpers


@contextmanager
def _opened(args: argparse.Namespace, access: Access = Access.READ) -> Iterator:
    """The database through the one way in (ctgdesk.db.opening), closed at the end."""
    with open_base(args, access) as base:
        yield base.db


def _write_private_text(target: Path, text: str) -> None:
    """Write a file readable by its owner only, through a temporary name and a rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except PermissionError as error:
        tmp.unlink(missing_ok=True)
        raise CommandError(
            f"Le fichier « {target} » est verrouillé ou protégé (ouvert dans un autre programme ?) : "
            "fermez-le et recommencez."
        ) from error
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise CommandError(f"Le fichier « {target} » n'a pas pu être écrit : {error.strerror or error}.") from error


# ---------------------------------------------------------------- backups


def _team_base(args: argparse.Namespace) -> str | None:
    from ctgdesk.db.paths import is_server_url

    target = db_path(args)
    return target if is_server_url(target) else None


def _team_backup(url: str, args: argparse.Namespace) -> int:
    from ctgdesk.db.team import TeamError, dump

    if args.out is None:
        raise CommandError("Pour une base d'équipe, indiquez le fichier de sauvegarde : --out FICHIER.dump "
                           "(format pg_dump, à restaurer avec « ctgdesk restore » ou pg_restore).")
    try:
        size = dump(url, args.out)
    except TeamError as error:
        raise CommandError(str(error)) from None
    print(f"Sauvegarde vérifiée écrite : {args.out} ({french_size(size)}, format pg_dump).")
    return 0


def run_backup(args: argparse.Namespace) -> int:
    url = _team_base(args)
    if url is not None:
        return _team_backup(url, args)
    # A copy reads the base only: any ctgdesk base, of an older schema too.
    with open_base(args, Access.COPY, engine=False) as base:
        try:
            if args.out is not None:
                info = backup_to_file(base.path, args.out)
            else:
                info = make_backup(base.path, "manuelle", args.dossier)
        except BackupError as error:
            raise CommandError(str(error)) from error
    print(f"Sauvegarde vérifiée écrite : {info.path} ({french_size(info.size)}).")
    return 0


def run_list_backups(args: argparse.Namespace) -> int:
    from ctgdesk.db.opening import resolve

    path = resolve(db_path(args))  # backups are named after the real file, not a link to it
    folder = args.dossier or default_backup_folder(path)
    backups = list_backups(folder, stem=path.stem)
    if not backups:
        print(f"Aucune sauvegarde dans « {folder} ».")
        return 0
    for info in backups:
        print(f"{french_datetime(info.created)}  {info.kind.label:<28} {french_size(info.size):>10}  {info.path.name}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        raise CommandError(f"La sauvegarde « {args.file} » n'existe pas.")
    url = _team_base(args)
    if url is not None:
        from ctgdesk.db.team import TeamError, restore_dump

        try:
            restore_dump(args.file, url)
        except TeamError as error:
            raise CommandError(str(error)) from None
        print(f"Sauvegarde {args.file} restaurée dans la base d'équipe ; les droits de l'équipe sont remis en place.")
        return 0
    # Locked; the base replaced must be a ctgdesk base (or damaged, or none yet): another
    # program's file is never replaced.
    with open_base(args, Access.REPLACE, engine=False, backup_folder=args.dossier) as base:
        try:
            result = restore(args.file, base.path, folder=args.dossier)
        except BackupError as error:
            raise CommandError(str(error)) from error
    print(result.summary)
    return 0


# ---------------------------------------------------------------- verify


def run_verify(args: argparse.Namespace) -> int:
    from ctgdesk.db.opening import open_base as open_checked_base
    from ctgdesk.services.consistency import verify_database

    try:
        with open_checked_base(db_path(args), Access.READ) as base:
            path = base.path
            tell_read_only(base)
            findings = verify_database(base.db)
    except OpeningRefused as problem:
        report = problem.report
        if report is None or report.status is not HealthStatus.CORRUPTED:
            print(f"Problème : {problem}")
            return 1
        path = report.path
        findings = storage_findings(path)  # what SQLite's full check says, read only
    for finding in findings:
        print(finding)
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = len(findings) - errors
    if not findings:
        print(f"Base « {path} » vérifiée : aucun problème trouvé.")
        return 0
    print(f"Base « {path} » vérifiée : {errors} erreur(s), {warnings} avertissement(s).")
    return 1


# ---------------------------------------------------------------- RGPD


def run_rgpd_inventory(args: argparse.Namespace) -> int:
    from ctgdesk.services.rgpd import personal_data_inventory

    for location in personal_data_inventory():
        columns = f" ({', '.join(location.columns)})" if location.columns else ""
        print(f"- {location.table}{columns} : {location.description}")
    return 0


def run_rgpd_export(args: argparse.Namespace) -> int:
    from ctgdesk.services.rgpd import RgpdError, export_person

    with _opened(args) as db:
        session = db.session()
        try:
            data = export_person(session, args.person_id)
        except RgpdError as error:
            raise CommandError(str(error)) from error
        finally:
            session.close()
    _write_private_text(args.out, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    print(f"Données de la personne n°{args.person_id} exportées dans « {args.out} ».")
    return 0


def _change_person(args: argparse.Namespace, change):
    """Run `change(session)` in one transaction under the lock, then wipe the freed space
    so that the data removed leave no trace in the file (nor in its write-ahead log)."""
    from ctgdesk.services.rgpd import RgpdError

    with open_base(args, Access.WRITE) as base:
        try:
            with base.db.transaction() as session:
                result = change(session)
        except RgpdError as error:
            raise CommandError(str(error)) from error
        base.db.dispose()  # the lock is still held until the space is wiped
        erase_freed_space(base.path)
    return result


def run_rgpd_anonymise(args: argparse.Namespace) -> int:
    from ctgdesk.services.rgpd import anonymise_person, person_links

    def anonymise(session):
        links = person_links(session, args.person_id)
        return sum(links.values()), anonymise_person(session, args.person_id).full_name

    kept, name = _change_person(args, anonymise)
    print(f"Personne n°{args.person_id} anonymisée : « {name} » ({kept} enregistrement(s) lié(s) conservé(s)).")
    print(
        "Les sauvegardes faites avant contiennent encore ses données : les automatiques "
        "disparaissent avec la rotation, supprimez les autres si nécessaire."
    )
    return 0


def run_rgpd_erase(args: argparse.Namespace) -> int:
    from ctgdesk.services.rgpd import erase_person

    _change_person(args, lambda session: erase_person(session, args.person_id))
    print(f"Personne n°{args.person_id} effacée.")
    return 0


def run_rgpd_stale(args: argparse.Namespace) -> int:
    from ctgdesk.services.rgpd import persons_not_seen_since

    if args.years < 1:
        raise CommandError("Le nombre d'années doit être au moins 1.")
    with _opened(args) as db:
        session = db.session()
        try:
            stale = persons_not_seen_since(session, args.years)
        finally:
            session.close()
    if not stale:
        print(f"Aucune personne absente de tout enregistrement depuis {args.years} an(s).")
        return 0
    for person in stale:
        print(f"n°{person.person_id}  {person.name}  (vue pour la dernière fois le {person.last_seen:%d/%m/%Y})")
    print(f"{len(stale)} personne(s) à anonymiser ou effacer (« ctgdesk rgpd anonymise ID »).")
    return 0
