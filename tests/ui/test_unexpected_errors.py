"""An error nobody caught in the window: a French message box and a log file, no traceback."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from ctgdesk.ui.app import UnexpectedErrors


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_slot_is_said_in_french_and_logged(qapp, qtbot, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "donnees"))
    hook = UnexpectedErrors(qapp)
    monkeypatch.setattr(sys, "excepthook", hook)
    shown: list[str] = []

    def close_the_box() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, close_the_box)
            return
        shown.append(box.text())
        QTest.keyClick(box, Qt.Key.Key_Escape)  # as a person closes it

    def broken_slot() -> None:
        raise KeyError("colonne_absente")

    QTimer.singleShot(0, close_the_box)
    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: hook.count == 1 and len(shown) == 1, timeout=5000)

    [log] = hook.logs
    assert log.parent == tmp_path / "donnees" / "ctgdesk" / "journaux"
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "KeyError: 'colonne_absente'" in text
    assert shown[0].startswith("Erreur inattendue de ctgdesk ('colonne_absente').")
    assert f"« {log} »" in shown[0]
    assert "Traceback" not in capsys.readouterr().err
