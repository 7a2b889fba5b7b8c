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
- warnings, each naming the page and the record it concerns: the WARNINGS_PER_KIND most
  urgent of each kind, the others counted (`more_warnings`) — a territory with years of
  history can have 1 500 overdue decisions, and nobody reads such a list to the end.

The page in front at start-up is this one: its statements name table columns
(`ctgdesk.models.base.table`), so that no mapper needs configuring before it is on screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Callable, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctgdesk.formatting import decimal2, short_date
from ctgdesk.models import (
    Alert,
    Convention,
    Decision,
    Coordinator,
    FicheAction,
    FicheStatus,
    Instance,
    JournalEntry,
    Meeting,
    MeetingStatus,
    Organisation,
    Person,
)
from ctgdesk.models.base import table
from ctgdesk.services.etp import coordinator_loads, etp_grid
from ctgdesk.services.meetings import OPEN_DECISION, instance_order
from ctgdesk.services.plan import list_fiches
from ctgdesk.services.territory import conventions_covering

NEXT_MEETINGS = 5
WARNINGS_PER_KIND = 8
R = TypeVar("R")

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
    more_warnings: dict[str, int] = field(default_factory=dict)  # record kind → warnings not listed
    mine: str | None = None  # the coordinator whose meetings, decisions and fiches are counted, if one

    @property
    def fiches_total(self) -> int:
        return sum(self.fiches_by_status.values())


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1), datetime(year + 1, 1, 1)


def _instance_counts(session: Session, year: int, today: date,
                     conventions: list[tuple[int, str]]) -> list[InstanceCount]:
    """`conventions`: those covering the year (territory.conventions_covering)."""
    start, end = _year_bounds(year)
    from_today = max(start, datetime.combine(today, datetime.min.time()))
    meeting, instance = table(Meeting).c, table(Instance).c
    held = dict(session.execute(
        select(meeting.instance_id, func.count())
        .where(meeting.starts_at >= start, meeting.starts_at < end, meeting.status == MeetingStatus.HELD)
        .group_by(meeting.instance_id)
    ).all())
    planned = dict(session.execute(
        select(meeting.instance_id, func.count())
        .where(meeting.starts_at >= from_today, meeting.starts_at < end, meeting.status == MeetingStatus.PLANNED)
        .group_by(meeting.instance_id)
    ).all())
    # An instance of no particular convention sits in the years some convention covers
    # (in every year while no convention is recorded at all).
    covering = {convention_id for convention_id, _name in conventions}
    territory_year = bool(covering) or not session.scalar(select(func.count()).select_from(table(Convention)))
    instances = sorted(session.execute(  # governance first, as everywhere (meetings.instance_order)
        select(instance.id, instance.name, instance.min_per_year, instance.convention_id, instance.kind)
    ).all(), key=lambda row: instance_order(row.kind, row.name))
    return [
        InstanceCount(i_id, name, held.get(i_id, 0), planned.get(i_id, 0), minimum or 0)
        for i_id, name, minimum, convention_id, _kind in instances
        if (convention_id in covering if convention_id is not None else territory_year)
    ]


def _next_meetings(session: Session, today: date, *mine) -> list[UpcomingMeeting]:
    meetings, instances = table(Meeting), table(Instance)
    meeting = meetings.c
    query = (
        select(meeting.id, meeting.starts_at, instances.c.name, meeting.title, meeting.place)
        .join(instances, meeting.instance_id == instances.c.id)
        .where(meeting.starts_at >= datetime.combine(today, datetime.min.time()),
               meeting.status == MeetingStatus.PLANNED, *mine)
        .order_by(meeting.starts_at)
        .limit(NEXT_MEETINGS)
    )
    return [UpcomingMeeting(*row) for row in session.execute(query)]


def _add_warnings(board: Dashboard, page: str, kind: str, records: list[R], record_id: Callable[[R], int],
                  message: Callable[[R], str]) -> None:
    """The first WARNINGS_PER_KIND of `records` (the most urgent first) become warnings; the
    others are counted in `board.more_warnings`, without their message being written."""
    for record in records[:WARNINGS_PER_KIND]:
        board.warnings.append(DashboardWarning(message(record), page, kind, record_id(record)))
    if len(records) > WARNINGS_PER_KIND:
        board.more_warnings[kind] = len(records) - WARNINGS_PER_KIND


def _excerpt(text: str, length: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def dashboard(session: Session, year: int, today: date, *, mine: int | None = None) -> Dashboard:
    """The board of a year; with `mine` (a coordinator id), "mes réunions, mes décisions, mes
    fiches": the meetings she animates, the decisions she carries or that were taken in them,
    the fiches she is the referent of, her journal entries. Instances and ETP stay the territory's."""
    conventions = conventions_covering(session, year)
    convention_id, convention_name = conventions[0] if conventions else (None, None)
    board = Dashboard(year=year, today=today, convention=convention_name)
    start, end = _year_bounds(year)
    meeting, decision, alert = table(Meeting).c, table(Decision).c, table(Alert).c
    coordinator = table(Coordinator).c
    my_meetings: tuple = ()
    my_decisions: tuple = ()
    my_entries: tuple = ()
    my_person = None
    if mine is not None:
        my_person = session.scalar(select(coordinator.person_id).where(coordinator.id == mine))
        person = table(Person).c
        board.mine = " ".join(session.execute(
            select(person.first_name, person.last_name).where(person.id == my_person)).one())
        my_meetings = (meeting.animator_id == mine,)
        animated = select(meeting.id).where(meeting.animator_id == mine)
        my_decisions = ((decision.carried_by_id == my_person) | decision.meeting_id.in_(animated),)
        my_entries = (table(JournalEntry).c.coordinator_id == mine,)

    # Meetings and instances.
    board.instances = _instance_counts(session, year, today, conventions)
    board.meetings_held = session.scalar(
        select(func.count()).select_from(table(Meeting))
        .where(meeting.starts_at >= start, meeting.starts_at < end, meeting.status == MeetingStatus.HELD, *my_meetings)
    ) or 0
    board.meetings_planned = session.scalar(
        select(func.count()).select_from(table(Meeting))
        .where(meeting.starts_at >= start, meeting.starts_at < end, meeting.status == MeetingStatus.PLANNED,
               *my_meetings)
    ) or 0
    board.next_meetings = _next_meetings(session, today, *my_meetings)
    _add_warnings(
        board, PAGE_MEETINGS, "instance", [c for c in board.instances if c.under_minimum],
        lambda count: count.instance_id,
        lambda count: f"{count.name} : {count.held} réunion(s) tenue(s) et {count.planned} prévue(s) en {year}, "
                      f"pour {count.minimum} au moins — {count.minimum - count.held - count.planned} à programmer.",
    )

    # Decisions and alerts (open whatever the year they were taken).
    open_decisions = session.execute(  # a big territory has thousands still open
        select(decision.meeting_id, decision.text, decision.due_date)
        .where(decision.status.in_(OPEN_DECISION), *my_decisions).order_by(decision.due_date, decision.id)
    ).all()
    board.open_decisions = len(open_decisions)
    overdue = [d for d in open_decisions if d.due_date is not None and d.due_date < today]
    board.overdue_decisions = len(overdue)
    _add_warnings(
        board, PAGE_MEETINGS, "meeting", overdue, lambda decision: decision.meeting_id,
        lambda decision: f"Décision en retard (échéance {short_date(decision.due_date)}) : « {_excerpt(decision.text)} »",
    )
    board.open_alerts = session.scalar(
        select(func.count()).select_from(table(Alert)).where(alert.resolved_on.is_(None))
    ) or 0

    # Plan d'action of the year's convention.
    fiches = list_fiches(session, today, convention_id) if convention_id is not None else []
    if mine is not None:
        fiche = table(FicheAction).c
        hers = set(session.scalars(select(fiche.id).where(fiche.referent_id == my_person)))
        fiches = [f for f in fiches if f.id in hers]
    board.fiches_by_status = {status: 0 for status in FicheStatus}
    for fiche in fiches:
        board.fiches_by_status[fiche.status] += 1
    board.late_fiches = sum(1 for f in fiches if f.late)
    _add_warnings(
        board, PAGE_PLAN, "fiche", [f for f in fiches if f.status is FicheStatus.BLOCKED and not f.has_open_alert],
        lambda fiche: fiche.id,
        lambda fiche: f"Fiche {fiche.number} « {_excerpt(fiche.title, 50)} » bloquée sans alerte ouverte au COPIL.",
    )

    # ETP.
    grid = etp_grid(session, [year - 1, year])
    board.etp_total = grid.column_total(year)
    board.etp_structures = sum(1 for r in grid.rows if year in r.cells)
    board.etp_pending = grid.pending_count(year)
    if any(year - 1 in r.cells for r in grid.rows):
        board.etp_previous_total = grid.column_total(year - 1)
    board.coordinators = session.scalar(
        select(func.count()).select_from(table(Coordinator)).where(
            (coordinator.start_date.is_(None)) | (coordinator.start_date <= date(year, 12, 31)),
            (coordinator.end_date.is_(None)) | (coordinator.end_date >= date(year, 1, 1)),
        )
    ) or 0
    _add_warnings(
        board, PAGE_STAFF, "coordinator", [load for load in coordinator_loads(session, year) if load.over_allocated],
        lambda load: load.coordinator_id,
        lambda load: f"{load.name} a {decimal2(load.total)} ETP en {year} (plus d'un temps plein).",
    )

    board.organisations = session.scalar(select(func.count()).select_from(table(Organisation))) or 0
    entry = table(JournalEntry).c
    board.journal_entries = session.scalar(
        select(func.count()).select_from(table(JournalEntry))
        .where(entry.date >= date(year, 1, 1), entry.date <= date(year, 12, 31), *my_entries)
    ) or 0
    return board


