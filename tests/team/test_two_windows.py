"""Two windows on the same team base: what one saves appears in the other by itself."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel

from ctgdesk.db import open_database
from ctgdesk.db.team import init_team_base
from ctgdesk.services import meetings
from ctgdesk.services.demo import build_demo
from tests.conftest import DEMO_TODAY

# As in tests/ui (conftest): the offscreen platform cannot size, raise or grab a popup's window.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)",
                                       r"This plugin does not support raise\(\)",
                                       r"This plugin does not support grabbing the (keyboard|mouse)")


@pytest.fixture
def team_db(pg_url):
    database = open_database(pg_url, migrate=False)
    init_team_base(database.engine)
    with database.transaction() as session:
        build_demo(session, today=DEMO_TODAY)
    yield database
    database.dispose()


def _window(db, tmp_path, name, qtbot):
    from ctgdesk.ui.context import UiContext
    from ctgdesk.ui.main_window import MainWindow

    ctx = UiContext(db=db, year=DEMO_TODAY.year)
    ctx.today = lambda: DEMO_TODAY
    window = MainWindow(ctx, QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


def _places(page) -> set[str]:
    model = page.model
    column = next(i for i in range(model.columnCount()) if model.headerData(i, Qt.Orientation.Horizontal) == "Lieu")
    return {model.index(row, column).data() for row in range(model.rowCount())}


def test_a_save_in_one_window_refreshes_the_other_by_itself(team_db, tmp_path, qtbot):
    first = _window(team_db, tmp_path, "a", qtbot)
    second = _window(open_database(team_db.engine.url.render_as_string(hide_password=False), migrate=False),
                     tmp_path, "b", qtbot)
    try:
        page = second.show_page("meetings")
        qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10_000)
        assert "Salle du conseil de Libercourt" not in _places(page)
        label = second.findChild(QLabel, "teamBase")
        assert label.text().startswith("Base d'équipe « ") and label.text().endswith(f"vous : {team_db.engine.url.username}")
        qtbot.waitUntil(lambda: second.team_changes.listener.listening.is_set(), timeout=10_000)

        with first.ctx.db.transaction() as session:  # saved from the first window's base
            session.info["actor"] = "claire.dumont"
            row = meetings.list_meetings(session, year=DEMO_TODAY.year)[0]
            data = meetings.meeting_input(session, row.id)
            data.place = "Salle du conseil de Libercourt"
            meetings.save_meeting(session, data, row.id)
        first.ctx.notify_changed()

        qtbot.waitUntil(lambda: "Salle du conseil de Libercourt" in _places(page), timeout=15_000)
    finally:
        for window in (first, second):
            window.ctx.undo_stack.clear()  # as tests/ui's fixtures do, before the stacks go
        second.ctx.db.dispose()


def test_the_second_save_of_a_meeting_is_refused_naming_who_and_when_then_kept_on_purpose(team_db, tmp_path, qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMessageBox

    first = _window(team_db, tmp_path, "a", qtbot)
    second = _window(open_database(team_db.engine.url.render_as_string(hide_password=False), migrate=False),
                     tmp_path, "b", qtbot)
    try:
        pages = [window.show_page("meetings") for window in (first, second)]
        for page in pages:
            qtbot.waitUntil(lambda page=page: page.model.rowCount() > 0, timeout=10_000)
        meeting_id = pages[0].model.row(0).id
        forms = [page.edit_meeting(meeting_id) for page in pages]
        for form, place in zip(forms, ("Mairie de Carvin, salle 1", "Mairie de Carvin, salle 2")):
            form.place_edit.selectAll()
            QTest.keyClicks(form.place_edit, place)
        qtbot.mouseClick(forms[0].save_button, Qt.MouseButton.LeftButton)
        assert forms[0].result() == forms[0].DialogCode.Accepted

        seen: list[str] = []

        def keep_mine() -> None:
            box = QApplication.activeModalWidget()
            if not isinstance(box, QMessageBox):
                QTimer.singleShot(50, keep_mine)
                return
            seen.append(box.text())
            keep = next(b for b in box.buttons() if b.text() == "Garder ma version")
            qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)

        QTimer.singleShot(0, keep_mine)
        qtbot.mouseClick(forms[1].save_button, Qt.MouseButton.LeftButton)
        login = team_db.engine.url.username
        assert seen and seen[0].startswith(f"Cette réunion a été modifiée par {login} le ")
        assert "pendant que vous l'éditiez" in seen[0]
        assert forms[1].result() == forms[1].DialogCode.Accepted
        with team_db.transaction() as session:
            assert meetings.meeting_input(session, meeting_id).place == "Mairie de Carvin, salle 2"
    finally:
        for window in (first, second):
            window.ctx.undo_stack.clear()  # as tests/ui's fixtures do, before the stacks go
        second.ctx.db.dispose()
