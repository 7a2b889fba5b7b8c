"""The documents of a meeting, computed from the record as plain data, once.

Convocation, feuille d'émargement, compte rendu, relevé de décisions (one `MeetingDocument`
each, the parts a document does not show left empty) and the dossier de séance of a COPIL
(`DossierCopil`). The writers (exchange/meeting_docx.py, meeting_pdf.py, eml.py) take this
data and a path; they never open the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ctgdesk.formatting import decimal2, long_date, short_date
from ctgdesk.models import (
    Alert,
    Attendance,
    AttendanceStatus,
    Coordinator,
    Convention,
    Decision,
    DecisionStatus,
    Enjeu,
    FicheAction,
    FicheStatus,
    Instance,
    InstanceKind,
    InstanceMember,
    Meeting,
    MeetingStatus,
    Objectif,
    Person,
)
from ctgdesk.models.base import utcnow
from ctgdesk.models.plan import FicheIndicator, FicheIndicatorValue
from ctgdesk.services.errors import NotFound, ValidationError

OPEN_DECISION = (DecisionStatus.OPEN, DecisionStatus.IN_PROGRESS)
BLANK_SIGNATURE_LINES = 6

DOCUMENT_KINDS = ("convocation", "emargement", "compte-rendu", "releve", "dossier")
DOCUMENT_TITLES = {
    "convocation": "Convocation",
    "emargement": "Feuille d'émargement",
    "compte-rendu": "Compte rendu",
    "releve": "Relevé de décisions",
    "dossier": "Dossier de séance du COPIL",
}


# --- plain data ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Logo:
    organisation: str
    data: bytes


@dataclass(frozen=True)
class Participant:
    name: str
    structure: str
    role: str
    email: str | None
    status: AttendanceStatus | None  # None: invited, attendance not recorded
    usual_member: bool

    @property
    def status_label(self) -> str:
        return self.status.label if self.status is not None else "Non renseigné"

    @property
    def display(self) -> str:
        """"Prénom Nom (Structure)" — the structure alone for an organisation invited as such."""
        return f"{self.name} ({self.structure})" if self.structure and self.structure != self.name else self.name


@dataclass(frozen=True)
class DecisionItem:
    text: str
    carried_by: str
    due_date: date | None
    status: DecisionStatus
    fiche: str
    meeting_date: date
    meeting_title: str

    @property
    def due_label(self) -> str:
        return short_date(self.due_date) if self.due_date else "—"


@dataclass(frozen=True)
class AlertItem:
    text: str
    fiche: str
    raised_on: date
    raised_by: str
    resolved_on: date | None
    resolution: str
    meeting_title: str

    @property
    def state_label(self) -> str:
        if self.resolved_on is None:
            return "Ouverte"
        return f"Levée le {short_date(self.resolved_on)}" + (f" : {self.resolution}" if self.resolution else "")


@dataclass(frozen=True)
class ExpertiseItem:
    expert: str
    organisation: str
    subject: str


@dataclass(frozen=True)
class MeetingHeader:
    meeting_id: int
    uid: str
    instance: str
    kind: InstanceKind
    title: str
    starts_at: datetime
    ends_at: datetime | None
    place: str
    communes: tuple[str, ...]
    animator: str
    status: MeetingStatus
    agenda: tuple[str, ...]
    convention: str
    territory: str
    logos: tuple[Logo, ...]

    @property
    def date_label(self) -> str:
        """mardi 14 octobre 2025"""
        return long_date(self.starts_at.date())

    @property
    def time_label(self) -> str:
        """de 14h00 à 16h00 / à 14h00"""
        start = f"{self.starts_at:%H}h{self.starts_at:%M}"
        if self.ends_at is None:
            return f"à {start}"
        return f"de {start} à {self.ends_at:%H}h{self.ends_at:%M}"

    @property
    def when(self) -> str:
        return f"{self.date_label}, {self.time_label}"

    @property
    def name(self) -> str:
        return self.title or self.instance


@dataclass
class MeetingDocument:
    kind: str  # one of DOCUMENT_KINDS but "dossier"
    meeting: MeetingHeader
    participants: list[Participant] = field(default_factory=list)
    minutes: str = ""
    decisions: list[DecisionItem] = field(default_factory=list)
    alerts: list[AlertItem] = field(default_factory=list)
    expertises: list[ExpertiseItem] = field(default_factory=list)
    follow_up: list[DecisionItem] = field(default_factory=list)  # open decisions of earlier meetings
    blank_lines: int = 0
    produced_at: datetime = field(default_factory=utcnow)

    @property
    def title(self) -> str:
        return DOCUMENT_TITLES[self.kind]

    def with_status(self, status: AttendanceStatus | None) -> list[Participant]:
        return [p for p in self.participants if p.status is status]


@dataclass(frozen=True)
class FicheChange:
    number: str
    title: str
    status: FicheStatus
    progress: int
    modified_on: date | None  # the fiche itself changed in the period
    follow_ups: tuple[str, ...]  # "15/03/2026 — 40 % — comment"
    status_changes: tuple[str, ...] = ()  # "12/03/2026 : En cours → Réalisée (Claire Dumont)", from the history


@dataclass(frozen=True)
class FicheState:
    number: str
    title: str
    status: FicheStatus
    end_date: date | None
    late: bool
    blocking: str


@dataclass(frozen=True)
class IndicatorEntry:
    fiche: str
    indicator: str
    year: int
    value: str
    target: str
    entered_on: date


@dataclass(frozen=True)
class EtpLine:
    structure: str
    etp: str
    status: str


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    source: str


@dataclass
class DossierCopil:
    meeting: MeetingHeader
    previous_copil: MeetingHeader | None
    since: datetime
    until: datetime
    fiche_changes: list[FicheChange]
    late_or_blocked: list[FicheState]
    indicator_values: list[IndicatorEntry]
    alerts: list[AlertItem]
    earlier_decisions: list[DecisionItem]
    etp_year: int
    etp_total: str
    etp_previous_total: str | None
    etp_lines: list[EtpLine]
    key_figures: list[KeyFigure]
    participants: list[Participant] = field(default_factory=list)
    produced_at: datetime = field(default_factory=utcnow)
    kind: str = "dossier"

    @property
    def title(self) -> str:
        return DOCUMENT_TITLES["dossier"]

    @property
    def period_label(self) -> str:
        return f"du {short_date(self.since.date())} au {short_date(self.until.date())}"


# --- reading the record -------------------------------------------------------------------------

def find_meeting_id(session: Session, reference: str) -> int | None:
    """A meeting's id from what a user types: its id (digits) or its uid."""
    text = reference.strip()
    if text.isdigit():
        return session.scalar(select(Meeting.id).where(Meeting.id == int(text)))
    return session.scalar(select(Meeting.id).where(Meeting.uid == text))


def _meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.scalar(
        select(Meeting).where(Meeting.id == meeting_id).options(
            selectinload(Meeting.instance).selectinload(Instance.members).options(
                selectinload(InstanceMember.person).selectinload(Person.organisation),
                selectinload(InstanceMember.organisation)),
            selectinload(Meeting.attendances).options(
                selectinload(Attendance.person).selectinload(Person.organisation),
                selectinload(Attendance.organisation)),
            selectinload(Meeting.decisions).options(*DECISION_LOADS),
            selectinload(Meeting.alerts).options(*ALERT_LOADS),
            selectinload(Meeting.expertises), selectinload(Meeting.communes),
        )
    )
    if meeting is None:
        raise NotFound(f"Aucune réunion n'a l'identifiant « {meeting_id} ».", "meeting")
    return meeting


# what a decision's and an alert's lines name, read in a few statements rather than one per line
DECISION_LOADS = (
    selectinload(Decision.carried_by).selectinload(Person.organisation),
    selectinload(Decision.carried_by_organisation), selectinload(Decision.fiche),
    selectinload(Decision.meeting).selectinload(Meeting.instance),
)
ALERT_LOADS = (
    selectinload(Alert.fiche), selectinload(Alert.meeting).selectinload(Meeting.instance),
    selectinload(Alert.raised_by).selectinload(Coordinator.person),
)


def _convention(session: Session, meeting: Meeting) -> Convention | None:
    if meeting.instance.convention is not None:
        return meeting.instance.convention
    from ctgdesk.services.territory import convention_for_year

    return convention_for_year(session, meeting.starts_at.year)


def _agenda_items(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def _header(session: Session, meeting: Meeting) -> MeetingHeader:
    convention = _convention(session, meeting)
    logos: tuple[Logo, ...] = ()
    if convention is not None:
        logos = tuple(Logo(s.organisation.name, s.logo) for s in sorted(convention.signatories,
                                                                         key=lambda s: (s.position, s.id)) if s.logo)
    return MeetingHeader(
        meeting_id=meeting.id, uid=meeting.uid, instance=meeting.instance.name, kind=meeting.instance.kind,
        title=meeting.title, starts_at=meeting.starts_at, ends_at=meeting.ends_at, place=meeting.place,
        communes=tuple(sorted((c.name for c in meeting.communes), key=str.casefold)),
        animator=meeting.animator.name if meeting.animator else "", status=meeting.status,
        agenda=_agenda_items(meeting.agenda), convention=convention.name if convention else "",
        territory=convention.territory if convention else "", logos=logos,
    )


def _person_participant(person, status, usual: bool) -> Participant:
    return Participant(
        name=person.full_name, structure=person.organisation.name if person.organisation else "",
        role=person.role or "", email=person.email or None, status=status, usual_member=usual,
    )


def _participants(meeting: Meeting) -> list[Participant]:
    """Who is invited: the instance's usual members, then the other participants recorded, each with
    its attendance (None when the meeting has none recorded for them)."""
    attendance_by_person = {a.person_id: a for a in meeting.attendances if a.person_id is not None}
    attendance_by_org = {a.organisation_id: a for a in meeting.attendances if a.person_id is None}
    participants: list[Participant] = []
    seen_people: set[int] = set()
    seen_orgs: set[int] = set()
    for member in meeting.instance.members:
        if member.person_id is not None:
            if member.person_id in seen_people:
                continue
            seen_people.add(member.person_id)
            attendance = attendance_by_person.get(member.person_id)
            participants.append(_person_participant(member.person, attendance.status if attendance else None, True))
        elif member.organisation_id not in seen_orgs:
            seen_orgs.add(member.organisation_id)
            attendance = attendance_by_org.get(member.organisation_id)
            participants.append(Participant(member.organisation.name, member.organisation.name, "", None,
                                            attendance.status if attendance else None, True))
    for attendance in meeting.attendances:
        if attendance.person_id is not None and attendance.person_id not in seen_people:
            seen_people.add(attendance.person_id)
            participants.append(_person_participant(attendance.person, attendance.status, False))
        elif attendance.person_id is None and attendance.organisation_id not in seen_orgs:
            seen_orgs.add(attendance.organisation_id)
            participants.append(Participant(attendance.organisation.name, attendance.organisation.name, "", None,
                                            attendance.status, False))
    return participants


def _carrier(decision: Decision) -> str:
    if decision.carried_by is not None:
        return decision.carried_by.full_name + (
            f" ({decision.carried_by.organisation.name})" if decision.carried_by.organisation else "")
    return decision.carried_by_organisation.name if decision.carried_by_organisation else ""


def _fiche_label(fiche: FicheAction | None) -> str:
    return f"{fiche.number} {fiche.title}".strip() if fiche is not None else ""


def _meeting_label(meeting: Meeting | None) -> str:
    if meeting is None:
        return ""
    return f"{meeting.title or meeting.instance.name} du {short_date(meeting.starts_at.date())}"


def _decision_item(decision: Decision) -> DecisionItem:
    return DecisionItem(
        text=decision.text, carried_by=_carrier(decision), due_date=decision.due_date, status=decision.status,
        fiche=_fiche_label(decision.fiche), meeting_date=decision.meeting.starts_at.date(),
        meeting_title=_meeting_label(decision.meeting),
    )


def _alert_item(alert: Alert) -> AlertItem:
    return AlertItem(
        text=alert.text, fiche=_fiche_label(alert.fiche), raised_on=alert.raised_on,
        raised_by=alert.raised_by.name if alert.raised_by else "", resolved_on=alert.resolved_on,
        resolution=alert.resolution or "", meeting_title=_meeting_label(alert.meeting),
    )


def _expertise_item(expertise) -> ExpertiseItem:
    expert = expertise.expert.full_name if expertise.expert else expertise.expert_label
    return ExpertiseItem(expert=expert or "", organisation=expertise.organisation.name if expertise.organisation else "",
                         subject=expertise.subject)


def earlier_open_decisions(session: Session, meeting: Meeting) -> list[DecisionItem]:
    """Decisions of the instance's earlier meetings still to do or in progress, oldest first."""
    decisions = session.scalars(
        select(Decision).join(Meeting, Decision.meeting_id == Meeting.id)
        .where(Meeting.instance_id == meeting.instance_id, Meeting.starts_at < meeting.starts_at,
               Meeting.id != meeting.id, Decision.status.in_(OPEN_DECISION))
        .order_by(Meeting.starts_at, Decision.id).options(*DECISION_LOADS)
    ).all()
    return [_decision_item(d) for d in decisions]


# --- one function per document ---------------------------------------------------------------------

def convocation(session: Session, meeting_id: int) -> MeetingDocument:
    meeting = _meeting(session, meeting_id)
    return MeetingDocument("convocation", _header(session, meeting), participants=_participants(meeting))


def emargement(session: Session, meeting_id: int) -> MeetingDocument:
    meeting = _meeting(session, meeting_id)
    return MeetingDocument("emargement", _header(session, meeting), participants=_participants(meeting),
                           blank_lines=BLANK_SIGNATURE_LINES)


def compte_rendu(session: Session, meeting_id: int) -> MeetingDocument:
    meeting = _meeting(session, meeting_id)
    return MeetingDocument(
        "compte-rendu", _header(session, meeting), participants=_participants(meeting), minutes=meeting.minutes or "",
        decisions=[_decision_item(d) for d in meeting.decisions], alerts=[_alert_item(a) for a in meeting.alerts],
        expertises=[_expertise_item(e) for e in meeting.expertises],
        follow_up=earlier_open_decisions(session, meeting),
    )


def releve(session: Session, meeting_id: int) -> MeetingDocument:
    meeting = _meeting(session, meeting_id)
    return MeetingDocument("releve", _header(session, meeting), participants=_participants(meeting),
                           decisions=[_decision_item(d) for d in meeting.decisions],
                           alerts=[_alert_item(a) for a in meeting.alerts])


def meeting_document(session: Session, meeting_id: int, kind: str) -> MeetingDocument | DossierCopil:
    """The document `kind` (DOCUMENT_KINDS) of a meeting."""
    builders = {"convocation": convocation, "emargement": emargement, "compte-rendu": compte_rendu,
                "releve": releve, "dossier": dossier_copil}
    if kind not in builders:
        raise ValidationError(f"Document inconnu « {kind} » : {', '.join(DOCUMENT_KINDS)}.", "document")
    return builders[kind](session, meeting_id)


# --- the dossier de séance of a COPIL -------------------------------------------------------------

def previous_copil(session: Session, meeting: Meeting) -> Meeting | None:
    """The COPIL held before this one (any COPIL instance of the territory)."""
    return session.scalar(
        select(Meeting).join(Instance, Meeting.instance_id == Instance.id)
        .where(Instance.kind == InstanceKind.COPIL, Meeting.starts_at < meeting.starts_at, Meeting.id != meeting.id,
               Meeting.status == MeetingStatus.HELD)
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(1)
    )


def next_copil_id(session: Session, today: date) -> int | None:
    """The next planned COPIL from `today` (the dashboard's "Dossier du prochain COPIL")."""
    return session.scalar(
        select(Meeting.id).join(Instance, Meeting.instance_id == Instance.id)
        .where(Instance.kind == InstanceKind.COPIL, Meeting.status == MeetingStatus.PLANNED,
               Meeting.starts_at >= datetime.combine(today, time.min))
        .order_by(Meeting.starts_at, Meeting.id).limit(1)
    )


def dossier_copil(session: Session, meeting_id: int) -> DossierCopil:
    """What the COPIL needs to read: what changed in the plan d'action between the previous COPIL
    and this one, the alerts raised since, the follow-up of earlier COPILs' decisions, the year's
    ETP and key figures — each item naming the record it comes from."""
    meeting = _meeting(session, meeting_id)
    if meeting.instance.kind is not InstanceKind.COPIL:
        raise ValidationError(
            f"Le dossier de séance ne concerne que les COPIL : « {meeting.title or meeting.instance.name} » "
            f"est une réunion de l'instance « {meeting.instance.name} » ({meeting.instance.kind.label}).", "document")
    header = _header(session, meeting)
    previous = previous_copil(session, meeting)
    convention = _convention(session, meeting)
    until = meeting.starts_at
    if previous is not None:
        since = previous.starts_at
    elif convention is not None:
        since = datetime(convention.first_year, 1, 1)
    else:
        since = datetime(meeting.starts_at.year, 1, 1)
    today = until.date()

    fiche_query = select(FicheAction).options(selectinload(FicheAction.follow_ups), selectinload(FicheAction.steps))
    if convention is not None:
        fiche_query = (fiche_query.join(Objectif, FicheAction.objectif_id == Objectif.id)
                       .join(Enjeu, Objectif.enjeu_id == Enjeu.id).where(Enjeu.convention_id == convention.id))
    fiches = sorted(session.scalars(fiche_query).all(), key=lambda f: _number_key(f.number))

    changes: list[FicheChange] = []
    late_or_blocked: list[FicheState] = []
    status_changes = _status_changes(session, since, until)
    for fiche in fiches:
        follow_ups = [f for f in fiche.follow_ups if since.date() <= f.date < until.date()]
        modified = since <= fiche.updated_at < until
        if follow_ups or modified or fiche.uid in status_changes:
            changes.append(FicheChange(
                number=fiche.number, title=fiche.title, status=fiche.status, progress=fiche.progress,
                modified_on=fiche.updated_at.date() if modified else None,
                follow_ups=tuple(f"{short_date(f.date)} — {f.progress} %" + (f" — {f.comment}" if f.comment else "")
                                 for f in follow_ups),
                status_changes=tuple(status_changes.get(fiche.uid, ())),
            ))
        late = fiche.is_late(today)
        if late or fiche.status is FicheStatus.BLOCKED:
            late_or_blocked.append(FicheState(fiche.number, fiche.title, fiche.status, fiche.end_date, late,
                                              fiche.blocking or ""))

    fiche_ids = [f.id for f in fiches]
    values = session.execute(
        select(FicheIndicatorValue, FicheIndicator, FicheAction)
        .join(FicheIndicator, FicheIndicatorValue.indicator_id == FicheIndicator.id)
        .join(FicheAction, FicheIndicator.fiche_id == FicheAction.id)
        .where(FicheAction.id.in_(fiche_ids), FicheIndicatorValue.updated_at >= since,
               FicheIndicatorValue.updated_at < until)
        .order_by(FicheAction.number, FicheIndicator.id, FicheIndicatorValue.year)
    ).all()
    from ctgdesk.formatting import number as format_number

    indicator_values = [
        IndicatorEntry(fiche=f"{fiche.number} {fiche.title}", indicator=indicator.label, year=value.year,
                       value=f"{format_number(value.value)} {indicator.unit}".strip(),
                       target=(f"{format_number(indicator.target_value)} {indicator.unit}".strip()
                               if indicator.target_value is not None else ""),
                       entered_on=value.updated_at.date())
        for value, indicator, fiche in values
    ]

    alerts = session.scalars(
        select(Alert).where(Alert.raised_on >= since.date(), Alert.raised_on <= until.date())
        .order_by(Alert.raised_on, Alert.id).options(*ALERT_LOADS)
    ).all()
    alert_items = [_alert_item(a) for a in alerts]

    earlier = session.scalars(
        select(Decision).join(Meeting, Decision.meeting_id == Meeting.id)
        .join(Instance, Meeting.instance_id == Instance.id)
        .where(Instance.kind == InstanceKind.COPIL, Meeting.starts_at < meeting.starts_at, Meeting.id != meeting.id,
               Decision.status.in_(OPEN_DECISION) | (Meeting.id == (previous.id if previous is not None else -1)))
        .order_by(Meeting.starts_at, Decision.id).options(*DECISION_LOADS)
    ).all()
    # the previous COPIL's decisions whatever their status, older ones while still open
    earlier_items = [_decision_item(d) for d in earlier]

    from ctgdesk.services.etp import etp_grid

    year = meeting.starts_at.year
    grid = etp_grid(session, [year - 1, year])
    etp_lines = [EtpLine(r.name, decimal2(r.cells[year].etp) if r.cells[year].etp is not None else "—",
                         r.cells[year].status.label) for r in grid.rows if year in r.cells]
    has_previous = any(year - 1 in r.cells for r in grid.rows)

    in_period = (Meeting.status == MeetingStatus.HELD, Meeting.starts_at >= since, Meeting.starts_at < until)
    held_count = session.scalar(select(func.count()).select_from(Meeting).where(*in_period))
    decisions_taken = session.scalar(select(func.count()).select_from(Decision)
                                     .join(Meeting, Decision.meeting_id == Meeting.id).where(*in_period))
    open_alerts = sum(1 for a in alert_items if a.resolved_on is None)
    by_status = {status: sum(1 for f in fiches if f.status is status) for status in FicheStatus}
    period = f"du {short_date(since.date())} au {short_date(until.date())}"
    key_figures = [
        KeyFigure("Réunions tenues", str(held_count), f"réunions au statut « Tenue » {period}"),
        KeyFigure("Décisions prises", str(decisions_taken), f"relevés de décisions des réunions tenues {period}"),
        KeyFigure("Alertes au COPIL levées depuis", str(len(alert_items) - open_alerts),
                  f"alertes émises {period}, levées depuis"),
        KeyFigure("Alertes au COPIL ouvertes", str(open_alerts), f"alertes émises {period}, non levées"),
        KeyFigure("Fiches actions", str(len(fiches)),
                  "plan d'action" + (f" de la convention « {convention.name} »" if convention else "")),
        *[KeyFigure(f"Fiches « {status.label} »", str(count), "statut actuel des fiches actions")
          for status, count in by_status.items() if count],
        KeyFigure(f"ETP de coordination {year}", decimal2(grid.column_total(year)),
                  f"tableau des ETP {year} ({len(etp_lines)} structures)"),
    ]
    return DossierCopil(
        meeting=header, previous_copil=_header(session, previous) if previous is not None else None,
        since=since, until=until, fiche_changes=changes, late_or_blocked=late_or_blocked,
        indicator_values=indicator_values, alerts=alert_items, earlier_decisions=earlier_items,
        etp_year=year, etp_total=decimal2(grid.column_total(year)),
        etp_previous_total=decimal2(grid.column_total(year - 1)) if has_previous else None,
        etp_lines=etp_lines, key_figures=key_figures, participants=_participants(meeting),
    )


def _status_changes(session: Session, since: datetime, until: datetime) -> dict[str, list[str]]:
    """Each fiche's changes of status in the period, as the history of changes recorded them
    (ctgdesk.models.audit): "12/03/2026 : En cours → Réalisée (Claire Dumont)"."""
    import json

    from ctgdesk.models import AuditEntry

    found: dict[str, list[str]] = {}
    rows = session.execute(
        select(AuditEntry.record_uid, AuditEntry.at, AuditEntry.actor, AuditEntry.changes)
        .where(AuditEntry.table_name == "fiche_action", AuditEntry.action == "modification",
               AuditEntry.at >= since, AuditEntry.at < until, AuditEntry.changes.contains('"status"'))
        .order_by(AuditEntry.at, AuditEntry.id))
    for uid, at, actor, changes in rows:
        before, after = json.loads(changes).get("status", [None, None])

        def label(value):
            try:
                return FicheStatus(value).label
            except ValueError:
                return str(value)

        who = f" ({actor})" if actor else ""
        found.setdefault(uid, []).append(f"{short_date(at.date())} : {label(before)} → {label(after)}{who}")
    return found


def _number_key(number: str) -> tuple:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in number.replace("-", ".").split("."))
