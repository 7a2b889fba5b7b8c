"""Windows and dialogs that fit the screen they open on (a 1366×768 laptop included).

- `window_geometry(saved, available)`: where the main window opens — the saved place when it
  still fits the screen, else the whole available area (the status bar stays on screen).
- `resize_to_screen(dialog, width, height)`: the size wanted, or less on a small screen.
- `scrolling_tabs(tabs)`: each page of a QTabWidget in a QScrollArea, so that a long form
  scrolls instead of being cut (the dialog's buttons stay below, always visible).
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QFrame, QScrollArea, QTabWidget, QWidget

DIALOG_MARGIN_W, DIALOG_MARGIN_H = 40, 80  # room left around a dialog (its frame, the task bar)


def window_geometry(saved: QRect | None, available: QRect) -> QRect:
    """The saved geometry if it lies wholly on the available area, else that area."""
    if saved is not None and saved.isValid() and available.contains(saved):
        return QRect(saved)
    return QRect(available)


def available_area(widget: QWidget) -> QRect | None:
    screen = widget.screen()
    if screen is None:
        parent = widget.parentWidget()
        screen = parent.screen() if parent is not None else None
    return screen.availableGeometry() if screen is not None else None


def fitted_size(width: int, height: int, available: QRect | None) -> tuple[int, int]:
    if available is None:
        return width, height
    return (min(width, available.width() - DIALOG_MARGIN_W), min(height, available.height() - DIALOG_MARGIN_H))


def resize_to_screen(widget: QWidget, width: int, height: int) -> None:
    """`widget.resize(width, height)`, smaller when the screen is."""
    widget.resize(*fitted_size(width, height, available_area(widget)))


def scrolling(body: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(body)
    return area


def scrolling_tabs(tabs: QTabWidget) -> None:
    """Every page of `tabs` inside a scroll area (same index, same title)."""
    for index in range(tabs.count()):
        page = tabs.widget(index)
        if isinstance(page, QScrollArea):
            continue
        title, icon, tip = tabs.tabText(index), tabs.tabIcon(index), tabs.tabToolTip(index)
        tabs.removeTab(index)
        tabs.insertTab(index, scrolling(page), icon, title)
        tabs.setTabToolTip(index, tip)
