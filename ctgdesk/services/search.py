"""One search over the whole base: meetings, decisions, fiches actions, people, organisations
and journal entries whose text holds every word typed (the rule of ctgdesk.services.search_terms:
no case, accents or hyphens; "copil" = « comité de pilotage »).

`search_base(session, "copil")` (or `build_index(session).find("copil")`, to search the same
base again and again) returns plain `SearchHit`s, newest first within each kind; each
says which record to open (`kind`, `record_id`) and, for a decision, the meeting holding it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable
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
from ctgdesk.services.search_terms import query_words, search_text

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


class SearchIndex:
    """The searchable texts of every record, read once (`build_index`); `find(query)` then
    only compares — a dialog keeps one while it is open and searches at each keystroke."""

    def __init__(self, entries: list[tuple[tuple[str, ...], SearchHit]]):
        self.entries = entries

    def find(self, query: str, *, limit: int = DEFAULT_LIMIT) -> list[SearchHit]:
        """Every record whose text holds all the words of `query` (nothing for an empty query);
        a word matches when one part of the record holds it."""
        words = query_words(query)
        if not words:
            return []
        hits = [hit for texts, hit in self.entries if all(any(word in text for text in texts) for word in words)]
        hits.sort(key=lambda h: KIND_ORDER.index(h.kind))  # stable: each kind keeps its order
        return hits[:limit]


def search_base(session: Session, query: str, *, limit: int = DEFAULT_LIMIT) -> list[SearchHit]:
    """Every record whose text holds all the words of `query` (see build_index, SearchIndex.find)."""
    if not query_words(query):
        return []
    return build_index(session).find(query, limit=limit)


def build_index(session: Session) -> SearchIndex:
    """What is searched: a meeting's instance, title, place and date; a decision's text, meeting
    and bearer; a fiche's number, title, category, thématiques and pilot; a person's name,
    role and organisation; an organisation's name and kind; a journal entry's nature, kind and
    date — not long free texts (agendas, descriptions), which made a search of the biggest
    territory take seconds. The parts shared by many records (an instance's name, a date) are
    made searchable once."""
    entries: list[tuple[tuple[str, ...], SearchHit]] = []
    searchable = lru_cache(maxsize=None)(search_text)  # names and dates repeat: each made once

    def keep(parts: tuple[str, ...], hit: Callable[[], SearchHit]) -> None:
        entries.append((tuple(searchable(part) for part in parts if part), hit()))

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
                                      Meeting.place).order_by(Meeting.starts_at.desc())):
        instance = instances.get(row.instance_id, "")
        meetings[row.id] = (instance, row.starts_at)
        day = formatting.short_date(row.starts_at.date())
        keep((instance, row.title, row.place, day), lambda: SearchHit(
            "meeting", row.id, row.title or instance,
            f"{instance} — {day} {row.starts_at:%H:%M}" + (f" — {row.place}" if row.place else ""),
            _day(row.starts_at)))

    for row in session.execute(select(Decision.id, Decision.meeting_id, Decision.text, Decision.carried_by_id)):
        instance, starts_at = meetings.get(row.meeting_id, ("", None))
        keep((row.text, instance, person_name(row.carried_by_id)), lambda: SearchHit(
            "decision", row.id, row.text,
            f"{instance} du {formatting.short_date(starts_at.date())}" if starts_at else instance,
            _day(starts_at), meeting_id=row.meeting_id))

    for row in session.execute(select(FicheAction.id, FicheAction.number, FicheAction.title, FicheAction.category,
                                      FicheAction.thematiques, FicheAction.pilot_id)):
        pilot = organisations[row.pilot_id].name if row.pilot_id in organisations else ""
        keep((f"{row.number} {row.title}", row.category, row.thematiques, pilot), lambda: SearchHit(
            "fiche", row.id, f"{row.number} {row.title}".strip(), f"Pilote : {pilot}" if pilot else ""))

    for row in people.values():
        name = f"{row.first_name} {row.last_name}".strip()
        organisation = organisations[row.organisation_id].name if row.organisation_id in organisations else ""
        detail = ", ".join(part for part in (row.role, organisation) if part)
        coordinator_id = coordinator_of.get(row.id)
        hit = (SearchHit("coordinator", coordinator_id, name, detail) if coordinator_id is not None
               else SearchHit("person", row.id, name, detail, organisation_id=row.organisation_id))
        keep((name, row.role, organisation), lambda: hit)

    for row in organisations.values():
        keep((row.name, row.kind.label), lambda: SearchHit("organisation", row.id, row.name, row.kind.label))

    for row in session.execute(select(JournalEntry.id, JournalEntry.date, JournalEntry.kind, JournalEntry.nature)
                               .order_by(JournalEntry.date.desc())):
        day = formatting.short_date(row.date)
        keep((row.nature, row.kind.label, day),
             lambda: SearchHit("journal", row.id, row.nature, f"{row.kind.label} — {day}", row.date))

    return SearchIndex(entries)
