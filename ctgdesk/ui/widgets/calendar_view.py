"""A month calendar of meetings, drawn with QPainter.

`MeetingCalendar` = a navigation bar (mois précédent / suivant, aujourd'hui) over a
`MonthGrid` of six weeks from Monday. Each day lists its meetings ("14:00 Comité de
pilotage"), coloured by status (prévue, tenue, annulée). Double-click a meeting to open it,
an empty part of a day to plan one that day; arrows move the day, Page up / Page down the month.
The page feeds it: `set_meetings(rows)` with services.meetings.MeetingRow objects for the
month shown, after each `month_changed(year, month)`.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Sequence

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QHelpEvent, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from ctgdesk.formatting import MONTHS, long_date
from ctgdesk.models import InstanceKind, MeetingStatus
from ctgdesk.services.meetings import MeetingRow
from ctgdesk.ui.widgets import style

WEEKDAYS = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."]
STATUS_COLORS = {
    MeetingStatus.PLANNED: QColor(style.ACCENT),
    MeetingStatus.HELD: QColor(style.SUCCESS),
    MeetingStatus.CANCELLED: QColor(style.MUTED),
}
HEADER_HEIGHT = 22
CHIP_SPACING = 2


def month_title(year: int, month: int) -> str:
    """ "Juin 2026" """
    return f"{MONTHS[month - 1].capitalize()} {year}"


def first_shown_day(year: int, month: int) -> date:
    """The Monday on or before the 1st of the month: the grid's top-left day."""
    first = date(year, month, 1)
    return first - timedelta(days=first.weekday())


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


# Kinds whose label says which meeting it is ("COPIL"); others are named by their instance.
SHORT_KINDS = {InstanceKind.COPIL, InstanceKind.COTECH, InstanceKind.COMITE_OPERATIONNEL, InstanceKind.GROUPE_PROJET,
               InstanceKind.GROUPE_ELUS}


def chip_label(row: MeetingRow) -> str:
    """ "14:00 COPIL", "09:30 Groupe thématique Petite enfance" """
    name = row.kind.label if row.kind in SHORT_KINDS else row.instance
    return f"{row.starts_at:%H:%M} {name}"


def meeting_tooltip(row: MeetingRow) -> str:
    parts = [f"{row.starts_at:%H:%M} {row.instance}"]
    if row.title and row.title != row.instance:
        parts.append(row.title)
    if row.place:
        parts.append(row.place)
    parts.append(row.status.label)
    return " — ".join(parts)


@dataclass(frozen=True)
class _Chip:
    meeting_id: int
    rect: QRect


class MonthGrid(QWidget):
    """Six weeks of seven days; each day shows its meetings."""

    meeting_activated = Signal(int)
    day_activated = Signal(object)  # date
    selection_changed = Signal()
    month_requested = Signal(int, int)  # the keyboard went past the month shown

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.year, self.month = date.today().year, date.today().month
        self.today = date.today()
        self.selected_day: date = date(self.year, self.month, 1)
        self.selected_meeting: int | None = None
        self._rows: list[MeetingRow] = []
        self._by_day: dict[date, list[MeetingRow]] = {}
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Calendrier des réunions")

    def sizeHint(self) -> QSize:
        return QSize(840, 560)

    def minimumSizeHint(self) -> QSize:
        return QSize(420, 300)

    # --- data ----------------------------------------------------------------------------
    def set_month(self, year: int, month: int) -> None:
        self.year, self.month = year, month
        if (self.selected_day.year, self.selected_day.month) != (year, month):
            self.selected_day = date(year, month, min(self.selected_day.day, calendar.monthrange(year, month)[1]))
            self.selected_meeting = None
        self.update()

    def set_meetings(self, rows: Sequence[MeetingRow]) -> None:
        self._rows = sorted(rows, key=lambda r: (r.starts_at, r.instance))
        by_day: dict[date, list[MeetingRow]] = defaultdict(list)
        for row in self._rows:
            by_day[row.starts_at.date()].append(row)
        self._by_day = dict(by_day)
        if self.selected_meeting is not None and all(r.id != self.selected_meeting for r in self._rows):
            self.selected_meeting = None
        self.update()

    def meetings_on(self, day: date) -> list[MeetingRow]:
        return list(self._by_day.get(day, []))

    def days(self) -> list[date]:
        start = first_shown_day(self.year, self.month)
        return [start + timedelta(days=n) for n in range(42)]

    # --- geometry --------------------------------------------------------------------------
    def _cell_size(self) -> tuple[float, float]:
        return self.width() / 7, (self.height() - HEADER_HEIGHT) / 6

    def day_rect(self, day: date) -> QRect:
        index = (day - first_shown_day(self.year, self.month)).days
        if not 0 <= index < 42:
            return QRect()
        width, height = self._cell_size()
        column, row = index % 7, index // 7
        left, top = round(column * width), HEADER_HEIGHT + round(row * height)
        return QRect(left, top, round((column + 1) * width) - left, HEADER_HEIGHT + round((row + 1) * height) - top)

    def day_at(self, point: QPoint) -> date | None:
        if point.y() < HEADER_HEIGHT:
            return None
        width, height = self._cell_size()
        column = min(6, max(0, int(point.x() // width)))
        row = min(5, max(0, int((point.y() - HEADER_HEIGHT) // height)))
        return first_shown_day(self.year, self.month) + timedelta(days=row * 7 + column)

    def _line_height(self) -> int:
        return QFontMetrics(self.font()).height() + 2

    def _chips(self, day: date) -> tuple[list[_Chip], int]:
        """Where each meeting of the day is drawn, and how many did not fit."""
        rect = self.day_rect(day)
        line = self._line_height()
        top = rect.top() + line + 2
        available = max(0, (rect.bottom() - 2 - top) // (line + CHIP_SPACING))
        rows = self._by_day.get(day, [])
        shown = rows if len(rows) <= available else rows[: max(0, available - 1)]
        chips = [
            _Chip(r.id, QRect(rect.left() + 3, top + n * (line + CHIP_SPACING), rect.width() - 6, line))
            for n, r in enumerate(shown)
        ]
        return chips, len(rows) - len(shown)

    def chip_rect(self, meeting_id: int) -> QRect:
        """Where a meeting is drawn (an empty rect if it is not in the month shown or hidden)."""
        for day, rows in self._by_day.items():
            if any(r.id == meeting_id for r in rows):
                for chip in self._chips(day)[0]:
                    if chip.meeting_id == meeting_id:
                        return chip.rect
        return QRect()

    def meeting_at(self, point: QPoint) -> int | None:
        day = self.day_at(point)
        if day is None:
            return None
        return next((c.meeting_id for c in self._chips(day)[0] if c.rect.contains(point)), None)

    # --- painting --------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        grid = palette.color(QPalette.ColorRole.Mid)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        painter.fillRect(self.rect(), base)

        width, _height = self._cell_size()
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text)
        for column, name in enumerate(WEEKDAYS):
            painter.drawText(QRect(round(column * width), 0, round(width), HEADER_HEIGHT),
                             Qt.AlignmentFlag.AlignCenter, name)
        painter.setFont(self.font())
        metrics = QFontMetrics(self.font())
        line = self._line_height()
        for day in self.days():
            rect = self.day_rect(day)
            in_month = day.month == self.month
            if day.weekday() >= 5 or not in_month:
                painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
            painter.setPen(QPen(grid, 1))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
            number_rect = QRect(rect.left() + 4, rect.top() + 1, rect.width() - 8, line)
            if day == self.today:
                painter.setFont(bold)
                painter.setPen(highlight)
                painter.drawText(number_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                 f"{day.day} · aujourd'hui")
                painter.setFont(self.font())
            else:
                painter.setPen(text if in_month else muted)
                painter.drawText(number_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                 str(day.day))
            chips, hidden = self._chips(day)
            rows = {r.id: r for r in self._by_day.get(day, [])}
            for chip in chips:
                row = rows[chip.meeting_id]
                color = STATUS_COLORS.get(row.status, muted)
                fill = QColor(color)
                fill.setAlpha(255 if chip.meeting_id == self.selected_meeting else 38)
                painter.fillRect(chip.rect, fill)
                painter.fillRect(QRect(chip.rect.left(), chip.rect.top(), 3, chip.rect.height()), color)
                label = chip_label(row)
                font = QFont(self.font())
                font.setStrikeOut(row.status is MeetingStatus.CANCELLED)
                painter.setFont(font)
                painter.setPen(base if chip.meeting_id == self.selected_meeting else text)
                painter.drawText(chip.rect.adjusted(6, 0, -2, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                 metrics.elidedText(label, Qt.TextElideMode.ElideRight, chip.rect.width() - 8))
                painter.setFont(self.font())
            if hidden:
                painter.setPen(muted)
                painter.drawText(QRect(rect.left() + 4, rect.bottom() - line - 1, rect.width() - 8, line),
                                 Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                                 f"+ {hidden} autre{'s' if hidden > 1 else ''}")
            if day == self.selected_day:
                pen = QPen(highlight, 2 if self.hasFocus() else 1)
                painter.setPen(pen)
                painter.drawRect(rect.adjusted(1, 1, -2, -2))
        painter.end()

    # --- interaction -------------------------------------------------------------------------
    def select(self, day: date, meeting_id: int | None = None) -> None:
        if (day.year, day.month) != (self.year, self.month):
            self.selected_day = day
            self.selected_meeting = meeting_id
            self.month_requested.emit(day.year, day.month)
        else:
            self.selected_day = day
            self.selected_meeting = meeting_id
        self.update()
        self.selection_changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        day = self.day_at(event.position().toPoint())
        if day is not None:
            self.select(day, self.meeting_at(event.position().toPoint()))
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        day = self.day_at(point)
        if day is None:
            return
        meeting_id = self.meeting_at(point)
        if meeting_id is not None:
            self.meeting_activated.emit(meeting_id)
        else:
            self.day_activated.emit(day)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        moves = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Up: -7, Qt.Key.Key_Down: 7}
        key = event.key()
        if key in moves:
            day = self.selected_day + timedelta(days=moves[key])
            first = self.meetings_on(day)
            self.select(day, first[0].id if first else None)
            return
        if key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            year, month = shift_month(self.year, self.month, -1 if key == Qt.Key.Key_PageUp else 1)
            self.select(date(year, month, min(self.selected_day.day, calendar.monthrange(year, month)[1])))
            return
        if key == Qt.Key.Key_Tab and self.meetings_on(self.selected_day) and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            ids = [r.id for r in self.meetings_on(self.selected_day)]
            position = ids.index(self.selected_meeting) + 1 if self.selected_meeting in ids else 0
            if position < len(ids):
                self.select(self.selected_day, ids[position])
                return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            rows = self.meetings_on(self.selected_day)
            if self.selected_meeting is not None:
                self.meeting_activated.emit(self.selected_meeting)
            elif rows:
                self.meeting_activated.emit(rows[0].id)
            else:
                self.day_activated.emit(self.selected_day)
            return
        super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            help_event: QHelpEvent = event  # type: ignore[assignment]
            day = self.day_at(help_event.pos())
            if day is None:
                QToolTip.hideText()
                return True
            rows = self.meetings_on(day)
            lines = [long_date(day)] + [meeting_tooltip(r) for r in rows]
            QToolTip.showText(help_event.globalPos(), "\n".join(lines), self)
            return True
        return super().event(event)

    def focusInEvent(self, event) -> None:
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:
        self.update()
        super().focusOutEvent(event)


class MeetingCalendar(QWidget):
    """The month grid with its navigation bar."""

    month_changed = Signal(int, int)
    meeting_activated = Signal(int)
    day_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.grid = MonthGrid()
        self.previous_button = QPushButton("◀ Mois précédent")
        self.next_button = QPushButton("Mois suivant ▶")
        self.today_button = QPushButton("Aujourd'hui")
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.legend = QLabel(" ".join(
            f'<span style="color:{STATUS_COLORS[s].name()}">■</span> {s.label}' for s in MeetingStatus))
        self.previous_button.setToolTip("Mois précédent (Page précédente)")
        self.next_button.setToolTip("Mois suivant (Page suivante)")
        self.previous_button.clicked.connect(lambda: self.go(-1))
        self.next_button.clicked.connect(lambda: self.go(1))
        self.today_button.clicked.connect(self.go_today)
        self.grid.month_requested.connect(self.set_month)
        self.grid.meeting_activated.connect(self.meeting_activated)
        self.grid.day_activated.connect(self.day_activated)
        bar = QHBoxLayout()
        bar.addWidget(self.previous_button)
        bar.addWidget(self.today_button)
        bar.addWidget(self.title, 1)
        bar.addWidget(self.legend)
        bar.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.grid, 1)
        self.set_month(self.grid.year, self.grid.month)

    @property
    def year(self) -> int:
        return self.grid.year

    @property
    def month(self) -> int:
        return self.grid.month

    def set_today(self, today: date) -> None:
        self.grid.today = today
        self.grid.update()

    def set_month(self, year: int, month: int) -> None:
        changed = (year, month) != (self.grid.year, self.grid.month)
        self.grid.set_month(year, month)
        self.title.setText(month_title(year, month))
        if changed:
            self.month_changed.emit(year, month)

    def go(self, delta: int) -> None:
        self.set_month(*shift_month(self.grid.year, self.grid.month, delta))

    def go_today(self) -> None:
        today = self.grid.today
        self.set_month(today.year, today.month)
        self.grid.select(today)

    def set_meetings(self, rows: Sequence[MeetingRow]) -> None:
        self.grid.set_meetings(rows)

    def selected_meeting(self) -> int | None:
        return self.grid.selected_meeting

    def select_meeting(self, row: MeetingRow) -> None:
        self.set_month(row.starts_at.year, row.starts_at.month)
        self.grid.select(row.starts_at.date(), row.id)
