"""Every table of the database as plain text rows keyed by uid: what the workbook and the
coordinators' packages carry.

- One `TableData` per table of `Base.metadata` (association tables included), except the
  national referential, which is shipped data (IndicatorEntry, entered by users, is kept).
- The integer `id` is left out; every foreign key `x_id` becomes `x_uid`, the uid of the row
  it points to. Rows keep their `uid` and `updated_at`.
- Values are text, exact and portable: decimals as written (`0.400`), dates ISO
  (`2026-03-12`, `2026-03-12T14:30:00`), booleans `oui`/`non`, enums by stored value,
  binary data (logos) in base64. `None` stays `None`.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Enum, Integer, LargeBinary, Numeric, Table, select
from sqlalchemy.orm import Session

from ctgdesk.exchange.readers import Location
from ctgdesk.models import Base
from ctgdesk.services.imports.rows import RowError

REFERENTIAL_TABLES = frozenset({"referential_version", "ref_objective", "ref_function", "ref_indicator"})
TRUE_WORDS = {"oui", "vrai", "true", "1", "x"}
FALSE_WORDS = {"non", "faux", "false", "0", ""}

# French titles of the sheets, for the Lisez-moi.
TABLE_TITLES = {
    "convention": "Conventions territoriales globales",
    "organisation": "Communes, structures et partenaires",
    "convention_perimeter": "Périmètre de chaque convention (communes et structures couvertes)",
    "signatory": "Signataires des conventions, avec leur logo",
    "person": "Personnes (partenaires, élus, participants, chargé·e·s de coopération)",
    "coordinator": "Chargé·e·s de coopération",
    "etp_allocation": "ETP de coordination par commune ou structure et par année",
    "etp_share": "Part de chaque chargé·e de coopération dans un ETP",
    "instance": "Instances de gouvernance (COPIL, COTECH, groupes…)",
    "instance_member": "Membres habituels des instances",
    "meeting": "Réunions",
    "meeting_commune": "Communes concernées par chaque réunion",
    "attendance": "Présences aux réunions",
    "decision": "Relevé de décisions",
    "alert": "Alertes au COPIL",
    "expertise": "Expertises apportées en réunion",
    "enjeu": "Enjeux du plan d'action",
    "objectif": "Objectifs du plan d'action",
    "fiche_action": "Fiches actions",
    "fiche_partner": "Partenaires de chaque fiche action",
    "fiche_commune": "Communes de chaque fiche action",
    "funding": "Financements des fiches actions",
    "fiche_step": "Étapes des fiches actions",
    "fiche_indicator": "Indicateurs des fiches actions",
    "fiche_indicator_value": "Réalisé des indicateurs par année",
    "follow_up": "Suivi des fiches actions",
    "indicator_entry": "Saisies des indicateurs du référentiel national",
    "journal_entry": "Journal d'activité",
    "journal_partner": "Partenaires de chaque entrée du journal",
    "journal_commune": "Communes de chaque entrée du journal",
}


# What one row of each table is, for the reports.
RECORD_LABELS = {
    "convention": "Convention", "organisation": "Commune ou structure", "convention_perimeter": "Périmètre",
    "signatory": "Signataire", "person": "Personne", "coordinator": "Chargé·e de coopération",
    "etp_allocation": "ETP", "etp_share": "Part d'ETP", "instance": "Instance", "instance_member": "Membre d'instance",
    "meeting": "Réunion", "meeting_commune": "Commune de réunion", "attendance": "Présence", "decision": "Décision",
    "alert": "Alerte au COPIL", "expertise": "Expertise", "enjeu": "Enjeu", "objectif": "Objectif",
    "fiche_action": "Fiche action", "fiche_partner": "Partenaire de fiche", "fiche_commune": "Commune de fiche",
    "funding": "Financement", "fiche_step": "Étape", "fiche_indicator": "Indicateur de fiche",
    "fiche_indicator_value": "Réalisé d'indicateur", "follow_up": "Suivi de fiche",
    "indicator_entry": "Saisie d'indicateur", "journal_entry": "Entrée du journal",
    "journal_partner": "Partenaire du journal", "journal_commune": "Commune du journal",
}


# An aggregate: a record and the rows that belong to it (table → column pointing at the owner).
# Editing a meeting replaces its attendances, decisions…: they are compared and merged with it.
AGGREGATES: dict[str, dict[str, str]] = {
    "meeting": {"attendance": "meeting_id", "decision": "meeting_id", "alert": "meeting_id",
                "expertise": "meeting_id", "meeting_commune": "meeting_id"},
    "journal_entry": {"journal_partner": "entry_id", "journal_commune": "entry_id"},
    "etp_allocation": {"etp_share": "allocation_id"},
    "instance": {"instance_member": "instance_id"},
    "convention": {"convention_perimeter": "convention_id"},
    "fiche_action": {"fiche_partner": "fiche_id", "fiche_commune": "fiche_id"},
}
CHILD_OWNER: dict[str, tuple[str, str]] = {
    child: (owner, column) for owner, children in AGGREGATES.items() for child, column in children.items()
}


@dataclass(frozen=True)
class Field:
    """One column of a table as the files carry it."""

    name: str  # "name", or "organisation_uid" for the foreign key organisation_id
    column: Any  # the SQLAlchemy Column
    kind: str  # text, int, decimal, date, datetime, bool, enum, binary, ref
    target: str | None = None  # referenced table for kind "ref"

    @property
    def nullable(self) -> bool:
        return bool(self.column.nullable)

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(self.column.type.enums) if self.kind == "enum" else ()

    def describe(self) -> str:
        """The Lisez-moi line for this column, in French."""
        text = {
            "text": "texte",
            "int": "nombre entier",
            "decimal": "nombre décimal écrit en texte avec un point (ex. 0.400), pour rester exact",
            "date": "date AAAA-MM-JJ",
            "datetime": "date et heure AAAA-MM-JJTHH:MM:SS",
            "bool": "oui ou non",
            "enum": "une de ces valeurs : " + ", ".join(self.choices),
            "binary": "fichier (image) encodé en base64",
            "ref": f"uid d'une ligne de la feuille « {self.target} »",
        }[self.kind]
        if self.name == "uid":
            text = "identifiant stable de la ligne (ne pas modifier)"
        elif self.name == "updated_at":
            text = "date de dernière modification AAAA-MM-JJTHH:MM:SS (sert à la consolidation)"
        return text + ("" if self.nullable else " — obligatoire")


def _kind(column) -> tuple[str, str | None]:
    foreign = list(column.foreign_keys)
    if foreign:
        return "ref", foreign[0].column.table.name
    kind_type = column.type
    if isinstance(kind_type, Enum):
        return "enum", None
    if isinstance(kind_type, Boolean):
        return "bool", None
    if isinstance(kind_type, DateTime):
        return "datetime", None
    if isinstance(kind_type, Date):
        return "date", None
    if isinstance(kind_type, Numeric):
        return "decimal", None
    if isinstance(kind_type, Integer):
        return "int", None
    if isinstance(kind_type, LargeBinary):
        return "binary", None
    return "text", None


# A base's own history of changes (ctgdesk.models.audit) stays in it: a package or a workbook
# brought into another base starts that base's history with its import, it does not graft
# another base's past onto it.
LOCAL_TABLES = frozenset({"audit_entry"})


def exported_tables() -> list[Table]:
    """Every table but the shipped referential and the base's own history, parents before children."""
    return [t for t in Base.metadata.sorted_tables if t.name not in REFERENTIAL_TABLES | LOCAL_TABLES]


def has_uid(table: Table) -> bool:
    return "uid" in table.c


def table_fields(table: Table) -> list[Field]:
    fields = []
    for column in table.columns:
        if column.name == "id":
            continue
        kind, target = _kind(column)
        name = column.name[: -len("_id")] + "_uid" if kind == "ref" and column.name.endswith("_id") else column.name
        fields.append(Field(name, column, kind, target))
    return fields


# --- values ------------------------------------------------------------------------------

def encode(field: Field, value: Any) -> str | None:
    """A database value as exact text."""
    if value is None:
        return None
    kind = field.kind
    if kind == "enum":
        return value.value if hasattr(value, "value") else str(value)
    if kind == "bool":
        return "oui" if value else "non"
    if kind == "decimal":
        return format(Decimal(value), "f")
    if kind in ("date", "datetime"):
        return value.isoformat()
    if kind == "binary":
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)


def decode(field: Field, text: str | None, location: Location | None) -> Any:
    """Text from a file back to a database value; a RowError in French when it cannot be."""
    if text is None or (text == "" and field.kind != "text"):
        if field.kind == "text" and not field.nullable:
            return ""
        if field.kind == "bool" and not field.nullable:
            return False
        if not field.nullable:
            raise RowError(location, f"La colonne « {field.name} » est obligatoire.")
        return None
    kind = field.kind
    try:
        if kind == "int":
            return int(text)
        if kind == "decimal":
            value = Decimal(text.replace(",", "."))
            if not value.is_finite():
                raise InvalidOperation
            return value
        if kind == "date":
            return date.fromisoformat(text[:10] if len(text) > 10 and text[10] in "T " else text)
        if kind == "datetime":
            return datetime.fromisoformat(text)
        if kind == "bool":
            folded = text.strip().casefold()
            if folded in TRUE_WORDS:
                return True
            if folded in FALSE_WORDS:
                return False
            raise ValueError
        if kind == "enum":
            if text not in field.choices:
                raise RowError(location, f"« {text} » n'est pas une valeur permise pour « {field.name} » "
                                         f"({', '.join(field.choices)}).")
            return text
        if kind == "binary":
            return base64.b64decode(text.encode("ascii"), validate=True)
    except RowError:
        raise
    except (ValueError, InvalidOperation, binascii.Error, UnicodeEncodeError):
        expected = {"int": "un nombre entier", "decimal": "un nombre (ex. 0.400)", "date": "une date AAAA-MM-JJ",
                    "datetime": "une date et heure AAAA-MM-JJTHH:MM:SS", "bool": "oui ou non",
                    "binary": "du base64"}[kind]
        raise RowError(location, f"« {text} » n'est pas {expected} (colonne « {field.name} »).") from None
    return text


# --- data sets ---------------------------------------------------------------------------

@dataclass
class RowData:
    values: dict[str, str | None]
    location: Location | None = None

    @property
    def uid(self) -> str | None:
        return self.values.get("uid")


@dataclass
class TableData:
    name: str
    fields: list[str]
    rows: list[RowData] = field(default_factory=list)


@dataclass
class Dataset:
    tables: dict[str, TableData] = field(default_factory=dict)

    def table(self, name: str) -> TableData:
        return self.tables.get(name) or TableData(name, [f.name for f in table_fields(Base.metadata.tables[name])])

    def row_count(self) -> int:
        return sum(len(t.rows) for t in self.tables.values())


def uid_maps(session: Session) -> dict[str, dict[int, str]]:
    """id → uid for every table that has a uid."""
    return {
        t.name: dict(session.execute(select(t.c.id, t.c.uid)).all())
        for t in exported_tables() if has_uid(t)
    }


def dump_dataset(
    session: Session, selection: dict[str, set[int]] | None = None, complete: set[str] | None = None,
) -> Dataset:
    """The database (or only the selected ids per uid table) as text rows, in id order.

    With a selection, an association row is kept when both ends are selected and its owner
    aggregate is `complete` (all its rows are in the data set)."""
    session.flush()
    uids = uid_maps(session)
    dataset = Dataset()
    for table in exported_tables():
        fields = table_fields(table)
        data = TableData(table.name, [f.name for f in fields])
        if has_uid(table):
            query = select(table).order_by(table.c.id)
        else:
            query = select(table).order_by(*table.primary_key.columns)
        for record in session.execute(query).mappings():
            if selection is not None:
                if has_uid(table):
                    if record["id"] not in selection.get(table.name, ()):
                        continue
                elif CHILD_OWNER.get(table.name, ("",))[0] not in (complete or ()) or not all(
                    record[f.column.name] in selection.get(f.target, ()) for f in fields if f.kind == "ref"
                ):
                    continue
            values = {}
            for f in fields:
                raw = record[f.column.name]
                values[f.name] = (uids[f.target].get(raw) if raw is not None else None) if f.kind == "ref" else encode(f, raw)
            data.rows.append(RowData(values))
        dataset.tables[table.name] = data
    return dataset


def check_columns(data: TableData, location: Location | None) -> list[str]:
    """French complaints about missing or unknown columns of a table from a file."""
    table = Base.metadata.tables[data.name]
    expected = [f.name for f in table_fields(table)]
    problems = []
    missing = [name for name in expected if name not in data.fields]
    unknown = [name for name in data.fields if name and name not in expected]
    if missing:
        problems.append(f"Colonnes manquantes dans « {data.name} » : {', '.join(missing)}.")
    if unknown:
        problems.append(f"Colonnes inconnues dans « {data.name} » : {', '.join(unknown)}.")
    return problems
