"""One search over the whole base: meetings, decisions, fiches actions, people, organisations
and journal entries whose text holds every word typed (the rule of ctgdesk.services.search_terms:
no case, accents or hyphens; "copil" = « comité de pilotage »).

`search_base(session, "copil")` returns plain `SearchHit`s, newest first within each kind; each
says which record to open (`kind`, `record_id`) and, for a decision, the meeting holding it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctgdesk import formatting
from ctgdesk.models import (
    Coordinator,
    Decision,
    FicheAction,
    Instance,
    JournalEntry,
    Meeting,
    Organisation,
    Person,
)
from ctgdesk.services.search_terms import matches, query_words, search_text

KIND_LABELS = {
    "meeting": "Réunion",
    "decision": "Décision",
    "fiche": "Fiche action",
    "coordinator": "Chargé·e de coopération",
    "person": "Personne",
    "organisation": "Organisation",
    "journal": "Journal",
}
KIND_ORDER = list(KIND_LABELS)
DEFAULT_LIMIT = 300


@dataclass(frozen=True)
class SearchHit:
    kind: str           # a key of KIND_LABELS
    record_id: int      # the record's id (the meeting's for a decision: see meeting_id)
    title: str
    detail: str         # date, instance, organisation… what tells two hits apart
    when: date | None = None
    meeting_id: int | None = None  # a decision: the meeting that took it
    organisation_id: int | None = None  # a person: the organisation she belongs to

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def _day(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def search_base(session: Session, query: str, *, limit: int = DEFAULT_LIMIT) -> list[SearchHit]:
    """Every record whose text holds all the words of `query` (nothing for an empty query)."""
    words = query_words(query)
    if not words:
        return []
    hits: list[SearchHit] = []

    def keep(text: str, hit: SearchHit) -> None:
        if matches(search_text(text), words):
            hits.append(hit)

    instances = dict(session.execute(select(Instance.id, Instance.name)).all())
    organisations = {row.id: row for row in session.execute(select(Organisation.id, Organisation.name, Organisation.kind))}
    people = {row.id: row for row in session.execute(
        select(Person.id, Person.first_name, Person.last_name, Person.role, Person.organisation_id))}
    coordinator_of = dict(session.execute(select(Coordinator.person_id, Coordinator.id)).all())

    def person_name(person_id: int | None) -> str:
        row = people.get(person_id)
        return f"{row.first_name} {row.last_name}".strip() if row else ""

    meetings = {}
    for row in session.execute(select(Meeting.id, Meeting.instance_id, Meeting.starts_at, Meeting.title,
                                      Meeting.place, Meeting.agenda).order_by(Meeting.starts_at.desc())):
        instance = instances.get(row.instance_id, "")
        meetings[row.id] = (instance, row.starts_at)
        title = row.title or instance
        detail = f"{instance} — {formatting.date_time(row.starts_at)}" + (f" — {row.place}" if row.place else "")
        keep(" ".join((instance, row.title, row.place, row.agenda, formatting.short_date(row.starts_at.date()))),
             SearchHit("meeting", row.id, title, detail, _day(row.starts_at)))

    for row in session.execute(select(Decision.id, Decision.meeting_id, Decision.text, Decision.carried_by_id)):
        instance, starts_at = meetings.get(row.meeting_id, ("", None))
        detail = f"{instance} du {formatting.short_date(starts_at.date())}" if starts_at else instance
        keep(" ".join((row.text, instance, person_name(row.carried_by_id))),
             SearchHit("decision", row.id, row.text, detail, _day(starts_at), meeting_id=row.meeting_id))

    for row in session.execute(select(FicheAction.id, FicheAction.number, FicheAction.title, FicheAction.category,
                                      FicheAction.thematiques, FicheAction.description, FicheAction.pilot_id)):
        pilot = organisations[row.pilot_id].name if row.pilot_id in organisations else ""
        keep(" ".join((row.number, row.title, row.category, row.thematiques, row.description, pilot)),
             SearchHit("fiche", row.id, f"{row.number} {row.title}".strip(),
                       f"Pilote : {pilot}" if pilot else ""))

    for row in people.values():
        name = f"{row.first_name} {row.last_name}".strip()
        organisation = organisations[row.organisation_id].name if row.organisation_id in organisations else ""
        detail = ", ".join(part for part in (row.role, organisation) if part)
        coordinator_id = coordinator_of.get(row.id)
        hit = (SearchHit("coordinator", coordinator_id, name, detail) if coordinator_id is not None
               else SearchHit("person", row.id, name, detail, organisation_id=row.organisation_id))
        keep(" ".join((name, row.role, organisation)), hit)

    for row in organisations.values():
        keep(" ".join((row.name, row.kind.label)), SearchHit("organisation", row.id, row.name, row.kind.label))

    for row in session.execute(select(JournalEntry.id, JournalEntry.date, JournalEntry.kind, JournalEntry.nature,
                                      JournalEntry.description, JournalEntry.coordinator_id)
                               .order_by(JournalEntry.date.desc())):
        keep(" ".join((row.nature, row.description, row.kind.label, formatting.short_date(row.date))),
             SearchHit("journal", row.id, row.nature, f"{row.kind.label} — {formatting.short_date(row.date)}", row.date))

    hits.sort(key=lambda h: KIND_ORDER.index(h.kind))  # stable: each kind keeps its order
    return hits[:limit]
