"""Pages load their data in a worker thread (ctgdesk.ui.loading), as the application runs them:
the newest request wins, a request superseded before its turn never runs, errors are said in
French, records are selected once their list is loaded, closing waits for the worker."""

from __future__ import annotations

import threading
import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QLabel

from ctgdesk.services.errors import ValidationError
from ctgdesk.ui.loading import BUSY_LABEL_DELAY_MS, PageLoads
from ctgdesk.ui.main_window import MainWindow
from tests.ui.conftest_work import wait_loads


@pytest.fixture
def loads(demo_db, qapp):
    queue = PageLoads(lambda: demo_db, background=True)
    yield queue
    assert queue.wait_done(10_000)
    QApplication.processEvents()


def meeting_count(session) -> int:
    from sqlalchemy import func, select

    from ctgdesk.models import Meeting

    return session.scalar(select(func.count()).select_from(Meeting))


def test_fetch_runs_in_a_worker_and_show_on_the_ui_thread(loads, demo_db, qtbot):
    threads, shown = {}, []

    def fetch(session):
        threads["fetch"] = QThread.currentThread()
        return meeting_count(session)

    def show(count):
        threads["show"] = QThread.currentThread()
        shown.append(count)

    loads.start("page", fetch, show)
    assert loads.is_busy() and shown == []  # start() returned before the data
    qtbot.waitUntil(lambda: shown != [], timeout=10_000)
    with demo_db.transaction() as session:
        assert shown == [meeting_count(session)] and shown[0] > 0
    assert threads["fetch"] is not qapp_thread() and threads["show"] is qapp_thread()
    assert not loads.is_busy()


def qapp_thread():
    return QApplication.instance().thread()


def test_the_newest_request_wins_and_superseded_ones_never_run(loads, qtbot):
    release = threading.Event()
    ran, shown = [], []

    def slow(session):
        ran.append("first")
        release.wait(10)
        return "first"

    def fetch(name):
        def run(session):
            ran.append(name)
            return name
        return run

    loads.start("page", slow, shown.append)
    qtbot.waitUntil(lambda: ran == ["first"], timeout=10_000)  # the worker is inside the first fetch
    loads.start("page", fetch("second"), shown.append)  # queued behind it, then superseded
    loads.start("page", fetch("third"), shown.append)
    loads.start("other page", fetch("other"), shown.append)  # another owner: not superseded
    release.set()
    qtbot.waitUntil(lambda: not loads.is_busy(), timeout=10_000)
    assert ran == ["first", "third", "other"]  # "second" was never run
    assert shown == ["third", "other"]  # "first" came back too late: dropped


def test_call_when_done_waits_for_the_loads_under_way(loads, qtbot):
    order = []
    loads.call_when_done(lambda: order.append("nothing under way: at once"))
    loads.start("page", lambda session: "data", lambda data: order.append(f"shown {data}"))
    loads.call_when_done(lambda: order.append("after"))
    assert order == ["nothing under way: at once"]
    qtbot.waitUntil(lambda: len(order) == 3, timeout=10_000)
    assert order == ["nothing under way: at once", "shown data", "after"]


def test_an_error_is_said_in_french_and_nothing_is_shown(loads, qtbot):
    messages, shown = [], []
    loads.failed.connect(messages.append)

    def broken(session):
        raise RuntimeError("disque illisible")

    loads.start("page", broken, shown.append, label="la page « Réunions »")
    qtbot.waitUntil(lambda: messages != [], timeout=10_000)
    assert messages == ["Impossible de charger la page « Réunions » : disque illisible"]
    assert shown == [] and not loads.is_busy()


def test_a_page_may_handle_its_own_errors(loads, qtbot):
    messages, handled = [], []
    loads.failed.connect(messages.append)

    def gone(session):
        raise ValidationError("Ce chargé de coopération n'existe plus.")

    loads.start("page", gone, lambda data: None, on_error=lambda error: handled.append(str(error)) or True)
    qtbot.waitUntil(lambda: handled != [], timeout=10_000)
    assert handled == ["Ce chargé de coopération n'existe plus."] and messages == []


def test_synchronous_mode_shows_at_once_and_raises_unhandled_errors(demo_db, qapp):
    loads = PageLoads(lambda: demo_db, background=False)
    shown = []
    loads.start("page", meeting_count, shown.append)
    assert len(shown) == 1 and shown[0] > 0 and not loads.is_busy()
    with pytest.raises(RuntimeError, match="boom"):
        loads.start("page", lambda session: (_ for _ in ()).throw(RuntimeError("boom")), shown.append)


def test_busy_signal_only_for_long_loads(loads, qtbot):
    states = []
    loads.busy_changed.connect(states.append)
    loads.start("page", lambda session: None, lambda data: None)
    qtbot.waitUntil(lambda: not loads.is_busy(), timeout=10_000)
    assert True not in states  # a short load shows no "Chargement…"
    states.clear()
    release = threading.Event()
    loads.start("page", lambda session: release.wait(10), lambda data: None)
    qtbot.waitUntil(lambda: states == [True], timeout=BUSY_LABEL_DELAY_MS + 5_000)
    release.set()
    qtbot.waitUntil(lambda: states == [True, False], timeout=10_000)


# --- in the main window, on the demo territory ------------------------------------------------


@pytest.fixture
def window(demo_ctx, settings, qtbot):
    demo_ctx.background_loads = True
    win = MainWindow(demo_ctx, settings)
    qtbot.addWidget(win)
    win.resize(1366, 820)
    win.show()
    win.load()
    wait_loads(qtbot, demo_ctx)
    yield win
    win.close()


def test_a_year_change_reloads_in_the_background(window, demo_ctx, qtbot):
    page = window.show_page("meetings")
    wait_loads(qtbot, demo_ctx)
    in_2026 = page.model.rowCount()
    assert page.count_label.text() == f"{in_2026} réunions en 2026"
    window.year_spin.setValue(2025)
    assert demo_ctx.loads.is_busy()  # the window answers while the worker reads 2025
    wait_loads(qtbot, demo_ctx)
    assert {row.starts_at.year for row in page.model.rows} == {2025}
    assert page.count_label.text() == f"{page.model.rowCount()} réunions en 2025"
    assert page.model.rowCount() != in_2026


def test_a_record_opened_from_another_page_is_selected_once_loaded(window, demo_ctx, qtbot):
    from ctgdesk.services import meetings

    with demo_ctx.db.transaction() as session:
        target = meetings.list_meetings(session, year=2025)[3]
    window.show_page("dashboard")
    window.open_record("meetings", "meeting", target.id)  # another year: the page reloads 2025
    wait_loads(qtbot, demo_ctx)
    page = window.pages["meetings"]
    assert demo_ctx.year == 2025
    assert page.selected_row() is not None and page.selected_row().id == target.id


def test_a_coordinator_opened_from_the_dashboard_is_selected_once_loaded(window, demo_ctx, qtbot):
    from ctgdesk.services import people

    with demo_ctx.db.transaction() as session:
        target = people.list_coordinators(session)[2]
    window.open_record("staff", "coordinator", target.id)  # the page was never loaded
    wait_loads(qtbot, demo_ctx)
    assert window.pages["staff"].staff_table.current_row().id == target.id


def test_the_record_just_saved_is_selected_once_the_list_is_reloaded(window, demo_ctx, qtbot):
    page = window.show_page("journal")
    wait_loads(qtbot, demo_ctx)
    before = page.model.rowCount()
    from ctgdesk.models import JournalKind

    page.bar.kind_combo.set_current_key(JournalKind.CONSEIL_APPUI)  # chosen for each entry
    page.bar.nature_edit.setText("Appel à la mairie de Courrières sur le RPE")
    entry_id = page.quick_add()
    assert entry_id is not None
    wait_loads(qtbot, demo_ctx)
    assert page.model.rowCount() == before + 1
    assert page.selected_row() is not None and page.selected_row().id == entry_id


def test_a_failed_load_keeps_the_page_and_says_why(window, demo_ctx, qtbot, monkeypatch):
    from ctgdesk.ui.pages import journal as journal_page

    page = window.show_page("journal")
    wait_loads(qtbot, demo_ctx)
    rows = list(page.model.rows)

    def broken(*args, **kwargs):
        raise OSError("le fichier est verrouillé")

    monkeypatch.setattr(journal_page.journal, "list_entries", broken)
    window.year_spin.setValue(2025)
    wait_loads(qtbot, demo_ctx)
    assert page.model.rows == rows  # what was shown stays
    assert window.statusBar().currentMessage() == (
        "Impossible de charger la page « Journal d'activité » : le fichier est verrouillé")


def test_closing_the_window_lets_the_worker_finish(demo_ctx, settings, qtbot):
    demo_ctx.background_loads = True
    win = MainWindow(demo_ctx, settings)
    qtbot.addWidget(win)
    win.show()
    release, finished = threading.Event(), []

    def slow(session):
        release.wait(10)
        finished.append(meeting_count(session))  # the database is still open here
        return None

    demo_ctx.loads.start("test", slow, lambda data: None)
    threading.Timer(0.2, release.set).start()
    win.close()  # waits for the worker before anything closes the database
    assert len(finished) == 1 and finished[0] > 0


def test_the_status_bar_says_chargement_during_a_long_load(window, demo_ctx, qtbot):
    indicator = window._loading_indicator
    assert not indicator.isVisible()
    release = threading.Event()
    demo_ctx.loads.start("test", lambda session: release.wait(10), lambda data: None)
    qtbot.waitUntil(indicator.isVisible, timeout=BUSY_LABEL_DELAY_MS + 5_000)
    assert "Chargement…" in [label.text() for label in indicator.findChildren(QLabel)]
    release.set()
    qtbot.waitUntil(lambda: not indicator.isVisible(), timeout=10_000)


class _Painted(QLabel):
    def __init__(self, order: list[str]):
        super().__init__("Réunions")
        self.order = order

    def paintEvent(self, event):  # noqa: N802 (Qt name)
        self.order.append("paint")
        super().paintEvent(event)


def test_the_worker_starts_after_the_repaint_already_asked_for(loads, qtbot):
    """A page shown then loaded is painted first: a worker running Python meanwhile would share
    the GIL with the paint and make it twice as long (bench/run)."""
    import time

    order: list[str] = []
    label = _Painted(order)
    qtbot.addWidget(label)
    label.show()
    qtbot.waitExposed(label)
    qtbot.waitUntil(lambda: "paint" in order)
    order.clear()

    label.setText("Réunions 2025")  # asks for a repaint, as a page switch does
    loads.start("page", lambda session: order.append("fetch") or meeting_count(session),
                lambda count: order.append("show"))
    time.sleep(0.05)  # a worker started at once would have fetched by now
    qtbot.waitUntil(lambda: "show" in order, timeout=10_000)
    assert order[:3] == ["paint", "fetch", "show"]


def test_closing_hands_the_requests_not_started_yet_to_the_worker(loads, demo_db):
    ran: list[int] = []
    loads.start("page", lambda session: ran.append(meeting_count(session)), lambda count: None)
    assert ran == []  # not handed over yet: no event processed
    assert loads.wait_done(10_000)
    with demo_db.transaction() as session:
        assert ran == [meeting_count(session)]
