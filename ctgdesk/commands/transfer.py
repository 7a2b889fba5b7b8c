"""Bringing data in and taking it out whole: imports, the complete workbook, packages.

    ctgdesk [--db BASE] import etp FICHIER --year 2026 [--previous-year 2025] [--sheet FEUILLE] [--dry-run]
    ctgdesk [--db BASE] import communes FICHIER (--dep 62 | --codes 62427,62215) [--dry-run]
    ctgdesk [--db BASE] import meetings FICHIER [--coordinator "Prénom Nom"] [--dry-run]
    ctgdesk [--db BASE] import workbook FICHIER [--dry-run]        (base vide seulement)
    ctgdesk [--db BASE] import package FICHIER [--dry-run]         (consolidation)
    ctgdesk [--db BASE] export workbook --out FICHIER.xlsx
    ctgdesk [--db BASE] export package --out FICHIER.ctgpaquet [--coordinator NOM --year 2026 --since DATE]

Every import first computes its whole report; with --dry-run nothing is written, otherwise
the base is backed up and the import lands in one transaction, or not at all when any line is
wrong. The exit code is 0 when the import is done (or would be), 1 otherwise.

`add_export_kinds(kinds)` adds `workbook` and `package` to the `export` command
(ctgdesk/commands/export.py), beside `bilan`, `ics` and `csv`.
"""

from __future__ import annotations

import argparse
from contextlib import contextmanager
from datetime import datetime, time
from pathlib import Path
from typing import Iterator

from ctgdesk.cli import CommandError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import", help="importer un fichier (ETP, communes, réunions, classeur complet, paquet)",
        description="Importe un fichier. Tout est vérifié d'abord : avec une seule erreur, rien n'est importé.",
    )
    kinds = parser.add_subparsers(dest="kind", metavar="TYPE", required=True)

    p = kinds.add_parser("etp", help="tableau des ETP d'une convention (une ligne par commune ou structure)")
    _file_options(p)
    p.add_argument("--year", type=int, required=True, help="année des ETP du tableau (ex. 2026)")
    p.add_argument("--previous-year", type=int, help="année de la période précédente, si le tableau en a deux")

    p = kinds.add_parser("communes", help="communes du Code officiel géographique (INSEE) ou fichier « code ; nom »")
    _file_options(p)
    p.add_argument("--dep", help="département à garder (ex. 62, 2A)")
    p.add_argument("--codes", help="codes INSEE à garder, séparés par des virgules")

    p = kinds.add_parser("meetings", help="réunions d'un tableur (date, instance, lieu, participants, décisions…)")
    _file_options(p)
    p.add_argument("--coordinator", help="chargé·e de coopération qui anime les réunions sans animateur indiqué")

    p = kinds.add_parser("workbook", help="classeur complet exporté par ctgdesk, dans une base vide")
    _file_options(p, sheet=False)

    p = kinds.add_parser("package", help="paquet d'un·e chargé·e de coopération, à consolider dans cette base")
    _file_options(p, sheet=False)
    parser.set_defaults(handler=run_import_command)



def add_export_kinds(kinds: argparse._SubParsersAction) -> None:
    p = kinds.add_parser("workbook", help="toute la base dans un classeur Excel (réimportable sans perte)")
    p.add_argument("--out", type=Path, required=True, metavar="FICHIER", help="classeur à écrire (.xlsx)")
    p.set_defaults(handler=run_export_workbook)

    p = kinds.add_parser("package", help="paquet d'un·e chargé·e de coopération pour l'année (ou toute la base)")
    p.add_argument("--out", type=Path, required=True, metavar="FICHIER", help="paquet à écrire (.ctgpaquet)")
    p.add_argument("--coordinator", metavar="NOM", help="« Prénom Nom » du/de la chargé·e de coopération")
    p.add_argument("--year", type=int, help="année à exporter")
    p.add_argument("--since", metavar="DATE",
                   help="date du dernier échange avec le territoire (JJ/MM/AAAA [HH:MM]) : sert à repérer les conflits")
    p.set_defaults(handler=run_export_package)


def _file_options(parser: argparse.ArgumentParser, *, sheet: bool = True) -> None:
    parser.add_argument("file", type=Path, metavar="FICHIER")
    if sheet:
        parser.add_argument("--sheet", metavar="FEUILLE", help="feuille à lire (par défaut : la première qui convient)")
    parser.add_argument("--dry-run", action="store_true", help="aperçu : tout vérifier, ne rien importer")


@contextmanager
def _database(args, *, write: bool) -> Iterator:
    """The base through the one way in: locked, backed up before any upgrade when the command
    writes (an import may start a new base); read only otherwise (exports, --dry-run)."""
    from ctgdesk.cli import open_base
    from ctgdesk.db.opening import Access

    if not write and getattr(args, "dry_run", False):
        # An import preview runs the import and rolls it back: it runs on a copy of the base in
        # a temporary folder (a new empty base when there is none yet), so that the base itself
        # is only read — also when it is read-only here or of an older schema.
        import tempfile

        from ctgdesk.db import open_database
        from ctgdesk.db.backup import BackupError, write_verified_copy
        from ctgdesk.db.health import HealthStatus

        with open_base(args, Access.PREVIEW, engine=False) as base, \
                tempfile.TemporaryDirectory(prefix="ctgdesk-apercu-", ignore_cleanup_errors=True) as folder:
            copy = Path(folder) / "apercu.sqlite"
            if base.report.status is not HealthStatus.NEW:
                try:
                    write_verified_copy(base.path, copy)
                except BackupError as error:
                    raise CommandError(str(error)) from None
            db = open_database(copy)
            try:
                yield db
            finally:
                db.dispose()
        return
    with open_base(args, Access.CREATE if write else Access.READ) as base:
        yield base.db


def _import_options(args) -> dict:
    options = {}
    if args.kind == "etp":
        options = {"year": args.year, "previous_year": args.previous_year}
    elif args.kind == "communes":
        options = {"dep": args.dep, "codes": args.codes}
    elif args.kind == "meetings":
        options = {"coordinator": args.coordinator}
    if getattr(args, "sheet", None):
        options["sheet"] = args.sheet
    return options


def run_import_command(args) -> int:
    from ctgdesk.services.imports import run_import

    with _database(args, write=not args.dry_run) as db:
        report = run_import(db, args.kind, args.file, dry_run=args.dry_run, **_import_options(args))
    print(report.text())
    return 0 if report.ok else 1


def run_export_workbook(args) -> int:
    from ctgdesk.exchange.workbook import WorkbookWriteError
    from ctgdesk.services.imports.workbook import export_workbook

    with _database(args, write=False) as db, db.session() as session:
        try:
            summary = export_workbook(session, args.out)
        except WorkbookWriteError as error:
            raise CommandError(str(error)) from None
    print(f"Classeur complet écrit : {summary.path} ({summary.tables} feuilles, {summary.rows} lignes).")
    return 0


def parse_moment(text: str) -> datetime:
    """'30/06/2026', '1er juillet 2026', '30/06/2026 14:00', '30/06/2026 14h' or ISO → a datetime
    (local clock). Dates and times are read by services.parsing, as in the forms."""
    from ctgdesk.services.errors import ValidationError
    from ctgdesk.services.parsing import parse_date, parse_time

    text = text.strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    head, _, tail = text.rpartition(" ")
    for day_text, time_text in ((text, ""), (head, tail)):
        try:
            day, at = parse_date(day_text), parse_time(time_text)
        except ValidationError:
            continue
        if day is not None:
            return datetime.combine(day, at or time(0))
    raise CommandError(f"« {text} » n'est pas une date (JJ/MM/AAAA ou JJ/MM/AAAA HH:MM).")


def run_export_package(args) -> int:
    from ctgdesk.exchange.package import PackageWriteError
    from ctgdesk.services import people
    from ctgdesk.services.imports.packages import export_package, utc_from_local

    base_at = utc_from_local(parse_moment(args.since)) if args.since else None
    with _database(args, write=False) as db, db.session() as session:
        coordinator_id = None
        if args.coordinator:
            coordinator = people.find_coordinator(session, args.coordinator)
            if coordinator is None:
                raise CommandError(f"Aucun·e chargé·e de coopération ne s'appelle « {args.coordinator} ».")
            coordinator_id = coordinator.id
        try:
            summary = export_package(session, args.out, coordinator_id=coordinator_id, year=args.year, base_at=base_at)
        except PackageWriteError as error:
            raise CommandError(str(error)) from None
    who = f" de {summary.coordinator}" if summary.coordinator else ""
    year = f" pour {summary.year}" if summary.year else ""
    print(f"Paquet{who}{year} écrit : {summary.path} ({summary.rows} lignes).")
    return 0
