"""A cell too narrow for its text shows it whole in a tooltip ("Commission d'admission pe…").

    view.setItemDelegate(ElidedToolTipDelegate(view))

Cells with a tooltip of their own keep it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QStyledItemDelegate, QToolTip

CELL_PADDING = 12  # the style's margins around a cell's text


def is_elided(text: str, available_width: int, font_metrics) -> bool:
    return font_metrics.horizontalAdvance(text) + CELL_PADDING > available_width


class ElidedToolTipDelegate(QStyledItemDelegate):
    def helpEvent(self, event, view, option, index) -> bool:
        if event is not None and event.type() == QEvent.Type.ToolTip and index.isValid() \
                and not index.data(Qt.ItemDataRole.ToolTipRole):
            text = index.data(Qt.ItemDataRole.DisplayRole)
            if text is not None and str(text) and is_elided(str(text), option.rect.width(), option.fontMetrics):
                QToolTip.showText(event.globalPos(), str(text), view)
                return True
        return super().helpEvent(event, view, option, index)
