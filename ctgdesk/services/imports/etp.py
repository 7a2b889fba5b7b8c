"""The ETP table as conventions print it, into EtpAllocation / EtpShare.

One row per commune or structure:

    Commune / structure | ETP  | Nombre de personnes | Nom prénom
    Bruay-La-Buissière  | 0,40 | 2                   | DUPONT Marie, MARTIN Paul
    CCAS de Divion      | En cours |                 |
    TOTAL               | 3,25 | 9                   |

optionally with the same columns a second time for the previous period (CTG 1 → CTG 2); the
years are given by the user. Missing communes/structures and coordinators are created,
existing ones matched by name (services.parsing.name_key). The TOTAL row is checked against
the sum of the rows above it, not imported. Every rule goes through services.etp.set_allocation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctgdesk.exchange.readers import Cell, Column, ColumnSpec, ImportFileError, Row, Table, read_table
from ctgdesk.formatting import decimal2
from ctgdesk.models import EtpAllocation, EtpStatus
from ctgdesk.services import etp as etp_service
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.imports.matching import Resolver, split_names
from ctgdesk.services.imports.report import ImportReport
from ctgdesk.services.imports.rows import RowError, row_savepoint
from ctgdesk.services.parsing import fold, is_pending, name_key, parse_decimal

ETP_COLUMNS = (
    ColumnSpec(
        "structure",
        ("Commune / structure", "Communes / structures", "Commune ou structure", "Communes et structures",
         "Commune", "Communes", "Structure", "Structures", "Collectivité", "Collectivités"),
        required=True,
    ),
    ColumnSpec(
        "people_count",
        ("Nombre de personnes", "Nb de personnes", "Nb personnes", "Nombre de personne(s)", "Nombre de personne",
         "Nombre de chargés de coopération", "Nombre d'agents"),
        repeatable=True,
    ),
    ColumnSpec(
        "names",
        ("Nom prénom", "Nom et prénom", "Noms prénoms", "Nom(s) prénom(s)", "Noms et prénoms", "Noms",
         "Prénom nom", "Chargé(e)s de coopération", "Chargé(e) de coopération", "Chargés de coopération",
         "Chargé de coopération", "Agents"),
        repeatable=True,
    ),
    ColumnSpec("etp", ("ETP", "Nombre d'ETP", "Nombre ETP", "ETP chargé de coopération", "Temps de travail (ETP)"),
               required=True, repeatable=True),
)


@dataclass
class Period:
    year: int
    etp: Column
    people_count: Column | None
    names: Column | None
    occurrence: int
    total: Decimal = Decimal("0")
    people_total: int = 0
    failed: bool = False


def _periods(table: Table, year: int, previous_year: int | None) -> list[Period]:
    etps = table.columns_for("etp")
    counts = table.columns_for("people_count")
    names = table.columns_for("names")
    where = table.location
    if len(etps) > 2:
        letters = ", ".join(c.letter for c in etps)
        raise ImportFileError(f"Le tableau a {len(etps)} colonnes « ETP » ({letters}) : deux périodes au plus.", where)
    if len(etps) == 2 and previous_year is None:
        raise ImportFileError(
            f"Le tableau a deux périodes d'ETP (colonnes {etps[0].letter} et {etps[1].letter}) : "
            "indiquez aussi l'année de la période précédente.", where,
        )
    if len(etps) == 1 and previous_year is not None:
        raise ImportFileError(
            f"Le tableau n'a qu'une colonne « ETP » ({etps[0].letter}) : il n'y a pas de période précédente à lire.",
            where,
        )
    if previous_year is not None and previous_year >= year:
        raise ImportFileError(f"L'année précédente ({previous_year}) doit précéder l'année {year}.", where)
    groups = [
        (etps[i], counts[i] if i < len(counts) else None, names[i] if i < len(names) else None, i)
        for i in range(len(etps))
    ]
    if len(groups) == 1:
        return [Period(year, *groups[0])]
    # Which group is the previous period: years printed in the headers, else CTG 1 / CTG 2, else left to right.
    years_in = [set(g[0].years) for g in groups]
    if previous_year in years_in[1] or year in years_in[0]:
        groups.reverse()
    elif not any(years_in):
        numbers = [re.findall(r"\d+", g[0].tag) for g in groups]
        if all(numbers) and int(numbers[0][-1]) > int(numbers[1][-1]):
            groups.reverse()
    return [Period(previous_year, *groups[0]), Period(year, *groups[1])]


def is_total_row(name: str) -> bool:
    return fold(name).replace("-", " ").startswith(("total", "sous total", "s/total"))


def _people_count(cell: Cell | None) -> int | None:
    if cell is None or cell.is_empty:
        return None
    try:
        value = parse_decimal(cell.value)
    except ValidationError:
        raise RowError(cell.location, f"Le nombre de personnes « {cell.text} » n'est pas un nombre entier.") from None
    if value != value.to_integral_value() or value < 0:
        raise RowError(cell.location, f"Le nombre de personnes « {cell.text} » n'est pas un nombre entier positif.")
    return int(value)


def _cells(row: Row, period: Period) -> tuple[Cell, Cell | None, Cell | None]:
    return (
        row.cell("etp", period.occurrence),
        row.cell("people_count", period.occurrence) if period.people_count else None,
        row.cell("names", period.occurrence) if period.names else None,
    )


def _import_period(session: Session, resolver: Resolver, report: ImportReport, organisation, row: Row, period: Period) -> None:
    etp_cell, count_cell, names_cell = _cells(row, period)
    if all(c is None or c.is_empty for c in (etp_cell, count_cell, names_cell)):
        report.add_refused(f"ETP {period.year}", organisation.name, row.location, "aucune valeur pour cette année : ligne non importée")
        return
    people_count = _people_count(count_cell)
    shares = []
    if names_cell is not None and not names_cell.is_empty:
        for name in split_names(names_cell.text):
            coordinator = resolver.coordinator(name, names_cell.location, last_name_first=True)
            shares.append(etp_service.ShareInput(coordinator.id, None))
    value = etp_cell.value
    if isinstance(value, str) and etp_cell.is_empty:
        value = None
    existed = session.scalar(
        select(EtpAllocation.id).where(EtpAllocation.organisation_id == organisation.id, EtpAllocation.year == period.year)
    ) is not None
    try:
        allocation = etp_service.set_allocation(
            session, organisation.id, period.year, value, people_count=people_count, shares=shares,
        )
    except ValidationError as error:
        target = {"shares": names_cell, "people_count": count_cell}.get(error.field or "", etp_cell) or etp_cell
        raise RowError(target.location, error.message) from None
    if allocation.status is EtpStatus.FIXED and allocation.etp is not None:
        period.total += allocation.etp
    period.people_total += allocation.people_count or 0
    text = "En cours" if allocation.status is EtpStatus.PENDING else f"{decimal2(allocation.etp)} ETP"
    if allocation.people_count:
        text += f", {allocation.people_count} personne(s)"
    if existed:
        report.add_updated(f"ETP {period.year}", organisation.name, etp_cell.location, text)
    else:
        report.add_created(f"ETP {period.year}", organisation.name, etp_cell.location, text)


def _check_total(report: ImportReport, row: Row, periods: list[Period]) -> None:
    for period in periods:
        etp_cell, count_cell, _ = _cells(row, period)
        if period.failed:
            continue
        if etp_cell is not None and not etp_cell.is_empty and not is_pending(etp_cell.value):
            try:
                printed = parse_decimal(etp_cell.value)
            except ValidationError:
                report.add_error(etp_cell.location, f"Le total « {etp_cell.text} » n'est pas un nombre.")
                continue
            cent = Decimal("0.01")
            if printed.quantize(cent) != period.total.quantize(cent):
                report.add_error(
                    etp_cell.location,
                    f"Le total indiqué pour {period.year} ({decimal2(printed)} ETP) ne correspond pas à la somme "
                    f"des lignes au-dessus ({decimal2(period.total)} ETP).",
                )
        if count_cell is not None and not count_cell.is_empty:
            try:
                printed_count = _people_count(count_cell)
            except RowError as error:
                report.add_error(error.location, error.message)
                continue
            if printed_count != period.people_total:
                report.add_error(
                    count_cell.location,
                    f"Le total de personnes indiqué pour {period.year} ({printed_count}) ne correspond pas à la "
                    f"somme des lignes au-dessus ({period.people_total}).",
                )


def import_etp(session: Session, table: Table, report: ImportReport, *, year: int, previous_year: int | None = None) -> None:
    periods = _periods(table, year, previous_year)
    for period in periods:
        try:
            etp_service.check_year(session, period.year)
        except ValidationError as error:
            raise ImportFileError(error.message, table.location) from None
    resolver = Resolver(session, report)
    seen: dict[str, int] = {}
    after_total = False
    for row in table.rows:
        if row.is_blank():
            continue
        name_cell = row.cell("structure")
        name = name_cell.text
        if not name:
            report.add_error(name_cell.location, "Le nom de la commune ou structure manque sur cette ligne.")
            continue
        if is_total_row(name):
            if fold(name).startswith("total"):
                _check_total(report, row, periods)
                after_total = True
            report.add_refused("Ligne de total", name, row.location, "vérifiée, non importée")
            continue
        if after_total:
            report.add_refused("Ligne", name, row.location, "sous la ligne TOTAL (note ?) : non importée")
            continue
        if all(c is None or c.is_empty for period in periods for c in _cells(row, period)):
            report.add_refused("Ligne", name, row.location, "aucun ETP, nombre ni nom : non importée")
            continue
        key = name_key(name)
        if key in seen:
            report.add_error(name_cell.location, f"« {name} » figure déjà ligne {seen[key]}.")
            continue
        seen[key] = row.number
        errors_before = report.error_count
        with row_savepoint(session, report, row.location, resolver):
            organisation = resolver.organisation(name, name_cell.location)
            for period in periods:
                _import_period(session, resolver, report, organisation, row, period)
        if report.error_count > errors_before:
            for period in periods:
                period.failed = True


def import_etp_file(
    session: Session, path: Path, report: ImportReport, *, year: int, previous_year: int | None = None,
    sheet: str | None = None,
) -> None:
    table = read_table(path, ETP_COLUMNS, sheet=sheet)
    import_etp(session, table, report, year=year, previous_year=previous_year)
