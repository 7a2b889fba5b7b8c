"""RowsTableModel and SearchProxyModel: display, sort on real values, accent-free search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt

from ctgdesk.models import OrganisationKind
from ctgdesk.ui.table_model import ROW_ROLE, SORT_ROLE, Column, RowsTableModel, SearchProxyModel


@dataclass(frozen=True)
class Row:
    name: str
    kind: OrganisationKind
    etp: Decimal | None
    since: date | None
    signed: bool


ROWS = [
    Row("Écoust-Saint-Mein", OrganisationKind.COMMUNE, Decimal("0.4"), date(2024, 3, 1), True),
    Row("arras", OrganisationKind.EPCI, Decimal("10"), None, False),
    Row("Bruay-la-Buissière", OrganisationKind.COMMUNE, None, date(2023, 12, 31), False),
    Row("Divion", OrganisationKind.COMMUNE, Decimal("2.5"), date(2025, 1, 15), True),
]


def make_model() -> RowsTableModel[Row]:
    return RowsTableModel(
        [
            Column("Nom", lambda r: r.name),
            Column("Type", lambda r: r.kind),
            Column.decimal("ETP", lambda r: r.etp),
            Column.date("Depuis", lambda r: r.since),
            Column("Signée", lambda r: r.signed),
        ],
        ROWS,
    )


def column_texts(proxy: SearchProxyModel, column: int) -> list[str]:
    return [proxy.index(r, column).data() for r in range(proxy.rowCount())]


def test_model_passes_qt_model_tester(qtmodeltester):
    model = make_model()
    qtmodeltester.check(model, force_py=True)
    # the tester stays connected: resets are checked too
    model.set_rows(ROWS[:2])
    model.set_rows([])
    assert model.rowCount() == 0


def test_proxy_passes_qt_model_tester(qtmodeltester):
    proxy = SearchProxyModel(make_model())
    proxy.sort(2)
    proxy.set_search("commune")
    qtmodeltester.check(proxy, force_py=True)


def test_cells_read_in_french():
    model = make_model()
    assert model.headerData(2, Qt.Orientation.Horizontal) == "ETP"
    assert model.index(0, 1).data() == "Commune"
    assert model.index(0, 2).data() == "0,40"
    assert model.index(1, 2).data() == "10,00"
    assert model.index(2, 2).data() == ""
    assert model.index(0, 3).data() == "01/03/2024"
    assert model.index(0, 4).data() == "Oui" and model.index(1, 4).data() == "Non"
    assert model.index(2, 2).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight.value
    assert model.index(3, 0).data(ROW_ROLE) is ROWS[3]
    assert model.index(0, 2).data(SORT_ROLE) == 0.4


def test_sorts_on_real_values_with_empty_cells_last():
    proxy = SearchProxyModel(make_model())
    proxy.sort(2, Qt.SortOrder.AscendingOrder)  # "10,00" would come before "2,50" as text
    assert column_texts(proxy, 2) == ["0,40", "2,50", "10,00", ""]
    proxy.sort(3, Qt.SortOrder.AscendingOrder)
    assert column_texts(proxy, 0) == ["Bruay-la-Buissière", "Écoust-Saint-Mein", "Divion", "arras"]
    proxy.sort(0, Qt.SortOrder.AscendingOrder)  # no case, no accents: É sorts with E
    assert column_texts(proxy, 0) == ["arras", "Bruay-la-Buissière", "Divion", "Écoust-Saint-Mein"]


def test_search_ignores_case_and_accents_and_needs_every_word():
    model = make_model()
    proxy = SearchProxyModel(model)
    proxy.set_search("ecoust")
    assert column_texts(proxy, 0) == ["Écoust-Saint-Mein"]
    proxy.set_search("COMMUNE oui")
    assert sorted(column_texts(proxy, 0)) == ["Divion", "Écoust-Saint-Mein"]
    proxy.set_search("2,50")
    assert column_texts(proxy, 0) == ["Divion"]
    proxy.set_search("")
    assert proxy.rowCount() == 4
    row = model.row_at(proxy.mapToSource(proxy.index(1, 0)))
    assert row is not None and row.name == proxy.index(1, 0).data()


def test_reload_resets_and_finds_rows(qtbot):
    model = make_model()
    with qtbot.waitSignals([model.modelAboutToBeReset, model.modelReset]):
        model.set_rows(ROWS[2:])
    assert model.rowCount() == 2
    assert model.find(lambda r: r.name == "Divion") == 1
    assert model.find(lambda r: r.name == "Arras") is None
    assert model.row_at(make_model().index(0, 0)) is None  # an index of another model


def test_pinned_total_row_stays_last_and_visible():
    total = Row("Total", OrganisationKind.AUTRE, Decimal("12.9"), None, False)
    model = RowsTableModel(make_model().columns, [*ROWS, total], pinned=lambda r: r is total)
    proxy = SearchProxyModel(model)
    proxy.sort(2, Qt.SortOrder.AscendingOrder)
    assert column_texts(proxy, 0)[-1] == "Total"
    proxy.sort(2, Qt.SortOrder.DescendingOrder)
    assert column_texts(proxy, 2) == ["10,00", "2,50", "0,40", "", "12,90"]
    proxy.sort(0, Qt.SortOrder.DescendingOrder)
    assert column_texts(proxy, 0) == ["Écoust-Saint-Mein", "Divion", "Bruay-la-Buissière", "arras", "Total"]
    proxy.set_search("divion")
    assert column_texts(proxy, 0) == ["Divion", "Total"]


def test_columns_can_change_with_the_data(qtmodeltester):
    model = make_model()
    qtmodeltester.check(model, force_py=True)
    model.set_rows(ROWS[:1], columns=[Column("Nom", lambda r: r.name)])
    assert model.columnCount() == 1 and model.index(0, 0).data() == "Écoust-Saint-Mein"


def test_a_forgotten_message_box_is_closed_not_left_hanging(forgotten_message_boxes, monkeypatch):
    """The guard of tests/ui/conftest.py: an unanswered box ends, and is reported."""
    import tests.ui.conftest as ui_conftest
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(ui_conftest, "FORGOTTEN_BOX_SECONDS", 0.3)
    answer = QMessageBox.question(None, "Question", "Personne ne répond ?")
    assert answer != QMessageBox.StandardButton.Yes
    assert forgotten_message_boxes == ["« Question » : Personne ne répond ?"]
    forgotten_message_boxes.clear()  # expected here: do not fail this test


def test_search_texts_are_made_in_idle_moments_before_the_first_keystroke(qtbot):
    made = []

    def name(row: Row) -> str:
        made.append(row.name)
        return row.name

    rows = [Row(f"Commune {number}", OrganisationKind.COMMUNE, None, None, False) for number in range(3000)]
    model = RowsTableModel([Column("Nom", name)], rows)
    proxy = SearchProxyModel()
    proxy.setSourceModel(model)
    assert made == []  # nothing at once: the rows are on screen first
    qtbot.waitUntil(lambda: len(made) == 3000, timeout=10_000)
    made.clear()
    proxy.set_search("commune 2999")
    assert made == [] and proxy.rowCount() == 1  # the keystroke found every text ready
    model.set_rows(rows[:10])
    qtbot.waitUntil(lambda: len(made) == 10, timeout=10_000)  # a reload makes them again


def test_a_cell_shows_a_line_but_search_and_tooltip_keep_the_whole_text():
    from ctgdesk.ui.table_model import DISPLAY_LIMIT

    natures = ", ".join(f"Réunion de veille n°{n}" for n in range(200)) + ", Comité final"
    model = RowsTableModel([Column("Nature", lambda r: r, tooltip=lambda r: r)], [natures])
    proxy = SearchProxyModel()
    proxy.setSourceModel(model)
    shown = model.index(0, 0).data()
    assert len(natures) > 4000 and shown == natures[:DISPLAY_LIMIT] + "…"
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == natures
    proxy.set_search("comite final")  # beyond what the cell shows
    assert proxy.rowCount() == 1
