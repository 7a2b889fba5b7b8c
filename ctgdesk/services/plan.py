"""Plan d'action: enjeux → objectifs → fiches actions, their étapes, indicators and suivi."""

from __future__ import annotations

from dataclasses import dataclass
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
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.parsing import parse_decimal
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
        fields["budget"] = parse_decimal(fields["budget"], what="Le budget", field="budget")
        if fields["budget"] < 0:
            raise ValidationError("Le budget ne peut pas être négatif.", "budget")
    start = fields.get("start_date", current.start_date if current else None)
    end = fields.get("end_date", current.end_date if current else None)
    if start and end and end < start:
        raise ValidationError("La date de fin de la fiche précède sa date de début.", "end_date")
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
        raise ValidationError("L'étape finit avant de commencer.", "end_date")
    step = FicheStep(title=required_text(title, "L'intitulé de l'étape", "title", max_length=300),
                     start_date=start_date, end_date=end_date, done=done, position=len(fiche.steps))
    fiche.steps.append(step)
    session.flush()
    return step


def add_funding(session: Session, fiche_id: int, funder_id: int, amount: Decimal | str) -> Funding:
    fiche = get_or_fail(session, FicheAction, fiche_id, "La fiche action")
    get_or_fail(session, Organisation, funder_id, "Le financeur")
    value = parse_decimal(amount, what="Le montant", field="amount")
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
    query = (
        select(FicheAction)
        .join(FicheAction.objectif).join(Objectif.enjeu)
        .options(
            selectinload(FicheAction.objectif).selectinload(Objectif.enjeu),
            selectinload(FicheAction.steps), selectinload(FicheAction.follow_ups), selectinload(FicheAction.pilot),
        )
        .order_by(Enjeu.position, Objectif.position, FicheAction.number)
    )
    if convention_id is not None:
        query = query.where(Enjeu.convention_id == convention_id)
    from ctgdesk.models import Alert  # local: plan does not otherwise depend on meetings

    alerted = set(session.scalars(select(Alert.fiche_id).where(Alert.resolved_on.is_(None), Alert.fiche_id.is_not(None))))
    return [
        FicheRow(
            id=f.id, number=f.number, title=f.title, enjeu=f.objectif.enjeu.title, objectif=f.objectif.title,
            status=f.status, late=f.is_late(today), progress=f.progress, pilot=f.pilot.name if f.pilot else "",
            start_date=f.start_date, end_date=f.end_date, budget=f.budget, has_open_alert=f.id in alerted,
        )
        for f in session.scalars(query)
    ]
