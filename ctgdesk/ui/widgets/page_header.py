"""The top of a page: its title, a line saying what it shows, and its main buttons."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from ctgdesk.ui.widgets import icons


class PageHeader(QWidget):
    def __init__(self, title: str, subtitle: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.title = QLabel(title, self)
        self.title.setObjectName("pageTitle")
        self.subtitle = QLabel(subtitle, self)
        self.subtitle.setObjectName("pageSubtitle")
        self.subtitle.setWordWrap(True)
        # The title shares its row with the buttons; the subtitle has the full width below,
        # so a long subtitle wraps instead of sliding under the buttons.
        self.actions_layout = QHBoxLayout()
        self.actions_layout.setSpacing(6)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addLayout(self.actions_layout)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.subtitle)

    def set_subtitle(self, text: str) -> None:
        self.subtitle.setText(text)

    def add_action_button(self, action: QAction) -> QToolButton:
        return add_action_button(self.actions_layout, action, self)


def action_button(action: QAction, parent: QWidget | None = None) -> QToolButton:
    """A button showing an action's icon and text (its shortcut in the tooltip)."""
    button = QToolButton(parent)
    button.setDefaultAction(action)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    button.setAutoRaise(False)
    shortcut = action.shortcut().toString(action.shortcut().SequenceFormat.NativeText)
    if shortcut:
        action.setToolTip(f"{action.text().replace('&', '')} ({shortcut})")
    return button


def add_action_button(layout: QHBoxLayout, action: QAction, parent: QWidget | None = None) -> QToolButton:
    button = action_button(action, parent)
    layout.addWidget(button)
    return button


def page_action(
    page: QWidget, text: str, icon_name: str, slot: Callable[[], None], *,
    shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None, hint: str | None = None,
) -> QAction:
    """An action of a page; its shortcut works while the page is shown (hidden pages' do not)."""
    action = QAction(text, page)
    icons.set_icon(action.setIcon, icon_name, color="#34495e")
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(lambda _checked=False: slot())
    page.addAction(action)
    if hint:
        action.setToolTip(f"{text} ({hint})")
    return action
