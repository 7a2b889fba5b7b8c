"""Finding people by name for the « Données personnelles (RGPD) » dialog."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ctgdesk.models import Person
from ctgdesk.services.parsing import name_key


@dataclass(frozen=True)
class PersonHit:
    id: int
    label: str  # « Moreau Inès (CC du Val Vert) »
    anonymised: bool


def search_persons(session: Session, text: str = "", limit: int = 200) -> list[PersonHit]:
    """People whose name contains `text` (no case, accents, hyphens or spaces), by name."""
    key = name_key(text)
    hits: list[PersonHit] = []
    query = select(Person).options(joinedload(Person.organisation)).order_by(Person.last_name, Person.first_name)
    for person in session.scalars(query):
        name = f"{person.last_name} {person.first_name}".strip()
        if key and key not in name_key(name) and key not in name_key(f"{person.first_name} {person.last_name}"):
            continue
        where = f" ({person.organisation.name})" if person.organisation is not None else ""
        hits.append(PersonHit(person.id, name + where, bool(person.anonymised)))
        if len(hits) >= limit:
            break
    return hits
