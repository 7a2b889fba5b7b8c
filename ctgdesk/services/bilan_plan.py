"""The bilan's plan d'action: each fiche action with its progress, lateness, open alerts and
indicators (target and réalisé of the period's last year)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctgdesk.models import (
    Alert,
    FicheAction,
    FicheIndicator,
    FicheIndicatorValue,
    FicheStatus,
    FicheStep,
    FollowUp,
    Objectif,
    Organisation,
)
from ctgdesk.models.plan import Enjeu, fiche_communes
from ctgdesk.services.bulk import rows as column_rows
from ctgdesk.services.indicators import Period, Scope

if TYPE_CHECKING:
    from ctgdesk.services.bilan import ConventionInfo


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


def fiche_lines(session: Session, scope: Scope, period: Period, convention: ConventionInfo | None,
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
