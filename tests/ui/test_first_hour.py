"""A coordinator's first hour on a 1366×768 laptop: the window fits, the search finds what she
means (abbreviations both ways, every year), Ctrl+K finds and opens any record."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication

from ctgdesk.services import meetings
from ctgdesk.ui.dialogs.meeting_dialog import MeetingDialog
from ctgdesk.ui.dialogs.search_dialog import SearchDialog
from ctgdesk.ui.main_window import MainWindow
from ctgdesk.ui.widgets.screen_fit import fitted_size, window_geometry

LAPTOP = QRect(0, 0, 1366, 768)


def test_window_opens_on_the_available_area_of_a_small_screen():
    assert window_geometry(None, LAPTOP) == LAPTOP
    # saved on a big monitor: does not fit any more, the laptop's area instead
    assert window_geometry(QRect(100, 50, 1280, 1000), LAPTOP) == LAPTOP
    assert window_geometry(QRect(1500, 0, 800, 600), LAPTOP) == LAPTOP
    # saved on this screen: kept
    assert window_geometry(QRect(10, 20, 1000, 700), LAPTOP) == QRect(10, 20, 1000, 700)
    # a long dialog is never taller than the screen
    assert fitted_size(980, 700, LAPTOP) == (980, 688)
    assert fitted_size(980, 700, QRect(0, 0, 1920, 1080)) == (980, 700)


def test_main_window_fits_the_screen_it_opens_on(demo_ctx, settings, qtbot):
    available = QApplication.primaryScreen().availableGeometry()
    window = MainWindow(demo_ctx, settings)
    qtbot.addWidget(window)
    window.show()
    assert available.contains(window.frameGeometry())
    assert window.frameGeometry().width() >= available.width() - 8 and window.frameGeometry().height() >= available.height() - 8
    # a geometry saved on a bigger screen is not restored as it was
    window.setGeometry(QRect(0, 0, available.width() + 400, available.height() + 300))
    window.save_settings()
    window.close()
    again = MainWindow(demo_ctx, settings)
    qtbot.addWidget(again)
    again.show()
    assert available.contains(again.frameGeometry())
    assert again.statusBar().geometry().bottom() <= again.height()


def _window(ctx, settings, qtbot) -> MainWindow:
    window = MainWindow(ctx, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.load()
    return window


@pytest.mark.parametrize("background", [False, True], ids=["synchronous", "worker"])
def test_ctrl_k_finds_every_copil_and_opens_the_one_chosen(demo_ctx, settings, qtbot, background):
    demo_ctx.background_loads = background  # as in the application: the search runs in the worker
    window = _window(demo_ctx, settings, qtbot)
    qtbot.waitUntil(lambda: not demo_ctx.loads.is_busy(), timeout=10_000)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    dialog = window.dialog
    assert isinstance(dialog, SearchDialog) and dialog.isVisible()
    qtbot.waitUntil(dialog.search.hasFocus)  # the dialog comes in front, its search field ready
    qtbot.keyClicks(dialog.search, "copil")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)  # searches now, goes to the first line
    qtbot.waitUntil(lambda: dialog.table.view.hasFocus(), timeout=10_000)
    hits = dialog.model.rows
    found = [h for h in hits if h.kind == "meeting"]
    assert len(found) == 4 and {h.detail.split(" — ")[0] for h in found} == {"Comité de pilotage CTG"}
    assert any(h.kind == "decision" for h in hits)
    assert dialog.table.view.hasFocus()
    first = dialog.table.current_row()
    assert first.kind == "meeting"
    qtbot.keyClick(dialog.table.view, Qt.Key.Key_Return)  # opens it
    assert not dialog.isVisible()
    assert window.current_key() == "meetings"
    qtbot.waitUntil(lambda: window.pages["meetings"].dialog is not None, timeout=10_000)
    opened = window.pages["meetings"].dialog
    assert isinstance(opened, MeetingDialog) and opened.isVisible() and opened.meeting_id == first.record_id
    opened.reject()


def test_meetings_page_search_knows_abbreviations_this_year_and_all_years(demo_ctx, settings, qtbot):
    window = _window(demo_ctx, settings, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    page = window.pages["meetings"]
    assert window.current_key() == "meetings"

    def shown() -> list[str]:
        return [page.proxy.index(r, 1).data() for r in range(page.proxy.rowCount())]

    expected = {"copil": ("Comité de pilotage CTG", 2, 4), "Comite de pilotage": ("Comité de pilotage CTG", 2, 4),  # QTest types ASCII only
                "cotech": ("Comité technique CTG", 1, 3), "GT jeunesse": ("Groupe thématique Jeunesse", 3, 6)}
    for all_years in (False, True):
        if all_years:
            qtbot.mouseClick(page.all_years, Qt.MouseButton.LeftButton)
            assert page.all_years.isChecked()
        for query, (instance, this_year, every_year) in expected.items():
            qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
            assert page.search.hasFocus()
            qtbot.keyClick(page.search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            qtbot.keyClicks(page.search, query)
            assert shown() == [instance] * (every_year if all_years else this_year), (query, all_years)
    assert "toutes années confondues" in page.count_label.text()
    with demo_ctx.db.transaction() as s:
        assert len([m for m in meetings.list_meetings(s) if m.instance == "Groupe thématique Jeunesse"]) == 6


def test_first_start_asks_who_she_is_and_her_entries_carry_her(demo_ctx, settings, qtbot):
    from ctgdesk.services import journal, people
    from ctgdesk.ui.dialogs.preferences_dialog import PreferencesDialog

    window = _window(demo_ctx, settings, qtbot)
    dialog = window.ask_identity_if_needed()  # what the application does once the window is filled
    assert isinstance(dialog, PreferencesDialog) and dialog.isVisible()
    assert dialog.windowTitle() == "Bienvenue dans ctgdesk"
    qtbot.waitUntil(dialog.who.hasFocus)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # nothing chosen: refused, clearly
    assert dialog.isVisible() and dialog.error.text().startswith("Choisissez qui vous êtes")
    qtbot.keyClicks(dialog.who, "pauline")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    with demo_ctx.db.transaction() as s:
        pauline = next(c.id for c in people.list_coordinators(s) if c.name == "Pauline Vasseur")
    assert demo_ctx.me == pauline
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    # the journal's quick entry carries her
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    page = window.pages["journal"]
    assert window.current_key() == "journal" and page.bar.coordinator_combo.current_key() == pauline
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(page.bar.kind_combo, "relais")
    qtbot.keyClick(page.bar.kind_combo, Qt.Key.Key_Tab)
    qtbot.keyClicks(page.bar.nature_edit, "Relais de l'appel a projets jeunesse")
    qtbot.keyClick(page.bar.nature_edit, Qt.Key.Key_Return)
    with demo_ctx.db.transaction() as s:
        entries = [e for e in journal.list_entries(s, year=2026) if e.nature == "Relais de l'appel a projets jeunesse"]
    assert [e.coordinator for e in entries] == ["Pauline Vasseur"]

    # a new meeting: she animates it
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    meetings_page = window.pages["meetings"]
    qtbot.keyClick(meetings_page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert meetings_page.dialog.animator_combo.current_key() == pauline
    meetings_page.dialog.reject()

    # the dashboard: her meetings, decisions and fiches at a click
    from ctgdesk.services.dashboard import dashboard

    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    board_page = window.pages["dashboard"]
    assert board_page.mine_check.isEnabled()
    qtbot.mouseClick(board_page.mine_check, Qt.MouseButton.LeftButton)
    assert board_page.board.mine == "Pauline Vasseur"
    assert board_page.header.subtitle.text().endswith("réunions, décisions, fiches et journal de Pauline Vasseur.")
    with demo_ctx.db.transaction() as s:
        hers = dashboard(s, 2026, demo_ctx.today(), mine=pauline)
    assert board_page.cards["meetings"].value.text() == str(hers.meetings_held)
    window.close()

    # the next start knows her: nothing asked, the same default
    demo_ctx.me = None
    again = _window(demo_ctx, settings, qtbot)
    assert demo_ctx.me == pauline and again.ask_identity_if_needed() is None


@pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)")  # the tooltip, offscreen
def test_a_cut_cell_shows_its_whole_text_in_a_tooltip(demo_ctx, settings, qtbot):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QToolTip

    window = _window(demo_ctx, settings, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    page = window.pages["meetings"]
    table = page.table
    column = 1  # Instance
    row = next(r for r in range(page.proxy.rowCount())
               if page.proxy.index(r, column).data() == "Commission d'admission petite enfance")
    table.horizontalHeader().resizeSection(column, 120)  # narrower than the name
    index = page.proxy.index(row, column)
    pos = table.visualRect(index).center()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, table.viewport().mapToGlobal(pos))
    QApplication.sendEvent(table.viewport(), event)
    qtbot.waitUntil(QToolTip.isVisible)
    assert QToolTip.text() == "Commission d'admission petite enfance"
    # wide enough: the delegate leaves the cell alone (no tooltip of its own)
    from PySide6.QtWidgets import QStyleOptionViewItem

    table.horizontalHeader().resizeSection(column, 600)
    option = QStyleOptionViewItem()
    option.rect = table.visualRect(index)
    option.fontMetrics = table.fontMetrics()
    pos = option.rect.center()
    wide = QHelpEvent(QEvent.Type.ToolTip, pos, table.viewport().mapToGlobal(pos))
    assert table.itemDelegate().helpEvent(wide, table, option, index) is False
    QToolTip.hideText()


LAPTOP_SCRIPT = """
import sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from ctgdesk.ui.context import UiContext
from ctgdesk.ui.main_window import MainWindow
settings = QSettings(sys.argv[1], QSettings.Format.IniFormat)
window = MainWindow(UiContext(db=None), settings, db_path=sys.argv[2])  # as at start-up
window.show()
app.processEvents()
frame, screen = window.frameGeometry(), app.primaryScreen().availableGeometry()
print(screen.width(), screen.height(), frame.x(), frame.y(), frame.width(), frame.height(),
      window.statusBar().isVisible(), window.mapTo(window, window.statusBar().geometry().bottomLeft()).y())
window.save_settings()
"""


def test_the_window_opens_whole_on_a_1366x768_screen(tmp_path):
    import json
    import os
    import subprocess
    import sys

    screen = tmp_path / "laptop.json"
    screen.write_text(json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768,
                                              "logicalDpiX": 96, "logicalDpiY": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screen}")
    settings = tmp_path / "settings.ini"
    settings.write_text("[window]\ngeometry=@ByteArray()\n")

    def run() -> list[str]:
        done = subprocess.run([sys.executable, "-c", LAPTOP_SCRIPT, str(settings), str(tmp_path / "base.sqlite")],
                              env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    width, height, x, y, frame_width, frame_height, visible, status_bottom = run()
    assert (width, height) == ("1366", "768")
    assert (int(x), int(y)) >= (0, 0) and int(x) + int(frame_width) <= 1366 and int(y) + int(frame_height) <= 768
    assert int(frame_width) >= 1300 and int(frame_height) >= 700  # the whole screen, not 1280×800
    assert visible == "True" and int(status_bottom) < 768
    # the next start on the same screen: the saved place, still whole
    second = run()
    assert second[2:6] == [x, y, frame_width, frame_height]
