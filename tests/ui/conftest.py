"""UI fixtures: a UiContext over a fresh database, or over a copy of the demo territory."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from tests.conftest import DEMO_TODAY


@pytest.fixture
def ctx(db, qapp):
    from ctgdesk.ui.context import UiContext

    context = UiContext(db=db, year=2026)
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
