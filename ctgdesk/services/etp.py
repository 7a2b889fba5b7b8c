"""ETP of coordination: allocations per commune or structure and year, their rules and totals.

Rules (one place for each):
- an ETP is ≥ 0, or "En cours" when not fixed yet;
- the year lies within a convention;
- where the split per person is known, a coordinator's total for a year is at most 1,0 ETP;
- the known shares of an allocation do not exceed its ETP.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctgdesk.formatting import decimal2
from ctgdesk.models import (
    Convention,
    Coordinator,
    EtpAllocation,
    EtpShare,
    EtpStatus,
    Organisation,
    Person,
)
from ctgdesk.models.base import table
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.parsing import is_pending, parse_decimal
from ctgdesk.services.records import get_or_fail

MAX_ETP_PER_PERSON = Decimal("1.0")
MAX_ETP_PER_ALLOCATION = Decimal("20")
ZERO = Decimal("0")


@dataclass(frozen=True)
class ShareInput:
    coordinator_id: int
    etp: Decimal | str | None = None


def parse_etp(value: Decimal | str | int | float | None, *, field: str = "etp") -> tuple[Decimal | None, EtpStatus]:
    """'0,40' → (0.40, fixé); 'En cours' or empty → (None, en cours). Refuses negatives."""
    if value is None or (isinstance(value, str) and not value.strip()) or is_pending(value):
        return None, EtpStatus.PENDING
    etp = parse_decimal(value, what="L'ETP", field=field)
    if etp < 0:
        raise ValidationError(f"Un ETP ne peut pas être négatif ({decimal2(etp)}).", field)
    if etp > MAX_ETP_PER_ALLOCATION:
        raise ValidationError(f"{decimal2(etp)} ETP pour une seule structure ? C'est trop.", field)
    return etp.quantize(Decimal("0.001")), EtpStatus.FIXED


def check_year(session: Session, year: int) -> None:
    """A year outside every convention is refused."""
    conventions = list(session.scalars(select(Convention)))
    if not conventions:
        return
    if not any(c.covers(year) for c in conventions):
        spans = ", ".join(f"« {c.name} » ({c.first_year}–{c.last_year})" for c in conventions)
        raise ValidationError(f"L'année {year} est hors des conventions : {spans}.", "year")


def coordinator_total(session: Session, coordinator_id: int, year: int, *, excluding_allocation: int | None = None) -> Decimal:
    query = (
        select(func.coalesce(func.sum(EtpShare.etp), 0))
        .join(EtpAllocation, EtpShare.allocation_id == EtpAllocation.id)
        .where(EtpShare.coordinator_id == coordinator_id, EtpAllocation.year == year)
    )
    if excluding_allocation is not None:
        query = query.where(EtpAllocation.id != excluding_allocation)
    return Decimal(str(session.scalar(query)))


def set_allocation(
    session: Session,
    organisation_id: int,
    year: int,
    etp: Decimal | str | None,
    *,
    people_count: int | None = None,
    shares: list[ShareInput] | None = None,
    notes: str = "",
) -> EtpAllocation:
    """Create or replace the allocation of a commune or structure for a year."""
    organisation = get_or_fail(session, Organisation, organisation_id, "La commune ou structure")
    check_year(session, year)
    amount, status = parse_etp(etp)
    if people_count is not None and people_count < 0:
        raise ValidationError("Le nombre de personnes ne peut pas être négatif.", "people_count")
    allocation = session.scalar(
        select(EtpAllocation).where(EtpAllocation.organisation_id == organisation_id, EtpAllocation.year == year)
    )
    shares = shares or []
    seen: set[int] = set()
    parsed: list[tuple[Coordinator, Decimal | None]] = []
    # The 1,0 ETP per person rule is a read then a write: the coordinators concerned are locked
    # first (SELECT … FOR UPDATE on a team base, in id order: no deadlock), so that two
    # colleagues giving the same person 0,8 ETP at the same moment cannot both pass the check.
    # SQLite has one writer at a time and refuses a write over a stale read: nothing to lock.
    wanted = sorted({share.coordinator_id for share in shares if share.coordinator_id is not None})
    if wanted:
        list(session.scalars(select(Coordinator).where(Coordinator.id.in_(wanted))
                             .order_by(Coordinator.id).with_for_update()))
    for share in shares:
        coordinator = get_or_fail(session, Coordinator, share.coordinator_id, "Le/la chargé·e de coopération")
        if coordinator.id in seen:
            raise ValidationError(f"{coordinator.name} figure deux fois pour {organisation.name}.", "shares")
        seen.add(coordinator.id)
        share_etp = None
        if share.etp is not None and not (isinstance(share.etp, str) and not share.etp.strip()):
            share_etp, _ = parse_etp(share.etp, field="shares")
        parsed.append((coordinator, share_etp))
    known = [s for _, s in parsed if s is not None]
    if amount is not None and known and sum(known) > amount:
        raise ValidationError(
            f"La somme des parts ({decimal2(sum(known))} ETP) dépasse l'ETP de {organisation.name} "
            f"en {year} ({decimal2(amount)} ETP).",
            "shares",
        )
    for coordinator, share_etp in parsed:
        if share_etp is None:
            continue
        total = coordinator_total(
            session, coordinator.id, year, excluding_allocation=allocation.id if allocation else None
        ) + share_etp
        if total > MAX_ETP_PER_PERSON:
            raise ValidationError(
                f"{coordinator.name} dépasserait {decimal2(MAX_ETP_PER_PERSON)} ETP en {year} "
                f"(total {decimal2(total)} ETP).",
                "shares",
            )
    if allocation is None:
        allocation = EtpAllocation(organisation_id=organisation_id, year=year)
        session.add(allocation)
    allocation.etp, allocation.status = amount, status
    allocation.people_count = derived_people_count(people_count, len(parsed))
    allocation.notes = notes or ""
    allocation.shares.clear()
    session.flush()
    for coordinator, share_etp in parsed:
        allocation.shares.append(EtpShare(coordinator_id=coordinator.id, etp=share_etp))
    session.flush()
    return allocation


def derived_people_count(given: int | None, ticked: int) -> int | None:
    """How many people work for a structure: at least the coordinators named (two ticked is
    two people, whatever was typed), more when the convention counts people not in the base."""
    if given is None:
        return ticked or None
    return max(given, ticked) or None


def delete_allocation(session: Session, organisation_id: int, year: int) -> None:
    allocation = session.scalar(
        select(EtpAllocation).where(EtpAllocation.organisation_id == organisation_id, EtpAllocation.year == year)
    )
    if allocation is not None:
        session.delete(allocation)
        session.flush()


# --- reading: grid, totals, evolution ---------------------------------------------------

@dataclass(frozen=True)
class EtpCell:
    etp: Decimal | None
    status: EtpStatus
    people_count: int | None
    people: tuple[str, ...]

    @property
    def text(self) -> str:
        return "En cours" if self.status is EtpStatus.PENDING else decimal2(self.etp)


@dataclass
class EtpRow:
    organisation_id: int
    name: str
    cells: dict[int, EtpCell] = field(default_factory=dict)

    def total(self, year: int) -> Decimal | None:
        """The structure's ETP for one year (None when nothing fixed): ETP of different years
        are never added together — 0,60 in 2025 and 0,80 in 2026 is not 1,40 of anything."""
        cell = self.cells.get(year)
        return cell.etp if cell is not None else None


@dataclass
class EtpGrid:
    years: list[int]
    rows: list[EtpRow]

    def column_total(self, year: int) -> Decimal:
        return sum((r.cells[year].etp for r in self.rows if year in r.cells and r.cells[year].etp is not None), ZERO)

    def pending_count(self, year: int) -> int:
        return sum(1 for r in self.rows if year in r.cells and r.cells[year].status is EtpStatus.PENDING)

    def totals_per_year(self) -> dict[int, Decimal]:
        """The convention's total ETP for each year (the sum of a column, never of a line)."""
        return {year: self.column_total(year) for year in self.years}


def allocation_years(session: Session) -> list[int]:
    return list(session.scalars(select(EtpAllocation.year).distinct().order_by(EtpAllocation.year)))


def etp_grid(session: Session, years: list[int] | None = None) -> EtpGrid:
    years = sorted(years) if years else allocation_years(session)
    # Table columns: no ORM object per allocation, share and person, and no mapper configured
    # (the dashboard calls this at start-up). On the session's connection: Core rows cost half
    # the ORM's result layer.
    shares, allocations, coordinators, people_table, organisations = (
        table(EtpShare), table(EtpAllocation), table(Coordinator), table(Person), table(Organisation))
    allocation = allocations.c
    people: dict[int, list[str]] = defaultdict(list)
    for allocation_id, first, last in session.connection().execute(
        select(shares.c.allocation_id, people_table.c.first_name, people_table.c.last_name)
        .select_from(shares.join(allocations, shares.c.allocation_id == allocation.id)
                     .join(coordinators, shares.c.coordinator_id == coordinators.c.id)
                     .join(people_table, coordinators.c.person_id == people_table.c.id))
        .where(allocation.year.in_(years))
    ).all():
        people[allocation_id].append(f"{first} {last}".strip())
    rows: dict[int, EtpRow] = {}
    for allocation_id, organisation_id, name, year, amount, status, people_count in session.connection().execute(
        select(allocation.id, allocation.organisation_id, organisations.c.name, allocation.year,
               allocation.etp, allocation.status, allocation.people_count)
        .select_from(allocations.join(organisations, allocation.organisation_id == organisations.c.id))
        .where(allocation.year.in_(years))
    ).all():
        row = rows.setdefault(organisation_id, EtpRow(organisation_id, name))
        row.cells[year] = EtpCell(
            etp=amount, status=status, people_count=people_count, people=tuple(sorted(people[allocation_id])),
        )
    return EtpGrid(years=years, rows=sorted(rows.values(), key=lambda r: r.name.casefold()))


class Evolution(str, enum.Enum):
    UP = "hausse"
    STABLE = "stable"
    DOWN = "baisse"
    NEW = "nouveau"
    ENDED = "arrêt"
    UNKNOWN = "inconnue"

    @property
    def arrow(self) -> str:
        return {"hausse": "↗", "stable": "→", "baisse": "↘", "nouveau": "↗", "arrêt": "↘"}.get(self.value, "?")


def evolution(before: EtpCell | None, after: EtpCell | None) -> Evolution:
    if before is None and after is None:
        return Evolution.UNKNOWN
    if before is None or (before.etp is None and before.status is EtpStatus.FIXED):
        return Evolution.NEW if after is not None and after.etp else Evolution.UNKNOWN
    if after is None:
        return Evolution.ENDED
    if before.etp is None or after.etp is None:
        return Evolution.UNKNOWN
    if after.etp > before.etp:
        return Evolution.UP
    if after.etp < before.etp:
        return Evolution.DOWN
    return Evolution.STABLE


@dataclass(frozen=True)
class EtpComparison:
    organisation_id: int
    name: str
    before: EtpCell | None
    after: EtpCell | None
    evolution: Evolution


def comparison_years(years: list[int], year: int, chosen_before: int | None,
                     chosen_after: int | None) -> tuple[int | None, int | None]:
    """The two years compared: the user's choice, else the year shown and the one before."""
    after = chosen_after if chosen_after in years else year
    earlier = [y for y in years if y < after]
    before = chosen_before if chosen_before in years and chosen_before != after else (
        earlier[-1] if earlier else None)
    return before, after


def compare_years(session: Session, year_before: int, year_after: int) -> list[EtpComparison]:
    """The CTG 1 → CTG 2 table the conventions print: ETP and people before and after."""
    grid = etp_grid(session, [year_before, year_after])
    return [
        EtpComparison(
            organisation_id=row.organisation_id, name=row.name,
            before=row.cells.get(year_before), after=row.cells.get(year_after),
            evolution=evolution(row.cells.get(year_before), row.cells.get(year_after)),
        )
        for row in grid.rows
    ]


@dataclass(frozen=True)
class CoordinatorLoad:
    coordinator_id: int
    name: str
    year: int
    total: Decimal
    structures: tuple[str, ...]

    @property
    def over_allocated(self) -> bool:
        return self.total > MAX_ETP_PER_PERSON


def coordinator_loads(session: Session, year: int) -> list[CoordinatorLoad]:
    """Each coordinator's known ETP total for a year, with the structures she works for."""
    shares, allocations, coordinators, people, organisations = (  # table columns, as etp_grid
        table(EtpShare), table(EtpAllocation), table(Coordinator), table(Person), table(Organisation))
    query = (
        select(coordinators.c.id, people.c.first_name, people.c.last_name, organisations.c.name, shares.c.etp)
        .select_from(coordinators.join(people, coordinators.c.person_id == people.c.id)
                     .join(shares, shares.c.coordinator_id == coordinators.c.id)
                     .join(allocations, shares.c.allocation_id == allocations.c.id)
                     .join(organisations, allocations.c.organisation_id == organisations.c.id))
        .where(allocations.c.year == year)
    )
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    names: dict[int, str] = {}
    structures: dict[int, list[str]] = defaultdict(list)
    for coordinator_id, first, last, organisation, share in session.execute(query):
        names[coordinator_id] = f"{first} {last}".strip()
        totals[coordinator_id] += share or ZERO
        structures[coordinator_id].append(organisation)
    return sorted(
        (
            CoordinatorLoad(cid, names[cid], year, totals[cid], tuple(sorted(structures[cid])))
            for cid in names
        ),
        key=lambda load: load.name.casefold(),
    )


@dataclass(frozen=True)
class CoordinatorShare:
    """One line of a coordinator's ETP: her part of a structure's allocation in a year."""
    year: int
    organisation_id: int
    organisation: str
    share: Decimal | None      # her part, None when the split is not known
    structure_etp: Decimal | None
    structure_status: EtpStatus


def coordinator_shares(session: Session, coordinator_id: int) -> list[CoordinatorShare]:
    """Every allocation a coordinator takes part in, newest year first, then by structure."""
    rows = session.execute(
        select(EtpAllocation.year, Organisation.id, Organisation.name, EtpShare.etp, EtpAllocation.etp,
               EtpAllocation.status)
        .join(EtpAllocation, EtpShare.allocation_id == EtpAllocation.id)
        .join(Organisation, EtpAllocation.organisation_id == Organisation.id)
        .where(EtpShare.coordinator_id == coordinator_id)
    ).all()
    shares = [CoordinatorShare(*row) for row in rows]
    return sorted(shares, key=lambda s: (-s.year, s.organisation.casefold()))


def shares_total_per_year(shares: list[CoordinatorShare]) -> dict[int, Decimal]:
    """Her known ETP for each year (the parts not given count for nothing)."""
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for share in shares:
        totals[share.year] += share.share or ZERO
    return dict(sorted(totals.items(), reverse=True))
