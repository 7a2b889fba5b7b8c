"""A dashboard card's detail turns red and bold when it calls for attention, and back."""

from __future__ import annotations

from PySide6.QtGui import QColor

from ctgdesk.ui.widgets import style
from ctgdesk.ui.widgets.cards import StatCard


def has_red_text(label) -> bool:
    image = label.grab().toImage()
    danger = QColor(style.DANGER)
    return any(
        abs(image.pixelColor(x, y).red() - danger.red()) < 40 and image.pixelColor(x, y).green() < 120
        for x in range(image.width()) for y in range(image.height())
    )


def test_alert_detail_is_red_then_plain_again(qtbot, qapp):
    qapp.setStyleSheet(style.STYLE_SHEET)
    try:
        card = StatCard("Décisions ouvertes")
        qtbot.addWidget(card)
        card.resize(220, 110)
        card.show()
        card.set("12", "dont 3 en retard", alert=True)
        assert card.detail.property("alert") is True and has_red_text(card.detail)
        card.set("12", "aucune en retard", alert=False)
        assert card.detail.property("alert") is False and not has_red_text(card.detail)
        card.set("12", "dont 1 en retard", alert=True)
        assert has_red_text(card.detail)
    finally:
        qapp.setStyleSheet("")
