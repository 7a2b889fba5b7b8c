"""Coordinators' packages: a coordinator exports her year; the chef de projet consolidates
the packages of many coordinators into the territory database.

Export: the coordinator's meetings (with attendances, decisions, alerts, expertises and
communes), journal entries, ETP allocations she shares and follow-ups she wrote for the
year, plus every record these point at (instances, communes, people, fiches…), keyed by uid.

Import (consolidation), table by table, parents first:
- a record is found by its uid, else by what names it (an organisation by INSEE code or
  name, a person by name, an allocation by structure and year…); else it is created with
  the package's uid and date of change;
- a found record with the same content is left alone: importing a package twice changes
  nothing;
- a found record whose content differs is compared by date of change with the package's
  base (`base_at`, UTC, the date the coordinator's copy last agreed with the territory):
  changed only in the package → updated; changed only in the territory → kept; changed on
  both sides (or, without a base, the territory's copy is the more recent) → listed as a
  conflict, never silently overwritten;
- a meeting (journal entry, allocation…) is compared and merged whole with the rows that
  belong to it (attendances, decisions… see dataset.AGGREGATES).
Deletions are not carried: a meeting deleted by a coordinator stays in the territory.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ctgdesk import __version__
from ctgdesk.exchange.package import read_package, write_package
from ctgdesk.exchange.readers import ImportFileError, Location
from ctgdesk.formatting import date_time
from ctgdesk.models.base import utcnow
from ctgdesk.models import (
    Base,
    Coordinator,
    EtpAllocation,
    EtpShare,
    FollowUp,
    JournalEntry,
    Meeting,
)
from ctgdesk.services.imports.dataset import (
    AGGREGATES,
    CHILD_OWNER,
    RECORD_LABELS,
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
from ctgdesk.services.imports.rows import RowError, SkipRow, row_savepoint
from ctgdesk.services.parsing import name_key
from ctgdesk.services.records import get_or_fail

PACKAGE_SUFFIX = ".ctgpaquet"
COORDINATOR_AGGREGATES = {"meeting", "journal_entry", "etp_allocation"}
CHUNK = 500
NOT_CONTENT = {"id", "uid", "updated_at"}


@dataclass(frozen=True)
class PackageSummary:
    path: Path
    rows: int
    coordinator: str | None
    year: int | None


# --- export ------------------------------------------------------------------------------

def _chunks(ids: set[int]) -> list[list[int]]:
    ordered = sorted(ids)
    return [ordered[i:i + CHUNK] for i in range(0, len(ordered), CHUNK)]


def _year_range(column, year: int | None, *, is_date: bool = False):
    if year is None:
        return True
    if is_date:
        return and_(column >= date(year, 1, 1), column <= date(year, 12, 31))
    return and_(column >= datetime(year, 1, 1), column < datetime(year + 1, 1, 1))


def select_records(session: Session, coordinator_id: int | None, year: int | None) -> tuple[dict[str, set[int]], set[str]]:
    """Ids per table of a coordinator's (or everyone's) year, with everything they point at."""
    selection: dict[str, set[int]] = defaultdict(set)
    c = coordinator_id
    selection["meeting"] |= set(session.scalars(select(Meeting.id).where(
        Meeting.animator_id == c if c is not None else True, _year_range(Meeting.starts_at, year))))
    selection["journal_entry"] |= set(session.scalars(select(JournalEntry.id).where(
        JournalEntry.coordinator_id == c if c is not None else True, _year_range(JournalEntry.date, year, is_date=True))))
    allocations = select(EtpAllocation.id).where(EtpAllocation.year == year if year is not None else True)
    if c is not None:
        allocations = allocations.where(exists().where(EtpShare.allocation_id == EtpAllocation.id, EtpShare.coordinator_id == c))
    selection["etp_allocation"] |= set(session.scalars(allocations))
    selection["follow_up"] |= set(session.scalars(select(FollowUp.id).where(
        FollowUp.author_id == c if c is not None else True, _year_range(FollowUp.date, year, is_date=True))))
    if c is not None:
        selection["coordinator"].add(c)
    tables = Base.metadata.tables
    for owner in COORDINATOR_AGGREGATES:
        for child_name, column in AGGREGATES[owner].items():
            child = tables[child_name]
            for chunk in _chunks(selection[owner]):
                if has_uid(child):
                    selection[child_name] |= set(session.scalars(select(child.c.id).where(child.c[column].in_(chunk))))
                else:
                    for f in table_fields(child):
                        if f.column.name != column:
                            selection[f.target] |= set(session.scalars(
                                select(f.column).where(child.c[column].in_(chunk))))
    # Everything the selected rows point at, until nothing more comes in.
    changed = True
    while changed:
        changed = False
        for table in exported_tables():
            if not has_uid(table) or not selection.get(table.name):
                continue
            for f in table_fields(table):
                if f.kind != "ref":
                    continue
                for chunk in _chunks(selection[table.name]):
                    found = set(session.scalars(select(f.column).where(table.c.id.in_(chunk), f.column.is_not(None))))
                    if not found <= selection[f.target]:
                        selection[f.target] |= found
                        changed = True
    return dict(selection), set(COORDINATOR_AGGREGATES)


def export_package(
    session: Session, path: Path | str, *, coordinator_id: int | None = None, year: int | None = None,
    base_at: datetime | None = None, exported_at: datetime | None = None,
) -> PackageSummary:
    """One file with the coordinator's year (or, without coordinator nor year, the whole base)."""
    coordinator = get_or_fail(session, Coordinator, coordinator_id, "Le/la chargé·e de coopération") if coordinator_id else None
    if coordinator is None and year is None:
        selection, complete = None, set(AGGREGATES)
    else:
        selection, complete = select_records(session, coordinator_id, year)
    dataset = dump_dataset(session, selection, complete)
    manifest = {
        "exported_at": (exported_at or utcnow()).isoformat(),
        "base_at": base_at.isoformat() if base_at else None,
        "coordinator": {"uid": coordinator.uid, "name": coordinator.name} if coordinator else None,
        "year": year,
        "complete": sorted(complete),
        "app_version": __version__,
        "counts": {name: len(t.rows) for name, t in dataset.tables.items() if t.rows},
    }
    tables = {
        name: (data.fields, [[r.values.get(f) for f in data.fields] for r in data.rows])
        for name, data in dataset.tables.items()
    }
    written = write_package(path, manifest, tables)
    return PackageSummary(Path(written), dataset.row_count(), coordinator.name if coordinator else None, year)


# --- import ------------------------------------------------------------------------------

@dataclass(frozen=True)
class PackageInfo:
    exported_at: datetime | None
    base_at: datetime | None
    coordinator: str | None
    year: int | None
    complete: frozenset[str]

    @classmethod
    def from_manifest(cls, manifest: dict, where: Location) -> "PackageInfo":
        def when(key: str) -> datetime | None:
            value = manifest.get(key)
            if value in (None, ""):
                return None
            try:
                return datetime.fromisoformat(value)
            except (TypeError, ValueError):
                raise ImportFileError(f"La date « {key} » du paquet est illisible : « {value} ».", where) from None

        coordinator = manifest.get("coordinator") or {}
        return cls(
            exported_at=when("exported_at"), base_at=when("base_at"),
            coordinator=coordinator.get("name") if isinstance(coordinator, dict) else None,
            year=manifest.get("year") if isinstance(manifest.get("year"), int) else None,
            complete=frozenset(manifest.get("complete") or AGGREGATES),
        )


def local_time(utc: datetime) -> datetime:
    """A stored date of change (UTC) as the user's clock shows it."""
    return utc.replace(tzinfo=timezone.utc).astimezone().replace(tzinfo=None)


def utc_from_local(moment: datetime) -> datetime:
    """A date typed by the user (local clock) as stored dates of change are (UTC, naive)."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _canon(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return value.normalize()
    return value


def row_label(table_name: str, values: dict) -> str:
    for key in ("name", "title", "label", "subject", "nature", "text"):
        if values.get(key):
            text = str(values[key])
            return text if len(text) <= 80 else text[:77] + "…"
    if values.get("last_name") is not None:
        return f"{values.get('first_name') or ''} {values['last_name']}".strip()
    if table_name == "meeting" and values.get("starts_at"):
        return date_time(values["starts_at"])
    for key in ("date", "year", "indicator_code"):
        if values.get(key) is not None:
            return str(values[key])
    return values.get("uid") or ""


class Merger:
    def __init__(self, session: Session, report: ImportReport, file_name: str, info: PackageInfo):
        self.session = session
        self.report = report
        self.file_name = file_name
        self.info = info
        self.ids: dict[str, dict[str, int]] = defaultdict(dict)  # package uid → local id
        self.claimed: dict[str, set[int]] = defaultdict(set)
        self.broken: dict[str, set[str]] = defaultdict(set)
        self.same: dict[str, int] = defaultdict(int)
        # owner table → package uid → (action, local id, values, row)
        self.owners: dict[str, dict[str, tuple[str, int, dict, RowData]]] = defaultdict(dict)

    # -- values ---------------------------------------------------------------------

    def decode_row(self, table, row: RowData, *, skip: str | None = None) -> dict:
        """Database values of a package row; references turned into local ids."""
        values: dict = {}
        for f in table_fields(table):
            if f.column.name == skip:
                continue
            text = row.values.get(f.name)
            where = self.cell(row, f.name)
            if f.kind != "ref":
                values[f.column.name] = decode(f, text, where)
            elif text is None:
                if not f.nullable:
                    raise RowError(where, f"La colonne « {f.name} » est obligatoire.")
                values[f.column.name] = None
            elif text in self.broken[f.target]:
                raise SkipRow()
            elif text in self.ids[f.target]:
                values[f.column.name] = self.ids[f.target][text]
            else:
                local = self.session.scalar(select(Base.metadata.tables[f.target].c.id).where(
                    Base.metadata.tables[f.target].c.uid == text))
                if local is None:
                    raise RowError(where, f"« {text} » ne correspond à aucune ligne de « {f.target} », "
                                          "ni dans le paquet ni dans la base.")
                values[f.column.name] = self.ids[f.target][text] = local
        return values

    def label(self, table_name: str, values: dict) -> str:
        """How users know a record: a coordinator by her name, a meeting by its title or date…"""
        if table_name == "coordinator" and values.get("person_id") is not None:
            person = Base.metadata.tables["person"]
            first, last = self.session.execute(
                select(person.c.first_name, person.c.last_name).where(person.c.id == values["person_id"])).one()
            return f"{first} {last}".strip()
        return row_label(table_name, values)

    @staticmethod
    def cell(row: RowData, column: str) -> Location | None:
        if row.location is None:
            return None
        names = list(row.values)
        return row.location.at(column=names.index(column) + 1 if column in names else None, header=column)

    # -- finding the local record -----------------------------------------------------

    def find_local(self, table, values: dict) -> tuple[int | None, bool]:
        """(local id or None, whether found by uid rather than by what names it)."""
        if has_uid(table):
            found = self.session.scalar(select(table.c.id).where(table.c.uid == values["uid"]))
            if found is not None:
                return found, True
        finder = NATURAL_KEYS.get(table.name)
        if finder is None:
            return None, False
        for candidate in finder(self.session, table, values):
            if candidate not in self.claimed[table.name]:
                return candidate, False
        return None, False

    # -- versions and decisions ---------------------------------------------------------

    def decide(self, package_version: datetime, local_version: datetime) -> str:
        base = self.info.base_at
        if base is not None:
            changed_here, changed_there = package_version > base, local_version > base
            if changed_here and not changed_there:
                return "update"
            if changed_there and not changed_here:
                return "keep"
            return "conflict"
        return "update" if package_version > local_version else "conflict"

    def conflict_detail(self, package_version: datetime, local_version: datetime) -> str:
        base = f", base du paquet : {date_time(local_time(self.info.base_at))}" if self.info.base_at else ""
        return (f"modifié des deux côtés (paquet : {date_time(local_time(package_version))}, territoire : "
                f"{date_time(local_time(local_version))}{base}) : la version du territoire est conservée")

    # -- rows ----------------------------------------------------------------------------

    def content(self, table, values: dict, *, skip: str | None = None) -> tuple:
        return tuple(
            (name, _canon(values[name])) for name in sorted(values) if name not in NOT_CONTENT and name != skip
        )

    def local_values(self, table, local_id: int) -> dict:
        return dict(self.session.execute(select(table).where(table.c.id == local_id)).mappings().one())

    def plain_row(self, table, row: RowData) -> None:
        values = self.decode_row(table, row)
        title = RECORD_LABELS.get(table.name, table.name)
        local_id, by_uid = self.find_local(table, values)
        uid = values.get("uid")
        if local_id is None:
            try:
                result = self.session.execute(table.insert().values(**values))
            except IntegrityError as error:
                raise RowError(row.location, f"La ligne ne respecte pas une règle de la base ({error.orig}).") from None
            local_id = result.inserted_primary_key[0]
            self.ids[table.name][uid] = local_id
            if row.location is not None:
                self.report.record_locations[(table.name, local_id)] = row.location
            self.claimed[table.name].add(local_id)
            if table.name in AGGREGATES:
                self.owners[table.name][uid] = ("insert", local_id, values, row)
            self.report.add_created(title, self.label(table.name, values), row.location)
            return
        self.ids[table.name][uid] = local_id
        self.claimed[table.name].add(local_id)
        if table.name in AGGREGATES:
            self.owners[table.name][uid] = ("compare" if by_uid else "compare-by-name", local_id, values, row)
            return
        local = self.local_values(table, local_id)
        if self.content(table, values) == self.content(table, local):
            self.same[table.name] += 1
            return
        self.reconcile(table, local_id, values, local, values["updated_at"], local["updated_at"], row, by_uid)

    def reconcile(self, table, local_id: int, values: dict, local: dict, package_version: datetime,
                  local_version: datetime, row: RowData, by_uid: bool) -> str:
        """Apply the package's version, keep the territory's, or list a conflict."""
        title = RECORD_LABELS.get(table.name, table.name)
        label = self.label(table.name, local)
        if not by_uid:
            # Created separately on both sides, recognised by name: never in agreement, no base to judge.
            differing = ", ".join(
                k for k in sorted(values) if k not in NOT_CONTENT and _canon(values[k]) != _canon(local.get(k))
            )
            self.report.add_conflict(
                title, label, row.location,
                f"enregistré des deux côtés et rapproché par son nom, mais différent ({differing or 'lignes liées'}) : "
                "la version du territoire est conservée",
            )
            return "conflict"
        decision = self.decide(package_version, local_version)
        if decision == "update":
            changes = {k: v for k, v in values.items() if k not in ("id", "uid")}
            changed = [k for k in changes if k != "updated_at" and _canon(changes[k]) != _canon(local.get(k))]
            try:
                self.session.execute(table.update().where(table.c.id == local_id).values(**changes))
            except IntegrityError as error:
                raise RowError(row.location, f"La mise à jour ne respecte pas une règle de la base ({error.orig}).") from None
            if row.location is not None:
                self.report.record_locations[(table.name, local_id)] = row.location
            self.report.add_updated(title, label, row.location, "modifié dans le paquet : " + ", ".join(changed) if changed else "")
        elif decision == "keep":
            self.report.add_matched(title, label, row.location, "modifié seulement dans le territoire : conservé")
        else:
            self.report.add_conflict(title, label, row.location, self.conflict_detail(package_version, local_version))
        return decision

    # -- aggregates ------------------------------------------------------------------------

    def package_children(self, dataset: Dataset, owner: str) -> dict[str, dict[str, list[tuple[dict, RowData]]]]:
        """child table → owner uid → [(values without the owner link, row)]."""
        result: dict[str, dict[str, list]] = {}
        for child_name, column in AGGREGATES[owner].items():
            child = Base.metadata.tables[child_name]
            link = next(f.name for f in table_fields(child) if f.column.name == column)
            grouped: dict[str, list] = defaultdict(list)
            for row in dataset.tables.get(child_name, TableData(child_name, [])).rows:
                owner_uid = row.values.get(link)
                if owner_uid is None:
                    continue  # an alert without meeting: a record of its own
                grouped[owner_uid].append(row)
            result[child_name] = grouped
        return result

    def merge_aggregates(self, dataset: Dataset) -> None:
        for owner in [t.name for t in exported_tables() if t.name in AGGREGATES]:
            if owner not in self.info.complete:
                continue  # only the record itself is in the package: merged as a plain row
            children = self.package_children(dataset, owner)
            owner_table = Base.metadata.tables[owner]
            for uid, (action, local_id, values, row) in list(self.owners[owner].items()):
                with row_savepoint(self.session, self.report, row.location):
                    decoded = {
                        child: [(self.decode_row(Base.metadata.tables[child], r, skip=AGGREGATES[owner][child]), r)
                                for r in rows.get(uid, [])]
                        for child, rows in children.items()
                    }
                    if action.startswith("compare"):
                        local = self.local_values(owner_table, local_id)
                        local_children = self.local_children(owner, local_id)
                        same = self.content(owner_table, values) == self.content(owner_table, local) and all(
                            self.children_content(child, [v for v, _ in decoded[child]])
                            == self.children_content(child, local_children[child])
                            for child in AGGREGATES[owner]
                        )
                        if same:
                            self.same[owner] += 1
                            continue
                        package_version = max([values["updated_at"], *(v["updated_at"] for rows in decoded.values()
                                                                        for v, _ in rows if "updated_at" in v)])
                        local_version = max([local["updated_at"], *(v["updated_at"] for rows in local_children.values()
                                                                    for v in rows if "updated_at" in v)])
                        decision = self.reconcile(owner_table, local_id, values, local, package_version,
                                                  local_version, row, action == "compare")
                        if decision != "update":
                            continue
                        for child, column in AGGREGATES[owner].items():
                            child_table = Base.metadata.tables[child]
                            self.session.execute(child_table.delete().where(child_table.c[column] == local_id))
                    self.insert_children(owner, local_id, decoded)

    def local_children(self, owner: str, local_id: int) -> dict[str, list[dict]]:
        result = {}
        for child, column in AGGREGATES[owner].items():
            table = Base.metadata.tables[child]
            rows = self.session.execute(select(table).where(table.c[column] == local_id)).mappings().all()
            result[child] = [{k: v for k, v in r.items() if k != column} for r in rows]
        return result

    def children_content(self, child: str, rows: list[dict]) -> list[str]:
        table = Base.metadata.tables[child]
        return sorted(repr(self.content(table, r)) for r in rows)

    def insert_children(self, owner: str, local_id: int, decoded: dict[str, list[tuple[dict, RowData]]]) -> None:
        for child, rows in decoded.items():
            table = Base.metadata.tables[child]
            column = AGGREGATES[owner][child]
            for values, row in rows:
                try:
                    result = self.session.execute(table.insert().values(**{**values, column: local_id}))
                    if row.location is not None and "id" in table.c:
                        self.report.record_locations[(child, result.inserted_primary_key[0])] = row.location
                except IntegrityError as error:
                    raise RowError(row.location, f"La ligne ne respecte pas une règle de la base ({error.orig}).") from None

    # -- the whole package ---------------------------------------------------------------

    def run(self, dataset: Dataset) -> None:
        for table in exported_tables():
            data = dataset.tables.get(table.name)
            if data is None:
                continue
            problems = check_columns(data, Location(self.file_name, table.name))
            for problem in problems:
                self.report.add_error(Location(self.file_name, table.name), problem)
            if problems:
                self.broken[table.name] |= {r.uid for r in data.rows if r.uid}
                continue
            owner = CHILD_OWNER.get(table.name)
            rows = _parents_first(table, data) if _self_referencing(table) else data.rows
            for row in rows:
                if owner is not None and owner[0] in self.info.complete:
                    link = next(f.name for f in table_fields(table) if f.column.name == owner[1])
                    if row.values.get(link) is not None:
                        continue  # merged with its owner
                if not has_uid(table):
                    continue  # association rows of an incomplete owner: not carried
                errors = self.report.error_count
                with row_savepoint(self.session, self.report, row.location):
                    self.plain_row(table, row)
                if self.report.error_count > errors and row.uid:
                    self.broken[table.name].add(row.uid)
        self.merge_aggregates(dataset)
        for name, count in self.same.items():
            self.report.add_matched(RECORD_LABELS.get(name, name), f"{count} ligne(s) identique(s)",
                                    Location(self.file_name, name))


def _self_referencing(table) -> bool:
    return any(f.kind == "ref" and f.target == table.name for f in table_fields(table))


def _parents_first(table, data: TableData) -> list[RowData]:
    """Rows ordered so that a row comes after the row it points at in the same table."""
    links = [f.name for f in table_fields(table) if f.kind == "ref" and f.target == table.name]
    by_uid = {r.uid: r for r in data.rows}
    ordered: list[RowData] = []
    placed: set[str] = set()

    def place(row: RowData, trail: set[str]) -> None:
        if row.uid in placed or row.uid in trail:
            return
        for link in links:
            parent = by_uid.get(row.values.get(link))
            if parent is not None:
                place(parent, trail | {row.uid})
        placed.add(row.uid)
        ordered.append(row)

    for row in data.rows:
        place(row, set())
    return ordered


# --- natural keys: how a record created separately in two databases is recognised ----------

def _by_columns(*columns: str):
    def finder(session: Session, table, values: dict):
        if any(values.get(c) is None for c in columns):
            return []
        return list(session.scalars(select(table.c.id).where(*(table.c[c] == values[c] for c in columns)).order_by(table.c.id)))
    return finder


def _by_name(column: str, *same: str):
    def finder(session: Session, table, values: dict):
        if not values.get(column) or any(values.get(c) is None for c in same):
            return []
        key = name_key(values[column])
        query = select(table.c.id, table.c[column]).where(*(table.c[c] == values[c] for c in same)).order_by(table.c.id)
        return [i for i, text in session.execute(query) if name_key(text or "") == key]
    return finder


def _organisation(session: Session, table, values: dict):
    if values.get("insee_code"):
        found = session.scalar(select(table.c.id).where(table.c.insee_code == values["insee_code"]))
        if found is not None:
            return [found]
    return _by_name("name")(session, table, values)


def _person(session: Session, table, values: dict):
    key = name_key(f"{values.get('first_name') or ''}{values.get('last_name') or ''}")
    if not key:
        return []
    found = []
    for i, first, last in session.execute(select(table.c.id, table.c.first_name, table.c.last_name).order_by(table.c.id)):
        if key in (name_key(f"{first}{last}"), name_key(f"{last}{first}")):
            found.append(i)
    return found


NATURAL_KEYS = {
    "organisation": _organisation,
    "person": _person,
    "coordinator": _by_columns("person_id"),
    "convention": _by_name("name", "first_year"),
    "instance": _by_name("name", "kind"),
    "etp_allocation": _by_columns("organisation_id", "year"),
    "etp_share": _by_columns("allocation_id", "coordinator_id"),
    "indicator_entry": _by_columns("indicator_code", "year", "scope"),
    "fiche_indicator_value": _by_columns("indicator_id", "year"),
    "signatory": _by_columns("convention_id", "organisation_id"),
    "enjeu": _by_name("title", "convention_id"),
    "objectif": _by_name("title", "enjeu_id"),
    "fiche_action": _by_columns("objectif_id", "number"),
    "fiche_indicator": _by_name("label", "fiche_id"),
}


def dataset_from_package(file_name: str, tables: dict[str, tuple[list[str], list[list]]], report: ImportReport) -> Dataset:
    known = {t.name for t in exported_tables()}
    dataset = Dataset()
    for name, (fields, rows) in tables.items():
        if name not in known:
            report.add_refused("Table", name, Location(file_name, name), "table inconnue, ignorée")
            continue
        data = TableData(name, list(fields))
        for number, values in enumerate(rows, start=1):
            data.rows.append(RowData(dict(zip(fields, values)), Location(file_name, name, number)))
        dataset.tables[name] = data
    return dataset


def import_package_file(session: Session, path: Path, report: ImportReport) -> None:
    content = read_package(path)
    info = PackageInfo.from_manifest(content.manifest, Location(path.name))
    dataset = dataset_from_package(path.name, content.tables, report)
    Merger(session, report, path.name, info).run(dataset)


def package_info(path: Path | str) -> PackageInfo:
    """What a package says of itself (for the preview), without touching the database."""
    path = Path(path)
    return PackageInfo.from_manifest(read_package(path).manifest, Location(path.name))

