"""The bilan's ETP table (the previous convention's last year against the bilan's year, CTG 1
→ CTG 2) and its chargé·e·s de coopération with their ETP."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ctgdesk.models import Convention, Coordinator, EtpStatus, Person
from ctgdesk.services import etp as etp_service
from ctgdesk.services.indicators import Period, Scope

if TYPE_CHECKING:
    from ctgdesk.services.bilan import ConventionInfo


@dataclass(frozen=True)
class EtpLine:
    organisation_id: int
    name: str
    etp_before: Decimal | None
    pending_before: bool
    people_before: int | None
    etp_after: Decimal | None
    pending_after: bool
    people_after: int | None
    evolution: etp_service.Evolution
    coordinators: str

    @property
    def arrow(self) -> str:
        return self.evolution.arrow


@dataclass(frozen=True)
class EtpTable:
    year_before: int
    year_after: int
    before_label: str  # "CTG 1 (2025)" or "2025"
    after_label: str
    lines: tuple[EtpLine, ...]
    # distinct chargé·e·s named in the lines' shares, each year: the people totals are sums over
    # the structures (as the conventions' annexes count them), where a person counts once per structure
    named_before: int = 0
    named_after: int = 0

    @property
    def total_before(self) -> Decimal:
        return sum((line.etp_before for line in self.lines if line.etp_before is not None), Decimal("0"))

    @property
    def total_after(self) -> Decimal:
        return sum((line.etp_after for line in self.lines if line.etp_after is not None), Decimal("0"))

    @property
    def people_before(self) -> int:
        return sum(line.people_before or 0 for line in self.lines)

    @property
    def people_after(self) -> int:
        return sum(line.people_after or 0 for line in self.lines)

    @property
    def people_note(self) -> str:
        """What the people totals are, in words (under the ETP table of the PDF and the workbook)."""
        text = ("Personnes : le total est la somme des personnes de chaque commune / structure, comme les "
                "annexes des conventions les comptent ; une personne qui travaille pour plusieurs communes ou "
                "structures y est comptée une fois pour chacune")
        if self.named_after:
            text += (f" ({self.people_after} en {self.year_after} pour {self.named_after} "
                     f"chargé·e·s de coopération distinct·e·s)")
        return text + "."

    @property
    def evolution(self) -> etp_service.Evolution:
        if self.total_after > self.total_before:
            return etp_service.Evolution.UP
        if self.total_after < self.total_before:
            return etp_service.Evolution.DOWN
        return etp_service.Evolution.STABLE


@dataclass(frozen=True)
class CoordinatorLine:
    id: int
    name: str
    employer: str
    is_project_lead: bool
    etp: Decimal
    structures: str


def etp_years(session: Session, period: Period, convention: ConventionInfo | None) -> tuple[int, int, str, str]:
    """Compare the previous convention's last year with the bilan's year (CTG 1 → CTG 2),
    or the previous year when there is no previous convention."""
    after = period.year_to
    if convention is not None:
        previous = session.scalar(
            select(Convention).where(Convention.last_year < convention.first_year)
            .order_by(Convention.last_year.desc()).limit(1)
        )
        if previous is not None:
            return previous.last_year, after, f"{previous.name} ({previous.last_year})", f"{convention.name} ({after})"
    return after - 1, after, str(after - 1), str(after)


def etp_table(session: Session, period: Period, scope: Scope, convention: ConventionInfo | None) -> EtpTable:
    """The ETP of each commune and structure before and after (etp_years), for the scope: the
    commune itself, or the structures the coordinator works for."""
    before, after, before_label, after_label = etp_years(session, period, convention)
    grid = etp_service.etp_grid(session, [before, after])
    coordinator_name = session.get(Coordinator, scope.id).name if scope.kind == "coordinator" else None
    lines = []
    named_before: set[str] = set()
    named_after: set[str] = set()
    for row in grid.rows:
        cell_before, cell_after = row.cells.get(before), row.cells.get(after)
        people = sorted(set((cell_after.people if cell_after else ()) or (cell_before.people if cell_before else ())))
        if scope.kind == "commune" and row.organisation_id != scope.id:
            continue
        if coordinator_name is not None and not any(
                cell is not None and coordinator_name in cell.people for cell in (cell_before, cell_after)):
            continue
        named_before.update(cell_before.people if cell_before else ())
        named_after.update(cell_after.people if cell_after else ())
        lines.append(EtpLine(
            organisation_id=row.organisation_id, name=row.name,
            etp_before=cell_before.etp if cell_before else None,
            pending_before=bool(cell_before and cell_before.status is EtpStatus.PENDING),
            people_before=cell_before.people_count if cell_before else None,
            etp_after=cell_after.etp if cell_after else None,
            pending_after=bool(cell_after and cell_after.status is EtpStatus.PENDING),
            people_after=cell_after.people_count if cell_after else None,
            evolution=etp_service.evolution(cell_before, cell_after), coordinators=", ".join(people),
        ))
    return EtpTable(before, after, before_label, after_label, tuple(lines), len(named_before), len(named_after))


def coordinator_lines(session: Session, period: Period, scope: Scope, etp_table: EtpTable) -> list[CoordinatorLine]:
    """The coordinators in post during the period (or with ETP in its last year), with their
    ETP and structures; for a commune, those named in its ETP lines."""
    loads = {load.coordinator_id: load for load in etp_service.coordinator_loads(session, period.year_to)}
    query = (
        select(Coordinator)
        .join(Person, Coordinator.person_id == Person.id)
        .options(selectinload(Coordinator.person), selectinload(Coordinator.employer))
        .order_by(Person.last_name, Person.first_name)
    )
    if scope.kind == "coordinator":
        query = query.where(Coordinator.id == scope.id)
    lines = []
    commune_people = {p.strip() for line in etp_table.lines for p in line.coordinators.split(",") if p.strip()}
    for coordinator in session.scalars(query):
        active = (coordinator.start_date is None or coordinator.start_date < period.end) and (
            coordinator.end_date is None or coordinator.end_date >= period.start)
        if not active and coordinator.id not in loads:
            continue
        if scope.kind == "commune" and coordinator.name not in commune_people:
            continue
        load = loads.get(coordinator.id)
        lines.append(CoordinatorLine(
            id=coordinator.id, name=coordinator.name,
            employer=coordinator.employer.name if coordinator.employer else "",
            is_project_lead=coordinator.is_project_lead, etp=load.total if load else Decimal("0"),
            structures=", ".join(load.structures) if load else "",
        ))
    return lines
