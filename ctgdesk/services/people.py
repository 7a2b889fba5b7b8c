"""People named in the records, and the chargé·e·s de coopération among them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ctgdesk.formatting import short_date
from ctgdesk.models import Coordinator, Organisation, Person
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.parsing import name_key
from ctgdesk.services.records import apply, get_or_fail, optional_text, required_text

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PERSON_FIELDS = {"first_name", "last_name", "organisation_id", "role", "email", "phone", "is_elected"}
COORDINATOR_FIELDS = {"employer_id", "cadre_emploi", "is_project_lead", "start_date", "end_date"}


def _clean_person(fields: dict) -> dict:
    if "last_name" in fields:
        fields["last_name"] = required_text(fields["last_name"], "Le nom", "last_name", max_length=100)
    if "first_name" in fields:
        fields["first_name"] = optional_text(fields["first_name"], "Le prénom", "first_name", max_length=100)
    if fields.get("email"):
        email = fields["email"].strip()
        if not _EMAIL.match(email):
            raise ValidationError(f"L'adresse « {email} » n'est pas une adresse électronique.", "email")
        fields["email"] = email
    elif "email" in fields:
        fields["email"] = None
    if "phone" in fields:
        fields["phone"] = (fields["phone"] or "").strip() or None
    if "role" in fields:
        fields["role"] = optional_text(fields["role"], "La fonction", "role")
    return fields


def create_person(session: Session, *, last_name: str, first_name: str = "", **fields) -> Person:
    fields = _clean_person({"last_name": last_name, "first_name": first_name, **fields})
    unknown = set(fields) - PERSON_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if fields.get("organisation_id") is not None:
        get_or_fail(session, Organisation, fields["organisation_id"], "L'organisation")
    person = Person(**{"role": "", "is_elected": False, **fields})
    session.add(person)
    session.flush()
    return person


def update_person(session: Session, person_id: int, **fields) -> Person:
    person = get_or_fail(session, Person, person_id, "La personne")
    apply(person, _clean_person(dict(fields)), PERSON_FIELDS)
    session.flush()
    return person


def person_keys(first_name: str, last_name: str) -> tuple[str, str]:
    """The keys a person is found by: "Prénom Nom" and "Nom Prénom" (parsing.name_key)."""
    return name_key(f"{first_name} {last_name}"), name_key(f"{last_name} {first_name}")


def person_index(session: Session) -> dict[str, int]:
    """Every person's keys → her id (the first recorded wins), in one query: for imports
    that look up thousands of names."""
    index: dict[str, int] = {}
    for person_id, first, last in session.execute(
        select(Person.id, Person.first_name, Person.last_name).order_by(Person.id)
    ):
        for key in person_keys(first or "", last or ""):
            index.setdefault(key, person_id)
    return index


def find_person(session: Session, full_name: str) -> Person | None:
    """Match "Prénom Nom" or "Nom Prénom" ignoring case, accents, hyphens and spaces."""
    person_id = person_index(session).get(name_key(full_name))
    return session.get(Person, person_id) if person_id is not None else None


def _check_dates(start: date | None, end: date | None) -> None:
    if start and end and end < start:
        raise ValidationError(f"La fin de poste ({short_date(end)}) est avant la prise de poste ({short_date(start)}).",
                              "end_date")


def create_coordinator(session: Session, person_id: int, **fields) -> Coordinator:
    person = get_or_fail(session, Person, person_id, "La personne")
    if person.coordinator is not None:
        raise ValidationError(f"{person.full_name} est déjà chargé·e de coopération.")
    unknown = set(fields) - COORDINATOR_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    _check_dates(fields.get("start_date"), fields.get("end_date"))
    coordinator = Coordinator(person=person, **{"cadre_emploi": "", "is_project_lead": False, **fields})
    session.add(coordinator)
    session.flush()
    return coordinator


def update_coordinator(session: Session, coordinator_id: int, **fields) -> Coordinator:
    coordinator = get_or_fail(session, Coordinator, coordinator_id, "Le/la chargé·e de coopération")
    _check_dates(fields.get("start_date", coordinator.start_date), fields.get("end_date", coordinator.end_date))
    apply(coordinator, fields, COORDINATOR_FIELDS)
    session.flush()
    return coordinator


@dataclass(frozen=True)
class CoordinatorRow:
    id: int
    person_id: int
    name: str
    employer: str
    cadre_emploi: str
    is_project_lead: bool
    start_date: date | None
    end_date: date | None
    email: str | None


def list_coordinators(session: Session) -> list[CoordinatorRow]:
    query = (
        select(Coordinator)
        .join(Coordinator.person)
        .options(joinedload(Coordinator.person), joinedload(Coordinator.employer))
        .order_by(Person.last_name, Person.first_name)
    )
    return [
        CoordinatorRow(
            id=c.id, person_id=c.person_id, name=c.person.full_name,
            employer=c.employer.name if c.employer else "", cadre_emploi=c.cadre_emploi,
            is_project_lead=c.is_project_lead, start_date=c.start_date, end_date=c.end_date,
            email=c.person.email,
        )
        for c in session.scalars(query)
    ]


def find_coordinator(session: Session, full_name: str) -> Coordinator | None:
    person = find_person(session, full_name)
    return person.coordinator if person else None
