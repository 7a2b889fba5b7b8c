"""@pytest.mark.isolated (tests/isolation.py): a crash in a child process fails that one test,
with the Python stack faulthandler prints, and the run goes on.

The planted crash is the one the meeting form had: a QTableWidget whose cells are widgets, and
an event filter selecting the cell's row when a cell gets focus. The view moves focus to the
cell widget of its current index and its own filter moves the current index to the widget that
gets focus; the two fight, recursing until the stack overflows (SIGSEGV).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]

PLANTED = '''
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QDateEdit, QLineEdit, QTableWidget


class SelectsRowOnFocus(QObject):
    def __init__(self, table):
        super().__init__(table)
        self.table = table

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.FocusIn:
            for row in range(self.table.rowCount()):
                for column in range(self.table.columnCount()):
                    if self.table.cellWidget(row, column) is watched:
                        self.table.selectRow(row)
        return False


@pytest.mark.isolated
def test_planted_crash(qtbot):
    table = QTableWidget(1, 3)
    qtbot.addWidget(table)
    watcher = SelectsRowOnFocus(table)
    for column, widget in enumerate((QLineEdit(), QComboBox(), QDateEdit())):
        table.setCellWidget(0, column, widget)
        widget.installEventFilter(watcher)
    table.show()
    table.activateWindow()
    qtbot.waitActive(table)
    table.selectRow(0)
    text = table.cellWidget(0, 0)
    text.setFocus()
    QTest.keyClicks(text, "Une decision")
    QTest.keyClick(text, Qt.Key.Key_Tab)  # to the next cell: the fight starts


@pytest.mark.isolated
def test_isolated_and_fine():
    Path(os.environ["PID_FILE"]).write_text(str(os.getpid()))


def test_after_the_crash():
    assert 1 + 1 == 2
'''


def test_a_crash_fails_only_its_test_with_the_python_stack(tmp_path):
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["tests.isolation"]\n')
    (tmp_path / "test_planted.py").write_text(PLANTED)
    pid_file = tmp_path / "pid"
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", PID_FILE=str(pid_file))
    env.pop("CTG_ISOLATED_CHILD", None)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "test_planted.py", "-p", "no:cacheprovider", "-p", "no:randomly",
         "-rA", "--rootdir", str(tmp_path), "-c", os.devnull],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    out = done.stdout
    assert done.returncode == 1, out + done.stderr  # the run finished: it did not die with the child
    assert out.strip().splitlines()[-1].startswith("=") and "1 failed, 2 passed" in out.strip().splitlines()[-1]
    assert "FAILED test_planted.py::test_planted_crash" in out
    assert "PASSED test_planted.py::test_isolated_and_fine" in out
    assert "PASSED test_planted.py::test_after_the_crash" in out
    failure = out[out.index("test_planted_crash ___"):]
    assert "child process killed by signal 11 (crash)" in failure  # SIGSEGV: the stack overflowed
    assert "Fatal Python error: Segmentation fault" in failure
    assert 'test_planted.py", line' in failure and "in eventFilter" in failure  # the Python stack
    assert int(pid_file.read_text()) != os.getpid() and pid_file.read_text() != ""  # it ran elsewhere
