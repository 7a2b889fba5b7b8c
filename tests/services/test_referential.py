"""The referential in the database is the national table, word for word."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ctgdesk.models import RefFunction, RefIndicator, RefIndicatorKind, RefObjective
from ctgdesk.services.referential import ensure_referential, indicator_definitions

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "referentiel_national_charge_cooperation.txt"
SEED_COPY = Path(__file__).resolve().parent / "data" / "referentiel_national_charge_cooperation.txt"


def _squash(text: str) -> str:
    """Compare letters only: the PDF extraction breaks words with spaces and hyphens."""
    return re.sub(r"[\s\-]+", "", text).replace("’", "'")


@pytest.fixture(scope="module")
def seed_text() -> str:
    path = SEED if SEED.exists() else SEED_COPY
    return _squash(path.read_text(encoding="utf-8"))


def test_structure_four_objectives_eight_functions(session):
    assert session.scalar(select(func.count()).select_from(RefObjective)) == 4
    codes = list(session.scalars(select(RefFunction.code).order_by(RefFunction.code)))
    assert codes == ["1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2"]
    kinds = dict(session.execute(select(RefIndicator.kind, func.count()).group_by(RefIndicator.kind)).all())
    assert kinds == {RefIndicatorKind.SUIVI: 12, RefIndicatorKind.EVALUATION: 8}


def test_every_indicator_is_word_for_word_in_the_national_table(session, seed_text):
    for definition in indicator_definitions(session):
        text = _squash(definition.text)
        # the PDF splits one cell (1.1) across the row below: both halves must be there, in order
        assert any(
            text[:k] in seed_text and text[k:] in seed_text for k in range(len(text), 0, -1)
        ), definition.code


def test_every_function_and_objective_title_is_in_the_table(session, seed_text):
    for objective in session.scalars(select(RefObjective)):
        assert _squash(objective.title) in seed_text
        for function in objective.functions:
            assert _squash(function.title) in seed_text, function.code
            for action in function.actions.splitlines():
                assert _squash(action) in seed_text, action


def test_every_indicator_says_how_it_is_counted(session):
    sources = {d.code: d.spec["source"] for d in indicator_definitions(session)}
    assert len(sources) == 20
    assert {code for code, source in sources.items() if source == "manual"} == {"3.2-E1", "4.2-E1"}
    assert all(d.counted for d in indicator_definitions(session))


def test_loading_twice_changes_nothing(session):
    ensure_referential(session)
    assert session.scalar(select(func.count()).select_from(RefIndicator)) == 20
