"""« Vérifier la base »: SQLite's own checks plus the application's consistency rules.

The rules here are those the database itself cannot enforce (they span several rows or
depend on today's date). Each finding names the record in French so that the user can
find and fix it. Nothing is changed: this only reads.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, Enum, String, Text, func, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from ctgdesk.db.health import Finding, Severity, storage_findings
from ctgdesk.models import (
    Alert,
    Coordinator,
    Decision,
    EtpAllocation,
    EtpShare,
    FicheAction,
    FicheStep,
    Meeting,
    MeetingStatus,
)

from ctgdesk.models import Base, Convention, Instance, Signatory
from ctgdesk.services import etp as etp_rules
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.etp import MAX_ETP_PER_PERSON as MAX_ETP_PER_COORDINATOR  # one place for the rule
from ctgdesk.services.parsing import MAX_YEAR, MIN_YEAR, check_date_range
from ctgdesk.services.records import text_limit


def _etp(value: Decimal) -> str:
    """1,25 — ETP the French way, two decimals at least, three if needed."""
    text = f"{value:.3f}" if value != value.quantize(Decimal("0.01")) else f"{value:.2f}"
    return text.replace(".", ",")


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _meeting_label(meeting: Meeting) -> str:
    name = meeting.title or meeting.instance.name
    return f"la réunion « {name} » du {_day(meeting.starts_at.date())}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _error(message: str, table: str, record_id: int) -> Finding:
    return Finding(Severity.ERROR, message, table, record_id)


def _warning(message: str, table: str, record_id: int) -> Finding:
    return Finding(Severity.WARNING, message, table, record_id)


def etp_findings(session: Session) -> list[Finding]:
    """Shares above their allocation; a coordinator above 1,0 ETP in a year."""
    findings: list[Finding] = []
    allocations = session.scalars(
        select(EtpAllocation).options(
            selectinload(EtpAllocation.shares)
            .selectinload(EtpShare.coordinator)
            .selectinload(Coordinator.person),
            selectinload(EtpAllocation.organisation),
        ).order_by(EtpAllocation.year, EtpAllocation.id)
    ).all()
    per_coordinator: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    names: dict[int, str] = {}
    for allocation in allocations:
        known = [s.etp for s in allocation.shares if s.etp is not None]
        total = sum(known, Decimal(0))
        if allocation.etp is not None and total > allocation.etp:
            findings.append(_error(
                f"{allocation.organisation.name}, {allocation.year} : les parts des chargé·e·s de "
                f"coopération totalisent {_etp(total)} ETP pour {_etp(allocation.etp)} ETP attribués.",
                "etp_allocation", allocation.id,
            ))
        for share in allocation.shares:
            if share.etp is not None:
                per_coordinator[(share.coordinator_id, allocation.year)] += share.etp
                names[share.coordinator_id] = share.coordinator.name
    for (coordinator_id, year), total in sorted(per_coordinator.items(), key=lambda item: (item[0][1], item[0][0])):
        if total > MAX_ETP_PER_COORDINATOR:
            findings.append(_error(
                f"{names[coordinator_id]} a {_etp(total)} ETP en {year}, plus qu'un temps plein "
                f"({_etp(MAX_ETP_PER_COORDINATOR)} ETP).",
                "coordinator", coordinator_id,
            ))
    return findings


def _record(table: str, record_id: int) -> str:
    from ctgdesk.services.imports.dataset import RECORD_LABELS

    return f"{RECORD_LABELS.get(table, table)} n°{record_id}"


def etp_rule_findings(session: Session) -> list[Finding]:
    """The bounds of an ETP (services.etp.parse_etp) and its year within a convention (check_year)."""
    findings: list[Finding] = []
    for table, model in (("etp_allocation", EtpAllocation), ("etp_share", EtpShare)):
        query = select(model.id, model.etp).where(model.etp.is_not(None)).order_by(model.id)
        for record_id, value in session.execute(query):
            try:
                etp_rules.parse_etp(value)
            except (ValidationError, ArithmeticError) as error:
                message = getattr(error, "message", "ETP illisible")
                findings.append(_error(f"{_record(table, record_id)} : {message}", table, record_id))
    for year in session.scalars(select(EtpAllocation.year).distinct().order_by(EtpAllocation.year)):
        try:
            etp_rules.check_year(session, year)
        except ValidationError as error:
            first = session.scalar(select(func.min(EtpAllocation.id)).where(EtpAllocation.year == year))
            findings.append(_error(f"ETP de {year} : {error.message}", "etp_allocation", first))
    return findings


def field_findings(session: Session) -> list[Finding]:
    """Every text within its size (records.text_limit) and every date within MIN_YEAR–MAX_YEAR
    (parsing.check_date_range), in every table: what an import could bring that no form allows."""
    findings: list[Finding] = []
    for table in Base.metadata.sorted_tables:
        if "id" not in table.c:
            continue
        for column in table.columns:
            kind = column.type
            if isinstance(kind, (String, Text)) and not isinstance(kind, Enum):
                limit = text_limit(column)
                query = select(table.c.id, func.length(column)).where(func.length(column) > limit)
                for record_id, length in session.execute(query.order_by(table.c.id)):
                    findings.append(_error(
                        f"{_record(table.name, record_id)} : le champ « {column.name} » fait {length} caractères "
                        f"({limit} au plus).", table.name, record_id,
                    ))
            elif isinstance(kind, (Date, DateTime)):
                low, high = (date(MIN_YEAR, 1, 1), date(MAX_YEAR, 12, 31))
                if isinstance(kind, DateTime):
                    low, high = datetime(MIN_YEAR, 1, 1), datetime(MAX_YEAR, 12, 31, 23, 59, 59, 999999)
                query = select(table.c.id, column).where(or_(column < low, column > high))
                for record_id, value in session.execute(query.order_by(table.c.id)):
                    try:
                        check_date_range(value, what=f"Le champ « {column.name} »")
                    except ValidationError as error:
                        findings.append(_error(f"{_record(table.name, record_id)} : {error.message}",
                                               table.name, record_id))
    return findings


def logo_findings(session: Session) -> list[Finding]:
    """Each logo as the form accepts it (services.territory.check_logo: size, format, pixels)."""
    from ctgdesk.services.territory import check_logo

    findings: list[Finding] = []
    query = select(Signatory.id, Signatory.logo, Signatory.logo_filename).where(Signatory.logo.is_not(None))
    for record_id, logo, filename in session.execute(query.order_by(Signatory.id)):
        try:
            check_logo(bytes(logo), filename)
        except ValidationError as error:
            findings.append(_error(f"{_record('signatory', record_id)} : {error.message}", "signatory", record_id))
    return findings


def _suspect_meetings(session: Session, now: datetime) -> set[int]:
    """Ids of the meetings that may break a rule, found by the database (a base of 20 000
    meetings is not loaded whole: the checks below then run on these few)."""
    suspects = set(session.scalars(select(Meeting.id).where(or_(
        (Meeting.status == MeetingStatus.HELD) & (Meeting.starts_at > now),
        Meeting.ends_at < Meeting.starts_at,
    ))))
    for convention_id, first, last in session.execute(select(Convention.id, Convention.first_year, Convention.last_year)):
        suspects.update(session.scalars(select(Meeting.id).join(Meeting.instance).where(
            Instance.convention_id == convention_id,
            or_(Meeting.starts_at < datetime(first, 1, 1), Meeting.starts_at >= datetime(last + 1, 1, 1)),
        )))
    return suspects


def meeting_findings(session: Session, now: datetime) -> list[Finding]:
    findings: list[Finding] = []
    meetings = session.scalars(
        select(Meeting).options(selectinload(Meeting.instance).selectinload(Instance.convention))
        .where(Meeting.id.in_(_suspect_meetings(session, now)))
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    for meeting in meetings:
        if meeting.status is MeetingStatus.HELD and meeting.starts_at > now:
            findings.append(_error(
                f"{_cap(_meeting_label(meeting))} est marquée « tenue » alors qu'elle est à venir.",
                "meeting", meeting.id,
            ))
        convention = meeting.instance.convention
        if convention is not None and not convention.covers(meeting.starts_at.year):
            findings.append(_error(
                f"{_cap(_meeting_label(meeting))} est hors de la convention « {convention.name} » "
                f"({convention.first_year}–{convention.last_year}) de son instance.",
                "meeting", meeting.id,
            ))
        if meeting.ends_at is not None and meeting.ends_at < meeting.starts_at:
            findings.append(_error(
                f"{_cap(_meeting_label(meeting))} finit avant de commencer.",
                "meeting", meeting.id,
            ))
    decisions = session.scalars(
        select(Decision).join(Decision.meeting).options(
            selectinload(Decision.meeting).selectinload(Meeting.instance)
        ).where(Decision.due_date.is_not(None), Decision.due_date < func.date(Meeting.starts_at)).order_by(Decision.id)
    ).all()
    for decision in decisions:
        if decision.due_date < decision.meeting.starts_at.date():
            findings.append(_warning(
                f"Une décision de {_meeting_label(decision.meeting)} a pour échéance le "
                f"{_day(decision.due_date)}, avant la réunion : « {decision.text[:60]} ».",
                "decision", decision.id,
            ))
    return findings


def alert_findings(session: Session) -> list[Finding]:
    alerts = session.scalars(
        select(Alert).where(Alert.resolved_on.is_not(None)).order_by(Alert.id)
    ).all()
    return [
        _error(
            f"L'alerte « {alert.text[:60]} » est levée le {_day(alert.raised_on)} mais "
            f"résolue le {_day(alert.resolved_on)}, avant d'avoir été levée.",
            "alert", alert.id,
        )
        for alert in alerts
        if alert.resolved_on < alert.raised_on
    ]


def plan_findings(session: Session) -> list[Finding]:
    findings: list[Finding] = []
    for fiche in session.scalars(select(FicheAction).order_by(FicheAction.id)):
        if fiche.start_date and fiche.end_date and fiche.end_date < fiche.start_date:
            findings.append(_error(
                f"La fiche action {fiche.number} « {fiche.title} » finit le {_day(fiche.end_date)}, "
                f"avant son début le {_day(fiche.start_date)}.",
                "fiche_action", fiche.id,
            ))
    steps = session.scalars(
        select(FicheStep).options(selectinload(FicheStep.fiche)).order_by(FicheStep.id)
    )
    for step in steps:
        if step.start_date and step.end_date and step.end_date < step.start_date:
            findings.append(_error(
                f"L'étape « {step.title} » de la fiche action {step.fiche.number} finit le "
                f"{_day(step.end_date)}, avant son début le {_day(step.start_date)}.",
                "fiche_step", step.id,
            ))
    return findings


def staff_findings(session: Session) -> list[Finding]:
    coordinators = session.scalars(
        select(Coordinator).options(selectinload(Coordinator.person)).order_by(Coordinator.id)
    )
    return [
        _error(
            f"{c.name} quitte son poste le {_day(c.end_date)}, avant d'y être arrivé·e le "
            f"{_day(c.start_date)}.",
            "coordinator", c.id,
        )
        for c in coordinators
        if c.start_date and c.end_date and c.end_date < c.start_date
    ]


def consistency_findings(session: Session, now: datetime | None = None) -> list[Finding]:
    """Every application rule the database cannot enforce by itself."""
    now = now or datetime.now()
    return [
        *field_findings(session),
        *etp_rule_findings(session),
        *etp_findings(session),
        *logo_findings(session),
        *staff_findings(session),
        *meeting_findings(session, now),
        *alert_findings(session),
        *plan_findings(session),
    ]


def verify_database(db, now: datetime | None = None) -> list[Finding]:
    """« Vérifier la base »: SQLite integrity and links, location, then the application's rules.

    `db` is an open `ctgdesk.db.Database`. Returns the findings, errors first; [] when all is well.
    """
    findings = storage_findings(db.path)
    if not any(f.severity is Severity.ERROR and f.table is None for f in findings):
        session = db.session()
        try:
            findings.extend(consistency_findings(session, now))
        except SQLAlchemyError as error:
            findings.append(Finding(
                Severity.ERROR,
                f"Les contrôles de cohérence n'ont pas pu être faits : {error.__class__.__name__}.",
            ))
        finally:
            session.close()
    order = {Severity.ERROR: 0, Severity.WARNING: 1}
    return sorted(findings, key=lambda f: order[f.severity])
