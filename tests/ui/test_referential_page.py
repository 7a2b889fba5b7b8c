"""Référentiel: the tree objectives → functions → actions and indicators, and the indicator table."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt

from ctgdesk.ui.pages.referential import DETAIL_ROLE, ReferentialPage


@pytest.fixture
def page(ctx, qtbot):
    widget = ReferentialPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    widget.refresh()
    return widget


def child_texts(model, parent: QModelIndex = QModelIndex()) -> list[str]:
    return [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]


def test_tree_of_objectives_functions_actions_and_indicators(page, qtmodeltester):
    qtmodeltester.check(page.tree_filter, force_py=True)
    model = page.tree_filter
    objectives = child_texts(model)
    assert len(objectives) == 4 and objectives[0].startswith("Objectif 1 — Mettre en œuvre les politiques")
    first = model.index(0, 0)
    functions = child_texts(model, first)
    assert functions[0].startswith("1.1  Exercice d'une fonction de conseil auprès des élus")
    function = model.index(0, 0, first)
    assert child_texts(model, function) == ["Actions", "Indicateurs"]
    actions = child_texts(model, model.index(0, 0, function))
    assert actions[0] == "Préparation, co-animation et suivi des décisions du Copil de la CTG"
    indicators = model.index(1, 0, function)
    assert child_texts(model, indicators)[0].startswith("1.1-S1  Nombre de réunions de l'instance de pilotage")
    assert model.index(0, 1, indicators).data() == "Suivi"
    assert model.index(0, 2, indicators).data() == "Calculé (les réunions enregistrées)"
    assert page.header.subtitle.text().startswith("Référentiel national — poste de")


def test_details_say_what_is_counted(page):
    model = page.tree_filter
    function = model.index(0, 0, model.index(0, 0))
    indicator = model.index(0, 0, model.index(1, 0, function))
    page.tree.setCurrentIndex(indicator)
    text = page.details.toPlainText()
    assert "Indicateur 1.1-S1" in text
    assert "Ce qui est compté : Réunions du COPIL tenues dans l'année" in text
    assert "Mode : Calculé (les réunions enregistrées)" in text
    assert indicator.data(DETAIL_ROLE)


def test_search_in_the_tree_ignores_accents(page):
    page.tree_search.setText("visibilite exprimee")
    model = page.tree_filter
    assert model.rowCount() == 2  # objectives 3 and 4 hold such an indicator
    leaves = []

    def walk(parent):
        for r in range(model.rowCount(parent)):
            index = model.index(r, 0, parent)
            if model.rowCount(index) == 0:
                leaves.append(index.data())
            walk(index)

    walk(QModelIndex())
    assert [leaf.split()[0] for leaf in leaves] == ["3.2-E1", "4.2-E1"]
    page.tree_search.clear()
    assert model.rowCount() == 4


def test_indicator_table_searchable_and_sortable(page, qtmodeltester):
    qtmodeltester.check(page.indicators_model, force_py=True)
    table = page.indicators
    assert table.count_label.text() == "20 indicateurs"
    manual = [d.code for d in page.indicators_model.rows if d.is_manual]
    assert manual == ["3.2-E1", "4.2-E1"]
    table.search.setText("saisi a la main")
    assert [d.code for d in table.visible_rows()] == ["3.2-E1", "4.2-E1"]
    table.search.clear()
    table.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert [d.code for d in table.visible_rows()][:3] == ["4.2-S1", "4.2-E1", "4.1-S1"]
    table.view.sortByColumn(4, Qt.SortOrder.DescendingOrder)  # Mode: "Saisi à la main" first
    assert {d.code for d in table.visible_rows()[:2]} == {"3.2-E1", "4.2-E1"}
