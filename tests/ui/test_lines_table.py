"""The line table on its own, by keyboard and mouse: Tab walks the cells line by line, Entrée on
the last cell of the last line adds a line, Suppr on a blank line removes it, « Retirer la
ligne » removes the line holding focus, accessible names follow the line numbers."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from ctgdesk.ui.dialogs.meeting_form_widgets import ChoiceCombo
from ctgdesk.ui.widgets.date_field import DateField
from ctgdesk.ui.widgets.lines_table import Line, LinesTable


@pytest.fixture
def table(qtbot):
    def make_line(values: dict) -> Line:
        text = QLineEdit(values.get("text", ""))
        who = ChoiceCombo([(1, "Martine Fontaine"), (2, "Claire Dumont")], empty_label="—")
        due = DateField(optional=True, inline_message=False)
        return Line({"text": text, "who": who, "due": due}, {"n": values.get("text")})

    window = QWidget()
    before, after = QLineEdit(), QLineEdit()
    lines = LinesTable([("text", "Décision"), ("who", "Porteur"), ("due", "Échéance")], make_line,
                       add_label="Ajouter une décision", stretch="text")
    layout = QVBoxLayout(window)
    layout.addWidget(before)
    layout.addWidget(lines)
    layout.addWidget(after)
    qtbot.addWidget(window)
    window.resize(700, 400)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    lines.before, lines.after, lines.holder = before, after, window  # the window lives as long as the test
    return lines


def focused() -> QWidget:
    return QApplication.focusWidget()


def names() -> str:
    return focused().accessibleName() or focused().text()


def test_tab_walks_the_cells_line_by_line_and_leaves_an_empty_date(table, qtbot):
    for text in ("Une", "Deux"):
        table.add_line({"text": text})
    table.before.setFocus()
    seen = []
    for _ in range(9):
        QTest.keyClick(focused(), Qt.Key.Key_Tab)
        seen.append(names())
    assert seen == ["Ajouter une décision", "Retirer la ligne",
                    "Décision, ligne 1", "Porteur, ligne 1", "Échéance, ligne 1",
                    "Décision, ligne 2", "Porteur, ligne 2", "Échéance, ligne 2", ""]
    assert focused() is table.after  # an empty date field no longer keeps Tab
    QTest.keyClick(focused(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert names() == "Échéance, ligne 2" and table.current_index() == 1
    QTest.keyClick(focused(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert names() == "Porteur, ligne 2"


def test_enter_walks_on_and_adds_a_line_at_the_end(table, qtbot):
    QTest.mouseClick(table.add_button, Qt.MouseButton.LeftButton)
    assert table.count() == 1 and names() == "Décision, ligne 1"
    QTest.keyClicks(focused(), "Une")
    QTest.keyClick(focused(), Qt.Key.Key_Return)
    assert names() == "Porteur, ligne 1" and table.count() == 1
    QTest.keyClicks(focused(), "claire")
    QTest.keyClick(focused(), Qt.Key.Key_Return)
    assert names() == "Échéance, ligne 1"
    QTest.keyClick(focused(), Qt.Key.Key_Return)
    assert table.count() == 2 and names() == "Décision, ligne 2" and table.current_index() == 1
    line = table.lines()[0].widgets
    assert (line["text"].text(), line["who"].current_key(), line["due"].value()) == ("Une", 2, None)


def test_delete_on_a_blank_line_and_the_remove_button(table, qtbot):
    for text in ("Une", "", "Trois", "Quatre"):
        table.add_line({"text": text})
    blank = table.lines()[1].widgets
    QTest.mouseClick(blank["who"], Qt.MouseButton.LeftButton)  # opens the pick list
    qtbot.waitUntil(blank["who"].view().isVisible)
    QTest.keyClick(blank["who"].view(), Qt.Key.Key_Escape)
    assert table.current_index() == 1
    QTest.keyClick(focused(), Qt.Key.Key_Delete)  # Suppr on a blank line: it goes
    assert [line.payload["n"] for line in table.lines()] == ["Une", "Trois", "Quatre"]
    assert names() == "Porteur, ligne 2"  # the same column of the line taking its place
    QTest.keyClick(focused(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert names() == "Décision, ligne 2"
    QTest.keyClick(focused(), Qt.Key.Key_Delete)  # not blank: Suppr erases the text Tab selected
    assert table.count() == 3 and table.lines()[1].widgets["text"].text() == ""

    QTest.mouseClick(table.lines()[2].widgets["text"], Qt.MouseButton.LeftButton)  # working in line 3
    assert table.current_index() == 2
    QTest.mouseClick(table.remove_button, Qt.MouseButton.LeftButton)  # removes that one
    assert [line.payload["n"] for line in table.lines()] == ["Une", "Trois"]
    assert [w.accessibleName() for w in table.cells(1)] == ["Décision, ligne 2", "Porteur, ligne 2",
                                                           "Échéance, ligne 2"]
    assert names() == "Décision, ligne 2"  # focus back in the table, on the line now current
    frame = table._line_rect(1)
    cell = table.cells(1)[0].geometry()
    assert frame.top() < cell.top() and frame.bottom() > cell.bottom()  # the current line is framed
    for _ in range(2):
        QTest.mouseClick(table.remove_button, Qt.MouseButton.LeftButton)
    assert table.count() == 0 and focused() is table.add_button and not table.remove_button.isEnabled()
