"""Deletes and edits that can be taken back (undo): each returns a snapshot to restore from.

Deleting an organisation or a coordinator also drops, through the database's ON DELETE rules,
the links other records had to it (a commune in a meeting, a partner of a fiche, the animator
of a meeting…). The snapshot keeps those links, found from the schema itself so that a table
added later is covered too, and `restore_*` re-creates the record through the services (its
rules apply again) then puts the links back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Table, delete, exc, func, insert, select, update
from sqlalchemy.orm import Session

from ctgdesk.models import Base, Convention, Coordinator, EtpAllocation, EtpStatus, Organisation
from ctgdesk.services import etp, people, territory
from ctgdesk.services.errors import NotFound, ValidationError
from ctgdesk.services.etp import ShareInput
from ctgdesk.services.records import get_or_fail

# What a table holding a RESTRICT reference is called in a refusal message.
_USE_LABELS = {
    "funding": "financements de fiches actions",
    "signatory": "conventions signées",
}


@dataclass(frozen=True)
class LinkRows:
    """Rows of one table that pointed at the deleted record through one column."""

    table: str
    column: str
    on_delete: str  # "CASCADE": rows re-inserted; "SET NULL": rows re-pointed
    rows: tuple[dict, ...]


@dataclass(frozen=True)
class RecordSnapshot:
    fields: dict
    uid: str
    links: tuple[LinkRows, ...] = field(default_factory=tuple)


def _references(target: str) -> list[tuple[Table, str, str]]:
    """(table, column, ON DELETE rule) for every foreign key to `target`.id."""
    found = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == target and fk.column.name == "id":
                found.append((table, fk.parent.name, (fk.ondelete or "NO ACTION").upper()))
    return found


def _refuse_if_restricted(session: Session, target: str, record_id: int, name: str) -> None:
    uses = []
    for table, column, rule in _references(target):
        if rule in ("RESTRICT", "NO ACTION"):
            count = session.scalar(select(func.count()).select_from(table).where(table.c[column] == record_id))
            if count:
                uses.append(f"{count} {_USE_LABELS.get(table.name, table.name)}")
    if uses:
        raise ValidationError(f"« {name} » ne peut pas être supprimée : elle a {', '.join(uses)}.")


def _capture_links(session: Session, target: str, record_id: int) -> tuple[LinkRows, ...]:
    links = []
    for table, column, rule in _references(target):
        if rule not in ("CASCADE", "SET NULL"):
            continue
        if table.name == target and column == "id":  # pragma: no cover - no such schema
            continue
        rows = tuple(dict(r._mapping) for r in session.execute(select(table).where(table.c[column] == record_id)))
        if rows:
            links.append(LinkRows(table.name, column, rule, rows))
    return tuple(links)


def _restore_links(session: Session, links: tuple[LinkRows, ...], new_id: int) -> None:
    """Put the links back, skipping those whose other end has gone meanwhile."""
    for link in links:
        table = Base.metadata.tables[link.table]
        for row in link.rows:
            savepoint = session.begin_nested()
            try:
                if link.on_delete == "CASCADE":
                    values = {**row, link.column: new_id}
                    if "id" in table.c and table.c["id"].primary_key:
                        values.pop("id")  # a new line; nothing refers to the old one's id
                    session.execute(insert(table).values(**values))
                else:
                    keys = [c for c in table.primary_key.columns]
                    session.execute(
                        update(table).where(*(c == row[c.name] for c in keys)).values({link.column: new_id})
                    )
                savepoint.commit()
            except exc.IntegrityError:
                savepoint.rollback()


# --- stable keys ----------------------------------------------------------------------
# An undone delete re-creates a record under a new id but with its old uid: undo commands
# hold the uid and look the id up when they run.

_WHAT = {Organisation: "L'organisation", Coordinator: "Le/la chargé·e de coopération",
         Convention: "La convention"}


def uid_of(session: Session, model: type, record_id: int) -> str:
    return get_or_fail(session, model, record_id, _WHAT.get(model, "L'enregistrement")).uid


def id_of(session: Session, model: type, uid: str) -> int:
    record_id = session.scalar(select(model.id).where(model.uid == uid))
    if record_id is None:
        what = _WHAT.get(model, "L'enregistrement")
        raise NotFound(f"{what} n'existe plus.")
    return record_id


# --- organisations --------------------------------------------------------------------

def delete_organisation(session: Session, organisation_id: int) -> RecordSnapshot:
    """Delete a commune or structure (territory rules apply); returns its snapshot."""
    organisation = get_or_fail(session, Organisation, organisation_id, "L'organisation")
    _refuse_if_restricted(session, "organisation", organisation_id, organisation.name)
    snapshot = RecordSnapshot(
        fields={name: getattr(organisation, name) for name in territory.ORGANISATION_FIELDS},
        uid=organisation.uid,
        links=_capture_links(session, "organisation", organisation_id),
    )
    territory.delete_organisation(session, organisation_id)
    return snapshot


def restore_organisation(session: Session, snapshot: RecordSnapshot) -> int:
    """Re-create a deleted organisation with its links; returns its (new) id."""
    fields = dict(snapshot.fields)
    if fields.get("parent_id") is not None and session.get(Organisation, fields["parent_id"]) is None:
        fields["parent_id"] = None
    organisation = territory.create_organisation(session, **fields)
    if session.scalar(select(Organisation.id).where(Organisation.uid == snapshot.uid)) is None:
        organisation.uid = snapshot.uid
    session.flush()
    _restore_links(session, snapshot.links, organisation.id)
    session.expire_all()
    return organisation.id


# --- conventions ----------------------------------------------------------------------
# The snapshot is the convention as its form edits it (signatories in order with their logos
# and uids, perimeter, uid) plus the links the schema would drop: an instance (COPIL…) that
# pointed at it (ON DELETE SET NULL). Signatories and perimeter come back through the services.

_CONVENTION_PARTS = {"signatory", "convention_perimeter"}


@dataclass(frozen=True)
class ConventionSnapshot:
    data: territory.ConventionInput
    links: tuple[LinkRows, ...] = field(default_factory=tuple)

    @property
    def uid(self) -> str:
        return self.data.uid


def delete_convention(session: Session, convention_id: int) -> ConventionSnapshot:
    """Delete a convention (refused while it has a plan d'action); returns its snapshot."""
    data = territory.convention_input(session, convention_id)
    links = tuple(link for link in _capture_links(session, "convention", convention_id)
                  if link.table not in _CONVENTION_PARTS)
    territory.delete_convention(session, convention_id)
    return ConventionSnapshot(data, links)


def restore_convention(session: Session, snapshot: ConventionSnapshot) -> int:
    """Re-create a deleted convention — same uid, signatories, logos, perimeter — and re-attach
    its instances; returns its (new) id. An organisation deleted meanwhile is left out."""
    data = snapshot.data
    present = set(session.scalars(select(Organisation.id).where(
        Organisation.id.in_({*data.perimeter_ids, *(s.organisation_id for s in data.signatories)}))))
    data = territory.ConventionInput(
        **{name: getattr(data, name) for name in territory.CONVENTION_FIELDS},
        signatories=[s for s in data.signatories if s.organisation_id in present],
        perimeter_ids=[oid for oid in data.perimeter_ids if oid in present],
        uid=data.uid,
    )
    convention = territory.save_convention(session, data)
    _restore_links(session, snapshot.links, convention.id)
    session.expire_all()
    return convention.id


# --- coordinators ---------------------------------------------------------------------

def delete_coordinator(session: Session, coordinator_id: int) -> RecordSnapshot:
    """Delete a chargé·e de coopération (the person stays in the records); returns a snapshot."""
    coordinator = get_or_fail(session, Coordinator, coordinator_id, "Le/la chargé·e de coopération")
    snapshot = RecordSnapshot(
        fields={"person_id": coordinator.person_id,
                **{name: getattr(coordinator, name) for name in people.COORDINATOR_FIELDS}},
        uid=coordinator.uid,
        links=_capture_links(session, "coordinator", coordinator_id),
    )
    session.expunge(coordinator)
    session.execute(delete(Coordinator).where(Coordinator.id == coordinator_id))
    session.expire_all()
    return snapshot


def restore_coordinator(session: Session, snapshot: RecordSnapshot) -> int:
    fields = dict(snapshot.fields)
    person_id = fields.pop("person_id")
    coordinator = people.create_coordinator(session, person_id, **fields)
    if session.scalar(select(Coordinator.id).where(Coordinator.uid == snapshot.uid)) is None:
        coordinator.uid = snapshot.uid
    session.flush()
    _restore_links(session, snapshot.links, coordinator.id)
    session.expire_all()
    return coordinator.id


# --- ETP allocations --------------------------------------------------------------------

@dataclass(frozen=True)
class AllocationSnapshot:
    """An allocation as the ETP form edits it (None where a structure had none that year)."""

    organisation_id: int
    year: int
    etp: Decimal | None
    status: EtpStatus
    people_count: int | None
    shares: tuple[ShareInput, ...]
    notes: str

    @property
    def etp_input(self) -> Decimal | str:
        return "En cours" if self.status is EtpStatus.PENDING else self.etp


def allocation_snapshot(session: Session, organisation_id: int, year: int) -> AllocationSnapshot | None:
    allocation = session.scalar(
        select(EtpAllocation).where(EtpAllocation.organisation_id == organisation_id, EtpAllocation.year == year)
    )
    if allocation is None:
        return None
    return AllocationSnapshot(
        organisation_id, year, allocation.etp, allocation.status, allocation.people_count,
        tuple(ShareInput(s.coordinator_id, s.etp) for s in sorted(allocation.shares, key=lambda s: s.id)),
        allocation.notes,
    )


def restore_allocation(session: Session, organisation_id: int, year: int, snapshot: AllocationSnapshot | None) -> None:
    """Put an allocation back as it was (or remove it, where there was none)."""
    if snapshot is None:
        etp.delete_allocation(session, organisation_id, year)
        return
    etp.set_allocation(
        session, organisation_id, year, snapshot.etp_input, people_count=snapshot.people_count,
        shares=list(snapshot.shares), notes=snapshot.notes,
    )
