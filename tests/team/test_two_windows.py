"""Two windows on the same team base: what one saves appears in the other by itself."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel

from ctgdesk.db import open_database
from ctgdesk.services import meetings
from tests.conftest import DEMO_TODAY

# As in tests/ui (conftest): the offscreen platform cannot size, raise or grab a popup's window.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)",
                                       r"This plugin does not support raise\(\)",
                                       r"This plugin does not support grabbing the (keyboard|mouse)")



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


def test_a_save_in_one_window_refreshes_the_other_by_itself(team_base, tmp_path, qtbot):
    first = _window(team_base, tmp_path, "a", qtbot)
    second = _window(open_database(team_base.engine.url.render_as_string(hide_password=False), migrate=False),
                     tmp_path, "b", qtbot)
    try:
        page = second.show_page("meetings")
        qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10_000)
        assert "Salle du conseil de Libercourt" not in _places(page)
        label = second.findChild(QLabel, "teamBase")
        assert label.text().startswith("Base d'équipe « ") and label.text().endswith(f"vous : {team_base.engine.url.username}")
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


def test_the_second_save_of_a_meeting_is_refused_naming_who_and_when_then_kept_on_purpose(team_base, tmp_path, qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMessageBox

    first = _window(team_base, tmp_path, "a", qtbot)
    second = _window(open_database(team_base.engine.url.render_as_string(hide_password=False), migrate=False),
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
        login = team_base.engine.url.username
        assert seen and seen[0].startswith(f"Cette réunion a été modifiée par {login} le ")
        assert "pendant que vous l'éditiez" in seen[0]
        assert forms[1].result() == forms[1].DialogCode.Accepted
        with team_base.transaction() as session:
            assert meetings.meeting_input(session, meeting_id).place == "Mairie de Carvin, salle 2"
    finally:
        for window in (first, second):
            window.ctx.undo_stack.clear()  # as tests/ui's fixtures do, before the stacks go
        second.ctx.db.dispose()


class MemoryKeyring:
    """A keyring for the test (the machine's may be absent): what ctgdesk keeps, in memory."""

    def __init__(self):
        import keyring.backend

        class Backend(keyring.backend.KeyringBackend):
            priority = 1
            kept: dict = {}

            def get_password(self, service, username):
                return self.kept.get((service, username))

            def set_password(self, service, username, password):
                self.kept[(service, username)] = password

            def delete_password(self, service, username):
                self.kept.pop((service, username), None)

        self.backend = Backend()


def test_connect_to_a_team_base_from_the_file_menu(team_base, pg_server, tmp_path, qtbot, monkeypatch):
    import keyring
    from PySide6.QtTest import QTest

    from ctgdesk.db import team
    from ctgdesk.ui.dialogs import team_connect

    memory = MemoryKeyring().backend
    previous = keyring.get_keyring()
    keyring.set_keyring(memory)
    restarted: list[tuple[str, str]] = []
    monkeypatch.setattr(team_connect, "restart_on", lambda url, password: restarted.append((url, password)) or True)
    team.add_user(team_base.engine, "claire.dumont", None, "lecture", "s3cret")
    window = _window(open_database(team_base.engine.url.render_as_string(hide_password=False), migrate=False),
                     tmp_path, "a", qtbot)
    try:
        window.file_menu.popup(window.mapToGlobal(window.rect().topLeft()))
        qtbot.waitUntil(window.file_menu.isVisible)
        QTest.keyClick(window.file_menu, Qt.Key.Key_B)  # « Se connecter à une &base d'équipe… »
        qtbot.waitUntil(lambda: isinstance(window.dialog, team_connect.TeamConnectDialog) and window.dialog.isVisible())
        dialog = window.dialog
        dialog.host.setFocus()
        QTest.keyClicks(dialog.host, "127.0.0.1")
        QTest.keyClick(dialog.host, Qt.Key.Key_Tab)
        QTest.keyClick(dialog.port, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # the 5432 shown
        QTest.keyClicks(dialog.port, str(pg_server.port))
        QTest.keyClick(dialog.port, Qt.Key.Key_Tab)
        QTest.keyClicks(dialog.database, "base_inconnue")
        QTest.keyClick(dialog.database, Qt.Key.Key_Tab)
        QTest.keyClicks(dialog.login, "claire.dumont")
        QTest.keyClick(dialog.login, Qt.Key.Key_Tab)
        QTest.keyClicks(dialog.secret, "s3cret")
        QTest.keyClick(dialog.secret, Qt.Key.Key_Return)
        assert "impossible" in dialog.error.text() and dialog.isVisible()  # a refusal, in French, in place

        QTest.keyClick(dialog.database, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClicks(dialog.database, team_base.engine.url.database)
        QTest.keyClick(dialog.secret, Qt.Key.Key_Return)
        expected = f"postgresql://claire.dumont@127.0.0.1:{pg_server.port}/{team_base.engine.url.database}"
        assert restarted == [(expected, "s3cret")], dialog.error.text()
        assert memory.kept[("ctgdesk", f"claire.dumont@127.0.0.1:{pg_server.port}/{team_base.engine.url.database}")] == "s3cret"
        assert window.settings.value(team_connect.SETTINGS_KEY) == expected  # no password in the settings
    finally:
        keyring.set_keyring(previous)
        window.ctx.undo_stack.clear()
        window.ctx.db.dispose()
