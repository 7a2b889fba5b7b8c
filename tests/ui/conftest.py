"""UI fixtures: a UiContext over a fresh database, or over a copy of the demo territory."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from tests.conftest import DEMO_TODAY


def _copy_database(source, target) -> None:
    import sqlite3

    origin, destination = sqlite3.connect(source), sqlite3.connect(target)
    with destination:
        origin.backup(destination)
    origin.close()
    destination.close()


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory):
    """An empty database with the referential, migrated once (migrating takes ~1 s)."""
    from ctgdesk.db import open_database
    from ctgdesk.services.referential import ensure_referential

    path = tmp_path_factory.mktemp("empty") / "empty.sqlite"
    database = open_database(path)
    with database.transaction() as session:
        ensure_referential(session)
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path


@pytest.fixture
def ui_db(empty_template, tmp_path):
    """A fresh database per test: a copy of the empty template."""
    from ctgdesk.db import open_database

    target = tmp_path / "ui.sqlite"
    _copy_database(empty_template, target)
    database = open_database(target)
    yield database
    database.dispose()


@pytest.fixture
def ctx(ui_db, qapp):
    from ctgdesk.ui.context import UiContext

    context = UiContext(db=ui_db, year=2026)
    yield context
    context.undo_stack.clear()


@pytest.fixture
def demo_ctx(demo_db, qapp):
    from ctgdesk.ui.context import UiContext

    context = UiContext(db=demo_db, year=DEMO_TODAY.year)
    context.today = lambda: DEMO_TODAY  # the demo is built around this day
    yield context
    context.undo_stack.clear()


@pytest.fixture
def settings(tmp_path):
    """Window settings in a file of the test's own, never the user's."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture(autouse=True)
def forgotten_message_boxes(qapp):
    """A modal message box nobody answers would hang the test: after a few seconds it is
    closed and the test fails, saying which box it was. (Tests answer boxes by patching
    QMessageBox — `accept_questions`, `warnings_shown` — or by clicking them for real.)"""
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    forgotten: list[str] = []
    first_seen: dict[int, float] = {}

    def check() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            return
        seen = first_seen.setdefault(id(box), time.monotonic())
        if time.monotonic() - seen > FORGOTTEN_BOX_SECONDS:
            forgotten.append(f"« {box.windowTitle()} » : {box.text()}")
            box.reject()

    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(200)
    yield forgotten
    timer.stop()
    assert not forgotten, f"message box left unanswered: {forgotten}"


FORGOTTEN_BOX_SECONDS = 5


@pytest.fixture
def accept_questions(monkeypatch):
    """Every QMessageBox.question answers "Oui"; the questions asked are recorded."""
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []

    def answer(_parent, _title, text, *_args, **_kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    return asked


@pytest.fixture
def warnings_shown(monkeypatch):
    """QMessageBox.warning records its message instead of blocking the test."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []

    def record(_parent, _title, text, *_args, **_kwargs):
        shown.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", record)
    return shown


def pytest_collection_modifyitems(items):
    """The offscreen platform warns it cannot pass a dialog's size limits to a window
    manager it does not have, nor raise a popup (a pick list, a calendar) and grab the keyboard
    for it: that says nothing about the application."""
    marker = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)",
                                       r"This plugin does not support raise\(\)",
                                       r"This plugin does not support grabbing the (keyboard|mouse)")
    for item in items:
        if "tests/ui/" in item.nodeid.replace("\\", "/"):
            item.add_marker(marker)
