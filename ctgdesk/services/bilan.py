"""The annual bilan: the national referential's indicators computed from what was recorded,
with everything the CAF's Excel file and the COPIL's PDF show, as plain dataclasses.

`compute_bilan` reads; `save_indicator_entry` writes the manual indicators and comments.
The exports (ctgdesk/exchange/bilan_*.py) take the `Bilan` and never open the database.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, selectinload

from ctgdesk.formatting import decimal2, short_date
from ctgdesk.models import (
    Alert,
    Attendance,
    AttendanceStatus,
    Convention,
    Coordinator,
    Decision,
    DecisionStatus,
    EtpStatus,
    FicheAction,
    FicheIndicator,
    FicheIndicatorValue,
    FicheStatus,
    FicheStep,
    FollowUp,
    IndicatorEntry,
    Instance,
    InstanceKind,
    JournalEntry,
    Meeting,
    MeetingStatus,
    Objectif,
    Organisation,
    Person,
    RefIndicatorKind,
    ReferentialVersion,
    Signatory,
)
from ctgdesk.models.meetings import meeting_communes
from ctgdesk.models.plan import Enjeu, fiche_communes
from ctgdesk.services import etp as etp_service
from ctgdesk.services.bulk import (
    coordinator_names,
    fiche_labels,
    instance_heads,
    organisation_names,
    person_names,
    stream,
)
from ctgdesk.services.bulk import rows as column_rows
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.indicators import (
    Count,
    CountContext,
    CountedItem,
    Period,
    Scope,
    check_spec,
    count,
    meeting_status_in,
)
from ctgdesk.services.records import get_or_fail
from ctgdesk.services.referential import IndicatorDef, indicator_definitions

__all__ = [
    "AlertLine", "Bilan", "CoordinatorLine", "DecisionLine", "EtpLine", "EtpTable", "FicheIndicatorLine",
    "FicheLine", "IndicatorResult", "KeyFigure", "MeetingLine", "Period", "Scope", "compute_bilan",
    "meeting_lines", "save_indicator_entry", "scope_label",
]


# --- the result ---------------------------------------------------------------------------

@dataclass(frozen=True)
class IndicatorResult:
    code: str
    kind: RefIndicatorKind
    text: str
    counted: str
    source: str
    function_code: str
    function_title: str
    objective_number: int
    objective_title: str
    value: int | None
    nature: str
    comment: str
    items: tuple[CountedItem, ...]

    @property
    def is_manual(self) -> bool:
        return self.source == "manual"

    @property
    def kind_label(self) -> str:
        return self.kind.label

    @property
    def value_text(self) -> str:
        return "" if self.value is None else str(self.value)


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: int | Decimal | str
    detail: str = ""


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


@dataclass(frozen=True)
class FicheIndicatorLine:
    label: str
    unit: str
    reference: Decimal | None
    target: Decimal | None
    actual: Decimal | None


@dataclass(frozen=True)
class FicheLine:
    id: int
    enjeu: str
    objectif: str
    number: str
    title: str
    pilot: str
    status: FicheStatus
    progress: int
    late: bool
    start_date: date | None
    end_date: date | None
    budget: Decimal | None
    open_alerts: int
    indicators: tuple[FicheIndicatorLine, ...]

    @property
    def indicators_text(self) -> str:
        def fmt(value: Decimal | None, unit: str) -> str:
            if value is None:
                return "—"
            text = format(value.normalize(), "f").replace(".", ",")
            return f"{text} {unit}".strip()

        return "\n".join(
            f"{i.label} : cible {fmt(i.target, i.unit)}, réalisé {fmt(i.actual, i.unit)}" for i in self.indicators
        )


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


@dataclass(frozen=True)
class SignatoryLine:
    name: str
    representative: str
    logo: bytes | None
    logo_filename: str | None


@dataclass(frozen=True)
class ConventionInfo:
    id: int
    name: str
    territory: str
    first_year: int
    last_year: int
    signed_on: date | None
    signatories: tuple[SignatoryLine, ...]


@dataclass
class Bilan:
    period: Period
    scope: Scope
    scope_label: str
    convention: ConventionInfo | None
    referential_title: str
    indicators: list[IndicatorResult]
    key_figures: list[KeyFigure]
    coordinators: list[CoordinatorLine]
    meetings: list[MeetingLine]
    decisions: list[DecisionLine]
    alerts: list[AlertLine]
    open_alerts: list[AlertLine]
    previous_copil: date | None
    decisions_since_copil: list[DecisionLine]
    fiches: list[FicheLine]
    etp: EtpTable
    database_name: str
    produced_at: datetime
    today: date
    source: str = ""
    authors: list[str] = field(default_factory=list)

    @property
    def year_from(self) -> int:
        return self.period.year_from

    @property
    def year_to(self) -> int:
        return self.period.year_to

    @property
    def years(self) -> list[int]:
        return self.period.years

    @property
    def period_label(self) -> str:
        return self.period.label

    @property
    def title(self) -> str:
        return f"Bilan {self.period_label} de la Convention Territoriale Globale"

    @property
    def subtitle(self) -> str:
        if self.convention is None:
            return self.scope_label
        return f"{self.convention.name} — {self.scope_label}"

    @property
    def produced_label(self) -> str:
        return f"Document produit le {short_date(self.produced_at)} à {self.produced_at:%H:%M}"

    def indicator(self, code: str) -> IndicatorResult:
        for result in self.indicators:
            if result.code == code:
                return result
        raise KeyError(code)

    def functions(self) -> list[tuple[int, str, str, str, list[IndicatorResult]]]:
        """(objective number, objective title, function code, function title, indicators) in table order."""
        grouped: dict[str, list[IndicatorResult]] = {}
        heads: dict[str, tuple[int, str, str, str]] = {}
        for result in self.indicators:
            grouped.setdefault(result.function_code, []).append(result)
            heads.setdefault(result.function_code, (result.objective_number, result.objective_title,
                                                    result.function_code, result.function_title))
        return [(*heads[code], results) for code, results in grouped.items()]


# --- computation --------------------------------------------------------------------------

def compute_bilan(
    session: Session,
    year_from: int,
    year_to: int | None = None,
    scope: Scope | None = None,
    today: date | None = None,
    *,
    produced_at: datetime | None = None,
) -> Bilan:
    """Everything the bilan of `year_from`..`year_to` shows, for a scope (territory by default)."""
    period = Period(int(year_from), int(year_to if year_to is not None else year_from))
    scope = scope or Scope.territory()
    today = today or date.today()
    produced_at = produced_at or datetime.now().replace(microsecond=0)
    ctx = CountContext(session, period, scope)
    label = scope_label(session, scope)

    definitions = indicator_definitions(session)
    for definition in definitions:  # fail before any work on a spec the code does not know
        check_spec(definition.spec, definition.code)
    comments = _entries(session, period, scope)
    indicators = [_indicator(ctx, definition, comments) for definition in definitions]

    convention = _convention(session, period)
    meetings = meeting_lines(session, period.year_from, period.year_to, scope)
    decisions = _decision_lines(session, ctx.meeting_filters())
    alerts = _alert_lines(session, ctx.alert_filters())
    reference = min(today, period.end)
    open_alerts = _alert_lines(
        session,
        [Alert.raised_on < period.end, *ctx.alert_scope_filters(),
         (Alert.resolved_on.is_(None)) | (Alert.resolved_on > reference)],
    )
    previous_copil = _previous_copil(session, ctx, reference)
    if previous_copil is None:
        since = decisions
    else:
        since = [d for d in decisions if d.on >= previous_copil]
    fiches = _fiche_lines(session, scope, period, convention, today)
    etp_table = _etp_table(session, period, scope, convention)
    coordinators = _coordinators(session, period, scope, etp_table)
    authors = [c.name for c in coordinators]
    database_name = _database_name(session)
    key_figures = _key_figures(session, ctx, meetings, decisions, alerts, open_alerts, fiches, etp_table,
                               coordinators)
    bilan = Bilan(
        period=period, scope=scope, scope_label=label, convention=convention,
        referential_title=_referential_title(session), indicators=indicators, key_figures=key_figures,
        coordinators=coordinators, meetings=meetings, decisions=decisions, alerts=alerts,
        open_alerts=open_alerts, previous_copil=previous_copil, decisions_since_copil=since, fiches=fiches,
        etp=etp_table, database_name=database_name, produced_at=produced_at, today=today, authors=authors,
    )
    bilan.source = source_text(authors, database_name, produced_at)
    return bilan


def source_text(authors: list[str], database_name: str, produced_at: datetime) -> str:
    who = ", ".join(authors) if authors else "l'équipe de coordination CTG"
    return (f"Source : données saisies dans ctgdesk par {who}, base {database_name}, "
            f"extraction du {short_date(produced_at)} à {produced_at:%H:%M}")


def scope_label(session: Session, scope: Scope) -> str:
    if scope.kind == "coordinator":
        coordinator = get_or_fail(session, Coordinator, scope.id, "Le/la chargé·e de coopération")
        return f"Chargé·e de coopération : {coordinator.name}"
    if scope.kind == "commune":
        commune = get_or_fail(session, Organisation, scope.id, "La commune")
        insee = f" ({commune.insee_code})" if commune.insee_code else ""
        return f"Commune : {commune.name}{insee}"
    return "Ensemble du territoire"


def _indicator(ctx: CountContext, definition: IndicatorDef, entries: dict[str, tuple[str, str]]) -> IndicatorResult:
    result: Count = count(ctx, definition.spec, definition.code)
    comment = entries.get(definition.code, ("", ""))[1]
    return IndicatorResult(
        code=definition.code, kind=definition.kind, text=definition.text, counted=definition.counted,
        source=definition.spec["source"], function_code=definition.function_code,
        function_title=definition.function_title, objective_number=definition.objective_number,
        objective_title=definition.objective_title, value=result.value, nature=result.nature,
        comment=comment, items=tuple(result.items),
    )


def _entries(session: Session, period: Period, scope: Scope) -> dict[str, tuple[str, str]]:
    """code → (nature, comment) entered for the period's years (joined per year if several)."""
    result = column_rows(session, 
        select(IndicatorEntry.indicator_code, IndicatorEntry.year, IndicatorEntry.nature, IndicatorEntry.comment)
        .where(IndicatorEntry.scope == scope.key, IndicatorEntry.year.in_(period.years))
        .order_by(IndicatorEntry.year)
    )
    several = period.year_from != period.year_to
    collected: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for code, year, nature, comment in result:
        collected[code].append((f"{year} : {nature}" if several and nature else nature,
                                f"{year} : {comment}" if several and comment else comment))
    return {
        code: (" ; ".join(n for n, _ in values if n), " ; ".join(c for _, c in values if c))
        for code, values in collected.items()
    }


def _referential_title(session: Session) -> str:
    """The title of the current referential (the last loaded, as services.referential reads it)."""
    return session.scalar(
        select(ReferentialVersion.title).order_by(ReferentialVersion.id.desc()).limit(1)) or ""


def _database_name(session: Session) -> str:
    database = session.get_bind().url.database
    if not database or database == ":memory:":
        return "en mémoire"
    return Path(database).name


def _convention(session: Session, period: Period) -> ConventionInfo | None:
    convention = session.scalar(
        select(Convention)
        .where(Convention.first_year <= period.year_to, Convention.last_year >= period.year_from)
        .order_by(Convention.first_year.desc())
        .options(selectinload(Convention.signatories).selectinload(Signatory.organisation))
        .limit(1)
    )
    if convention is None:
        return None
    return ConventionInfo(
        id=convention.id, name=convention.name, territory=convention.territory,
        first_year=convention.first_year, last_year=convention.last_year, signed_on=convention.signed_on,
        signatories=tuple(
            SignatoryLine(s.organisation.name, s.representative, s.logo, s.logo_filename)
            for s in convention.signatories
        ),
    )


# --- meetings, decisions, alerts ---------------------------------------------------------

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


def _person_name(first: str | None, last: str | None) -> str:
    return f"{first or ''} {last or ''}".strip()


def _decision_lines(session: Session, meeting_conditions: list) -> list[DecisionLine]:
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


def _alert_lines(session: Session, conditions: list) -> list[AlertLine]:
    raiser = aliased(Person)
    result = column_rows(session, 
        select(Alert.id, Alert.raised_on, Alert.text, FicheAction.number, FicheAction.title, Instance.name,
               raiser.first_name, raiser.last_name, Alert.resolved_on, Alert.resolution)
        .outerjoin(FicheAction, Alert.fiche_id == FicheAction.id)
        .outerjoin(Meeting, Alert.meeting_id == Meeting.id)
        .outerjoin(Instance, Meeting.instance_id == Instance.id)
        .outerjoin(Coordinator, Alert.raised_by_id == Coordinator.id)
        .outerjoin(raiser, Coordinator.person_id == raiser.id)
        .where(*conditions)
        .order_by(Alert.raised_on, Alert.id)
    )
    return [
        AlertLine(
            id=aid, raised_on=raised, text=text, fiche=f"{number} {title}" if number else "",
            instance=instance or "", raised_by=_person_name(first, last), resolved_on=resolved,
            resolution=resolution or "",
        )
        for aid, raised, text, number, title, instance, first, last, resolved, resolution in result
    ]


def _previous_copil(session: Session, ctx: CountContext, reference: date) -> date | None:
    """The last COPIL held before the reference date (today, or the end of the period)."""
    conditions = [Instance.kind == InstanceKind.COPIL, meeting_status_in([MeetingStatus.HELD]),
                  Meeting.starts_at < datetime.combine(reference, datetime.min.time())]
    if ctx.scope.kind == "commune":
        conditions.append(ctx.meeting_filters()[-1])
    last = session.scalar(
        select(func.max(Meeting.starts_at)).join(Instance, Meeting.instance_id == Instance.id).where(*conditions)
    )
    return last.date() if last else None


# --- plan d'action ---------------------------------------------------------------------------

def _fiche_lines(session: Session, scope: Scope, period: Period, convention: ConventionInfo | None,
                 today: date) -> list[FicheLine]:
    """The fiches as plain columns (one query each for fiches, étapes, follow-ups, indicators,
    alerts). Lateness is FicheAction.is_late, the one rule of it, applied to these columns."""
    conditions = []
    if convention is not None:
        conditions.append(Enjeu.convention_id == convention.id)
    if scope.kind == "commune":
        conditions.append(
            FicheAction.id.in_(select(fiche_communes.c.fiche_id).where(fiche_communes.c.organisation_id == scope.id))
        )
    fiches = column_rows(session,
        select(FicheAction.id, FicheAction.number, FicheAction.title, FicheAction.status, FicheAction.start_date,
               FicheAction.end_date, FicheAction.budget, Organisation.name, Objectif.number, Objectif.title,
               Enjeu.number, Enjeu.title)
        .join(Objectif, FicheAction.objectif_id == Objectif.id)
        .join(Enjeu, Objectif.enjeu_id == Enjeu.id)
        .outerjoin(Organisation, FicheAction.pilot_id == Organisation.id)
        .where(*conditions)
        .order_by(Enjeu.position, Objectif.position, FicheAction.number)
    ).all()
    ids = (select(FicheAction.id).join(Objectif, FicheAction.objectif_id == Objectif.id)
           .join(Enjeu, Objectif.enjeu_id == Enjeu.id).where(*conditions))
    steps: dict[int, list[SimpleNamespace]] = defaultdict(list)
    for fiche_id, end_date, done in column_rows(session, select(FicheStep.fiche_id, FicheStep.end_date, FicheStep.done)
                                                .where(FicheStep.fiche_id.in_(ids))):
        steps[fiche_id].append(SimpleNamespace(end_date=end_date, done=done))
    progress: dict[int, int] = {}
    for fiche_id, value in column_rows(session, select(FollowUp.fiche_id, FollowUp.progress)
                                       .where(FollowUp.fiche_id.in_(ids), FollowUp.date < period.end)
                                       .order_by(FollowUp.fiche_id, FollowUp.date, FollowUp.id)):
        progress[fiche_id] = value  # the last one before the end of the period
    indicators: dict[int, list[FicheIndicatorLine]] = defaultdict(list)
    for fiche_id, label, unit, reference, target, actual in column_rows(
        session,
        select(FicheIndicator.fiche_id, FicheIndicator.label, FicheIndicator.unit, FicheIndicator.reference_value,
               FicheIndicator.target_value, FicheIndicatorValue.value)
        .outerjoin(FicheIndicatorValue, (FicheIndicatorValue.indicator_id == FicheIndicator.id)
                   & (FicheIndicatorValue.year == period.year_to))
        .where(FicheIndicator.fiche_id.in_(ids))
        .order_by(FicheIndicator.fiche_id, FicheIndicator.id),
    ):
        indicators[fiche_id].append(FicheIndicatorLine(label, unit or "", reference, target, actual))
    open_alerts = dict(column_rows(session,
        select(Alert.fiche_id, func.count()).where(Alert.fiche_id.in_(ids), Alert.resolved_on.is_(None))
        .group_by(Alert.fiche_id)
    ).all())
    lines = []
    for (fiche_id, number, title, status, start, end, budget, pilot, objectif_number, objectif_title,
         enjeu_number, enjeu_title) in fiches:
        late = FicheAction.is_late(SimpleNamespace(status=status, end_date=end, steps=steps.get(fiche_id, ())), today)
        lines.append(FicheLine(
            id=fiche_id, enjeu=f"{enjeu_number} {enjeu_title}".strip(),
            objectif=f"{objectif_number} {objectif_title}".strip(), number=number, title=title,
            pilot=pilot or "", status=status, progress=progress.get(fiche_id, 0), late=late, start_date=start,
            end_date=end, budget=budget, open_alerts=open_alerts.get(fiche_id, 0),
            indicators=tuple(indicators.get(fiche_id, ())),
        ))
    return lines


# --- ETP --------------------------------------------------------------------------------------

def _etp_years(session: Session, period: Period, convention: ConventionInfo | None) -> tuple[int, int, str, str]:
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


def _etp_table(session: Session, period: Period, scope: Scope, convention: ConventionInfo | None) -> EtpTable:
    before, after, before_label, after_label = _etp_years(session, period, convention)
    grid = etp_service.etp_grid(session, [before, after])
    coordinator_name = session.get(Coordinator, scope.id).name if scope.kind == "coordinator" else None
    lines = []
    for row in grid.rows:
        cell_before, cell_after = row.cells.get(before), row.cells.get(after)
        people = sorted(set((cell_after.people if cell_after else ()) or (cell_before.people if cell_before else ())))
        if scope.kind == "commune" and row.organisation_id != scope.id:
            continue
        if coordinator_name is not None and not any(
                cell is not None and coordinator_name in cell.people for cell in (cell_before, cell_after)):
            continue
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
    return EtpTable(before, after, before_label, after_label, tuple(lines))


def _coordinators(session: Session, period: Period, scope: Scope, etp_table: EtpTable) -> list[CoordinatorLine]:
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


# --- key figures ---------------------------------------------------------------------------

def _key_figures(session: Session, ctx: CountContext, meetings: list[MeetingLine], decisions: list[DecisionLine],
                 alerts: list[AlertLine], open_alerts: list[AlertLine], fiches: list[FicheLine],
                 etp_table: EtpTable, coordinators: list[CoordinatorLine]) -> list[KeyFigure]:
    held = [m for m in meetings if m.status is MeetingStatus.HELD]
    by_kind = Tally(m.kind for m in held)
    journal = session.scalar(select(func.count()).select_from(JournalEntry).where(*ctx.journal_filters())) or 0
    statuses = Tally(f.status for f in fiches)
    late = sum(1 for f in fiches if f.late)
    pending = sum(1 for line in etp_table.lines if line.pending_after)
    figures = [
        KeyFigure("Réunions tenues", len(held),
                  ", ".join(f"{kind.label} : {n}" for kind, n in sorted(by_kind.items(), key=lambda kv: -kv[1]))),
        KeyFigure("Réunions du COPIL", by_kind.get(InstanceKind.COPIL, 0)),
        KeyFigure("Décisions relevées", len(decisions),
                  f"dont {sum(1 for d in decisions if d.status is DecisionStatus.DONE)} réalisée(s)"),
        KeyFigure("Alertes au COPIL", len(alerts), f"{len(open_alerts)} ouverte(s) à ce jour"),
        KeyFigure("Fiches actions", len(fiches),
                  ", ".join(f"{s.label} : {statuses[s]}" for s in FicheStatus if statuses[s])
                  + (f" ; {late} en retard" if late else "")),
        KeyFigure("Entrées du journal d'activité", journal),
        KeyFigure(f"ETP de coordination {etp_table.year_after}", etp_table.total_after,
                  f"{decimal2(etp_table.total_before)} ETP en {etp_table.year_before}"
                  + (f" ; {pending} « En cours »" if pending else "")),
        KeyFigure("Chargé·e·s de coopération", len(coordinators)),
    ]
    return figures


# --- manual indicators and comments ---------------------------------------------------------

def save_indicator_entry(
    session: Session,
    code: str,
    year: int,
    scope: Scope | str,
    value: int | str | None = None,
    nature: str = "",
    comment: str = "",
) -> IndicatorEntry | None:
    """Record the value and nature of a manual indicator, or a comment on any indicator.

    An empty entry (no value, nature or comment) removes what was recorded. Returns the row, or None.
    """
    scope = Scope.from_key(scope) if isinstance(scope, str) else scope
    definitions = {d.code: d for d in indicator_definitions(session)}
    definition = definitions.get(code)
    if definition is None:
        raise ValidationError(f"L'indicateur « {code} » n'existe pas dans le référentiel.", "code")
    if not isinstance(year, int) or not 1990 <= year <= 2100:
        raise ValidationError(f"L'année « {year} » n'est pas une année valable.", "year")
    scope_label(session, scope)  # the coordinator or commune exists
    number = _parse_count(value)
    nature = (nature or "").strip()
    comment = (comment or "").strip()
    if not definition.is_manual and (number is not None or nature):
        raise ValidationError(
            f"L'indicateur {code} est calculé à partir des saisies (réunions, journal…) : "
            "seul un commentaire peut y être ajouté.", "value")
    if len(nature) > 5000 or len(comment) > 5000:
        raise ValidationError("Le texte est trop long (5 000 caractères au plus).", "comment")
    entry = session.scalar(select(IndicatorEntry).where(
        IndicatorEntry.indicator_code == code, IndicatorEntry.year == year, IndicatorEntry.scope == scope.key))
    if number is None and not nature and not comment:
        if entry is not None:
            session.delete(entry)
            session.flush()
        return None
    if entry is None:
        entry = IndicatorEntry(indicator_code=code, year=year, scope=scope.key)
        session.add(entry)
    entry.value, entry.nature, entry.comment = number, nature, comment
    session.flush()
    return entry


def _parse_count(value: int | str | None) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).strip().replace("\u202f", "").replace(" ", ""))
    except ValueError:
        raise ValidationError(f"« {value} » n'est pas un nombre entier.", "value") from None
    if number < 0:
        raise ValidationError("Un indicateur ne peut pas être négatif.", "value")
    return number
