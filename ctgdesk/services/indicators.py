"""Counting the national referential's indicators from what was recorded.

Each indicator of resources/referential/*.toml names a `source` in its `compute` spec; this
module has exactly one counting function per source, in `COUNTERS`. A counter takes the
period, the scope and the spec, and returns the number *and* the records behind it (ids and
labels), so that every figure of the bilan can be traced back. An unknown source, or an
unknown key in a spec, raises `UnknownComputation`: a referential file the code does not
understand must never give a silent zero.

Scopes:
- territory: everything recorded;
- coordinator: the meetings she animated, the journal entries she wrote, the alerts she raised
  (and the plan axes she followed up);
- commune: the meetings whose communes include it, the journal entries citing it (alerts of
  those meetings or of fiches actions concerning it).

Every count is one or two aggregate / column queries: no per-record query (no N+1).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from heapq import merge
from datetime import date, datetime
from typing import Any, Callable, Iterable

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from ctgdesk.models import (
    Alert,
    Attendance,
    AttendanceStatus,
    Decision,
    Enjeu,
    Expertise,
    FicheAction,
    FollowUp,
    IndicatorEntry,
    Instance,
    InstanceKind,
    JournalEntry,
    JournalKind,
    Meeting,
    MeetingStatus,
    Objectif,
    Organisation,
    OrganisationKind,
    Person,
)
from ctgdesk.models.journal import journal_communes, journal_partners
from ctgdesk.models.meetings import meeting_communes
from ctgdesk.models.plan import fiche_communes
from ctgdesk.services.bulk import rows, stream

NATURE_MAX_ITEMS = 40


class UnknownComputation(ValueError):
    """The referential asks for a computation this version of ctgdesk does not know."""


# --- scope and period -------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """Whose activity a bilan covers: the whole territory, one coordinator or one commune."""

    kind: str = "territoire"
    id: int | None = None

    @classmethod
    def territory(cls) -> "Scope":
        return cls("territoire", None)

    @classmethod
    def coordinator(cls, coordinator_id: int) -> "Scope":
        return cls("coordinator", int(coordinator_id))

    @classmethod
    def commune(cls, organisation_id: int) -> "Scope":
        return cls("commune", int(organisation_id))

    @classmethod
    def from_key(cls, key: str) -> "Scope":
        """'territoire', 'coordinator:3', 'commune:7' → Scope."""
        if key == "territoire":
            return cls.territory()
        kind, _, number = key.partition(":")
        if kind in ("coordinator", "commune") and number.isdigit():
            return cls(kind, int(number))
        raise ValueError(f"Périmètre inconnu : « {key} ».")

    @property
    def key(self) -> str:
        return "territoire" if self.kind == "territoire" else f"{self.kind}:{self.id}"

    @property
    def is_territory(self) -> bool:
        return self.kind == "territoire"

    def __post_init__(self) -> None:
        if self.kind not in ("territoire", "coordinator", "commune"):
            raise ValueError(f"Périmètre inconnu : « {self.kind} ».")
        if (self.kind == "territoire") != (self.id is None):
            raise ValueError("Un périmètre chargé·e ou commune désigne un enregistrement.")


@dataclass(frozen=True)
class Period:
    """Whole calendar years, year_from to year_to included."""

    year_from: int
    year_to: int

    def __post_init__(self) -> None:
        if self.year_to < self.year_from:
            raise ValueError(f"La dernière année ({self.year_to}) précède la première ({self.year_from}).")

    @property
    def start(self) -> date:
        return date(self.year_from, 1, 1)

    @property
    def end(self) -> date:
        """First day after the period (exclusive bound)."""
        return date(self.year_to + 1, 1, 1)

    @property
    def start_dt(self) -> datetime:
        return datetime(self.year_from, 1, 1)

    @property
    def end_dt(self) -> datetime:
        return datetime(self.year_to + 1, 1, 1)

    @property
    def years(self) -> list[int]:
        return list(range(self.year_from, self.year_to + 1))

    @property
    def label(self) -> str:
        return str(self.year_from) if self.year_from == self.year_to else f"{self.year_from}–{self.year_to}"


@dataclass(frozen=True)
class CountContext:
    session: Session
    period: Period
    scope: Scope
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def remember(self, key: str, compute: Callable[[], Any]) -> Any:
        """Rows several counters share (the period's journal entries…), read once per bilan."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def rows(self, query):
        """Run a column query at the Core level: no ORM row processing for thousands of rows."""
        return rows(self.session, query)

    def stream(self, query):
        """The rows of a column query, fetched in chunks (services.bulk.stream)."""
        return stream(self.session, query)

    # -- filters shared by the counters (and by services.bilan) --

    def meeting_filters(self) -> list:
        return [Meeting.starts_at >= self.period.start_dt, Meeting.starts_at < self.period.end_dt,
                *self.meeting_scope_filters()]

    def meeting_scope_filters(self) -> list:
        """Whose the meeting is (no date condition)."""
        if self.scope.kind == "coordinator":
            return [Meeting.animator_id == self.scope.id]
        if self.scope.kind == "commune":
            return [
                Meeting.id.in_(
                    select(meeting_communes.c.meeting_id).where(meeting_communes.c.organisation_id == self.scope.id)
                )
            ]
        return []

    def journal_filters(self) -> list:
        conditions = [JournalEntry.date >= self.period.start, JournalEntry.date < self.period.end]
        if self.scope.kind == "coordinator":
            conditions.append(JournalEntry.coordinator_id == self.scope.id)
        elif self.scope.kind == "commune":
            conditions.append(
                JournalEntry.id.in_(
                    select(journal_communes.c.entry_id).where(journal_communes.c.organisation_id == self.scope.id)
                )
            )
        return conditions

    def alert_scope_filters(self) -> list:
        """Who the alert belongs to (no date condition)."""
        if self.scope.kind == "coordinator":
            return [Alert.raised_by_id == self.scope.id]
        if self.scope.kind == "commune":
            return [
                or_(
                    Alert.meeting_id.in_(
                        select(meeting_communes.c.meeting_id).where(meeting_communes.c.organisation_id == self.scope.id)
                    ),
                    Alert.fiche_id.in_(
                        select(fiche_communes.c.fiche_id).where(fiche_communes.c.organisation_id == self.scope.id)
                    ),
                )
            ]
        return []

    def alert_filters(self) -> list:
        return [Alert.raised_on >= self.period.start, Alert.raised_on < self.period.end, *self.alert_scope_filters()]


# --- what a counter returns ---------------------------------------------------------------

@dataclass(slots=True)
class CountedItem:
    """One record behind a number: what it is, its id, and how a person recognises it."""

    record: str  # "meeting", "decision", "alert", "expertise", "enjeu", "organisation", "journal", "entry"
    record_id: int | None
    label: str
    on: date | None = None
    group: str = ""  # e.g. the type of a partner, for "nombre et type"


@dataclass
class Count:
    value: int | None
    items: list[CountedItem] = field(default_factory=list)
    nature: str = ""
    grouped: bool = False  # the nature groups the items (by type of partner…): summarise(grouped=True)


def summarise(items: list[CountedItem], *, grouped: bool = False, limit: int = NATURE_MAX_ITEMS) -> str:
    """The 'nature' column: what was counted, readable, bounded in length."""
    if not items:
        return ""
    if grouped:
        groups: dict[str, list[str]] = defaultdict(list)
        for item in items:
            groups[item.group or "Autre"].append(item.label)
        parts = []
        for name in sorted(groups, key=str.casefold):
            labels = sorted(groups[name], key=str.casefold)
            shown = ", ".join(labels[:limit]) + (f", … et {len(labels) - limit} autre(s)" if len(labels) > limit else "")
            parts.append(f"{name} : {len(labels)} ({shown})")
        return " ; ".join(parts)
    labels = [item.label for item in items[:limit]]
    text = " ; ".join(labels)
    if len(items) > limit:
        text += f" ; … et {len(items) - limit} autre(s)"
    return text


# --- the registry -------------------------------------------------------------------------

Counter = Callable[[CountContext, dict], Count]


@dataclass(frozen=True)
class CounterDef:
    function: Counter
    keys: frozenset[str]


COUNTERS: dict[str, CounterDef] = {}


def counter(source: str, *keys: str):
    """Register the counting function of a `source`, with the spec keys it understands."""

    def register(function: Counter) -> Counter:
        if source in COUNTERS:
            raise RuntimeError(f"two counters for source {source!r}")
        COUNTERS[source] = CounterDef(function, frozenset({"source", *keys}))
        return function

    return register


def check_spec(spec: dict, code: str = "?") -> CounterDef:
    source = spec.get("source")
    definition = COUNTERS.get(source)
    if definition is None:
        raise UnknownComputation(
            f"Indicateur {code} : mode de calcul « {source} » inconnu "
            f"(connus : {', '.join(sorted(COUNTERS))})."
        )
    unknown = set(spec) - definition.keys
    if unknown:
        raise UnknownComputation(
            f"Indicateur {code} : paramètre(s) {', '.join(sorted(unknown))} inconnu(s) pour « {source} »."
        )
    return definition


def count(ctx: CountContext, spec: dict, code: str = "?") -> Count:
    """Count one indicator according to its spec."""
    return check_spec(spec, code).function(ctx, spec | {"_code": code})


def unindexed(condition):
    """A condition SQLite evaluates row by row, without an index (see `unindexed_in`)."""
    return case((condition, 1), else_=0) == 1


def unindexed_in(column, values: list):
    """`column IN (…)` written so that SQLite uses no index for it.

    Without ANALYZE statistics SQLite prefers an index on a column compared for equality
    (a meeting's status, an instance's kind, a journal entry's kind: a few values each) to the
    index on the date, and then reads the matching records of every year: several times slower
    for a one-year bilan over ten years of records. A CASE expression is plain portable SQL and
    leaves the date index to the query.
    """
    return unindexed(column.in_(values))


def meeting_status_in(statuses: list[MeetingStatus]):
    return unindexed_in(Meeting.status, statuses)


# --- spec helpers -------------------------------------------------------------------------

def _enum_list(spec: dict, key: str, enum_cls, default=None) -> list | None:
    values = spec.get(key, default)
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    try:
        return [enum_cls(v) for v in values]
    except ValueError as error:
        raise UnknownComputation(f"Indicateur {spec.get('_code', '?')} : {key} contient une valeur inconnue ({error}).") from None


def _meeting_conditions(ctx: CountContext, spec: dict) -> list:
    conditions = ctx.meeting_filters()
    kinds = _enum_list(spec, "instance_kinds", InstanceKind)
    if kinds is not None:
        conditions.append(unindexed_in(Instance.kind, kinds))
    statuses = _enum_list(spec, "status", MeetingStatus, default=["tenue"])
    conditions.append(meeting_status_in(statuses))
    if spec.get("animated"):
        conditions.append(Meeting.animator_id.is_not(None))
    return conditions


def short_date(value: date) -> str:
    """dd/mm/yyyy without babel: called for every counted record."""
    return f"{value.day:02d}/{value.month:02d}/{value.year}"


def meeting_label(instance: str, starts_at: datetime, title: str = "") -> str:
    label = f"{instance} du {short_date(starts_at)}"
    return f"{label} ({title})" if title else label


def _org_group(kind: OrganisationKind | None) -> str:
    return kind.label if kind is not None else "Autre"


def _organisation_items(rows: Iterable) -> list[CountedItem]:
    """rows of (id, name, kind) → items grouped by type, sorted by name."""
    return sorted(
        (CountedItem("organisation", oid, name, group=_org_group(kind)) for oid, name, kind in rows),
        key=lambda item: (item.group.casefold(), item.label.casefold()),
    )


def _attending_organisations(ctx: CountContext, extra: list) -> Select:
    """Organisations present at held meetings matching `extra`: the attendee's structure,
    or the structure attending as such."""
    organisation_id = func.coalesce(Attendance.organisation_id, Person.organisation_id)
    return (
        select(organisation_id.label("organisation_id"))
        .select_from(Attendance)
        .join(Meeting, Attendance.meeting_id == Meeting.id)
        .outerjoin(Person, Attendance.person_id == Person.id)
        .where(Attendance.status == AttendanceStatus.PRESENT, meeting_status_in([MeetingStatus.HELD]),
               organisation_id.is_not(None), *extra)
        .distinct()
    )


# --- counters -----------------------------------------------------------------------------

@counter("meetings", "instance_kinds", "status", "animated")
def count_meetings(ctx: CountContext, spec: dict) -> Count:
    query = (
        select(Meeting.id, Meeting.starts_at, Instance.name, Meeting.title)
        .join(Instance, Meeting.instance_id == Instance.id)
        .where(*_meeting_conditions(ctx, spec))
        .order_by(Meeting.starts_at, Meeting.id)
    )
    items = [
        CountedItem("meeting", mid, meeting_label(name, starts, title), starts.date())
        for mid, starts, name, title in ctx.stream(query)
    ]
    return Count(len(items), items, summarise(items))


@counter("decisions", "instance_kinds", "status")
def count_decisions(ctx: CountContext, spec: dict) -> Count:
    query = (
        select(Decision.id, Decision.text, Meeting.starts_at, Instance.name)
        .join(Meeting, Decision.meeting_id == Meeting.id)
        .join(Instance, Meeting.instance_id == Instance.id)
        .where(*_meeting_conditions(ctx, spec))
        .order_by(Meeting.starts_at, Decision.id)
    )
    items = [
        CountedItem("decision", did, f"{_short(text)} ({meeting_label(name, starts)})", starts.date())
        for did, text, starts, name in ctx.stream(query)
    ]
    return Count(len(items), items, summarise(items))


@counter("expertises", "instance_kinds", "status")
def count_expertises(ctx: CountContext, spec: dict) -> Count:
    expert_org = aliased(Organisation)
    query = (
        select(Expertise.id, Expertise.subject, Expertise.expert_label, Person.first_name, Person.last_name,
               expert_org.name, Meeting.starts_at, Instance.name)
        .join(Meeting, Expertise.meeting_id == Meeting.id)
        .join(Instance, Meeting.instance_id == Instance.id)
        .outerjoin(Person, Expertise.expert_id == Person.id)
        .outerjoin(expert_org, Expertise.organisation_id == expert_org.id)
        .where(*_meeting_conditions(ctx, spec))
        .order_by(Meeting.starts_at, Expertise.id)
    )
    items = []
    for eid, subject, label, first, last, org, starts, instance in ctx.stream(query):
        who = label or " ".join(p for p in (first, last) if p) or org or "?"
        if org and org not in who:
            who = f"{who} ({org})"
        items.append(CountedItem("expertise", eid, f"{_short(subject)} — {who} ({meeting_label(instance, starts)})",
                                 starts.date()))
    return Count(len(items), items, summarise(items))


@counter("alerts", "open_only")
def count_alerts(ctx: CountContext, spec: dict) -> Count:
    conditions = ctx.alert_filters()
    if spec.get("open_only"):
        conditions.append(Alert.resolved_on.is_(None))
    query = select(Alert.id, Alert.text, Alert.raised_on).where(*conditions).order_by(Alert.raised_on, Alert.id)
    items = [
        CountedItem("alert", aid, f"{_short(text)} ({short_date(raised)})", raised)
        for aid, text, raised in ctx.stream(query)
    ]
    return Count(len(items), items, summarise(items))


@counter("plan_axes")
def count_plan_axes(ctx: CountContext, spec: dict) -> Count:
    conditions = [FollowUp.date >= ctx.period.start, FollowUp.date < ctx.period.end]
    if ctx.scope.kind == "coordinator":
        conditions.append(FollowUp.author_id == ctx.scope.id)
    elif ctx.scope.kind == "commune":
        conditions.append(
            FollowUp.fiche_id.in_(select(fiche_communes.c.fiche_id).where(fiche_communes.c.organisation_id == ctx.scope.id))
        )
    query = (
        select(Enjeu.id, Enjeu.number, Enjeu.title, FicheAction.number, Enjeu.position)
        .join(Objectif, Objectif.enjeu_id == Enjeu.id)
        .join(FicheAction, FicheAction.objectif_id == Objectif.id)
        .join(FollowUp, FollowUp.fiche_id == FicheAction.id)
        .where(*conditions)
        .distinct()
        .order_by(Enjeu.position, Enjeu.id, FicheAction.number)
    )
    axes: dict[int, tuple[str, list[str]]] = {}
    for enjeu_id, number, title, fiche_number, _position in ctx.rows(query):
        label = f"{number} {title}".strip() if number else title
        axes.setdefault(enjeu_id, (label, []))[1].append(fiche_number)
    items = [
        CountedItem("enjeu", enjeu_id, f"{label} (fiches {', '.join(fiches)})")
        for enjeu_id, (label, fiches) in axes.items()
    ]
    return Count(len(items), items, summarise(items))


@counter("diagnostic_partners")
def count_diagnostic_partners(ctx: CountContext, spec: dict) -> Count:
    present = _attending_organisations(ctx, [Meeting.diagnostic_partage.is_(True), *ctx.meeting_filters()]).subquery()
    query = select(Organisation.id, Organisation.name, Organisation.kind).where(
        Organisation.id.in_(select(present.c.organisation_id))
    )
    items = _organisation_items(ctx.rows(query))
    return Count(len(items), items, summarise(items, grouped=True), grouped=True)


@counter("new_partners")
def count_new_partners(ctx: CountContext, spec: dict) -> Count:
    in_meetings = _attending_organisations(ctx, ctx.meeting_filters())
    in_journal = (
        select(journal_partners.c.organisation_id)
        .join(JournalEntry, JournalEntry.id == journal_partners.c.entry_id)
        .where(*ctx.journal_filters())
    )
    # Known before the period anywhere in the CTG (not only in this scope): "new" means new to the
    # CTG. Correlated NOT EXISTS on indexed columns, so only the period's partners are looked up.
    # Every condition but the correlation is unindexed, so that SQLite starts from the partner
    # (its attendances, its people) and stops at the first earlier meeting found.
    held_before = and_(Meeting.id == Attendance.meeting_id,
                       unindexed(and_(Meeting.status == MeetingStatus.HELD, Meeting.starts_at < ctx.period.start_dt)),
                       Attendance.status == AttendanceStatus.PRESENT)
    as_such = select(Attendance.id).join(Meeting, held_before).where(Attendance.organisation_id == Organisation.id)
    through_people = (
        select(Person.id).join(Attendance, Attendance.person_id == Person.id).join(Meeting, held_before)
        .where(Person.organisation_id == Organisation.id,
               func.coalesce(Attendance.organisation_id, Person.organisation_id) == Organisation.id)
    )
    in_journal_before = (
        select(journal_partners.c.entry_id)
        .join(JournalEntry, JournalEntry.id == journal_partners.c.entry_id)
        .where(journal_partners.c.organisation_id == Organisation.id, JournalEntry.date < ctx.period.start)
    )
    # Nothing recorded before the period (its first year, say): every partner of the period is
    # new, and the look-ups above would read each one's whole history to find nothing earlier.
    # Two index seeks tell, and the conditions that cannot exclude anyone are left out.
    earlier_meeting = ctx.rows(
        select(Meeting.id).where(Meeting.status == MeetingStatus.HELD, Meeting.starts_at < ctx.period.start_dt)
        .limit(1)).first()
    earlier_entry = ctx.rows(select(JournalEntry.id).where(JournalEntry.date < ctx.period.start).limit(1)).first()
    known_before = []
    if earlier_meeting is not None:
        known_before += [~as_such.exists(), ~through_people.exists()]
    if earlier_entry is not None:
        known_before.append(~in_journal_before.exists())
    query = select(Organisation.id, Organisation.name, Organisation.kind).where(
        or_(Organisation.id.in_(in_meetings), Organisation.id.in_(in_journal)), *known_before,
    )
    items = _organisation_items(ctx.rows(query))
    return Count(len(items), items, summarise(items, grouped=True), grouped=True)


@counter("journal", "kinds", "count")
def count_journal(ctx: CountContext, spec: dict) -> Count:
    kinds = _enum_list(spec, "kinds", JournalKind)
    conditions = ctx.journal_filters()
    if kinds is not None:
        conditions.append(unindexed_in(JournalEntry.kind, kinds))
    mode = spec.get("count", "entries")
    if mode == "partners":
        entries = select(JournalEntry.id).where(*conditions)
        query = select(Organisation.id, Organisation.name, Organisation.kind).where(
            Organisation.id.in_(
                select(journal_partners.c.organisation_id).where(journal_partners.c.entry_id.in_(entries))
            )
        )
        items = _organisation_items(ctx.rows(query))
        return Count(len(items), items, summarise(items, grouped=True), grouped=True)
    if mode != "entries":
        raise UnknownComputation(f"Indicateur {spec.get('_code', '?')} : count = « {mode} » inconnu (entries, partners).")
    items = list(_journal_items(ctx, kinds))
    return Count(len(items), items, summarise(items))


def _journal_items(ctx: CountContext, kinds: list[JournalKind] | None) -> Iterable[CountedItem]:
    """The journal entries of the period and scope of these kinds (every kind: None), in date
    order, as counted items. One query for the ten journal indicators: its rows become items
    as they come, grouped by kind, so that each indicator reads its own kinds only."""
    def read() -> tuple[list[CountedItem], dict[JournalKind, list[CountedItem]]]:
        query = (
            select(JournalEntry.id, JournalEntry.date, JournalEntry.kind, JournalEntry.nature)
            .where(*ctx.journal_filters())
            .order_by(JournalEntry.date, JournalEntry.id)
        )
        every: list[CountedItem] = []
        by_kind: dict[JournalKind, list[CountedItem]] = defaultdict(list)
        days: dict[date, str] = {}  # five years are 1 826 days for 25 000 entries: each written once
        for jid, on, kind, nature in ctx.stream(query):
            day = days.get(on)
            if day is None:
                day = days[on] = short_date(on)
            item = CountedItem("journal", jid, f"{nature} ({day})", on)
            every.append(item)
            by_kind[kind].append(item)
        return every, by_kind

    every, by_kind = ctx.remember("journal", read)
    if kinds is None:
        return every
    lists = [by_kind.get(kind, ()) for kind in dict.fromkeys(kinds)]
    if len(lists) == 1:
        return lists[0]
    return merge(*lists, key=lambda item: (item.on, item.record_id))  # the query's order: date, then id


@counter("manual")
def count_manual(ctx: CountContext, spec: dict) -> Count:
    """What the coordinator entered: summed over the years of the period, natures kept per year."""
    query = (
        select(IndicatorEntry.id, IndicatorEntry.year, IndicatorEntry.value, IndicatorEntry.nature)
        .where(IndicatorEntry.indicator_code == spec["_code"], IndicatorEntry.scope == ctx.scope.key,
               IndicatorEntry.year.in_(ctx.period.years))
        .order_by(IndicatorEntry.year)
    )
    rows = ctx.rows(query).all()
    values = [value for _, _, value, _ in rows if value is not None]
    several = ctx.period.year_from != ctx.period.year_to
    items = [
        CountedItem("entry", eid, f"{year} : {nature}" if several else nature, date(year, 12, 31))
        for eid, year, _, nature in rows
        if nature
    ]
    return Count(sum(values) if values else None, items, " ; ".join(item.label for item in items))


def _short(text: str, length: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


__all__ = [
    "COUNTERS", "Count", "CountContext", "CountedItem", "Period", "Scope", "UnknownComputation",
    "check_spec", "count", "rows", "meeting_label", "meeting_status_in", "summarise", "unindexed_in",
]
