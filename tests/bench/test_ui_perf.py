"""The performance changes of the table model and the dashboard keep their behaviour: the
model sorts itself (the order survives a reload, the selection follows its row), the search
cache is renewed on reload, the dashboard shows at most 20 warnings of a kind and says how
many more."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QTableView

from ctgdesk.services.dashboard import DashboardWarning
from ctgdesk.ui.pages.dashboard_warnings import WarningList
from ctgdesk.ui.table_model import Column, RowsTableModel, SearchProxyModel


@dataclass(frozen=True)
class Line:
    name: str
    amount: int | None


def shown(proxy, column=0):
    return [proxy.index(r, column).data() for r in range(proxy.rowCount())]


def test_sort_survives_a_reload_and_selection_follows_its_row(qtbot):
    model = RowsTableModel([Column("Nom", lambda r: r.name), Column.number("Montant", lambda r: r.amount)])
    proxy = SearchProxyModel(model)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    model.set_rows([Line("b", 2), Line("a", None), Line("c", 1)])
    view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert shown(proxy) == ["b", "c", "a"]  # empty amount last, in either order
    view.selectionModel().setCurrentIndex(proxy.index(1, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert shown(proxy) == ["a", "b", "c"]
    assert view.currentIndex().data() == "c"  # the selection moved with its row
    model.set_rows([Line("z", 1), Line("y", 3), Line("x", 2)])
    assert shown(proxy) == ["x", "y", "z"]  # the chosen order is kept on reload
    view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert shown(proxy) == ["z", "x", "y"]


def test_search_cache_is_renewed_on_reload():
    model = RowsTableModel([Column("Nom", lambda r: r.name)], [Line("École", 1), Line("Mairie", 2)])
    proxy = SearchProxyModel(model)
    proxy.set_search("ecole")
    assert shown(proxy) == ["École"]
    model.set_rows([Line("Collège", 1), Line("Petite école", 2)])
    assert shown(proxy) == ["Petite école"]


def test_dashboard_lists_its_warnings_then_how_many_more(qtbot):
    """The service lists the most urgent warnings of each kind and counts the rest
    (tests/services/test_dashboard.py); the list shows them, then one line per kind."""
    warnings = WarningList()
    qtbot.addWidget(warnings)
    late = [DashboardWarning(f"Décision en retard n°{n}", "meetings", "meeting", n) for n in range(1, 9)]
    other = [DashboardWarning("Fiche 1.1 bloquée sans alerte", "plan", "fiche", 7)]
    warnings.set_warnings(late + other, {"meeting": 1492, "coordinator": 1})
    assert warnings.messages() == [w.message for w in late + other] + [
        "… et 1492 de plus (décisions en retard).", "… et 1 de plus (chargé·e·s au-delà d'un temps plein)."]


def test_a_hidden_bilan_page_waits_to_be_shown_after_a_year_change(tmp_path, qtbot, monkeypatch):
    from PySide6.QtCore import QSettings

    from ctgdesk.db import open_database
    from ctgdesk.services.referential import ensure_referential
    from ctgdesk.ui.context import UiContext
    from ctgdesk.ui.main_window import MainWindow
    from ctgdesk.ui.pages import bilan as bilan_page

    database = open_database(tmp_path / "b.sqlite")
    with database.transaction() as session:
        ensure_referential(session)
    calls = []
    compute = bilan_page.compute_bilan
    monkeypatch.setattr(bilan_page, "compute_bilan",
                        lambda session, first, last, **kw: calls.append((first, last)) or compute(session, first, last, **kw))
    ctx = UiContext(db=database)
    window = MainWindow(ctx, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    try:
        window.show()
        window.load()  # the dashboard in front
        year = ctx.year
        calls.clear()
        window.year_spin.setValue(year - 1)
        assert calls == []  # the Bilans page is hidden: nothing computed
        page = window.show_page("bilan")
        assert calls == [(year - 1, year - 1)] and page.bilan.period.year_from == year - 1
        window.year_spin.setValue(year)  # in front: computed for the new year
        assert calls[-1] == (year, year) and page.bilan.period.year_from == year
    finally:
        window.close()
        database.dispose()


def test_held_icons_are_drawn_on_release_and_deleted_widgets_are_skipped(qtbot):
    from PySide6.QtWidgets import QLabel

    from ctgdesk.ui.widgets import icons

    icons.hold()
    try:
        kept, dropped = QLabel(), QLabel()
        qtbot.addWidget(kept)
        icons.set_pixmap(kept, "fa5s.bell", color="#000000")
        icons.set_pixmap(dropped, "fa5s.bell")
        assert kept.pixmap().isNull() and icons.holding()
        dropped.deleteLater()
        qtbot.wait(10)
    finally:
        icons.release()
    assert not kept.pixmap().isNull() and not icons.holding()
    later = QLabel()
    qtbot.addWidget(later)
    icons.set_pixmap(later, "fa5s.bell")
    assert not later.pixmap().isNull()  # drawn at once when nothing is held
