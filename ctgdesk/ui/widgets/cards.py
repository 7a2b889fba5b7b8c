"""Dashboard cards: a title, a big figure, a line of detail (red when it needs attention)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ctgdesk.ui.widgets import icons, style


class StatCard(QFrame):
    def __init__(self, title: str, icon_name: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.title = QLabel(title, self)
        self.title.setObjectName("cardTitle")
        self.value = QLabel("—", self)
        self.value.setObjectName("cardValue")
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail = QLabel("", self)
        self.detail.setObjectName("cardDetail")
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.detail.setMinimumHeight(2 * self.detail.fontMetrics().lineSpacing() + 2)
        heading = QHBoxLayout()
        heading.setSpacing(6)
        if icon_name:
            icon = QLabel(self)
            icons.set_pixmap(icon, icon_name, color="#5b6b7c")
            heading.addWidget(icon)
        heading.addWidget(self.title, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 10)
        layout.setSpacing(2)
        layout.addLayout(heading)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)

    def set(self, value: str, detail: str = "", *, alert: bool = False) -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        if bool(self.detail.property("alert")) != alert:
            self.detail.setProperty("alert", alert)
            self.detail.setStyleSheet(style.ALERT_DETAIL if alert else "")
