"""A seeded random walk through one dialog, as a person with a keyboard and a mouse would go:
focus moved by Tab / Maj+Tab and by clicks on any child widget, keys pressed, text typed, pick
lists and calendars opened and closed, lines added and removed (LinesTable), tabs changed.

Shared by tests/ui/test_forms_monkey.py (meeting and fiche forms) and tests/ui/test_every_form.py
(every other form). `Monkey.run(count)` stops early when the dialog closes (Entrée reached
« Enregistrer » or Échap « Annuler »): the caller checks what was saved and opens it again.

`avoid(widget)`: widgets never clicked nor pressed with Espace/Entrée (a button opening a file
chooser, « Restaurer »…); `words`: what may be typed, on top of WORDS.
"""

from __future__ import annotations

import os
import random
import string
from typing import Callable

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QTabBar,
    QToolButton,
    QWidget,
)

from ctgdesk.ui.widgets.date_field import DateField
from ctgdesk.ui.widgets.lines_table import LinesTable

ACTIONS = int(os.environ.get("CTG_MONKEY_ACTIONS", "2000"))
SEED = int(os.environ.get("CTG_MONKEY_SEED", "20261206"))
NO = Qt.KeyboardModifier.NoModifier
KEYS = [Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End,
        Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Backspace, Qt.Key.Key_Delete, Qt.Key.Key_Space,
        Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F4, Qt.Key.Key_Insert]
PRESSING = {Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter}
WORDS = ["Relais", "petite enfance", "Carvin", "12", "3,5", "2026", "-1", "abc", "30/09/2026", "1.1.1", "%",
         "martine", "caf", " ", "0", "100", "Comite", "tenue"]


def never(_widget: QWidget) -> bool:
    return False


class Monkey:
    """Random actions on `dialog`; `log` keeps the last ones for the failure message."""

    def __init__(self, rng: random.Random, dialog: QDialog, *, save_button: QAbstractButton | None = None,
                 avoid: Callable[[QWidget], bool] = never, words: list[str] | None = None):
        self.rng = rng
        self.dialog = dialog
        self._save_button = save_button
        self.avoid = avoid
        self.words = WORDS + (words or [])
        self.log: list[str] = []
        self.lines_added = 0
        self.lines_removed = 0
        self.popups = 0

    # --- what is on screen ---------------------------------------------------------------
    @property
    def save_button(self) -> QAbstractButton | None:
        return self._save_button or getattr(self.dialog, "save_button", None)

    def focus(self) -> QWidget:
        return QApplication.focusWidget() or self.dialog

    def targets(self) -> list[QWidget]:
        return [w for w in self.dialog.findChildren(QWidget)
                if w.isVisible() and w.isEnabled() and not w.isWindow() and w.width() > 2 and w.height() > 2
                and not (isinstance(w, QAbstractButton) and w.text() == "Annuler") and not self._avoided(w)]

    def _avoided(self, widget: QWidget) -> bool:
        while widget is not None and widget is not self.dialog:
            if self.avoid(widget):
                return True
            widget = widget.parentWidget()
        return False

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
        if focus is not self.dialog and not self.dialog.isAncestorOf(focus):  # Tab left a part of a window
            roll = 0.3  # a click back into it
        if roll < 0.22:
            backward = self.rng.random() < 0.3
            self.log.append("Maj+Tab" if backward else "Tab")
            self.key(Qt.Key.Key_Backtab if backward else Qt.Key.Key_Tab,
                     Qt.KeyboardModifier.ShiftModifier if backward else NO)
        elif roll < 0.45:
            targets = self.targets()
            if targets:
                target = self.rng.choice(targets)
                self.log.append(f"click {type(target).__name__} {target.accessibleName() or target.objectName()}")
                self.click(target)
        elif roll < 0.62:
            key = self.rng.choice(KEYS)
            if key in PRESSING and self._avoided(focus):
                key = Qt.Key.Key_Tab
            self.log.append(f"key {key.name} on {type(focus).__name__} {focus.accessibleName()}")
            self.key(key)
        elif roll < 0.74:
            word = self.rng.choice(self.words + [self.rng.choice(string.ascii_lowercase)])
            if word == " " and self._avoided(focus):
                word = "a"
            self.log.append(f"type {word!r} into {type(focus).__name__} {focus.accessibleName()}")
            QTest.keyClicks(focus, word)
        elif roll < 0.82:
            self.open_popup()
        elif roll < 0.825:
            if self.save_button is not None and self.save_button.isVisible() and self.save_button.isEnabled():
                self.log.append(f"click {self.save_button.text()}")
                self.click(self.save_button)
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
            bars = [b for b in self.dialog.findChildren(QTabBar) if b.isVisible() and b.isEnabled()]
            if bars:
                bar = self.rng.choice(bars)
                index = self.rng.randrange(bar.count())
                self.log.append(f"tab {bar.tabText(index)}")
                self.click(bar, bar.tabRect(index).center())

    def open_popup(self) -> None:
        candidates = [w for w in self.targets() if isinstance(w, (QComboBox, DateField))
                      or (isinstance(w, QDateTimeEdit) and w.calendarPopup())]
        if not candidates:
            return
        target = self.rng.choice(candidates)
        self.popups += 1
        self.log.append(f"open the popup of {type(target).__name__} {target.accessibleName()}")
        if isinstance(target, QComboBox):
            self.click(target)
        elif isinstance(target, DateField):
            self.click(target.button, target.button.rect().center())  # its calendar button
        else:
            self.click(target, QPoint(target.width() - 8, target.height() // 2))  # its arrow

    def close_popups(self) -> None:
        while QApplication.activePopupWidget() is not None:
            self.key(Qt.Key.Key_Escape, target=QApplication.focusWidget())

    def trail(self) -> str:
        return "\n".join(self.log[-25:])

    def run(self, count: int) -> int:
        """Up to `count` actions; fewer when the dialog closes. Returns how many were done."""
        for number in range(count):
            try:
                self.step()
            except Exception as error:  # the actions that led there, for the report
                raise AssertionError(f"action {number}: {error}\nlast actions:\n{self.trail()}") from error
            if not self.dialog.isVisible():
                return number + 1
        return count
