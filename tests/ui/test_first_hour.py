"""A coordinator's first hour on a 1366×768 laptop: the window fits, the search finds what she
means (abbreviations both ways, every year), Ctrl+K finds and opens any record."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ctgdesk.services import meetings
from ctgdesk.services.search import search_base
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
