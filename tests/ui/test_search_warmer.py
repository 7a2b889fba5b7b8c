"""Search texts are made in idle slices shared by every table (ctgdesk.ui.search_warmer)."""

from __future__ import annotations

import gc
import itertools
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QTimer

from ctgdesk.services.search_terms import search_text
from ctgdesk.ui import search_warmer
from ctgdesk.ui.table_model import Column, RowsTableModel


@dataclass(frozen=True)
class Line:
    name: str
    town: str


COLUMNS = [Column("Nom", lambda r: r.name), Column("Commune", lambda r: r.town)]


@pytest.fixture
def clock(monkeypatch):
    """time.perf_counter advancing by a millisecond at each reading: a slice makes a few texts."""
    ticks = itertools.count()
    monkeypatch.setattr(search_warmer.time, "perf_counter", lambda: next(ticks) / 1000)


@pytest.fixture
def warmer(qapp, monkeypatch):
    fresh = search_warmer.SearchTextWarmer(qapp)
    monkeypatch.setattr(search_warmer, "_warmer", fresh)
    yield fresh
    fresh.deleteLater()


def _model(prefix: str, count: int) -> RowsTableModel:
    return RowsTableModel(COLUMNS, [Line(f"{prefix} Élise {n}", "Hénin-Beaumont") for n in range(count)])


def _made(model: RowsTableModel) -> int:
    return sum(text is not None for text in model._search_texts)


def test_one_slice_works_on_the_first_table_loaded_not_on_all(warmer, clock):
    first, second, third = _model("A", 50), _model("B", 50), _model("C", 50)
    assert warmer.pending() == 3
    warmer.run_slice()
    assert 0 < _made(first) < 50
    assert _made(second) == _made(third) == 0  # before: one slice per table in the same pass

    while warmer.pending():
        warmer.run_slice()
    for model in (first, second, third):
        assert model._search_texts == [search_text(f"{line.name} {line.town}") for line in model.rows]
    assert first.search_text(3) == "a elise 3 henin beaumont"
    assert not warmer._timer.isActive()


def test_a_table_reloaded_is_queued_once_and_warmed_afresh(warmer, clock):
    model = _model("A", 30)
    while warmer.pending():
        warmer.run_slice()
    model.set_rows([Line("Zoé", "Carvin"), Line("Léo", "Oignies")])
    model.set_rows([Line("Chloé", "Courcelles-lès-Lens")])
    assert warmer.pending() == 1
    assert warmer._timer.isActive()
    warmer.run_slice()
    assert model._search_texts == ["chloe courcelles les lens"]  # hyphens count as spaces
    assert warmer.pending() == 0 and not warmer._timer.isActive()


def test_a_table_deleted_before_its_turn_is_skipped(warmer, clock):
    gone, kept = _model("A", 20), _model("B", 5)
    del gone
    gc.collect()
    while warmer.pending():
        warmer.run_slice()
    assert _made(kept) == 5


def test_one_timer_for_every_table(warmer):
    models = [_model(str(n), 10) for n in range(5)]
    assert [m.findChildren(QTimer) for m in models] == [[]] * 5
    assert len(warmer.findChildren(QTimer)) == 1 and warmer._timer.isActive()
