"""Instances and meetings: attendance, relevé de décisions, alerts to the COPIL, expertise.

A meeting is edited as one `MeetingInput` (the whole form) and saved in one go; the same
structure restores a deleted meeting (undo) and duplicates one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctgdesk.models import (
    Alert,
    Attendance,
    AttendanceStatus,
    Coordinator,
    Decision,
    DecisionStatus,
    Expertise,
    Instance,
    InstanceKind,
    InstanceMember,
    Meeting,
    MeetingStatus,
    Organisation,
    Person,
)
from ctgdesk.models.base import new_uid, table, utcnow
from ctgdesk.models.meetings import meeting_communes
from ctgdesk.services.bulk import coordinator_names, instance_heads, organisation_names, stream
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.parsing import check_date_range, fold
from ctgdesk.services.records import apply, check_version, get_or_fail, optional_text, required_text

# --- decisions: which are still open, which are overdue -----------------------------------

OPEN_DECISION = (DecisionStatus.OPEN, DecisionStatus.IN_PROGRESS)


def overdue_decision_filters(status, due_date, on: date) -> list:
    """The one rule of an overdue decision ("en retard"): still open (à faire, en cours) and its
    due date before the day `on`. `status` and `due_date` are the columns (ORM or Core) to test."""
    return [status.in_(OPEN_DECISION), due_date.is_not(None), due_date < on]


# --- instances --------------------------------------------------------------------------

INSTANCE_FIELDS = {"name", "kind", "theme", "min_per_year", "convention_id", "notes"}


def _clean_instance(fields: dict) -> dict:
    if "name" in fields:
        fields["name"] = required_text(fields["name"], "Le nom de l'instance", "name")
    if "kind" in fields:
        fields["kind"] = InstanceKind(fields["kind"])
    if fields.get("min_per_year") is not None and fields["min_per_year"] < 0:
        raise ValidationError("Le nombre minimum de réunions par an ne peut pas être négatif.", "min_per_year")
    if fields.get("kind") is InstanceKind.GROUPE_THEMATIQUE and "theme" in fields and not (fields["theme"] or "").strip():
        raise ValidationError("Un groupe thématique a un thème.", "theme")
    return fields


def create_instance(
    session: Session, *, name: str, kind: InstanceKind | str, members: list[tuple[int | None, int | None]] = (),
    **fields,
) -> Instance:
    fields = _clean_instance({"name": name, "kind": kind, "theme": fields.pop("theme", ""), **fields})
    instance = Instance(**{"min_per_year": 0, "notes": "", **fields})
    for person_id, organisation_id in members:
        instance.members.append(InstanceMember(person_id=person_id, organisation_id=organisation_id))
    session.add(instance)
    session.flush()
    return instance


def update_instance(session: Session, instance_id: int, members: list[tuple[int | None, int | None]] | None = None, **fields) -> Instance:
    instance = get_or_fail(session, Instance, instance_id, "L'instance")
    apply(instance, _clean_instance({"kind": instance.kind, **fields}), INSTANCE_FIELDS)
    if members is not None:
        instance.members.clear()
        session.flush()
        for person_id, organisation_id in members:
            instance.members.append(InstanceMember(person_id=person_id, organisation_id=organisation_id))
    session.flush()
    return instance


def delete_instance(session: Session, instance_id: int) -> None:
    instance = get_or_fail(session, Instance, instance_id, "L'instance")
    count = session.scalar(select(func.count()).select_from(Meeting).where(Meeting.instance_id == instance_id))
    if count:
        raise ValidationError(f"L'instance « {instance.name} » a {count} réunion(s) : supprimez-les d'abord.")
    session.delete(instance)
    session.flush()


GOVERNANCE_ORDER = (InstanceKind.COPIL, InstanceKind.COTECH, InstanceKind.COMITE_OPERATIONNEL,
                    InstanceKind.GROUPE_ELUS)


def instance_order(kind: InstanceKind, name: str) -> tuple:
    """Governance first (COPIL, COTECH, comité opérationnel, groupe d'élus), then the others
    by name (no case, no accents)."""
    rank = GOVERNANCE_ORDER.index(kind) if kind in GOVERNANCE_ORDER else len(GOVERNANCE_ORDER)
    return rank, fold(name)


def list_instances(session: Session) -> list[Instance]:
    """Every instance in the order a form offers them (instance_order)."""
    instances = session.scalars(select(Instance)).all()
    return sorted(instances, key=lambda i: instance_order(i.kind, i.name))


# --- meeting form -----------------------------------------------------------------------

@dataclass
class AttendanceInput:
    person_id: int | None = None
    organisation_id: int | None = None
    status: AttendanceStatus = AttendanceStatus.PRESENT


@dataclass
class DecisionInput:
    text: str
    carried_by_id: int | None = None
    carried_by_organisation_id: int | None = None
    due_date: date | None = None
    status: DecisionStatus = DecisionStatus.OPEN
    fiche_id: int | None = None
    uid: str | None = None


@dataclass
class AlertInput:
    text: str
    raised_on: date | None = None
    fiche_id: int | None = None
    raised_by_id: int | None = None
    resolved_on: date | None = None
    resolution: str = ""
    uid: str | None = None


@dataclass
class ExpertiseInput:
    subject: str
    expert_id: int | None = None
    organisation_id: int | None = None
    expert_label: str = ""
    uid: str | None = None


@dataclass
class MeetingInput:
    instance_id: int
    starts_at: datetime
    ends_at: datetime | None = None
    place: str = ""
    animator_id: int | None = None
    status: MeetingStatus = MeetingStatus.PLANNED
    title: str = ""
    agenda: str = ""
    minutes: str = ""
    diagnostic_partage: bool = False
    commune_ids: list[int] = field(default_factory=list)
    attendances: list[AttendanceInput] = field(default_factory=list)
    decisions: list[DecisionInput] = field(default_factory=list)
    alerts: list[AlertInput] = field(default_factory=list)
    expertises: list[ExpertiseInput] = field(default_factory=list)
    uid: str | None = None
    # The version the form read (None: save without the check). Not part of what the meeting
    # *is*: two readings of the same meeting compare equal across a save.
    row_version: int | None = field(default=None, compare=False)


def _validate(session: Session, data: MeetingInput, now: datetime) -> Instance:
    instance = get_or_fail(session, Instance, data.instance_id, "L'instance")
    if data.starts_at is None:
        raise ValidationError("La date de la réunion est obligatoire.", "starts_at")
    if data.ends_at is not None and data.ends_at < data.starts_at:
        raise ValidationError("La fin de la réunion précède son début.", "ends_at")
    check_date_range(data.starts_at, what="La date de la réunion", field="starts_at")
    convention = instance.convention
    if convention is not None and not convention.covers(data.starts_at.year):
        raise ValidationError(
            f"Le {data.starts_at:%d/%m/%Y} est hors de la convention « {convention.name} » "
            f"({convention.first_year}–{convention.last_year}).",
            "starts_at",
        )
    if data.status is MeetingStatus.HELD and data.starts_at > now + timedelta(hours=12):
        raise ValidationError("Une réunion à venir ne peut pas être marquée « Tenue ».", "status")
    if data.animator_id is not None:
        get_or_fail(session, Coordinator, data.animator_id, "Le/la chargé·e de coopération")
    optional_text(data.place, "Le lieu", "place")
    seen_people: set[tuple] = set()
    for attendance in data.attendances:
        key = (attendance.person_id, attendance.organisation_id)
        if attendance.person_id is None and attendance.organisation_id is None:
            raise ValidationError("Une présence nomme une personne ou une structure.", "attendances")
        if key in seen_people:
            raise ValidationError("Un·e participant·e figure deux fois dans les présences.", "attendances")
        seen_people.add(key)
    for number, decision in enumerate(data.decisions, start=1):
        required_text(decision.text, f"Le texte de la décision {number}", "decisions", max_length=5000)
        if decision.due_date is not None and decision.due_date < data.starts_at.date():
            raise ValidationError(
                f"La décision {number} a une échéance ({decision.due_date:%d/%m/%Y}) antérieure à la réunion.",
                "decisions",
            )
    for number, alert in enumerate(data.alerts, start=1):
        required_text(alert.text, f"Le texte de l'alerte {number}", "alerts", max_length=5000)
        raised = alert.raised_on or data.starts_at.date()
        if alert.resolved_on is not None and alert.resolved_on < raised:
            raise ValidationError(f"L'alerte {number} est levée avant d'avoir été émise.", "alerts")
    for number, expertise in enumerate(data.expertises, start=1):
        required_text(expertise.subject, f"L'objet de l'expertise {number}", "expertises", max_length=2000)
        if expertise.expert_id is None and expertise.organisation_id is None and not expertise.expert_label.strip():
            raise ValidationError(f"L'expertise {number} dit qui l'apporte.", "expertises")
    return instance


def save_meeting(
    session: Session, data: MeetingInput, meeting_id: int | None = None, *, now: datetime | None = None
) -> Meeting:
    """Create (meeting_id None) or replace a meeting with everything the form holds."""
    _validate(session, data, now or datetime.now())
    if meeting_id is None:
        meeting = Meeting()
        if data.uid:
            meeting.uid = data.uid
        session.add(meeting)
    else:
        meeting = get_or_fail(session, Meeting, meeting_id, "La réunion")
        check_version(meeting, data.row_version, "Cette réunion a été modifiée")
        meeting.updated_at = utcnow()  # a save changes the version even when only lines changed
        # The lines are replaced by those of the form, which keep their uids: the old rows
        # go first, or the new ones would collide with them on the unique uid.
        for lines in (meeting.attendances, meeting.decisions, meeting.alerts, meeting.expertises):
            lines.clear()
        session.flush()
    for name in ("instance_id", "starts_at", "ends_at", "place", "animator_id", "status", "title",
                 "agenda", "minutes", "diagnostic_partage"):
        setattr(meeting, name, getattr(data, name))
    meeting.place = meeting.place or ""
    meeting.communes = [get_or_fail(session, Organisation, cid, "La commune") for cid in data.commune_ids]
    meeting.attendances = [
        Attendance(person_id=a.person_id, organisation_id=a.organisation_id, status=a.status)
        for a in data.attendances
    ]
    meeting.decisions = [
        _with_uid(Decision(text=d.text.strip(), carried_by_id=d.carried_by_id,
                           carried_by_organisation_id=d.carried_by_organisation_id,
                           due_date=d.due_date, status=d.status, fiche_id=d.fiche_id), d.uid)
        for d in data.decisions
    ]
    meeting.alerts = [
        _with_uid(Alert(text=a.text.strip(), raised_on=a.raised_on or data.starts_at.date(), fiche_id=a.fiche_id,
                        raised_by_id=a.raised_by_id if a.raised_by_id is not None else data.animator_id,
                        resolved_on=a.resolved_on, resolution=a.resolution or ""), a.uid)
        for a in data.alerts
    ]
    meeting.expertises = [
        _with_uid(Expertise(subject=e.subject.strip(), expert_id=e.expert_id, organisation_id=e.organisation_id,
                            expert_label=e.expert_label.strip()), e.uid)
        for e in data.expertises
    ]
    session.flush()
    return meeting


def check_meeting(session: Session, data: MeetingInput, *, now: datetime | None = None) -> None:
    """The rules save_meeting applies, without writing (imports check each row first)."""
    _validate(session, data, now or datetime.now())


def create_meetings(session: Session, items: list[MeetingInput], *, now: datetime | None = None) -> list[int]:
    """Many new meetings at once (imports of thousands of rows): each checked by the rules of
    save_meeting, then written with one multi-row insert per table instead of an ORM flush
    per meeting (3 000 meetings: seconds, not half a minute). Returns their ids, in order."""
    now = now or datetime.now()
    for data in items:
        _validate(session, data, now)
    if not items:
        return []
    session.flush()
    meetings = table(Meeting)
    ids = list(session.execute(
        meetings.insert().returning(meetings.c.id, sort_by_parameter_order=True),
        [{"uid": data.uid or new_uid(), "instance_id": data.instance_id, "starts_at": data.starts_at,
          "ends_at": data.ends_at, "place": data.place or "", "animator_id": data.animator_id, "status": data.status,
          "title": data.title, "agenda": data.agenda, "minutes": data.minutes,
          "diagnostic_partage": data.diagnostic_partage} for data in items],
    ).scalars())
    links = [{"meeting_id": i, "organisation_id": c} for i, data in zip(ids, items) for c in dict.fromkeys(data.commune_ids)]
    attendances = [{"uid": new_uid(), "meeting_id": i, "person_id": a.person_id, "organisation_id": a.organisation_id,
                    "status": a.status} for i, data in zip(ids, items) for a in data.attendances]
    decisions = [{"uid": d.uid or new_uid(), "meeting_id": i, "text": d.text.strip(), "carried_by_id": d.carried_by_id,
                  "carried_by_organisation_id": d.carried_by_organisation_id, "due_date": d.due_date,
                  "status": d.status, "fiche_id": d.fiche_id} for i, data in zip(ids, items) for d in data.decisions]
    alerts = [{"uid": a.uid or new_uid(), "meeting_id": i, "text": a.text.strip(),
               "raised_on": a.raised_on or data.starts_at.date(), "fiche_id": a.fiche_id,
               "raised_by_id": a.raised_by_id if a.raised_by_id is not None else data.animator_id,
               "resolved_on": a.resolved_on, "resolution": a.resolution or ""}
              for i, data in zip(ids, items) for a in data.alerts]
    expertises = [{"uid": e.uid or new_uid(), "meeting_id": i, "subject": e.subject.strip(), "expert_id": e.expert_id,
                   "organisation_id": e.organisation_id, "expert_label": e.expert_label.strip()}
                  for i, data in zip(ids, items) for e in data.expertises]
    for target, values in ((meeting_communes, links), (table(Attendance), attendances), (table(Decision), decisions),
                           (table(Alert), alerts), (table(Expertise), expertises)):
        if values:
            session.execute(target.insert(), values)
    return ids


def _with_uid(record, uid: str | None):
    if uid:
        record.uid = uid
    return record


def meeting_input(session: Session, meeting_id: int) -> MeetingInput:
    """The whole meeting as the form edits it (also what undo restores)."""
    m = get_or_fail(session, Meeting, meeting_id, "La réunion")
    return MeetingInput(
        instance_id=m.instance_id, starts_at=m.starts_at, ends_at=m.ends_at, place=m.place,
        animator_id=m.animator_id, status=m.status, title=m.title, agenda=m.agenda, minutes=m.minutes,
        diagnostic_partage=m.diagnostic_partage, commune_ids=[c.id for c in m.communes],
        attendances=[AttendanceInput(a.person_id, a.organisation_id, a.status) for a in m.attendances],
        decisions=[DecisionInput(d.text, d.carried_by_id, d.carried_by_organisation_id, d.due_date, d.status,
                                 d.fiche_id, d.uid) for d in m.decisions],
        alerts=[AlertInput(a.text, a.raised_on, a.fiche_id, a.raised_by_id, a.resolved_on, a.resolution, a.uid)
                for a in m.alerts],
        expertises=[ExpertiseInput(e.subject, e.expert_id, e.organisation_id, e.expert_label, e.uid)
                    for e in m.expertises],
        uid=m.uid,
        row_version=m.row_version,
    )


def delete_meeting(session: Session, meeting_id: int) -> MeetingInput:
    """Delete a meeting; returns what `save_meeting` needs to bring it back (undo)."""
    snapshot = meeting_input(session, meeting_id)
    session.delete(session.get(Meeting, meeting_id))
    session.flush()
    return snapshot


def duplicate_meeting(session: Session, meeting_id: int, starts_at: datetime) -> Meeting:
    """A new planned meeting like this one: same instance, place, communes, invited people."""
    source = meeting_input(session, meeting_id)
    duration = (source.ends_at - source.starts_at) if source.ends_at else None
    copy = replace(
        source, starts_at=starts_at, ends_at=starts_at + duration if duration else None,
        status=MeetingStatus.PLANNED, minutes="", decisions=[], alerts=[], expertises=[], uid=None,
        attendances=[AttendanceInput(a.person_id, a.organisation_id, AttendanceStatus.PRESENT)
                     for a in source.attendances],
    )
    return save_meeting(session, copy)


def usual_members(session: Session, instance_id: int) -> list[AttendanceInput]:
    instance = get_or_fail(session, Instance, instance_id, "L'instance")
    return [AttendanceInput(m.person_id, m.organisation_id) for m in instance.members]


# --- lists --------------------------------------------------------------------------------

@dataclass(frozen=True)
class MeetingRow:
    id: int
    starts_at: datetime
    instance_id: int
    instance: str
    kind: InstanceKind
    title: str
    place: str
    communes: str
    animator: str
    status: MeetingStatus
    present: int
    decisions: int
    alerts: int


def list_meetings(
    session: Session, *, year: int | None = None, instance_id: int | None = None,
    commune_id: int | None = None, status: MeetingStatus | None = None,
    start: datetime | None = None, end: datetime | None = None,
) -> list[MeetingRow]:
    """The meetings matching the filters, newest first, with their communes and counts.

    A year of the biggest territory is 2 000 meetings and 15 000 attendances: one GROUP BY
    per count over the same filter, plain column queries read in chunks, ids on the rows and
    names from small tables (services.bulk).
    """
    conditions = []
    if year is not None:
        conditions += [Meeting.starts_at >= datetime(year, 1, 1), Meeting.starts_at < datetime(year + 1, 1, 1)]
    if start is not None:
        conditions.append(Meeting.starts_at >= start)
    if end is not None:
        conditions.append(Meeting.starts_at < end)
    if instance_id is not None:
        conditions.append(Meeting.instance_id == instance_id)
    if status is not None:
        conditions.append(Meeting.status == status)
    if commune_id is not None:
        conditions.append(Meeting.id.in_(
            select(meeting_communes.c.meeting_id).where(meeting_communes.c.organisation_id == commune_id)))
    selected = select(Meeting.id).where(*conditions)
    names = organisation_names(session)
    communes: dict[int, list[str]] = defaultdict(list)
    for meeting_id, organisation_id in stream(
        session, select(meeting_communes.c.meeting_id, meeting_communes.c.organisation_id)
        .where(meeting_communes.c.meeting_id.in_(selected))
    ):
        communes[meeting_id].append(names[organisation_id])
    joined = {meeting_id: ", ".join(sorted(listed)) for meeting_id, listed in communes.items()}
    present = _counts(session, Attendance, selected, Attendance.status == AttendanceStatus.PRESENT)
    decisions = _counts(session, Decision, selected)
    alerts = _counts(session, Alert, selected)
    instances = instance_heads(session)
    animators = coordinator_names(session)
    rows = []
    append = rows.append
    for m_id, starts_at, i_id, title, place, animator_id, m_status in stream(
        session, select(Meeting.id, Meeting.starts_at, Meeting.instance_id, Meeting.title, Meeting.place,
                        Meeting.animator_id, Meeting.status)
        .where(*conditions)
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    ):
        i_name, kind = instances[i_id]
        append(MeetingRow(
            id=m_id, starts_at=starts_at, instance_id=i_id, instance=i_name, kind=kind, title=title, place=place,
            communes=joined.get(m_id, ""), animator=animators.get(animator_id, ""), status=m_status,
            present=present.get(m_id, 0), decisions=decisions.get(m_id, 0), alerts=alerts.get(m_id, 0),
        ))
    return rows


def _counts(session: Session, model, selected, *conditions) -> dict[int, int]:
    """Rows of `model` per meeting, for the meetings `selected` (a SELECT of meeting ids)."""
    query = (
        select(model.meeting_id, func.count())
        .where(model.meeting_id.in_(selected), *conditions)
        .group_by(model.meeting_id)
    )
    return {meeting_id: number for meeting_id, number in stream(session, query)}


def set_decision_status(session: Session, decision_id: int, status: DecisionStatus) -> None:
    get_or_fail(session, Decision, decision_id, "La décision").status = DecisionStatus(status)
    session.flush()


def resolve_alert(session: Session, alert_id: int, resolved_on: date, resolution: str = "") -> None:
    alert = get_or_fail(session, Alert, alert_id, "L'alerte")
    if resolved_on < alert.raised_on:
        raise ValidationError("Une alerte ne peut pas être levée avant d'avoir été émise.", "resolved_on")
    alert.resolved_on, alert.resolution = resolved_on, resolution
    session.flush()


def person_label(person: Person | None) -> str:
    if person is None:
        return ""
    org = f" ({person.organisation.name})" if person.organisation else ""
    return f"{person.full_name}{org}"


# --- small helpers for the meeting form and its undo ----------------------------------------

def person_choices(session: Session) -> list[tuple[int, str]]:
    """(id, "Prénom Nom (Structure)") of every person not anonymised, by name, for pick lists."""
    query = (  # plain columns: a big territory has over a thousand people (bench/run)
        select(Person.id, Person.first_name, Person.last_name, Organisation.name)
        .outerjoin(Organisation, Person.organisation_id == Organisation.id)
        .where(Person.anonymised.is_(False)).order_by(Person.last_name, Person.first_name, Person.id)
    )
    return [(person_id, f"{first} {last}".strip() + (f" ({organisation})" if organisation else ""))
            for person_id, first, last, organisation in session.connection().execute(query).all()]


def meeting_id_for_uid(session: Session, uid: str) -> int | None:
    """The current id of a meeting known by its uid (ids change when undo re-creates a meeting)."""
    return session.scalar(select(Meeting.id).where(Meeting.uid == uid))


def open_alerts_count(session: Session, year: int | None = None) -> int:
    """Alerts to the COPIL not yet lifted (raised in `year` when given)."""
    query = select(func.count()).select_from(Alert).where(Alert.resolved_on.is_(None))
    if year is not None:
        query = query.where(Alert.raised_on >= date(year, 1, 1), Alert.raised_on <= date(year, 12, 31))
    return session.scalar(query) or 0
