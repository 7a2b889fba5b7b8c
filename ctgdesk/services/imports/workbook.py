"""The whole database as one workbook (export), and that workbook into an empty database
(import). Round trip is lossless: export → import into a new database → export gives the
same cells."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ctgdesk import __version__
from ctgdesk.exchange.readers import ImportFileError, Location
from ctgdesk.exchange.workbook import SheetData, read_workbook, write_workbook
from ctgdesk.services.imports.dataset import (
    TABLE_TITLES,
    Dataset,
    RowData,
    TableData,
    check_columns,
    decode,
    dump_dataset,
    exported_tables,
    has_uid,
    table_fields,
)
from ctgdesk.services.imports.report import ImportReport
from ctgdesk.services.imports.rows import RowError, row_savepoint


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    tables: int
    rows: int


# --- writing -----------------------------------------------------------------------------

def readme_rows(dataset: Dataset, exported_at: datetime) -> list[list[str]]:
    rows = [
        ["ctgdesk — classeur complet de la base"],
        [f"Exporté le {exported_at:%d/%m/%Y à %H:%M} par ctgdesk {__version__}."],
        [],
        ["Ce classeur contient toutes les données saisies, une feuille par table, une ligne par enregistrement."],
        ["Il se réimporte dans une base vide (« ctgdesk import workbook FICHIER ») sans rien perdre."],
        ["Chaque ligne a un « uid » stable : les liens entre feuilles passent par ces uid (colonnes « …_uid »)."],
        ["Toutes les valeurs sont écrites en texte : décimaux avec un point (0.400), dates AAAA-MM-JJ, oui/non."],
        ["Une cellule vide signifie « pas de valeur » ; « base64: » suivi de caractères code un texte particulier"],
        ["(vide, retours chariot, caractères de contrôle) ou un fichier (logos)."],
        ["Une cellule Excel tient 32 767 caractères : une valeur plus longue (long texte, logo) continue dans les"],
        ["colonnes « colonne (suite 2) », « (suite 3) »… ajoutées à droite de la feuille ; rien n'est coupé."],
        ["Le référentiel national n'y figure pas : il est fourni avec ctgdesk."],
        [],
        ["Feuille", "Lignes", "Contenu"],
    ]
    for table in exported_tables():
        rows.append([table.name, str(len(dataset.table(table.name).rows)), TABLE_TITLES.get(table.name, "")])
    rows += [[], ["Feuille", "Colonne", "Description"]]
    for table in exported_tables():
        for f in table_fields(table):
            rows.append([table.name, f.name, f.describe()])
    return rows


def dataset_sheets(dataset: Dataset) -> list[SheetData]:
    sheets = []
    for table in exported_tables():
        data = dataset.table(table.name)
        fields = table_fields(table)
        keep_empty = {f.name for f in fields if f.kind == "text" and f.nullable}
        sheets.append(SheetData(
            table.name, list(data.fields), [[r.values.get(name) for name in data.fields] for r in data.rows], keep_empty,
        ))
    return sheets


def export_workbook(session: Session, path: Path | str, *, exported_at: datetime | None = None) -> ExportSummary:
    dataset = dump_dataset(session)
    path = write_workbook(path, readme_rows(dataset, exported_at or datetime.now()), dataset_sheets(dataset))
    return ExportSummary(Path(path), len(dataset.tables), dataset.row_count())


# --- reading -----------------------------------------------------------------------------

def dataset_from_sheets(file_name: str, sheets: dict[str, SheetData], report: ImportReport) -> Dataset:
    known = {t.name for t in exported_tables()}
    if not known & set(sheets):
        raise ImportFileError(
            f"« {file_name} » n'est pas un classeur complet exporté par ctgdesk (aucune feuille connue).",
            Location(file_name),
        )
    dataset = Dataset()
    for name, sheet in sheets.items():
        if name not in known:
            report.add_refused("Feuille", name, Location(file_name, name), "feuille inconnue, ignorée")
            continue
        data = TableData(name, sheet.headers)
        for index, values in enumerate(sheet.rows):
            data.rows.append(RowData(dict(zip(sheet.headers, values)), sheet.location(file_name, index)))
        dataset.tables[name] = data
    return dataset


def insert_dataset(session: Session, dataset: Dataset, report: ImportReport, file_name: str) -> None:
    """Insert every row, parents first, keeping uids and dates; references by uid."""
    local_ids: dict[str, dict[str, int]] = {}
    broken: dict[str, set[str]] = {}  # uids of the rows of a table that failed: no errors in cascade
    for table in exported_tables():
        data = dataset.tables.get(table.name)
        if data is None:
            continue
        problems = check_columns(data, Location(file_name, table.name, 1))
        for problem in problems:
            report.add_error(Location(file_name, table.name, 1), problem)
        if problems:
            broken[table.name] = {r.uid for r in data.rows if r.uid}
            continue
        ids = local_ids.setdefault(table.name, {})
        prepared = _prepare_rows(table, data, local_ids, broken, report)
        if prepared is None:
            broken[table.name] = {r.uid for r in data.rows if r.uid}
            continue
        if report.errors:  # only checking from now on: the import will not land anyway
            ids.update({values["uid"]: 0 for values, _, _ in prepared if values.get("uid")})
            continue
        _insert_rows(session, table, prepared, ids, report)
        deferred = [(uid, ref) for values, row, self_refs in prepared for uid in [values.get("uid")] for ref in self_refs]
        for uid, (column_name, target_uid, where) in deferred:
            if uid not in ids:
                continue
            if target_uid not in ids:
                report.add_error(where, f"« {target_uid} » ne correspond à aucune ligne de la feuille « {table.name} ».")
                continue
            # updated_at set to itself: a link restored is not a modification.
            session.execute(
                table.update().where(table.c.id == ids[uid])
                .values({column_name: ids[target_uid], "updated_at": table.c.updated_at})
            )
        if data.rows:
            report.add_created(TABLE_TITLES.get(table.name, table.name), f"{len(data.rows)} ligne(s)",
                               Location(file_name, table.name))


Prepared = list[tuple[dict, RowData, list[tuple[str, str, "Location | None"]]]]


def _prepare_rows(
    table, data: TableData, local_ids: dict[str, dict[str, int]], broken: dict[str, set[str]], report: ImportReport,
) -> Prepared | None:
    """Decode every row (no database access); None when any row is wrong (errors reported).

    A reference to a row of a table that already failed is not reported again."""
    fields = table_fields(table)
    prepared: Prepared = []
    seen: set[str] = set()
    failed = False
    for row in data.rows:
        try:
            values: dict = {}
            self_refs = []
            for f in fields:
                where = _cell(row, f.name)
                text = row.values.get(f.name)
                if f.kind != "ref":
                    values[f.column.name] = decode(f, text, where)
                elif text is None:
                    if not f.nullable:
                        raise RowError(where, f"La colonne « {f.name} » est obligatoire.")
                    values[f.column.name] = None
                elif f.target == table.name:
                    values[f.column.name] = None
                    self_refs.append((f.column.name, text, where))
                elif text in broken.get(f.target, ()):
                    values[f.column.name] = None
                    failed = True
                elif text not in local_ids.get(f.target, {}):
                    raise RowError(where, f"« {text} » ne correspond à aucune ligne de la feuille « {f.target} ».")
                else:
                    values[f.column.name] = local_ids[f.target][text]
            if has_uid(table):
                uid = values.get("uid")
                if not uid:
                    raise RowError(_cell(row, "uid"), "L'uid de la ligne manque.")
                if uid in seen:
                    raise RowError(_cell(row, "uid"), f"L'uid « {uid} » figure deux fois dans la feuille.")
                seen.add(uid)
            prepared.append((values, row, self_refs))
        except RowError as error:
            report.add_error(error.location or row.location, error.message)
            failed = True
    return None if failed else prepared


def _insert_rows(session: Session, table, prepared: Prepared, ids: dict[str, int], report: ImportReport) -> None:
    """All rows at once; if the database refuses, row by row to say which ones."""
    if not prepared:
        return
    with_uid = has_uid(table)
    statement = table.insert()
    if with_uid:
        statement = statement.returning(table.c.id, table.c.uid, sort_by_parameter_order=True)
    nested = session.begin_nested()
    try:
        result = session.execute(statement, [values for values, _, _ in prepared])
        if with_uid:
            found = {uid: record_id for record_id, uid in result.all()}
            ids.update(found)
            for values, row, _ in prepared:
                if row.location is not None:
                    report.record_locations[(table.name, found[values["uid"]])] = row.location
        nested.commit()
        return
    except IntegrityError:
        nested.rollback()
    for values, row, _ in prepared:
        with row_savepoint(session, report, row.location):
            try:
                result = session.execute(table.insert().values(**values))
            except IntegrityError as error:
                raise RowError(row.location, f"La ligne ne respecte pas une règle de la base ({_reason(error)}).") from None
            if with_uid:
                ids[values["uid"]] = result.inserted_primary_key[0]
                if row.location is not None:
                    report.record_locations[(table.name, ids[values["uid"]])] = row.location


def _cell(row: RowData, column: str) -> Location | None:
    if row.location is None:
        return None
    return row.location.at(column=_column_index(row, column), header=column)


def _column_index(row: RowData, column: str) -> int | None:
    names = list(row.values)
    return names.index(column) + 1 if column in names else None


def _reason(error: IntegrityError) -> str:
    text = str(error.orig) if error.orig is not None else str(error)
    if "FOREIGN KEY" in text:
        return "référence à une ligne absente"
    if "UNIQUE" in text:
        return "valeur déjà présente : " + text.split(":", 1)[-1].strip()
    if "CHECK" in text:
        return "valeur hors des limites permises : " + text.split(":", 1)[-1].strip()
    if "NOT NULL" in text:
        return "valeur obligatoire manquante : " + text.split(":", 1)[-1].strip()
    return text


def user_data_count(session: Session) -> int:
    return sum(session.scalar(select(func.count()).select_from(t)) for t in exported_tables())


def import_workbook_file(session: Session, path: Path, report: ImportReport) -> None:
    """The workbook into an EMPTY database (the referential may be there)."""
    count = user_data_count(session)
    if count:
        raise ImportFileError(
            f"La base contient déjà des données ({count} lignes) : le classeur complet ne s'importe que dans une "
            "base vide. Créez une nouvelle base, ou importez un paquet pour consolider.",
            Location(path.name),
        )
    sheets = read_workbook(path)
    dataset = dataset_from_sheets(path.name, sheets, report)
    insert_dataset(session, dataset, report, path.name)

