"""The application's look: tables take their colours from a palette (no style sheet rule:
it made every cell paint through the style sheet engine)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QPushButton, QTableView

from ctgdesk.ui.widgets import style


def test_tables_select_in_light_blue_with_dark_text_buttons_keep_the_accent(qapp, qtbot):
    palette, style_name = qapp.palette(), qapp.style().name()
    try:
        style.apply_style(qapp)
        table, button = QTableView(), QPushButton("Exporter…")
        qtbot.addWidget(table)
        qtbot.addWidget(button)
        for widget in (table, button):
            widget.show()
            qtbot.waitExposed(widget)
        assert table.palette().color(QPalette.ColorRole.Highlight) == QColor(style.SELECTION)
        assert table.palette().color(QPalette.ColorRole.HighlightedText) == QColor(style.TEXT)
        assert table.palette().color(QPalette.ColorRole.AlternateBase) == QColor("#f7f9fb")
        assert button.palette().color(QPalette.ColorRole.Highlight) == QColor(style.ACCENT)
        assert "QTableView" not in style.STYLE_SHEET.replace("QTableView::", "")
    finally:
        qapp.setStyleSheet("")
        qapp.setPalette(palette)
        qapp.setStyle(style_name)
