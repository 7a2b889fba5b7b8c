"""The tableau de bord of a year: where the coordination stands, and what needs attention.

Everything the dashboard page shows is computed here (no Qt), so the CLI and tests read the
same figures:
- meetings held per instance against its minimum per year ("COTECH : 1 / 2"), for the
  instances of the year's convention;
- decisions still open (à faire, en cours) and those past their due date — whatever year
  they were taken, an open decision stays open;
- alerts to the COPIL not yet resolved;
- the fiches actions of the year's convention by status;
- the ETP of the year (total fixed, structures "En cours", over-allocated coordinators);
- the next planned meetings;
- warnings, each naming the page and the record it concerns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ctgdesk.formatting import decimal2, short_date
from ctgdesk.models import (
    Alert,
    Convention,
    Decision,
    DecisionStatus,
    Coordinator,
    FicheStatus,
    Instance,
    JournalEntry,
    Meeting,
    MeetingStatus,
    Organisation,
)
from ctgdesk.services.etp import coordinator_loads, etp_grid
from ctgdesk.services.plan import list_fiches
from ctgdesk.services.territory import convention_for_year

OPEN_DECISION = (DecisionStatus.OPEN, DecisionStatus.IN_PROGRESS)
NEXT_MEETINGS = 5

# Pages a warning can lead to (the keys of ctgdesk.ui.pages.PAGES).
PAGE_MEETINGS = "meetings"
PAGE_PLAN = "plan"
PAGE_STAFF = "staff"


@dataclass(frozen=True)
class InstanceCount:
    instance_id: int
    name: str
    held: int
    planned: int  # still to come (planned, from today on)
    minimum: int

    @property
    def label(self) -> str:
        """ "COTECH : 1 / 2" — held against the minimum (just the count when none is set)."""
        return f"{self.name} : {self.held} / {self.minimum}" if self.minimum else f"{self.name} : {self.held}"

    @property
    def under_minimum(self) -> bool:
        """Even with the meetings still planned, the instance will not meet often enough."""
        return self.held + self.planned < self.minimum


@dataclass(frozen=True)
class UpcomingMeeting:
    meeting_id: int
    starts_at: datetime
    instance: str
    title: str
    place: str


@dataclass(frozen=True)
class DashboardWarning:
    message: str
    page: str  # PAGE_MEETINGS, PAGE_PLAN, PAGE_STAFF
    record_kind: str  # "instance", "meeting", "fiche", "coordinator"
    record_id: int


@dataclass
class Dashboard:
    year: int
    today: date
    convention: str | None
    instances: list[InstanceCount] = field(default_factory=list)
    meetings_held: int = 0
    meetings_planned: int = 0
    open_decisions: int = 0
    overdue_decisions: int = 0
    open_alerts: int = 0
    fiches_by_status: dict[FicheStatus, int] = field(default_factory=dict)
    late_fiches: int = 0
    etp_total: Decimal = Decimal("0")
    etp_previous_total: Decimal | None = None
    etp_structures: int = 0
    etp_pending: int = 0
    coordinators: int = 0
    journal_entries: int = 0
    organisations: int = 0  # none: a new, empty database
    next_meetings: list[UpcomingMeeting] = field(default_factory=list)
    warnings: list[DashboardWarning] = field(default_factory=list)

    @property
    def fiches_total(self) -> int:
        return sum(self.fiches_by_status.values())


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1), datetime(year + 1, 1, 1)


def _instance_counts(session: Session, year: int, today: date) -> list[InstanceCount]:
    start, end = _year_bounds(year)
    from_today = max(start, datetime.combine(today, datetime.min.time()))
    held = dict(session.execute(
        select(Meeting.instance_id, func.count())
        .where(Meeting.starts_at >= start, Meeting.starts_at < end, Meeting.status == MeetingStatus.HELD)
        .group_by(Meeting.instance_id)
    ).all())
    planned = dict(session.execute(
        select(Meeting.instance_id, func.count())
        .where(Meeting.starts_at >= from_today, Meeting.starts_at < end, Meeting.status == MeetingStatus.PLANNED)
        .group_by(Meeting.instance_id)
    ).all())
    # An instance of no particular convention sits in the years some convention covers
    # (in every year while no convention is recorded at all). Plain columns: no ORM object
    # per instance (a big territory has 150).
    covering = {c.id: c.covers(year) for c in session.scalars(select(Convention))}  # a few
    territory_year = not covering or any(covering.values())
    instances = session.execute(
        select(Instance.id, Instance.name, Instance.min_per_year, Instance.convention_id)
        .order_by(Instance.kind, Instance.name)
    ).all()
    return [
        InstanceCount(i_id, name, held.get(i_id, 0), planned.get(i_id, 0), minimum or 0)
        for i_id, name, minimum, convention_id in instances
        if (covering[convention_id] if convention_id is not None else territory_year)
    ]


def _next_meetings(session: Session, today: date) -> list[UpcomingMeeting]:
    query = (
        select(Meeting)
        .where(Meeting.starts_at >= datetime.combine(today, datetime.min.time()),
               Meeting.status == MeetingStatus.PLANNED)
        .options(selectinload(Meeting.instance))
        .order_by(Meeting.starts_at)
        .limit(NEXT_MEETINGS)
    )
    return [
        UpcomingMeeting(m.id, m.starts_at, m.instance.name, m.title, m.place)
        for m in session.scalars(query)
    ]


def _excerpt(text: str, length: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def dashboard(session: Session, year: int, today: date) -> Dashboard:
    convention = convention_for_year(session, year)
    board = Dashboard(year=year, today=today, convention=convention.name if convention else None)
    start, end = _year_bounds(year)

    # Meetings and instances.
    board.instances = _instance_counts(session, year, today)
    board.meetings_held = session.scalar(
        select(func.count()).select_from(Meeting)
        .where(Meeting.starts_at >= start, Meeting.starts_at < end, Meeting.status == MeetingStatus.HELD)
    ) or 0
    board.meetings_planned = session.scalar(
        select(func.count()).select_from(Meeting)
        .where(Meeting.starts_at >= start, Meeting.starts_at < end, Meeting.status == MeetingStatus.PLANNED)
    ) or 0
    board.next_meetings = _next_meetings(session, today)
    for count in board.instances:
        if count.under_minimum:
            missing = count.minimum - count.held - count.planned
            board.warnings.append(DashboardWarning(
                f"{count.name} : {count.held} réunion(s) tenue(s) et {count.planned} prévue(s) en {year}, "
                f"pour {count.minimum} au moins — {missing} à programmer.",
                PAGE_MEETINGS, "instance", count.instance_id,
            ))

    # Decisions and alerts (open whatever the year they were taken).
    open_decisions = session.execute(  # plain columns: a big territory has thousands still open
        select(Decision.meeting_id, Decision.text, Decision.due_date)
        .where(Decision.status.in_(OPEN_DECISION)).order_by(Decision.due_date, Decision.id)
    ).all()
    board.open_decisions = len(open_decisions)
    overdue = [d for d in open_decisions if d.due_date is not None and d.due_date < today]
    board.overdue_decisions = len(overdue)
    for decision in overdue:
        board.warnings.append(DashboardWarning(
            f"Décision en retard (échéance {short_date(decision.due_date)}) : « {_excerpt(decision.text)} »",
            PAGE_MEETINGS, "meeting", decision.meeting_id,
        ))
    alerted_fiches = set(session.scalars(
        select(Alert.fiche_id).where(Alert.resolved_on.is_(None), Alert.fiche_id.is_not(None))
    ))
    board.open_alerts = session.scalar(
        select(func.count()).select_from(Alert).where(Alert.resolved_on.is_(None))
    ) or 0

    # Plan d'action of the year's convention.
    fiches = list_fiches(session, today, convention.id) if convention is not None else []
    board.fiches_by_status = {status: 0 for status in FicheStatus}
    for fiche in fiches:
        board.fiches_by_status[fiche.status] += 1
    board.late_fiches = sum(1 for f in fiches if f.late)
    for fiche in fiches:
        if fiche.status is FicheStatus.BLOCKED and fiche.id not in alerted_fiches:
            board.warnings.append(DashboardWarning(
                f"Fiche {fiche.number} « {_excerpt(fiche.title, 50)} » bloquée sans alerte ouverte au COPIL.",
                PAGE_PLAN, "fiche", fiche.id,
            ))

    # ETP.
    grid = etp_grid(session, [year - 1, year])
    board.etp_total = grid.column_total(year)
    board.etp_structures = sum(1 for r in grid.rows if year in r.cells)
    board.etp_pending = grid.pending_count(year)
    if any(year - 1 in r.cells for r in grid.rows):
        board.etp_previous_total = grid.column_total(year - 1)
    board.coordinators = session.scalar(
        select(func.count()).select_from(Coordinator).where(
            (Coordinator.start_date.is_(None)) | (Coordinator.start_date <= date(year, 12, 31)),
            (Coordinator.end_date.is_(None)) | (Coordinator.end_date >= date(year, 1, 1)),
        )
    ) or 0
    loads = coordinator_loads(session, year)
    for load in loads:
        if load.over_allocated:
            board.warnings.append(DashboardWarning(
                f"{load.name} a {decimal2(load.total)} ETP en {year} (plus d'un temps plein).",
                PAGE_STAFF, "coordinator", load.coordinator_id,
            ))

    board.organisations = session.scalar(select(func.count()).select_from(Organisation)) or 0
    board.journal_entries = session.scalar(
        select(func.count()).select_from(JournalEntry)
        .where(JournalEntry.date >= date(year, 1, 1), JournalEntry.date <= date(year, 12, 31))
    ) or 0
    return board


