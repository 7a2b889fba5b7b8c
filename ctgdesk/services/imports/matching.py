"""Finding (or creating) the communes, structures and people that imported files name.

Names are matched through services.parsing.name_key (no case, accents, hyphens or spaces),
via territory.find_organisation and people.find_person: one place for that rule.
"""

from __future__ import annotations

import difflib
import re

from sqlalchemy.orm import Session

from ctgdesk.exchange.readers import Location
from ctgdesk.models import Coordinator, Organisation, OrganisationKind, Person
from ctgdesk.services import people, territory
from ctgdesk.services.imports.report import ImportReport
from ctgdesk.services.imports.rows import RowError
from ctgdesk.services.parsing import fold, name_key

NEAR_MATCH = 0.85  # difflib ratio of two name keys above which a new name is taken for a typo

# The beginning of a name says the kind of structure; anything else is taken for a commune.
KIND_PREFIXES: tuple[tuple[str, OrganisationKind], ...] = (
    ("ccas", OrganisationKind.AUTRE),
    ("cias", OrganisationKind.AUTRE),
    ("centre social", OrganisationKind.CENTRE_SOCIAL),
    ("centre socio", OrganisationKind.CENTRE_SOCIAL),
    ("centres sociaux", OrganisationKind.CENTRE_SOCIAL),
    ("espace de vie sociale", OrganisationKind.CENTRE_SOCIAL),
    ("evs", OrganisationKind.CENTRE_SOCIAL),
    ("sivom", OrganisationKind.SIVOM),
    ("sivu", OrganisationKind.SIVOM),
    ("sivos", OrganisationKind.SIVOM),
    ("sirp", OrganisationKind.SIVOM),
    ("syndicat", OrganisationKind.SIVOM),
    ("association", OrganisationKind.ASSOCIATION),
    ("asso", OrganisationKind.ASSOCIATION),
    ("foyer rural", OrganisationKind.ASSOCIATION),
    ("communaute de communes", OrganisationKind.EPCI),
    ("communaute d agglomeration", OrganisationKind.EPCI),
    ("communaute d'agglomeration", OrganisationKind.EPCI),
    ("communaute urbaine", OrganisationKind.EPCI),
    ("metropole", OrganisationKind.EPCI),
    ("epci", OrganisationKind.EPCI),
    ("cc", OrganisationKind.EPCI),
    ("ca", OrganisationKind.EPCI),
    ("cu", OrganisationKind.EPCI),
    ("caf", OrganisationKind.CAF),
    ("caisse d allocations", OrganisationKind.CAF),
    ("caisse d'allocations", OrganisationKind.CAF),
    ("msa", OrganisationKind.MSA),
    ("departement", OrganisationKind.DEPARTEMENT),
    ("conseil departemental", OrganisationKind.DEPARTEMENT),
    ("ecole", OrganisationKind.ECOLE),
    ("college", OrganisationKind.ECOLE),
    ("groupe scolaire", OrganisationKind.ECOLE),
)


def guess_kind(name: str) -> OrganisationKind:
    """'CCAS de Liévin' → autre, 'Centre social Agora' → centre social, 'Bully' → commune."""
    words = re.sub(r"[^\w']+", " ", fold(name)).strip() + " "
    for prefix, kind in KIND_PREFIXES:
        if words.startswith(prefix + " "):
            return kind
    return OrganisationKind.COMMUNE


def clean_name(text: str) -> str:
    """'Bruay-la- Buissière ' → 'Bruay-la-Buissière': single spaces, none stuck to one side of a
    hyphen (a spaced ' - ' stays)."""
    text = " ".join(text.split())
    text = re.sub(r"(?<=\w)-\s+(?=\w)", "-", text)
    return re.sub(r"(?<=\w)\s+-(?=\w)", "-", text)


def split_names(text: str) -> list[str]:
    """'Marie DUPONT, Paul Martin ; Léa Roux' → three names (commas, semicolons, slashes, lines)."""
    parts = re.split(r"[,;/\n\r]+|\s+et\s+", text or "")
    return [" ".join(p.split()) for p in parts if p and p.strip()]


def split_person_name(full_name: str, *, last_name_first: bool = False) -> tuple[str, str]:
    """(first name, last name) of 'DUPONT Marie' or 'Marie DUPONT' (capitals tell the last name);
    without capitals, 'Marie Dupont', or 'Dupont Marie' from a « Nom prénom » column."""
    tokens = full_name.split()
    if len(tokens) == 1:
        return "", tokens[0]
    upper = [t for t in tokens if t.isupper() and len(t.replace("-", "")) > 1]
    if upper and len(upper) < len(tokens):
        return " ".join(t for t in tokens if t not in upper), " ".join(upper)
    if last_name_first:
        return " ".join(tokens[1:]), tokens[0]
    return " ".join(tokens[:-1]), tokens[-1]


class Resolver:
    """Finds or creates organisations and coordinators once per import, and reports each once.

    Names are looked up in indexes read once per import (people.person_index,
    territory.organisation_index: the same keys as find_person / find_organisation), kept up
    to date with what the import creates: a file of thousands of rows asks the base once."""

    def __init__(self, session: Session, report: ImportReport):
        self.session = session
        self.report = report
        self._organisations: dict[str, Organisation] = {}
        self._coordinators: dict[str, Coordinator] = {}
        self._people: dict[str, Person] = {}
        self._person_index: dict[str, int] | None = None
        self._organisation_index: dict[str, tuple[int, str]] | None = None

    def snapshot(self) -> tuple:
        return (dict(self._organisations), dict(self._coordinators), dict(self._people),
                None if self._person_index is None else dict(self._person_index),
                None if self._organisation_index is None else dict(self._organisation_index))

    def restore(self, snapshot: tuple) -> None:
        """Forget what a rolled-back row created."""
        organisations, coordinators, found_people, person_index, organisation_index = snapshot
        self._organisations, self._coordinators, self._people = dict(organisations), dict(coordinators), dict(found_people)
        self._person_index = None if person_index is None else dict(person_index)
        self._organisation_index = None if organisation_index is None else dict(organisation_index)

    # -- lookups ---------------------------------------------------------------------

    def find_person_id(self, full_name: str) -> int | None:
        if self._person_index is None:
            self._person_index = people.person_index(self.session)
        return self._person_index.get(name_key(full_name))

    def find_person(self, full_name: str) -> Person | None:
        person_id = self.find_person_id(full_name)
        return self.session.get(Person, person_id) if person_id is not None else None

    def find_organisation_id(self, name: str) -> int | None:
        found = self._organisation_keys().get(name_key(name))
        return found[0] if found is not None else None

    def find_organisation(self, name: str) -> Organisation | None:
        organisation_id = self.find_organisation_id(name)
        return self.session.get(Organisation, organisation_id) if organisation_id is not None else None

    def _organisation_keys(self) -> dict[str, tuple[int, str]]:
        if self._organisation_index is None:
            self._organisation_index = territory.organisation_index(self.session)
        return self._organisation_index

    def near_organisation(self, name: str) -> str | None:
        """The name of an organisation of the base whose name is nearly `name` (« Carvinn » → « Carvin »)."""
        keys = self._organisation_keys()
        close = difflib.get_close_matches(name_key(name), list(keys), n=1, cutoff=NEAR_MATCH)
        return keys[close[0]][1] if close else None

    def _created_person(self, person: Person) -> None:
        if self._person_index is not None:
            for key in people.person_keys(person.first_name or "", person.last_name or ""):
                self._person_index.setdefault(key, person.id)

    # -- find or create ----------------------------------------------------------------

    def organisation(self, name: str, location: Location | None, *, kind: OrganisationKind | None = None) -> Organisation:
        key = name_key(name)
        if key in self._organisations:
            return self._organisations[key]
        found = self.find_organisation(name)
        if found is not None:
            self.report.add_matched(found.kind.label, found.name, location)
        else:
            near = self.near_organisation(name)
            if near is not None:
                raise RowError(
                    location,
                    f"« {name} » n'est pas dans la base, mais ressemble à « {near} » : corrigez le nom dans le "
                    f"fichier. Si « {name} » est bien une autre commune ou structure, créez-la d'abord "
                    "(page Territoire) puis relancez l'import."
                )
            kind = kind or guess_kind(name)
            found = territory.create_organisation(self.session, name=clean_name(name), kind=kind)
            self.report.add_created(kind.label, found.name, location)
            self._organisation_keys().setdefault(name_key(found.name), (found.id, found.name))
        self._organisations[key] = found
        return found

    def person(self, full_name: str, location: Location | None, *, last_name_first: bool = False) -> Person:
        key = name_key(full_name)
        if key in self._people:
            return self._people[key]
        found = self.find_person(full_name)
        if found is not None:
            self.report.add_matched("Personne", found.full_name, location)
        else:
            first, last = split_person_name(full_name, last_name_first=last_name_first)
            found = people.create_person(self.session, last_name=last, first_name=first)
            self._created_person(found)
            self.report.add_created("Personne", found.full_name, location)
        self._people[key] = found
        return found

    def coordinator(self, full_name: str, location: Location | None, *, last_name_first: bool = False) -> Coordinator:
        key = name_key(full_name)
        if key in self._coordinators:
            return self._coordinators[key]
        person = self.find_person(full_name)
        if person is not None and person.coordinator is not None:
            coordinator = person.coordinator
            self.report.add_matched("Chargé·e de coopération", person.full_name, location)
        elif person is not None:
            coordinator = people.create_coordinator(self.session, person.id)
            self.report.add_created("Chargé·e de coopération", person.full_name, location,
                                    "personne déjà connue, devient chargé·e de coopération")
        else:
            first, last = split_person_name(full_name, last_name_first=last_name_first)
            person = people.create_person(self.session, last_name=last, first_name=first)
            self._created_person(person)
            coordinator = people.create_coordinator(self.session, person.id)
            self.report.add_created("Chargé·e de coopération", person.full_name, location)
        self._coordinators[key] = coordinator
        self._people[key] = coordinator.person
        return coordinator
