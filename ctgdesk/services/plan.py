"""Plan d'action: enjeux → objectifs → fiches actions, their étapes, indicators and suivi."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ctgdesk.models import (
    Convention,
    Enjeu,
    FicheAction,
    FicheIndicator,
    FicheIndicatorKind,
    FicheIndicatorValue,
    FicheStatus,
    FicheStep,
    FollowUp,
    Funding,
    Objectif,
    Organisation,
)
from ctgdesk.models.base import table
from ctgdesk.formatting import short_date
from ctgdesk.models.plan import fiche_is_late
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.parsing import parse_amount, parse_decimal
from ctgdesk.services.records import apply, get_or_fail, required_text

FICHE_FIELDS = {
    "number", "title", "category", "description", "thematiques", "pilot_id", "referent_id",
    "elected_referent_id", "public", "start_date", "end_date", "means", "budget", "status",
    "blocking", "objectif_id",
}


def create_enjeu(session: Session, convention_id: int, title: str, *, number: str = "", description: str = "") -> Enjeu:
    convention = get_or_fail(session, Convention, convention_id, "La convention")
    enjeu = Enjeu(title=required_text(title, "L'intitulé de l'enjeu", "title", max_length=300),
                  number=number, description=description, position=len(convention.enjeux))
    convention.enjeux.append(enjeu)
    session.flush()
    return enjeu


def update_enjeu(session: Session, enjeu_id: int, **fields) -> Enjeu:
    enjeu = get_or_fail(session, Enjeu, enjeu_id, "L'enjeu")
    if "title" in fields:
        fields["title"] = required_text(fields["title"], "L'intitulé de l'enjeu", "title", max_length=300)
    apply(enjeu, fields, {"title", "number", "description", "position"})
    session.flush()
    return enjeu


def create_objectif(session: Session, enjeu_id: int, title: str, *, number: str = "") -> Objectif:
    enjeu = get_or_fail(session, Enjeu, enjeu_id, "L'enjeu")
    objectif = Objectif(title=required_text(title, "L'intitulé de l'objectif", "title", max_length=300),
                        number=number, position=len(enjeu.objectifs))
    enjeu.objectifs.append(objectif)
    session.flush()
    return objectif


def update_objectif(session: Session, objectif_id: int, **fields) -> Objectif:
    objectif = get_or_fail(session, Objectif, objectif_id, "L'objectif")
    if "title" in fields:
        fields["title"] = required_text(fields["title"], "L'intitulé de l'objectif", "title", max_length=300)
    apply(objectif, fields, {"title", "number", "position", "enjeu_id"})
    session.flush()
    return objectif


def _clean_fiche(fields: dict, current: FicheAction | None) -> dict:
    if "number" in fields:
        fields["number"] = required_text(fields["number"], "La numérotation", "number", max_length=20)
    if "title" in fields:
        fields["title"] = required_text(fields["title"], "Le titre de la fiche", "title", max_length=300)
    if "status" in fields:
        fields["status"] = FicheStatus(fields["status"])
    if fields.get("budget") is not None:
        fields["budget"] = parse_amount(fields["budget"], what="Le budget", field="budget")
        if fields["budget"] is not None and fields["budget"] < 0:
            raise ValidationError("Le budget ne peut pas être négatif.", "budget")
    start = fields.get("start_date", current.start_date if current else None)
    end = fields.get("end_date", current.end_date if current else None)
    if start and end and end < start:
        raise ValidationError(f"La fin de la fiche ({short_date(end)}) est avant son début ({short_date(start)}).",
                              "end_date")
    return fields


def create_fiche(session: Session, objectif_id: int, *, number: str, title: str, partner_ids: list[int] = (),
                 commune_ids: list[int] = (), **fields) -> FicheAction:
    get_or_fail(session, Objectif, objectif_id, "L'objectif")
    fields = _clean_fiche({"number": number, "title": title, **fields}, None)
    unknown = set(fields) - FICHE_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    fiche = FicheAction(objectif_id=objectif_id, **fields)
    fiche.partners = [get_or_fail(session, Organisation, i, "Le partenaire") for i in partner_ids]
    fiche.communes = [get_or_fail(session, Organisation, i, "La commune") for i in commune_ids]
    session.add(fiche)
    session.flush()
    return fiche


def update_fiche(session: Session, fiche_id: int, *, partner_ids: list[int] | None = None,
                 commune_ids: list[int] | None = None, **fields) -> FicheAction:
    fiche = get_or_fail(session, FicheAction, fiche_id, "La fiche action")
    apply(fiche, _clean_fiche(dict(fields), fiche), FICHE_FIELDS)
    if partner_ids is not None:
        fiche.partners = [get_or_fail(session, Organisation, i, "Le partenaire") for i in partner_ids]
    if commune_ids is not None:
        fiche.communes = [get_or_fail(session, Organisation, i, "La commune") for i in commune_ids]
    session.flush()
    return fiche


def delete_fiche(session: Session, fiche_id: int) -> None:
    session.delete(get_or_fail(session, FicheAction, fiche_id, "La fiche action"))
    session.flush()


def add_step(session: Session, fiche_id: int, title: str, start_date: date | None = None,
             end_date: date | None = None, done: bool = False) -> FicheStep:
    fiche = get_or_fail(session, FicheAction, fiche_id, "La fiche action")
    if start_date and end_date and end_date < start_date:
        raise ValidationError(f"L'étape « {title} » finit ({short_date(end_date)}) avant de commencer "
                              f"({short_date(start_date)}).", "end_date")
    step = FicheStep(title=required_text(title, "L'intitulé de l'étape", "title", max_length=300),
                     start_date=start_date, end_date=end_date, done=done, position=len(fiche.steps))
    fiche.steps.append(step)
    session.flush()
    return step


def add_funding(session: Session, fiche_id: int, funder_id: int, amount: Decimal | str) -> Funding:
    fiche = get_or_fail(session, FicheAction, fiche_id, "La fiche action")
    get_or_fail(session, Organisation, funder_id, "Le financeur")
    value = parse_amount(amount, what="Le montant", field="amount") or Decimal(0)
    if value < 0:
        raise ValidationError("Un montant de financement ne peut pas être négatif.", "amount")
    funding = Funding(funder_id=funder_id, amount=value)
    fiche.fundings.append(funding)
    session.flush()
    return funding


def add_indicator(session: Session, fiche_id: int, label: str, *, kind: FicheIndicatorKind = FicheIndicatorKind.RESULT,
                  unit: str = "", reference_value=None, target_value=None, source: str = "") -> FicheIndicator:
    fiche = get_or_fail(session, FicheAction, fiche_id, "La fiche action")
    indicator = FicheIndicator(
        label=required_text(label, "L'intitulé de l'indicateur", "label", max_length=300), kind=FicheIndicatorKind(kind),
        unit=unit,
        reference_value=None if reference_value is None else parse_decimal(reference_value, what="La valeur de référence"),
        target_value=None if target_value is None else parse_decimal(target_value, what="La cible"),
        source=source,
    )
    fiche.indicators.append(indicator)
    session.flush()
    return indicator


def set_indicator_value(session: Session, indicator_id: int, year: int, value) -> None:
    indicator = get_or_fail(session, FicheIndicator, indicator_id, "L'indicateur")
    number = parse_decimal(value, what="Le réalisé", field="value")
    existing = next((v for v in indicator.values if v.year == year), None)
    if existing is None:
        indicator.values.append(FicheIndicatorValue(year=year, value=number))
    else:
        existing.value = number
    session.flush()


def add_follow_up(session: Session, fiche_id: int, on: date, progress: int, comment: str = "",
                  author_id: int | None = None) -> FollowUp:
    fiche = get_or_fail(session, FicheAction, fiche_id, "La fiche action")
    if not 0 <= progress <= 100:
        raise ValidationError("L'avancement est un pourcentage entre 0 et 100.", "progress")
    follow_up = FollowUp(date=on, progress=progress, comment=comment or "", author_id=author_id)
    fiche.follow_ups.append(follow_up)
    fiche.follow_ups.sort(key=lambda f: f.date)
    session.flush()
    return follow_up


@dataclass(frozen=True)
class FicheRow:
    id: int
    number: str
    title: str
    enjeu: str
    objectif: str
    status: FicheStatus
    late: bool
    progress: int
    pilot: str
    start_date: date | None
    end_date: date | None
    budget: Decimal | None
    has_open_alert: bool


def list_fiches(session: Session, today: date, convention_id: int | None = None) -> list[FicheRow]:
    # Table columns on the session's connection (no ORM object for fiches, étapes, suivi, and
    # no mapper configured: the dashboard calls this at start-up, bench/run).
    from ctgdesk.models import Alert  # local: plan does not otherwise depend on meetings

    fiches, objectifs, enjeux, organisations = table(FicheAction), table(Objectif), table(Enjeu), table(Organisation)
    fiche, objectif, enjeu = fiches.c, objectifs.c, enjeux.c
    in_scope = fiches.join(objectifs, fiche.objectif_id == objectif.id).join(enjeux, objectif.enjeu_id == enjeu.id)
    conditions = [] if convention_id is None else [enjeu.convention_id == convention_id]
    connection = session.connection()
    rows = connection.execute(
        select(fiche.id, fiche.number, fiche.title, enjeu.title, objectif.title,
               fiche.status, organisations.c.name, fiche.start_date, fiche.end_date, fiche.budget)
        .select_from(in_scope.outerjoin(organisations, fiche.pilot_id == organisations.c.id))
        .where(*conditions)
        .order_by(enjeu.position, objectif.position, fiche.number)
    ).all()
    if not rows:
        return []
    selected = select(fiche.id).select_from(in_scope).where(*conditions)
    step, follow_up, alert = table(FicheStep).c, table(FollowUp).c, table(Alert).c
    steps: dict[int, list[tuple[date | None, bool]]] = defaultdict(list)
    for fiche_id, end, done in connection.execute(
        select(step.fiche_id, step.end_date, step.done).where(step.fiche_id.in_(selected))
    ).all():
        steps[fiche_id].append((end, done))
    progress: dict[int, int] = {}
    for fiche_id, value in connection.execute(  # the latest suivi wins, as FicheAction.progress
        select(follow_up.fiche_id, follow_up.progress).where(follow_up.fiche_id.in_(selected))
        .order_by(follow_up.fiche_id, follow_up.date, follow_up.id)
    ).all():
        progress[fiche_id] = value
    alerted = set(connection.scalars(select(alert.fiche_id).where(alert.resolved_on.is_(None), alert.fiche_id.is_not(None))))
    return [
        FicheRow(
            id=f_id, number=number, title=title, enjeu=enjeu_title, objectif=objectif_title, status=status,
            late=fiche_is_late(status, end_date, steps.get(f_id, ()), today), progress=progress.get(f_id, 0),
            pilot=pilot or "", start_date=start_date, end_date=end_date, budget=budget,
            has_open_alert=f_id in alerted,
        )
        for f_id, number, title, enjeu_title, objectif_title, status, pilot, start_date, end_date, budget in rows
    ]


# --- the plan as a tree, and a fiche as one form (edit, delete with undo) -------------------

@dataclass(frozen=True)
class ObjectifNode:
    id: int
    number: str
    title: str
    fiche_ids: tuple[int, ...]


@dataclass(frozen=True)
class EnjeuNode:
    id: int
    number: str
    title: str
    description: str
    objectifs: tuple[ObjectifNode, ...]


def plan_outline(session: Session, convention_id: int) -> list[EnjeuNode]:
    """Enjeux → objectifs (with the ids of their fiches, in number order) of a convention."""
    enjeux = session.scalars(
        select(Enjeu).where(Enjeu.convention_id == convention_id)
        .options(selectinload(Enjeu.objectifs).selectinload(Objectif.fiches))
        .order_by(Enjeu.position, Enjeu.id)
    )
    return [
        EnjeuNode(
            id=e.id, number=e.number, title=e.title, description=e.description,
            objectifs=tuple(
                ObjectifNode(id=o.id, number=o.number, title=o.title, fiche_ids=tuple(f.id for f in o.fiches))
                for o in e.objectifs
            ),
        )
        for e in enjeux
    ]


@dataclass
class StepInput:
    title: str
    start_date: date | None = None
    end_date: date | None = None
    done: bool = False
    uid: str | None = None


@dataclass
class FundingInput:
    funder_id: int
    amount: Decimal | str
    uid: str | None = None


@dataclass
class IndicatorInput:
    label: str
    kind: FicheIndicatorKind = FicheIndicatorKind.RESULT
    unit: str = ""
    reference_value: Decimal | str | None = None
    target_value: Decimal | str | None = None
    source: str = ""
    values: dict[int, Decimal | str] = field(default_factory=dict)  # year → réalisé
    uid: str | None = None


@dataclass
class FollowUpInput:
    date: date
    progress: int
    comment: str = ""
    author_id: int | None = None
    uid: str | None = None


@dataclass
class FicheInput:
    """A whole fiche as its form edits it; also what undo restores after a delete."""

    objectif_id: int
    number: str
    title: str
    category: str = ""
    description: str = ""
    thematiques: str = ""
    pilot_id: int | None = None
    referent_id: int | None = None
    elected_referent_id: int | None = None
    public: str = ""
    start_date: date | None = None
    end_date: date | None = None
    means: str = ""
    budget: Decimal | str | None = None
    status: FicheStatus = FicheStatus.TO_COME
    blocking: str = ""
    partner_ids: list[int] = field(default_factory=list)
    commune_ids: list[int] = field(default_factory=list)
    steps: list[StepInput] = field(default_factory=list)
    fundings: list[FundingInput] = field(default_factory=list)
    indicators: list[IndicatorInput] = field(default_factory=list)
    follow_ups: list[FollowUpInput] = field(default_factory=list)
    uid: str | None = None
    # alerts and decisions that named this fiche (re-linked when a deleted fiche comes back)
    alert_uids: list[str] = field(default_factory=list)
    decision_uids: list[str] = field(default_factory=list)


_SIMPLE_FICHE_FIELDS = (
    "number", "title", "category", "description", "thematiques", "pilot_id", "referent_id",
    "elected_referent_id", "public", "start_date", "end_date", "means", "budget", "status", "blocking",
)


def fiche_input(session: Session, fiche_id: int) -> FicheInput:
    from ctgdesk.models import Alert, Decision  # local: plan does not otherwise depend on meetings

    f = get_or_fail(session, FicheAction, fiche_id, "La fiche action")
    return FicheInput(
        objectif_id=f.objectif_id, **{name: getattr(f, name) for name in _SIMPLE_FICHE_FIELDS},
        partner_ids=[p.id for p in f.partners], commune_ids=[c.id for c in f.communes],
        steps=[StepInput(s.title, s.start_date, s.end_date, s.done, s.uid) for s in f.steps],
        fundings=[FundingInput(g.funder_id, g.amount, g.uid) for g in f.fundings],
        indicators=[
            IndicatorInput(i.label, i.kind, i.unit, i.reference_value, i.target_value, i.source,
                           {v.year: v.value for v in i.values}, i.uid)
            for i in f.indicators
        ],
        follow_ups=[FollowUpInput(u.date, u.progress, u.comment, u.author_id, u.uid) for u in f.follow_ups],
        uid=f.uid,
        alert_uids=list(session.scalars(select(Alert.uid).where(Alert.fiche_id == fiche_id))),
        decision_uids=list(session.scalars(select(Decision.uid).where(Decision.fiche_id == fiche_id))),
    )


def _sub_item(what: str, field_name: str, number: int, action):
    """Run an add_* call; its error names the list (and the line) rather than a fiche field."""
    try:
        return action()
    except ValidationError as error:
        raise ValidationError(f"{what} {number} : {error.message}", field_name) from None


def save_fiche(session: Session, data: FicheInput, fiche_id: int | None = None) -> FicheAction:
    """Create (fiche_id None) or replace a fiche with everything its form holds, in one go."""
    from ctgdesk.models import Alert, Decision

    fields = {name: getattr(data, name) for name in _SIMPLE_FICHE_FIELDS}
    if fiche_id is None:
        fiche = create_fiche(session, data.objectif_id, partner_ids=data.partner_ids,
                             commune_ids=data.commune_ids, **fields)
        if data.uid:
            fiche.uid = data.uid
    else:
        fiche = update_fiche(session, fiche_id, partner_ids=data.partner_ids, commune_ids=data.commune_ids,
                             objectif_id=data.objectif_id, **fields)
        fiche.steps.clear()
        fiche.fundings.clear()
        fiche.indicators.clear()
        fiche.follow_ups.clear()
        session.flush()
    for n, s in enumerate(data.steps, start=1):
        step = _sub_item("Étape", "steps", n, lambda s=s: add_step(session, fiche.id, s.title, s.start_date, s.end_date, s.done))
        step.uid = s.uid or step.uid
    for n, g in enumerate(data.fundings, start=1):
        funding = _sub_item("Financement", "fundings", n, lambda g=g: add_funding(session, fiche.id, g.funder_id, g.amount))
        funding.uid = g.uid or funding.uid
    for n, i in enumerate(data.indicators, start=1):
        indicator = _sub_item("Indicateur", "indicators", n, lambda i=i: add_indicator(
            session, fiche.id, i.label, kind=i.kind, unit=i.unit or "", reference_value=i.reference_value,
            target_value=i.target_value, source=i.source or ""))
        indicator.uid = i.uid or indicator.uid
        for year, value in sorted(i.values.items()):
            _sub_item("Indicateur", "indicators", n, lambda: set_indicator_value(session, indicator.id, year, value))
    for n, u in enumerate(data.follow_ups, start=1):
        follow_up = _sub_item("Suivi", "follow_ups", n, lambda u=u: add_follow_up(
            session, fiche.id, u.date, u.progress, u.comment, u.author_id))
        follow_up.uid = u.uid or follow_up.uid
    if data.alert_uids:
        for alert in session.scalars(select(Alert).where(Alert.uid.in_(data.alert_uids), Alert.fiche_id.is_(None))):
            alert.fiche_id = fiche.id
    if data.decision_uids:
        for decision in session.scalars(
            select(Decision).where(Decision.uid.in_(data.decision_uids), Decision.fiche_id.is_(None))
        ):
            decision.fiche_id = fiche.id
    session.flush()
    return fiche


def remove_fiche(session: Session, fiche_id: int) -> FicheInput:
    """Delete a fiche; returns what `save_fiche` needs to bring it back (undo)."""
    snapshot = fiche_input(session, fiche_id)
    delete_fiche(session, fiche_id)
    return snapshot


def fiche_id_for_uid(session: Session, uid: str) -> int | None:
    return session.scalar(select(FicheAction.id).where(FicheAction.uid == uid))


def late_for(data: FicheInput, today: date) -> bool:
    """Whether a fiche as its form holds it is "en retard" — the model's own rule
    (FicheAction.is_late), applied to the unsaved values."""
    draft = FicheAction(status=FicheStatus(data.status), end_date=data.end_date,
                        steps=[FicheStep(title=s.title, end_date=s.end_date, done=s.done) for s in data.steps])
    return draft.is_late(today)


def next_fiche_number(objectif_number: str, existing: list[str]) -> str:
    """The number a new fiche of an objectif would take: "1.2" with 1.2.1 and 1.2.2 → "1.2.3"."""
    prefix = f"{objectif_number}." if objectif_number else ""
    last = 0
    for number in existing:
        tail = number[len(prefix):] if number.startswith(prefix) else ""
        if tail.isdigit():
            last = max(last, int(tail))
    return f"{prefix}{last + 1}" if prefix else str(max(len(existing) + 1, last + 1))


# --- enjeux and objectifs: delete (when empty) and restore, for undo ---------------------------

@dataclass(frozen=True)
class AxisSnapshot:
    """An enjeu (parent_id: its convention) or an objectif (parent_id: its enjeu), to restore."""

    parent_id: int
    number: str
    title: str
    description: str
    position: int
    uid: str


def delete_enjeu(session: Session, enjeu_id: int) -> AxisSnapshot:
    enjeu = get_or_fail(session, Enjeu, enjeu_id, "L'enjeu")
    if enjeu.objectifs:
        raise ValidationError(
            f"L'enjeu « {enjeu.title} » a {len(enjeu.objectifs)} objectif(s) : supprimez-les d'abord.")
    snapshot = AxisSnapshot(enjeu.convention_id, enjeu.number, enjeu.title, enjeu.description, enjeu.position, enjeu.uid)
    session.delete(enjeu)
    session.flush()
    return snapshot


def delete_objectif(session: Session, objectif_id: int) -> AxisSnapshot:
    objectif = get_or_fail(session, Objectif, objectif_id, "L'objectif")
    if objectif.fiches:
        raise ValidationError(
            f"L'objectif « {objectif.title} » a {len(objectif.fiches)} fiche(s) action : supprimez-les d'abord.")
    snapshot = AxisSnapshot(objectif.enjeu_id, objectif.number, objectif.title, "", objectif.position, objectif.uid)
    session.delete(objectif)
    session.flush()
    return snapshot


def restore_enjeu(session: Session, snapshot: AxisSnapshot) -> Enjeu:
    enjeu = create_enjeu(session, snapshot.parent_id, snapshot.title, number=snapshot.number,
                         description=snapshot.description)
    enjeu.uid, enjeu.position = snapshot.uid, snapshot.position
    session.flush()
    return enjeu


def restore_objectif(session: Session, snapshot: AxisSnapshot) -> Objectif:
    objectif = create_objectif(session, snapshot.parent_id, snapshot.title, number=snapshot.number)
    objectif.uid, objectif.position = snapshot.uid, snapshot.position
    session.flush()
    return objectif


def enjeu_id_for_uid(session: Session, uid: str) -> int | None:
    return session.scalar(select(Enjeu.id).where(Enjeu.uid == uid))


def objectif_id_for_uid(session: Session, uid: str) -> int | None:
    return session.scalar(select(Objectif.id).where(Objectif.uid == uid))
