"""A small horizontal bar chart drawn with QPainter (QtCharts is deprecated since Qt 6.10)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    color: str


class BarChart(QWidget):
    BAR_HEIGHT = 20
    GAP = 8

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._bars: list[Bar] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    def set_bars(self, bars: list[Bar]) -> None:
        self._bars = list(bars)
        self.setToolTip("\n".join(f"{b.label} : {b.value}" for b in self._bars))
        self.setAccessibleDescription(self.toolTip())
        self.updateGeometry()
        self.update()

    def bars(self) -> list[Bar]:
        return list(self._bars)

    def sizeHint(self) -> QSize:
        rows = max(len(self._bars), 1)
        return QSize(320, rows * self.BAR_HEIGHT + (rows - 1) * self.GAP + 4)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.sizeHint().height())

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = self.fontMetrics()
        text_color = self.palette().color(QPalette.ColorRole.WindowText)
        if not self._bars:
            painter.setPen(text_color)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Aucune donnée")
            return
        label_width = max(metrics.horizontalAdvance(b.label) for b in self._bars) + 12
        largest = max((b.value for b in self._bars), default=0) or 1
        value_width = metrics.horizontalAdvance(str(largest)) + 10
        track = max(self.width() - label_width - value_width, 10)
        y = 2.0
        for bar in self._bars:
            row = QRectF(0, y, self.width(), self.BAR_HEIGHT)
            painter.setPen(text_color)
            painter.drawText(QRectF(0, y, label_width - 8, self.BAR_HEIGHT),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, bar.label)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#e9edf2"))
            painter.drawRoundedRect(QRectF(label_width, y + 2, track, self.BAR_HEIGHT - 4), 4, 4)
            if bar.value:
                painter.setBrush(QColor(bar.color))
                length = max(track * bar.value / largest, 6)
                painter.drawRoundedRect(QRectF(label_width, y + 2, length, self.BAR_HEIGHT - 4), 4, 4)
            painter.setPen(text_color)
            painter.drawText(QRectF(label_width + track + 6, y, value_width, self.BAR_HEIGHT),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, str(bar.value))
            y = row.bottom() + self.GAP
        painter.end()
