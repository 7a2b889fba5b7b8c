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

import random
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog

from ctgdesk.services import meetings, plan
from ctgdesk.ui.widgets.lines_table import LinesTable
from tests.ui.monkey import ACTIONS, SEED, Monkey
from tests.ui.conftest_work import (  # noqa: F401 - fixtures
    ctx,
    window,
    db,
    show_page,
    terr,
    wait_loads,
)

pytestmark = pytest.mark.isolated


class Walk(Monkey):
    """One random walk through a form opened again each time it closes."""

    def __init__(self, qtbot, rng: random.Random, open_form, check_saved):
        super().__init__(rng, open_form())
        self.qtbot = qtbot
        self.open_form = open_form
        self.check_saved = check_saved
        self.refusals: dict[str, int] = {}
        self.saved = 0
        self.cancelled = 0

    def after_step(self) -> None:
        dialog = self.dialog
        if not dialog.isVisible():  # Entrée reached « Enregistrer » (saved) or « Annuler »
            if dialog.result() == QDialog.DialogCode.Accepted:
                self.check_saved(dialog)
                self.saved += 1
            else:
                self.cancelled += 1
            self.dialog = self.open_form()

    def run(self, count: int) -> None:
        for number in range(count):
            try:
                self.step()
                self.after_step()
            except Exception as error:  # the actions that led there, for the report
                raise AssertionError(f"action {number}: {error}\nlast actions:\n{self.trail()}") from error
        self.close_popups()
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
