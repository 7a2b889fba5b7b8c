"""export bilan | ics | csv | meeting: the annual bilan (Excel for the CAF, PDF for the COPIL), the
meetings calendar, any table as CSV, a meeting's documents (convocation, émargement, compte rendu,
relevé, dossier de COPIL) as .docx / PDF or as an e-mail draft."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from ctgdesk.cli import CommandError, open_base
from ctgdesk.db.opening import Access
from ctgdesk.exchange.atomic import ExportError
from ctgdesk.models import Convention, Meeting, Organisation
from ctgdesk.services.bilan import Scope, compute_bilan, meeting_lines
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.parsing import name_key

FORMATS = ("xlsx", "pdf")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("export", help="bilan annuel (Excel, PDF), calendrier .ics, tables CSV")
    kinds = parser.add_subparsers(dest="export_kind", metavar="QUOI", required=True)

    bilan = kinds.add_parser("bilan", help="le bilan annuel : Excel pour la CAF, PDF pour le COPIL")
    bilan.add_argument("--year", type=int, required=True, help="année du bilan (ou première année)")
    bilan.add_argument("--to-year", type=int, default=None, help="dernière année d'un bilan pluriannuel")
    who = bilan.add_mutually_exclusive_group()
    who.add_argument("--coordinator", metavar="NOM", help="bilan d'un·e chargé·e de coopération (Prénom Nom)")
    who.add_argument("--commune", metavar="INSEE", help="bilan d'une commune (code INSEE ou nom)")
    bilan.add_argument("--format", choices=FORMATS, default=None, help="xlsx ou pdf (par défaut : extension du fichier)")
    bilan.add_argument("--out", type=Path, required=True, help="fichier à écrire")
    bilan.add_argument("--columns", action="append", default=[], metavar="FEUILLE=COL,COL",
                       help="colonnes d'une feuille longue du classeur, ex. « Réunions=date,instance,statut » "
                            "(répétable)")
    bilan.set_defaults(handler=run_bilan)

    ics = kinds.add_parser("ics", help="les réunions en calendrier .ics (Outlook, Thunderbird)")
    ics.add_argument("--out", type=Path, required=True)
    ics.add_argument("--year", type=int, default=None, help="une année (par défaut : toutes)")
    ics.set_defaults(handler=run_ics)

    from ctgdesk.exchange.bilan_tables import CSV_TABLES

    csv = kinds.add_parser("csv", help="une table en CSV (séparateur ;, UTF-8 avec BOM pour Excel)")
    csv.add_argument("table", choices=CSV_TABLES)
    csv.add_argument("--out", type=Path, required=True)
    csv.add_argument("--year", type=int, default=None, help="une année (par défaut : toutes)")
    csv.set_defaults(handler=run_csv)

    meeting = kinds.add_parser("meeting", help="un document de réunion : convocation, émargement, compte rendu, "
                                                 "relevé de décisions, dossier de COPIL (.docx, PDF, brouillon .eml)")
    meeting.add_argument("meeting", metavar="ID", help="identifiant de la réunion (colonne « Identifiant » de « export csv meetings ») ou son uid")
    meeting.add_argument("--doc", required=True, choices=("convocation", "emargement", "compte-rendu", "releve",
                                                         "dossier"), help="le document")
    meeting.add_argument("--format", choices=("docx", "pdf"), default=None,
                         help="docx ou pdf (par défaut : extension du fichier ; pdf pour un brouillon .eml)")
    meeting.add_argument("--email", action="store_true",
                         help="écrit un brouillon de courriel .eml (jamais envoyé) avec le document en pièce jointe")
    meeting.add_argument("--model", type=Path, default=None, help="modèle Word du territoire (.docx) pour --format docx")
    meeting.add_argument("--out", type=Path, required=True, help="fichier à écrire")
    meeting.set_defaults(handler=run_meeting)

    from ctgdesk.commands.transfer import add_export_kinds

    add_export_kinds(kinds)


def parse_columns(items: list[str]) -> dict[str, list[str]]:
    """["Réunions=date,instance", …] → {"Réunions": ["date", "instance"]}."""
    columns: dict[str, list[str]] = {}
    for item in items:
        sheet, sep, names = item.partition("=")
        wanted = [n.strip() for n in names.split(",") if n.strip()]
        if not sep or not sheet.strip() or not wanted:
            raise CommandError(f"--columns « {item} » : écrivez FEUILLE=colonne,colonne (ex. Réunions=date,instance).")
        columns[sheet.strip()] = wanted
    return columns


def find_scope(session, args) -> Scope:
    if getattr(args, "coordinator", None):
        from ctgdesk.services.people import find_coordinator

        coordinator = find_coordinator(session, args.coordinator)
        if coordinator is None:
            raise CommandError(f"Aucun·e chargé·e de coopération ne s'appelle « {args.coordinator} ».")
        return Scope.coordinator(coordinator.id)
    if getattr(args, "commune", None):
        wanted = args.commune.strip()
        commune = session.scalar(select(Organisation).where(Organisation.insee_code == wanted.upper()))
        if commune is None:
            matches = [o for o in session.scalars(select(Organisation)) if name_key(o.name) == name_key(wanted)]
            commune = matches[0] if len(matches) == 1 else None
        if commune is None:
            raise CommandError(f"Aucune commune n'a le code INSEE (ou le nom) « {wanted} ».")
        return Scope.commune(commune.id)
    return Scope.territory()


def _format(args) -> str:
    if args.format:
        return args.format
    suffix = args.out.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise CommandError("Précisez --format xlsx ou --format pdf (ou une extension .xlsx / .pdf).")


def run_bilan(args) -> int:
    from ctgdesk.exchange.bilan_pdf import write_bilan_pdf
    from ctgdesk.exchange.bilan_xlsx import BilanXlsxOptions, write_bilan_xlsx

    kind = _format(args)
    columns = parse_columns(args.columns)
    if columns and kind != "xlsx":
        raise CommandError("--columns ne concerne que le classeur Excel (--format xlsx).")
    if args.to_year is not None and args.to_year < args.year:
        raise CommandError(f"--to-year {args.to_year} précède --year {args.year}.")
    with open_base(args, Access.READ) as base:
        try:
            with base.db.session() as session:
                scope = find_scope(session, args)
                bilan = compute_bilan(session, args.year, args.to_year, scope=scope)
            if kind == "xlsx":
                write_bilan_xlsx(bilan, args.out, BilanXlsxOptions(columns=columns))
            else:
                write_bilan_pdf(bilan, args.out)
        except (ExportError, ValidationError) as error:
            raise CommandError(error.message) from None
        except ValueError as error:  # an unknown column
            raise CommandError(str(error)) from None
    held = sum(1 for m in bilan.meetings if m.status.value == "tenue")
    print(f"{bilan.title} ({bilan.scope_label}) écrit dans {args.out} : {len(bilan.indicators)} indicateurs, "
          f"{held} réunions tenues.")
    return 0


def _all_years(session) -> tuple[int, int]:
    first, last = session.execute(select(func.min(Meeting.starts_at), func.max(Meeting.starts_at))).one()
    years = [d.year for d in (first, last) if d is not None]
    conventions = session.execute(select(func.min(Convention.first_year), func.max(Convention.last_year))).one()
    years += [y for y in conventions if y is not None]
    if not years:
        return date.today().year, date.today().year
    return min(years), max(years)


def run_ics(args) -> int:
    from ctgdesk.exchange.ics import write_ics

    with open_base(args, Access.READ) as base:
        try:
            with base.db.session() as session:
                meetings = meeting_lines(session, args.year, args.year) if args.year else meeting_lines(session)
            name = f"Réunions CTG {args.year}" if args.year else "Réunions CTG"
            write_ics(meetings, args.out, name=name)
        except ExportError as error:
            raise CommandError(error.message) from None
    print(f"{len(meetings)} réunion(s) écrite(s) dans {args.out}.")
    return 0


def run_csv(args) -> int:
    from ctgdesk.exchange.bilan_tables import csv_table
    from ctgdesk.exchange.csv_export import write_csv

    with open_base(args, Access.READ) as base:
        try:
            with base.db.session() as session:
                first, last = (args.year, args.year) if args.year else _all_years(session)
                bilan = compute_bilan(session, first, last)
            table = csv_table(bilan, args.table)
            count = write_csv(args.out, table.headers, table.text_values())
        except (ExportError, ValidationError) as error:
            raise CommandError(error.message) from None
        except ValueError as error:  # an indicator the referential describes wrongly
            raise CommandError(str(error)) from None
    print(f"{count} ligne(s) écrite(s) dans {args.out}.")
    return 0


def run_meeting(args) -> int:
    from ctgdesk.exchange.meeting_files import write_document, write_draft
    from ctgdesk.services.meeting_documents import find_meeting_id, meeting_document

    suffix = args.out.suffix.lower().lstrip(".")
    if args.email:
        if suffix != "eml":
            raise CommandError("Avec --email, le fichier écrit est un brouillon de courriel : --out BROUILLON.eml.")
        kind = args.format or "pdf"
    else:
        kind = args.format or (suffix if suffix in ("docx", "pdf") else None)
        if kind is None:
            raise CommandError("Précisez --format docx ou --format pdf (ou une extension .docx / .pdf).")
    if args.model is not None and kind != "docx":
        raise CommandError("--model (modèle Word) ne concerne que --format docx.")
    with open_base(args, Access.READ) as base:
        try:
            with base.db.session() as session:
                meeting_id = find_meeting_id(session, args.meeting)
                if meeting_id is None:
                    raise CommandError(f"Aucune réunion n'a l'identifiant (ou l'uid) « {args.meeting} ».")
                document = meeting_document(session, meeting_id, args.doc)
            if args.email:
                write_draft(document, kind, args.out, args.model)
            else:
                write_document(document, kind, args.out, args.model)
        except (ExportError, ValidationError) as error:
            raise CommandError(error.message) from None
    what = "Brouillon de courriel" if args.email else document.title
    print(f"{what} de « {document.meeting.name} » ({document.meeting.date_label}) écrit dans {args.out}.")
    return 0
