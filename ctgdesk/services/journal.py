"""Journal d'activité: work that is not a meeting, tagged with a referential function."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctgdesk.models import Coordinator, JournalEntry, JournalKind, Organisation, RefFunction
from ctgdesk.models.journal import journal_communes, journal_partners
from ctgdesk.services.bulk import coordinator_names, organisation_names, stream
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.parsing import check_date_range
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
    kind: JournalKind | None  # None until chosen: save_entry refuses it
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
    if data.kind is None or (isinstance(data.kind, str) and not data.kind.strip()):
        raise ValidationError("Choisissez le type d'action (ex. « Conseil et appui », « Relais Caf »).", "kind")
    check_date_range(data.date, field="date")
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
    kind: JournalKind | None  # None until chosen: save_entry refuses it
    nature: str
    coordinator: str
    partners: str
    communes: str
    duration_minutes: int | None


def list_entries(session: Session, *, year: int | None = None, coordinator_id: int | None = None) -> list[JournalRow]:
    """The entries of a year (every year: None) and coordinator (everyone: None), newest first.

    A year of the biggest territory is 5 000 entries: plain column queries read in chunks,
    ids on the rows and names from small tables (services.bulk), partners and communes joined
    into their text once per entry.
    """
    conditions = []
    if year is not None:
        conditions += [JournalEntry.date >= date(year, 1, 1), JournalEntry.date <= date(year, 12, 31)]
    if coordinator_id is not None:
        conditions.append(JournalEntry.coordinator_id == coordinator_id)
    selected = select(JournalEntry.id).where(*conditions)
    organisations = organisation_names(session)
    partners = _names(session, journal_partners, selected, organisations)
    communes = _names(session, journal_communes, selected, organisations)
    coordinators = coordinator_names(session)
    return [
        JournalRow(
            id=e_id, date=day, function_code=code, kind=kind, nature=nature,
            coordinator=coordinators.get(c_id, ""), partners=partners.get(e_id, ""),
            communes=communes.get(e_id, ""), duration_minutes=minutes,
        )
        for e_id, day, code, kind, nature, c_id, minutes in stream(
            session,
            select(JournalEntry.id, JournalEntry.date, JournalEntry.function_code, JournalEntry.kind,
                   JournalEntry.nature, JournalEntry.coordinator_id, JournalEntry.duration_minutes)
            .where(*conditions)
            .order_by(JournalEntry.date.desc(), JournalEntry.id.desc()),
        )
    ]


def _names(session: Session, link, selected, organisations: dict[int, str]) -> dict[int, str]:
    """"Name, Name" per entry (names in sorted order) through a link table, for the entries
    `selected`: the link rows carry ids, `organisations` gives the names."""
    names: dict[int, list[str]] = defaultdict(list)
    for entry_id, organisation_id in stream(
        session, select(link.c.entry_id, link.c.organisation_id).where(link.c.entry_id.in_(selected))
    ):
        names[entry_id].append(organisations[organisation_id])
    return {entry_id: ", ".join(sorted(listed)) for entry_id, listed in names.items()}


def entry_id_for_uid(session: Session, uid: str) -> int | None:
    """The current id of an entry known by its uid (ids change when undo re-creates an entry)."""
    return session.scalar(select(JournalEntry.id).where(JournalEntry.uid == uid))
