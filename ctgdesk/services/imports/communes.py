"""Communes from INSEE's Code officiel géographique, or from a plain « code ; nom » file.

The COG commune file (v_commune_AAAA.csv) has the columns TYPECOM, COM, REG, DEP, …,
LIBELLE; only TYPECOM « COM » rows are communes (not communes déléguées, associées or
arrondissements). It covers all of France: a département (`dep="62"`) or a list of codes
is required. Existing communes are matched by INSEE code; a commune already known by name
only (created by an ETP table, say) receives its code.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctgdesk.exchange.readers import ColumnSpec, ImportFileError, Table, read_table
from ctgdesk.models import Organisation, OrganisationKind
from ctgdesk.services import territory
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.imports.report import ImportReport
from ctgdesk.services.imports.rows import RowError, row_savepoint
from ctgdesk.services.parsing import name_key, validate_insee

COMMUNE_COLUMNS = (
    ColumnSpec("typecom", ("TYPECOM", "Type de commune")),
    ColumnSpec("code", ("COM", "Code INSEE", "Code commune", "Code officiel", "CODGEO", "DEPCOM", "INSEE", "Code"),
               required=True),
    ColumnSpec("dep", ("DEP", "Département", "Code département")),
    ColumnSpec("name", ("LIBELLE", "Libellé", "Nom de la commune", "Nom", "Commune"), required=True),
)


def parse_codes(text: str | list[str] | None) -> list[str]:
    """'62427, 62215 ;62250' → ['62427', '62215', '62250'] (each checked)."""
    if not text:
        return []
    items = text if isinstance(text, list) else text.replace(";", ",").replace(" ", ",").split(",")
    return [validate_insee(item, field="codes") for item in items if item and item.strip()]


def import_communes(
    session: Session, table: Table, report: ImportReport, *, dep: str | None = None, codes: list[str] | None = None,
) -> None:
    dep = (dep or "").strip().upper() or None
    wanted = set(codes or [])
    is_cog = table.has("typecom")
    if is_cog and not dep and not wanted:
        raise ImportFileError(
            "Le fichier de l'INSEE couvre toute la France : indiquez un département (ex. 62) "
            "ou une liste de codes de communes.", table.location,
        )
    found: dict[str, int] = {}
    for row in table.rows:
        if row.is_blank():
            continue
        typecom = row.text("typecom").upper()
        if is_cog and typecom != "COM":
            continue
        code_cell, name_cell = row.cell("code"), row.cell("name")
        try:
            code = validate_insee(code_cell.text)
        except ValidationError as error:
            report.add_error(code_cell.location, error.message)
            continue
        if code is None:
            report.add_error(code_cell.location, "Le code INSEE manque sur cette ligne.")
            continue
        row_dep = row.text("dep").upper() if table.has("dep") else None
        if dep and not (row_dep == dep if row_dep else code.startswith(dep)):
            continue
        if wanted and code not in wanted:
            continue
        if code in found:
            report.add_error(code_cell.location, f"Le code {code} figure déjà ligne {found[code]}.")
            continue
        found[code] = row.number
        name = " ".join(name_cell.text.split())
        if not name:
            report.add_error(name_cell.location, f"Le nom de la commune {code} manque.")
            continue
        with row_savepoint(session, report, row.location):
            _import_one(session, report, code, name, row, name_cell)
    for code in sorted(wanted - set(found)):
        report.add_error(table.location, f"La commune {code} demandée n'est pas dans le fichier.")
    if not found and not report.errors:
        where = f"le département {dep}" if dep else "ce fichier"
        report.add_error(table.location, f"Aucune commune trouvée pour {where}.")


def _import_one(session: Session, report: ImportReport, code: str, name: str, row, name_cell) -> None:
    existing = session.scalar(select(Organisation).where(Organisation.insee_code == code))
    if existing is not None:
        detail = "" if name_key(existing.name) == name_key(name) else f"nom dans la base : « {existing.name} »"
        report.add_matched("Commune", f"{name} ({code})", row.location, detail)
        return
    by_name = [
        o for o in session.scalars(select(Organisation).where(
            Organisation.kind == OrganisationKind.COMMUNE, Organisation.insee_code.is_(None)))
        if name_key(o.name) == name_key(name)
    ]
    try:
        if len(by_name) == 1:
            territory.update_organisation(session, by_name[0].id, insee_code=code)
            report.add_updated("Commune", f"{by_name[0].name} ({code})", row.location, "code INSEE ajouté")
            return
        territory.create_organisation(session, name=name, kind=OrganisationKind.COMMUNE, insee_code=code)
    except ValidationError as error:
        raise RowError(name_cell.location, error.message) from None
    report.add_created("Commune", f"{name} ({code})", row.location)


def import_communes_file(
    session: Session, path: Path, report: ImportReport, *, dep: str | None = None, codes: str | list[str] | None = None,
    sheet: str | None = None,
) -> None:
    table = read_table(path, COMMUNE_COLUMNS, sheet=sheet, headerless=("code", "name"))
    import_communes(session, table, report, dep=dep, codes=parse_codes(codes))
