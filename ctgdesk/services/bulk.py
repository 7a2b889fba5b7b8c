"""Reading thousands of rows: in chunks, with names looked up in small tables.

A year of the biggest territory lists 2 000 meetings or 5 000 journal entries; a five-year
bilan reads ten times that. What costs is Python work per row, and the garbage collector:
every row object kept alive counts towards its next pass, and a full pass walks every live
object of the app (the UI's included). So a long list

- is read in chunks (`stream`: `fetchmany` of CHUNK rows, each row made into its result as
  it comes and dropped), rather than one row at a time (a call per row) or all at once
  (every row alive until the end);
- carries ids, and takes names from dicts read whole beforehand (`organisation_names`…):
  one query of a few hundred rows instead of a join and strings on every row.

Nothing is cached between calls: a session may run in any thread, and names change.
"""

from __future__ import annotations

from typing import Iterator

from sqlalchemy import Row, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from ctgdesk.models import Coordinator, FicheAction, Instance, InstanceKind, Organisation, Person

CHUNK = 500


def rows(session: Session, query) -> CursorResult:
    """Column rows of a select, through the session's connection (flushed first: what the
    session holds unsaved is read too). No ORM objects."""
    session.flush()
    return session.connection().execute(query)


def stream(session: Session, query) -> Iterator[Row]:
    """The rows of a select, fetched CHUNK at a time (see the module's docstring)."""
    for chunk in rows(session, query).partitions(CHUNK):
        yield from chunk


# --- id → name tables ------------------------------------------------------------------------

def organisation_names(session: Session) -> dict[int, str]:
    """Every organisation's name by id (communes and structures: a few hundred)."""
    return {oid: name for oid, name in stream(session, select(Organisation.id, Organisation.name))}


def coordinator_names(session: Session) -> dict[int, str]:
    """Every coordinator's "Prénom Nom" by coordinator id (Person.full_name's form)."""
    query = select(Coordinator.id, Person.first_name, Person.last_name).join(Person, Coordinator.person_id == Person.id)
    return {cid: f"{first or ''} {last or ''}".strip() for cid, first, last in stream(session, query)}


def person_names(session: Session) -> dict[int, str]:
    """Every person's "Prénom Nom" by id (a big territory has about a thousand)."""
    query = select(Person.id, Person.first_name, Person.last_name)
    return {pid: f"{first or ''} {last or ''}".strip() for pid, first, last in stream(session, query)}


def instance_heads(session: Session) -> dict[int, tuple[str, InstanceKind]]:
    """Every instance's (name, kind) by id."""
    query = select(Instance.id, Instance.name, Instance.kind)
    return {iid: (name, kind) for iid, name, kind in stream(session, query)}


def fiche_labels(session: Session) -> dict[int, str]:
    """Every fiche action's "number title" by id ("" for a fiche without a number)."""
    query = select(FicheAction.id, FicheAction.number, FicheAction.title)
    return {fid: f"{number} {title}" if number else "" for fid, number, title in stream(session, query)}
