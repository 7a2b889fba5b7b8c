"""The look of the application: Fusion with a light palette, and a small style sheet."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

ACCENT = "#2f6fb0"
TEXT = "#1f2933"
MUTED = "#5b6b7c"
DANGER = "#b3261e"
WARNING = "#8a5c00"  # 4,5:1 on the pending cells' yellow too (tests/ui/test_accessibility.py)
SUCCESS = "#1e7a3c"
WINDOW = "#f4f6f9"
BORDER = "#d8dee6"
PENDING_BACKGROUND = "#fff4d6"
SELECTION = "#cfe0f3"  # a selected line in a table or a tree: light, the text stays dark
SIDEBAR = "#1f2d3d"
PLACEHOLDER = "#687685"  # lighter than typed text, still 4,5:1 on white (RGAA 3.2)
FOCUS = ACCENT  # the frame around the field that has the keyboard focus
# Every colour given to text on white, on a table's alternate line or on a pending cell: each
# reaches 4,5:1 there (tests/ui/test_accessibility.py). What a colour means is also in words.
TEXT_COLOURS = ("TEXT", "MUTED", "DANGER", "WARNING", "SUCCESS", "ACCENT")

# A card's detail that calls for attention. Set on the label itself (cards.StatCard.set): a
# dynamic-property rule would need style().unpolish/polish, which builds PySide's QStyle type
# on the start path (bench/run).
ALERT_DETAIL = f"color: {DANGER}; font-weight: 600;"

STYLE_SHEET = f"""
QWidget#sidebar {{ background: {SIDEBAR}; }}
QLabel#appName {{ color: white; font-size: 15pt; font-weight: 600; }}
QLabel#appTagline {{ color: #9fb0c2; font-size: 8.5pt; }}
QListWidget#navigation {{
    background: transparent; border: none; color: #dfe6ee; outline: 0; font-size: 10pt;
}}
QListWidget#navigation::item {{ padding: 7px 10px; margin: 1px 8px; border-radius: 6px; }}
QListWidget#navigation::item:selected {{ background: {ACCENT}; color: white; }}
QListWidget#navigation::item:hover:!selected {{ background: #2a3d52; }}
QListWidget#navigation:focus {{ border: 2px solid #8fc1f5; border-radius: 6px; }}
QLabel#pageTitle {{ font-size: 16pt; font-weight: 600; color: {TEXT}; }}
QLabel#pageSubtitle {{ color: {MUTED}; }}
QLabel#sectionTitle {{ font-size: 11pt; font-weight: 600; color: {TEXT}; }}
QFrame#card {{ background: white; border: 1px solid {BORDER}; border-radius: 8px; }}
QLabel#cardTitle {{ color: {MUTED}; font-weight: 600; }}
QLabel#cardValue {{ font-size: 18pt; font-weight: 600; color: {TEXT}; }}
QLabel#cardDetail {{ color: {MUTED}; }}
QLabel#fieldError, QLabel#formError {{ color: {DANGER}; }}
QLabel#banner {{
    background: #fdecea; color: {DANGER}; border: 1px solid #f3c2bd; border-radius: 6px; padding: 6px 10px;
}}
QLabel#hint {{ color: {MUTED}; }}
*[invalid="true"] {{ border: 1px solid {DANGER}; border-radius: 3px; }}
QHeaderView::section {{
    font-weight: 600; background: #eef2f6; color: {TEXT}; padding: 4px 6px;
    border: none; border-right: 1px solid #dde3ea; border-bottom: 1px solid {BORDER};
}}
QTreeView {{ background: white; alternate-background-color: #f7f9fb; border: 1px solid {BORDER};
    selection-background-color: {SELECTION}; selection-color: {TEXT}; }}
QTreeView::item {{ padding: 3px 0; }}
QTabWidget::pane {{ border: none; }}
QStatusBar {{ background: #e9edf2; }}
QToolBar {{ spacing: 6px; padding: 3px; }}
"""


STYLE_NAME = "Fusion"
# QApplication arguments choosing the style: Qt then makes it in C++. Asked for from Python
# (QStyleFactory.create, app.style()), it makes PySide6 build its QStyle type — hundreds of
# enums, ≈8 ms before the first frame (bench/run). ctgdesk.ui.app.create_application uses them.
STYLE_ARGUMENTS = ["-style", STYLE_NAME]


def apply_style(app: QApplication, *, style_from_arguments: bool = False) -> None:
    """Fusion, a light palette and the style sheet. `style_from_arguments`: the application
    was created with STYLE_ARGUMENTS, so Fusion is its style already."""
    if not style_from_arguments:
        app.setStyle(QStyleFactory.create(STYLE_NAME))
    app.setPalette(_palette(ACCENT, "#ffffff"))
    # Tables: colours by palette, not by style sheet. A QTableView rule sends the painting of
    # every cell through the style sheet engine: 15–25 ms a paint for 20 lines of the bilan,
    # against 1 ms (bench/run) — and a table repaints at every scroll.
    app.setPalette(light_selection_palette(), "QTableView")
    app.setStyleSheet(STYLE_SHEET)


def light_selection_palette() -> QPalette:
    """Tables and lists: the selected line light, its text dark."""
    return _palette(SELECTION, TEXT)


def _palette(highlight: str, highlighted_text: str) -> QPalette:
    """The light palette. (Built afresh, not copied: QPalette's copy constructor makes PySide
    build its whole `Qt` namespace, which the first frame does without — ui/lazy_qt.py.)"""
    palette = QPalette()
    for role, color in (
        (QPalette.ColorRole.Window, WINDOW), (QPalette.ColorRole.Base, "#ffffff"),
        (QPalette.ColorRole.AlternateBase, "#f7f9fb"), (QPalette.ColorRole.Text, TEXT),
        (QPalette.ColorRole.WindowText, TEXT), (QPalette.ColorRole.Button, "#eef1f5"),
        (QPalette.ColorRole.ButtonText, TEXT), (QPalette.ColorRole.Highlight, highlight),
        (QPalette.ColorRole.HighlightedText, highlighted_text), (QPalette.ColorRole.ToolTipBase, "#ffffff"),
        (QPalette.ColorRole.ToolTipText, TEXT), (QPalette.ColorRole.PlaceholderText, PLACEHOLDER),
        (QPalette.ColorRole.Link, ACCENT),
    ):
        palette.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#9aa5b1"))
    return palette
