"""The annual bilan: the national referential's indicators computed from what was recorded,
with everything the CAF's Excel file and the COPIL's PDF show, as plain dataclasses.

`compute_bilan` reads; `save_indicator_entry` writes the manual indicators and comments.
The exports (ctgdesk/exchange/bilan_*.py) take the `Bilan` and never open the database.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ctgdesk.formatting import decimal2, short_date
from ctgdesk.models import (
    Alert,
    Convention,
    Coordinator,
    Decision,
    DecisionStatus,
    FicheStatus,
    IndicatorEntry,
    InstanceKind,
    JournalEntry,
    Meeting,
    MeetingStatus,
    Organisation,
    OrganisationKind,
    RefIndicatorKind,
    ReferentialVersion,
    Signatory,
)
from ctgdesk.services.bilan_plan import FicheIndicatorLine, FicheLine, fiche_lines
from ctgdesk.services.bilan_records import (
    AlertLine,
    DecisionLine,
    MeetingLine,
    alert_lines,
    decision_lines,
    meeting_lines,
    previous_copil,
)
from ctgdesk.services.bilan_staff import CoordinatorLine, EtpLine, EtpTable, coordinator_lines, etp_table
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
    summarise,
)
from ctgdesk.services.meetings import overdue_decision_filters
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
    nature_summary: str = ""  # the first items and "… et N autre(s)" (the PDF); `nature` is the long list

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


@dataclass(frozen=True)
class SignatoryLine:
    name: str
    representative: str
    logo: bytes | None
    logo_filename: str | None
    kind: OrganisationKind | None = None


@dataclass(frozen=True)
class ConventionInfo:
    id: int
    name: str
    territory: str
    first_year: int
    last_year: int
    signed_on: date | None
    signatories: tuple[SignatoryLine, ...]

    @property
    def caf(self) -> str:
        """The Caf that signed the convention (the bilan goes to its counsellor), or ""."""
        return next((s.name for s in self.signatories if s.kind is OrganisationKind.CAF), "")


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
    # taken before the last COPIL (or before the period without one), still open and overdue
    # (services.meetings.overdue_decision_filters), whatever their year
    overdue_before_copil: list[DecisionLine]
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
    decisions = decision_lines(session, ctx.meeting_filters())
    alerts = alert_lines(session, ctx.alert_filters())
    reference = min(today, period.end)
    open_alerts = alert_lines(
        session,
        [Alert.raised_on < period.end, *ctx.alert_scope_filters(),
         (Alert.resolved_on.is_(None)) | (Alert.resolved_on > reference)],
    )
    last_copil = previous_copil(session, ctx, reference)
    if last_copil is None:
        since = decisions
    else:
        since = [d for d in decisions if d.on >= last_copil]
    cutoff = datetime.combine(last_copil or period.start, datetime.min.time())
    overdue_before = decision_lines(session, [
        Meeting.starts_at < cutoff, *ctx.meeting_scope_filters(),
        *overdue_decision_filters(Decision.status, Decision.due_date, reference)])
    fiches = fiche_lines(session, scope, period, convention, today)
    etp = etp_table(session, period, scope, convention)
    coordinators = coordinator_lines(session, period, scope, etp)
    authors = [c.name for c in coordinators]
    database_name = _database_name(session)
    key_figures = _key_figures(session, ctx, meetings, decisions, alerts, open_alerts, fiches, etp, coordinators)
    bilan = Bilan(
        period=period, scope=scope, scope_label=label, convention=convention,
        referential_title=_referential_title(session), indicators=indicators, key_figures=key_figures,
        coordinators=coordinators, meetings=meetings, decisions=decisions, alerts=alerts,
        open_alerts=open_alerts, previous_copil=last_copil, decisions_since_copil=since,
        overdue_before_copil=overdue_before, fiches=fiches,
        etp=etp, database_name=database_name, produced_at=produced_at, today=today, authors=authors,
    )
    bilan.source = source_text(convention, period, produced_at)
    return bilan


def source_text(convention: ConventionInfo | None, period: Period, produced_at: datetime) -> str:
    """The source line under the figures: the application, the convention, the date of the data."""
    if convention is None:
        what = f"aucune convention ne couvre {period.label}"
    else:
        what = convention.name + (f" ({convention.territory})"
                                  if convention.territory and convention.territory not in convention.name else "")
    return f"Source : ctgdesk, {what}, données au {short_date(produced_at)}"


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
        comment=comment, items=tuple(result.items), nature_summary=nature_summary(result),
    )


NATURE_SUMMARY_ITEMS = 3
NATURE_SUMMARY_LABEL = 120  # characters of each item shown, at most


def nature_summary(result: Count) -> str:
    """The first items of the nature, each cut short, and how many others: what a page shows
    (`nature` is the whole list, for the workbook). The nature itself when it has few items."""
    if len(result.items) <= NATURE_SUMMARY_ITEMS:
        return result.nature
    items = [replace(i, label=_shorten(i.label, NATURE_SUMMARY_LABEL)) for i in result.items]
    return summarise(items, grouped=result.grouped, limit=NATURE_SUMMARY_ITEMS)


def _shorten(label: str, length: int) -> str:
    """At most about `length` characters; a label ending with its meeting or date in brackets
    keeps them: "Données de la protection… (Groupe thématique Jeunesse du 09/03/2026)"."""
    if len(label) <= length:
        return label
    head, bracket, tail = label.rpartition(" (")
    if bracket and label.endswith(")") and len(tail) + 2 <= length * 2 // 3:
        return _cut_at_word(head, length - len(tail) - 2) + " (" + tail
    return _cut_at_word(label, length)


def _cut_at_word(text: str, length: int) -> str:
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0].rstrip(" ,;:—-(") + "…"


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
            SignatoryLine(s.organisation.name, s.representative, s.logo, s.logo_filename, s.organisation.kind)
            for s in convention.signatories
        ),
    )


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
