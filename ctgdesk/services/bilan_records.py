"""The bilan's meetings, decisions and alerts: the lines of its tables (and of the ICS/CSV
exports), and the date of the previous COPIL.

Each list is a fixed number of queries whatever its length, read in chunks with names from
small tables (services.bulk): a five-year bilan of the biggest territory lists 10 000
meetings and 12 000 decisions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctgdesk.models import (
    Alert,
    Attendance,
    AttendanceStatus,
    Decision,
    DecisionStatus,
    Instance,
    InstanceKind,
    Meeting,
    MeetingStatus,
)
from ctgdesk.models.meetings import meeting_communes
from ctgdesk.services.bulk import (
    coordinator_names,
    fiche_labels,
    instance_heads,
    organisation_names,
    person_names,
    stream,
)
from ctgdesk.services.bulk import rows as column_rows
from ctgdesk.services.indicators import CountContext, Period, Scope, meeting_status_in


@dataclass(slots=True)
class MeetingLine:
    id: int
    uid: str
    starts_at: datetime
    ends_at: datetime | None
    instance: str
    kind: InstanceKind
    title: str
    status: MeetingStatus
    place: str
    communes: str
    animator: str
    present: int
    decisions: int
    alerts: int
    agenda: str
    diagnostic_partage: bool


@dataclass(slots=True)
class DecisionLine:
    id: int
    meeting_id: int
    on: date
    instance: str
    kind: InstanceKind
    text: str
    carried_by: str
    due_date: date | None
    status: DecisionStatus
    fiche: str


@dataclass(slots=True)
class AlertLine:
    id: int
    raised_on: date
    text: str
    fiche: str
    instance: str
    raised_by: str
    resolved_on: date | None
    resolution: str

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None

    @property
    def status_label(self) -> str:
        return "Ouverte" if self.is_open else "Levée"


def meeting_lines(session: Session, year_from: int | None = None, year_to: int | None = None,
                  scope: Scope | None = None) -> list[MeetingLine]:
    """Every meeting of the years (all years when none), in date order, with its counts.

    A fixed number of queries whatever the number of meetings: the communes, the presents,
    decisions and alerts per meeting first, then the meetings' own columns, made into lines as
    they come (in chunks: services.bulk); instance and animator names come from small tables
    rather than a join per row.
    """
    scope = scope or Scope.territory()
    if year_from is None:
        bounds = column_rows(session, select(func.min(Meeting.starts_at), func.max(Meeting.starts_at))).one()
        if bounds[0] is None:
            return []
        year_from, year_to = bounds[0].year, bounds[1].year
    ctx = CountContext(session, Period(year_from, year_to if year_to is not None else year_from), scope)
    conditions = ctx.meeting_filters()
    ids = select(Meeting.id).where(*conditions)
    instances = instance_heads(session)
    animators = coordinator_names(session)
    names = organisation_names(session)
    communes: dict[int, list[str]] = defaultdict(list)
    for meeting_id, organisation_id in stream(session,
        select(meeting_communes.c.meeting_id, meeting_communes.c.organisation_id)
        .where(meeting_communes.c.meeting_id.in_(ids))
    ):
        communes[meeting_id].append(names[organisation_id])
    joined = {meeting_id: ", ".join(sorted(listed, key=str.casefold)) for meeting_id, listed in communes.items()}
    del communes
    present = _grouped_counts(session, Attendance.meeting_id, ids, Attendance.status == AttendanceStatus.PRESENT)
    decisions = _grouped_counts(session, Decision.meeting_id, ids)
    alerts = _grouped_counts(session, Alert.meeting_id, ids)
    lines = []
    append = lines.append
    for mid, uid, starts, ends, instance_id, title, status, place, animator_id, agenda, diag in stream(session,
        select(Meeting.id, Meeting.uid, Meeting.starts_at, Meeting.ends_at, Meeting.instance_id, Meeting.title,
               Meeting.status, Meeting.place, Meeting.animator_id, Meeting.agenda, Meeting.diagnostic_partage)
        .where(*conditions)
        .order_by(Meeting.starts_at, Meeting.id)
    ):
        instance, kind = instances[instance_id]
        append(MeetingLine(
            id=mid, uid=uid, starts_at=starts, ends_at=ends, instance=instance, kind=kind, title=title or "",
            status=status, place=place or "", communes=joined.get(mid, ""), animator=animators.get(animator_id, ""),
            present=present.get(mid, 0), decisions=decisions.get(mid, 0), alerts=alerts.get(mid, 0),
            agenda=agenda or "", diagnostic_partage=bool(diag),
        ))
    return lines


def _grouped_counts(session: Session, column, ids, *conditions) -> dict[int, int]:
    query = select(column, func.count()).where(column.in_(ids), *conditions).group_by(column)
    return {key: number for key, number in stream(session, query)}


def decision_lines(session: Session, meeting_conditions: list) -> list[DecisionLine]:
    """The decisions of the held meetings matching `meeting_conditions`, in date order: one
    query, its rows made into lines as they come; instance, carrier and fiche names looked up
    in small tables."""
    instances = instance_heads(session)
    people = person_names(session)
    organisations = organisation_names(session)
    fiches = fiche_labels(session)
    result = stream(session,
        select(Decision.id, Decision.meeting_id, Meeting.starts_at, Meeting.instance_id, Decision.text,
               Decision.carried_by_id, Decision.carried_by_organisation_id, Decision.due_date, Decision.status,
               Decision.fiche_id)
        .join(Meeting, Decision.meeting_id == Meeting.id)
        .where(meeting_status_in([MeetingStatus.HELD]), *meeting_conditions)
        .order_by(Meeting.starts_at, Decision.id)
    )
    lines = []
    append = lines.append
    for did, mid, starts, instance_id, text, person_id, organisation_id, due, status, fiche_id in result:
        instance, kind = instances[instance_id]
        person = people.get(person_id, "")
        org = organisations.get(organisation_id)
        append(DecisionLine(
            id=did, meeting_id=mid, on=starts.date(), instance=instance, kind=kind, text=text,
            carried_by=f"{person} ({org})" if person and org else person or org or "", due_date=due,
            status=status, fiche=fiches.get(fiche_id, ""),
        ))
    return lines


def alert_lines(session: Session, conditions: list) -> list[AlertLine]:
    """The alerts matching `conditions`, by date raised; fiche, instance and raiser named from
    small tables."""
    fiches = fiche_labels(session)
    instances = instance_heads(session)
    raisers = coordinator_names(session)
    query = (
        select(Alert.id, Alert.raised_on, Alert.text, Alert.fiche_id, Meeting.instance_id, Alert.raised_by_id,
               Alert.resolved_on, Alert.resolution)
        .outerjoin(Meeting, Alert.meeting_id == Meeting.id)
        .where(*conditions)
        .order_by(Alert.raised_on, Alert.id)
    )
    return [
        AlertLine(
            id=aid, raised_on=raised, text=text, fiche=fiches.get(fiche_id, ""),
            instance=instances[instance_id][0] if instance_id is not None else "",
            raised_by=raisers.get(raiser_id, ""), resolved_on=resolved, resolution=resolution or "",
        )
        for aid, raised, text, fiche_id, instance_id, raiser_id, resolved, resolution in stream(session, query)
    ]


def previous_copil(session: Session, ctx: CountContext, reference: date) -> date | None:
    """The last COPIL held before the reference date (today, or the end of the period)."""
    conditions = [Instance.kind == InstanceKind.COPIL, meeting_status_in([MeetingStatus.HELD]),
                  Meeting.starts_at < datetime.combine(reference, datetime.min.time())]
    if ctx.scope.kind == "commune":
        conditions.append(ctx.meeting_filters()[-1])
    last = session.scalar(
        select(func.max(Meeting.starts_at)).join(Instance, Meeting.instance_id == Instance.id).where(*conditions)
    )
    return last.date() if last else None
