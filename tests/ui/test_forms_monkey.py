"""Seeded random walks through the meeting form and the fiche action form, opened from the main
window: focus moved by Tab / Maj+Tab and by clicks on any child widget, keys pressed, text
typed, pick lists and calendars opened and closed, lines added and removed, tabs changed.

Each walk runs in a child process (@pytest.mark.isolated): a crash fails it with its stack.
Any Qt warning fails it (qt_log_level_fail), so does a Python exception raised in a slot or
an event handler (pytest-qt). Whenever the form gets saved (Entrée reaches « Enregistrer »,
and at the end of the walk), what was stored must read back as the form said and pass the
service's validation again.

CTG_MONKEY_ACTIONS (default 2000) sets the number of actions per form, CTG_MONKEY_SEED the seed.
"""

from __future__ import annotations

import os
import random
import string
from datetime import datetime

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QTabBar,
    QToolButton,
    QWidget,
)

from ctgdesk.services import meetings, plan
from ctgdesk.ui.widgets.date_field import DateField
from ctgdesk.ui.widgets.lines_table import LinesTable
from tests.ui.conftest_work import (  # noqa: F401 - fixtures
    ctx,
    db,
    show_page,
    terr,
    wait_loads,
)

pytestmark = pytest.mark.isolated

ACTIONS = int(os.environ.get("CTG_MONKEY_ACTIONS", "2000"))
SEED = int(os.environ.get("CTG_MONKEY_SEED", "20261206"))
NO = Qt.KeyboardModifier.NoModifier
KEYS = [Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End,
        Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Backspace, Qt.Key.Key_Delete, Qt.Key.Key_Space,
        Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F4, Qt.Key.Key_Insert]
WORDS = ["Relais", "petite enfance", "Carvin", "12", "3,5", "2026", "-1", "abc", "30/09/2026", "1.1.1", "%",
         "martine", "caf", " ", "0", "100", "Comite", "tenue"]


class Walk:
    """One random walk; `log` keeps the last actions for the failure message."""

    def __init__(self, qtbot, rng: random.Random, open_form, check_saved):
        self.qtbot = qtbot
        self.rng = rng
        self.open_form = open_form
        self.check_saved = check_saved
        self.dialog: QDialog = open_form()
        self.refusals: dict[str, int] = {}
        self.log: list[str] = []
        self.saved = 0
        self.lines_added = 0
        self.lines_removed = 0
        self.popups = 0
        self.cancelled = 0

    # --- what is on screen ---------------------------------------------------------------
    def focus(self) -> QWidget:
        return QApplication.focusWidget() or self.dialog

    def targets(self) -> list[QWidget]:
        excluded = {self.dialog.cancel_button if hasattr(self.dialog, "cancel_button") else None}
        return [w for w in self.dialog.findChildren(QWidget)
                if w.isVisible() and w.isEnabled() and w not in excluded and not w.isWindow()
                and w.width() > 2 and w.height() > 2 and not (isinstance(w, QAbstractButton) and w.text() == "Annuler")]

    def tables(self) -> list[LinesTable]:
        return [t for t in self.dialog.findChildren(LinesTable) if t.isVisible()]

    # --- actions -------------------------------------------------------------------------
    def key(self, key: Qt.Key, modifier=NO, target: QWidget | None = None) -> None:
        QTest.keyClick(target or self.focus(), key, modifier)

    def click(self, widget: QWidget, pos: QPoint | None = None) -> None:
        if pos is None:
            pos = QPoint(self.rng.randrange(widget.width()), self.rng.randrange(widget.height()))
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)

    def in_popup(self) -> None:
        popup = QApplication.activePopupWidget()
        roll = self.rng.random()
        if roll < 0.35:
            self.log.append("popup: Échap")
            self.key(Qt.Key.Key_Escape, target=QApplication.focusWidget() or popup)
        elif roll < 0.75:
            key = self.rng.choice([Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageDown, Qt.Key.Key_Left,
                                   Qt.Key.Key_Right, Qt.Key.Key_Return])
            self.log.append(f"popup: {key.name}")
            self.key(key, target=QApplication.focusWidget() or popup)
        else:
            # not the calendar's month button: its menu runs an event loop of its own (QMenu.exec)
            inner = [w for w in popup.findChildren(QWidget) if w.isVisible() and w.width() > 2
                     and not (isinstance(w, QToolButton) and w.menu() is not None)] or [popup]
            target = self.rng.choice(inner)
            self.log.append(f"popup: click {type(target).__name__}")
            self.click(target)

    def step(self) -> None:
        if QApplication.activePopupWidget() is not None:
            self.in_popup()
            return
        roll = self.rng.random()
        focus = self.focus()
        if roll < 0.22:
            backward = self.rng.random() < 0.3
            self.log.append("Maj+Tab" if backward else "Tab")
            self.key(Qt.Key.Key_Backtab if backward else Qt.Key.Key_Tab,
                     Qt.KeyboardModifier.ShiftModifier if backward else NO)
        elif roll < 0.45:
            target = self.rng.choice(self.targets())
            self.log.append(f"click {type(target).__name__} {target.accessibleName() or target.objectName()}")
            self.click(target)
        elif roll < 0.62:
            key = self.rng.choice(KEYS)
            self.log.append(f"key {key.name} on {type(focus).__name__} {focus.accessibleName()}")
            self.key(key)
        elif roll < 0.74:
            word = self.rng.choice(WORDS + [self.rng.choice(string.ascii_lowercase)])
            self.log.append(f"type {word!r} into {type(focus).__name__} {focus.accessibleName()}")
            QTest.keyClicks(focus, word)
        elif roll < 0.82:
            self.open_popup()
        elif roll < 0.825:
            self.log.append("click Enregistrer")
            self.click(self.dialog.save_button)
        elif roll < 0.92 and self.tables():
            table = self.rng.choice(self.tables())
            if self.rng.random() < 0.6 or not table.count():
                self.log.append(f"click {table.add_button.text()}")
                self.click(table.add_button)
                self.lines_added += 1
            else:
                self.log.append("click Retirer la ligne")
                before = table.count()
                self.click(table.remove_button)
                assert table.count() == before - 1
                self.lines_removed += 1
        else:
            bar = self.dialog.findChild(QTabBar)
            index = self.rng.randrange(bar.count())
            self.log.append(f"tab {bar.tabText(index)}")
            self.click(bar, bar.tabRect(index).center())

    def open_popup(self) -> None:
        candidates = [w for w in self.targets() if isinstance(w, (QComboBox, DateField))]
        if not candidates:
            return
        target = self.rng.choice(candidates)
        self.popups += 1
        self.log.append(f"open the popup of {type(target).__name__} {target.accessibleName()}")
        if isinstance(target, QComboBox):
            self.click(target)
        else:
            self.click(target.button, target.button.rect().center())  # its calendar button

    def after_step(self) -> None:
        dialog = self.dialog
        if not dialog.isVisible():  # Entrée reached « Enregistrer » (saved) or « Annuler »
            if dialog.result() == QDialog.DialogCode.Accepted:
                self.check_saved(dialog)
                self.saved += 1
            else:
                self.cancelled += 1
            self.dialog = self.open_form()

    def trail(self) -> str:
        return "\n".join(self.log[-25:])

    def run(self, count: int) -> None:
        for number in range(count):
            try:
                self.step()
                self.after_step()
            except Exception as error:  # the actions that led there, for the report
                raise AssertionError(f"action {number}: {error}\nlast actions:\n{self.trail()}") from error
        while QApplication.activePopupWidget() is not None:
            self.key(Qt.Key.Key_Escape, target=QApplication.focusWidget())
        for tidy in (False, True):  # as it is; then without its blank lines, as a person would
            if tidy:
                self.remove_blank_lines()
            QTest.mouseClick(self.dialog.save_button, Qt.MouseButton.LeftButton)
            if not self.dialog.isVisible():
                assert self.dialog.result() == QDialog.DialogCode.Accepted
                self.check_saved(self.dialog)
                self.saved += 1
                return
            # refused: the message says why, in French, next to a field or under the tabs
            errors = self.dialog.errors
            shown = [text for text in [errors.message(None), *map(errors.message, errors.fields)] if text]
            assert shown, "the form was neither saved nor said why"
            self.refusals[shown[0]] = self.refusals.get(shown[0], 0) + 1

    def remove_blank_lines(self) -> None:
        tabs = self.dialog.tabs
        for table in self.dialog.findChildren(LinesTable):
            page = next(i for i in range(tabs.count()) if tabs.widget(i).isAncestorOf(table))
            self.click(tabs.tabBar(), tabs.tabBar().tabRect(page).center())
            while blank := [n for n, line in enumerate(table.lines()) if LinesTable._is_blank(line)]:
                cell = table.cells(blank[0])[0]
                table.scroll.ensureWidgetVisible(cell)
                self.click(cell, cell.rect().center())
                self.click(table.remove_button, table.remove_button.rect().center())


@pytest.fixture
def window(ctx, terr, qtbot, settings):
    from ctgdesk.ui.main_window import MainWindow

    main = MainWindow(ctx, settings)
    show_page(qtbot, main, 1440, 900)
    main.load()
    wait_loads(qtbot, ctx)
    return main


def opener(qtbot, window, page_key: str, prefill):
    page = window.show_page(page_key)
    wait_loads(qtbot, window.ctx)

    def open_form() -> QDialog:
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        page.setFocus()
        QTest.keyClick(window.focusWidget() or page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        dialog = page.dialog
        qtbot.waitUntil(lambda: dialog.isVisible() and dialog.isActiveWindow())
        prefill(dialog)
        return dialog
    return open_form


def test_random_walk_through_the_meeting_form(window, ctx, qtbot):
    def check_saved(dialog) -> None:
        with ctx.db.transaction() as s:
            stored = meetings.meeting_input(s, dialog.saved_id)
            assert stored == dialog.after
            meetings.save_meeting(s, stored, dialog.saved_id, now=datetime(2026, 6, 15, 12))  # validates again

    def prefill(dialog) -> None:  # what a form needs first, typed
        QTest.keyClicks(dialog.instance_combo, "comite de pil")

    walk = Walk(qtbot, random.Random(SEED), opener(qtbot, window, "meetings", prefill), check_saved)
    walk.run(ACTIONS)
    print(f"meeting form: {ACTIONS} actions, {walk.lines_added} lines added, {walk.lines_removed} removed, "
          f"{walk.popups} popups, {walk.saved} saved, {walk.cancelled} cancelled; refused: {walk.refusals}")


def test_random_walk_through_the_fiche_form(window, ctx, qtbot):
    def check_saved(dialog) -> None:
        with ctx.db.transaction() as s:
            stored = plan.fiche_input(s, dialog.saved_id)
            assert stored == dialog.after
            plan.save_fiche(s, stored, dialog.saved_id)  # validates again

    numbers = iter(range(1, 10_000))

    def prefill(dialog) -> None:  # what a form needs first, typed
        QTest.keyClicks(dialog.number_edit, f"9.9.{next(numbers)}")
        QTest.keyClicks(dialog.title_edit, "Fiche au hasard")

    walk = Walk(qtbot, random.Random(SEED + 1), opener(qtbot, window, "plan", prefill), check_saved)
    walk.run(ACTIONS)
    print(f"fiche form: {ACTIONS} actions, {walk.lines_added} lines added, {walk.lines_removed} removed, "
          f"{walk.popups} popups, {walk.saved} saved, {walk.cancelled} cancelled; refused: {walk.refusals}")
