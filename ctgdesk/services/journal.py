"""Journal d'activité: work that is not a meeting, tagged with a referential function."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctgdesk.models import Coordinator, JournalEntry, JournalKind, Organisation, Person, RefFunction
from ctgdesk.models.journal import journal_communes, journal_partners
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.records import get_or_fail, optional_text, required_text

# The referential function a kind of work usually serves, to pre-fill quick entry.
DEFAULT_FUNCTION = {
    JournalKind.DECISION_FACILITEE: "1.1",
    JournalKind.NOUVELLE_PROBLEMATIQUE: "1.2",
    JournalKind.NOUVEAU_SUJET: "2.1",
    JournalKind.ENJEU_EXPLICITE: "2.2",
    JournalKind.PROJET_FACILITE: "2.2",
    JournalKind.RELAIS_CAF: "3.1",
    JournalKind.CONSEIL_APPUI: "3.2",
    JournalKind.SUPPORT_RESEAU: "3.2",
    JournalKind.INGENIERIE: "4.1",
    JournalKind.INITIATIVE_CITOYENNE: "4.1",
    JournalKind.PROJET_HABITANTS: "4.1",
    JournalKind.SUPPORT_INFORMATION: "4.2",
}


@dataclass
class JournalInput:
    date: date
    kind: JournalKind
    nature: str
    function_code: str | None = None
    coordinator_id: int | None = None
    description: str = ""
    duration_minutes: int | None = None
    partner_ids: list[int] | None = None
    commune_ids: list[int] | None = None
    uid: str | None = None


def _function_codes(session: Session) -> set[str]:
    return set(session.scalars(select(RefFunction.code)))


def save_entry(session: Session, data: JournalInput, entry_id: int | None = None) -> JournalEntry:
    if data.date is None:
        raise ValidationError("La date est obligatoire.", "date")
    kind = JournalKind(data.kind)
    code = data.function_code or DEFAULT_FUNCTION.get(kind)
    if not code:
        raise ValidationError("Choisissez la fonction du référentiel (1.1 … 4.2).", "function_code")
    codes = _function_codes(session)
    if codes and code not in codes:
        raise ValidationError(f"La fonction « {code} » n'existe pas dans le référentiel.", "function_code")
    if data.duration_minutes is not None and data.duration_minutes < 0:
        raise ValidationError("Une durée ne peut pas être négative.", "duration_minutes")
    if data.coordinator_id is not None:
        get_or_fail(session, Coordinator, data.coordinator_id, "Le/la chargé·e de coopération")
    entry = JournalEntry() if entry_id is None else get_or_fail(session, JournalEntry, entry_id, "L'entrée du journal")
    if entry_id is None:
        if data.uid:
            entry.uid = data.uid
        session.add(entry)
    entry.date, entry.kind, entry.function_code = data.date, kind, code
    entry.nature = required_text(data.nature, "La nature", "nature", max_length=300)
    entry.description = optional_text(data.description, "La description", "description", max_length=10_000)
    entry.coordinator_id, entry.duration_minutes = data.coordinator_id, data.duration_minutes
    entry.partners = [get_or_fail(session, Organisation, i, "Le partenaire") for i in (data.partner_ids or [])]
    entry.communes = [get_or_fail(session, Organisation, i, "La commune") for i in (data.commune_ids or [])]
    session.flush()
    return entry


def entry_input(session: Session, entry_id: int) -> JournalInput:
    e = get_or_fail(session, JournalEntry, entry_id, "L'entrée du journal")
    return JournalInput(e.date, e.kind, e.nature, e.function_code, e.coordinator_id, e.description,
                        e.duration_minutes, [p.id for p in e.partners], [c.id for c in e.communes], e.uid)


def delete_entry(session: Session, entry_id: int) -> JournalInput:
    snapshot = entry_input(session, entry_id)
    session.delete(session.get(JournalEntry, entry_id))
    session.flush()
    return snapshot


@dataclass(frozen=True)
class JournalRow:
    id: int
    date: date
    function_code: str
    kind: JournalKind
    nature: str
    coordinator: str
    partners: str
    communes: str
    duration_minutes: int | None


def list_entries(session: Session, *, year: int | None = None, coordinator_id: int | None = None) -> list[JournalRow]:
    # Plain column queries (no ORM objects): a year of the biggest territory (5 000 entries)
    # Run on the session's connection (Core rows: half the cost of the ORM's result layer).
    # lists in a few tens of milliseconds.
    conditions = []
    if year is not None:
        conditions += [JournalEntry.date >= date(year, 1, 1), JournalEntry.date <= date(year, 12, 31)]
    if coordinator_id is not None:
        conditions.append(JournalEntry.coordinator_id == coordinator_id)
    rows = session.connection().execute(
        select(JournalEntry.id, JournalEntry.date, JournalEntry.function_code, JournalEntry.kind,
               JournalEntry.nature, Person.first_name, Person.last_name, JournalEntry.duration_minutes)
        .outerjoin(Coordinator, JournalEntry.coordinator_id == Coordinator.id)
        .outerjoin(Person, Coordinator.person_id == Person.id)
        .where(*conditions)
        .order_by(JournalEntry.date.desc(), JournalEntry.id.desc())
    ).all()
    if not rows:
        return []
    selected = select(JournalEntry.id).where(*conditions)
    partners = _names(session, journal_partners, selected)
    communes = _names(session, journal_communes, selected)
    return [
        JournalRow(
            id=e_id, date=day, function_code=code, kind=kind, nature=nature,
            coordinator=f"{first} {last}".strip() if last is not None else "",
            partners=", ".join(sorted(partners.get(e_id, ()))),
            communes=", ".join(sorted(communes.get(e_id, ()))), duration_minutes=minutes,
        )
        for e_id, day, code, kind, nature, first, last, minutes in rows
    ]


def _names(session: Session, link, selected) -> dict[int, list[str]]:
    """Organisation names per entry through a link table, for the entries `selected`."""
    names: dict[int, list[str]] = {}
    for entry_id, name in session.connection().execute(
        select(link.c.entry_id, Organisation.name)
        .join(Organisation, link.c.organisation_id == Organisation.id)
        .where(link.c.entry_id.in_(selected))
    ).all():
        names.setdefault(entry_id, []).append(name)
    return names


def entry_id_for_uid(session: Session, uid: str) -> int | None:
    """The current id of an entry known by its uid (ids change when undo re-creates an entry)."""
    return session.scalar(select(JournalEntry.id).where(JournalEntry.uid == uid))
