"""The one editable line table of the app (décisions, alertes, expertises, étapes, financements…).

One row of cell widgets per line, laid out in a grid under a header row, inside a scroll area.
`make_line(values) -> Line` builds the cell widgets of one line; the table owns them.

Keyboard: Tab walks the cells line by line, then « Ajouter » and « Retirer la ligne »;
Entrée goes to the next cell, and on the last cell of the last line adds a line and focuses
its first cell; Suppr on a line whose text cells are empty removes it. The current line is the
one holding focus (kept when focus goes to the buttons), drawn with a frame.

Why not a QTableWidget with cell widgets: such a view moves focus to the cell widget of its
current index, and its own event filter moves the current index to the cell widget that gets
focus; selecting a row from a cell's FocusIn fought that and recursed until the stack
overflowed (the segmentation fault of the meeting form). Here the current line is only
*recorded* from QApplication.focusChanged, after focus has moved; nothing changes focus or
selection from inside a focus event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRect, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)


@dataclass
class Line:
    """One line of a LinesTable: its cell widgets by column name, and data kept as is."""

    widgets: dict[str, QWidget]
    payload: dict[str, Any] = field(default_factory=dict)


class _Grid(QWidget):
    """The cells' grid; paints a frame around the current line."""

    def __init__(self, owner: "LinesTable"):
        super().__init__()
        self.owner = owner

    def paintEvent(self, event) -> None:
        rect = self.owner._line_rect(self.owner.current_index())
        if rect is None:
            return
        painter = QPainter(self)
        color = self.palette().color(QPalette.ColorRole.Highlight)
        fill = color.lighter(190)
        fill.setAlpha(90)
        painter.setPen(QPen(color, 2))
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 4, 4)
        painter.end()


class LinesTable(QWidget):
    """A small table of editable lines with « Ajouter » / « Retirer la ligne » buttons.

    `columns` is [(name, header)]; `make_line(values)` builds one line's widgets from a dict
    of values (empty for a new line). `lines()` gives the lines back in order.
    """

    changed = Signal()
    MARGIN = 3

    def __init__(self, columns: Sequence[tuple[str, str]], make_line: Callable[[dict], Line], *,
                 add_label: str = "Ajouter une ligne", stretch: str | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.column_names = [name for name, _ in columns]
        self.headers = dict(columns)
        self.make_line = make_line
        self._lines: list[Line] = []
        self._current = -1

        self.add_button = QPushButton(add_label)
        self.remove_button = QPushButton("Retirer la ligne")
        self.remove_button.setToolTip("Retire la ligne en cours (celle encadrée)")
        self.add_button.clicked.connect(lambda: self.add_line({}, focus=True))
        self.remove_button.clicked.connect(self.remove_current)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)

        self.grid_widget = _Grid(self)
        self.grid = QGridLayout(self.grid_widget)
        self.grid.setContentsMargins(self.MARGIN * 2, self.MARGIN, self.MARGIN * 2, self.MARGIN)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(self.MARGIN * 2)
        for column, (name, header) in enumerate(columns):
            label = QLabel(f"<b>{header}</b>")
            self.grid.addWidget(label, 0, column)
            self.grid.setColumnStretch(column, 1 if name == stretch else 0)
        if stretch is None:
            self.grid.setColumnStretch(len(columns) - 1, 1)
        self.empty_label = QLabel("Aucune ligne : « " + add_label + " » en ajoute une.")
        self.empty_label.setObjectName("hint")
        self.grid.addWidget(self.empty_label, 1, 0, 1, len(columns))

        inner = QWidget()
        box = QVBoxLayout(inner)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.grid_widget)
        box.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(inner)
        self.scroll.setFrameShape(QFrame.Shape.StyledPanel)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.scroll, 1)

        QApplication.instance().focusChanged.connect(self._focus_changed)
        self._update_buttons()

    # --- lines -----------------------------------------------------------------------------
    def add_line(self, values: dict, *, focus: bool = False) -> Line:
        line = self.make_line(values)
        self._lines.append(line)
        row = len(self._lines)
        for column, name in enumerate(self.column_names):
            widget = line.widgets.get(name)
            if widget is not None:
                self.grid.addWidget(widget, row, column)
                widget.show()  # now, not at the next layout pass: focus can go there at once
                widget.installEventFilter(self)
        self._renumber()
        if focus:
            self.focus_line(len(self._lines) - 1)
        self.changed.emit()
        return line

    def remove_line(self, index: int) -> None:
        """Remove line `index`; focus goes to the same column of the line that takes its place."""
        if not 0 <= index < len(self._lines):
            return
        line = self._lines[index]
        focused = QApplication.focusWidget()
        column = next((name for name, w in line.widgets.items()
                       if focused is not None and (w is focused or w.isAncestorOf(focused))), None)
        del self._lines[index]
        for widget in line.widgets.values():
            widget.removeEventFilter(self)
            self.grid.removeWidget(widget)
            widget.hide()
            widget.deleteLater()  # not now: we may be inside one of its events
        for row, other in enumerate(self._lines[index:], start=index + 1):
            for column_index, name in enumerate(self.column_names):
                widget = other.widgets.get(name)
                if widget is not None:
                    self.grid.removeWidget(widget)
                    self.grid.addWidget(widget, row, column_index)
        self._current = min(index, len(self._lines) - 1)
        self._renumber()
        if column is not None or focused in (self.remove_button, None):
            if self._lines:
                self.focus_line(self._current, column)
            else:
                self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.grid_widget.update()
        self.changed.emit()

    def remove_current(self) -> None:
        """Remove the current line (the one holding focus, or the last one worked in)."""
        index = self._current if 0 <= self._current < len(self._lines) else len(self._lines) - 1
        self.remove_line(index)

    def lines(self) -> list[Line]:
        return list(self._lines)

    def count(self) -> int:
        return len(self._lines)

    def current_index(self) -> int:
        return self._current if 0 <= self._current < len(self._lines) else -1

    def cells(self, index: int) -> list[QWidget]:
        """Line `index`'s widgets in column order."""
        widgets = self._lines[index].widgets
        return [widgets[name] for name in self.column_names if name in widgets]

    def focus_line(self, index: int, column: str | None = None) -> None:
        if not 0 <= index < len(self._lines):
            return
        widgets = self._lines[index].widgets
        target = widgets.get(column) if column else None
        target = target or self.cells(index)[0]
        self._current = index
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        self.scroll.ensureWidgetVisible(target)
        self.grid_widget.update()

    def focus_first(self) -> None:
        """Focus for an error about these lines: the current line, else the first, else « Ajouter »."""
        if self._lines:
            self.focus_line(max(self.current_index(), 0))
        else:
            self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- inner workings --------------------------------------------------------------------
    def _renumber(self) -> None:
        """Accessible names ("Décision, ligne 2"), the Tab order and the buttons after a change."""
        chain: list[QWidget] = [self.add_button, self.remove_button]
        for number, line in enumerate(self._lines, start=1):
            for name in self.column_names:
                widget = line.widgets.get(name)
                if widget is not None:
                    widget.setAccessibleName(f"{self.headers[name]}, ligne {number}")
                    chain.append(widget)
        for before, after in zip(chain, chain[1:]):
            QWidget.setTabOrder(before, after)
        self.empty_label.setVisible(not self._lines)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(bool(self._lines))

    def _line_of(self, widget: QWidget | None) -> int:
        if widget is None:
            return -1
        for index, line in enumerate(self._lines):
            for cell in line.widgets.values():
                if cell is widget or cell.isAncestorOf(widget):
                    return index
        return -1

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        # Connected to the application's signal: it outlives this table.
        if not shiboken6.isValid(self) or not shiboken6.isValid(self.grid_widget):
            return
        index = self._line_of(new)
        if index >= 0 and index != self._current:
            self._current = index
            self.grid_widget.update()
        if index >= 0:
            self.scroll.ensureWidgetVisible(new)

    def _line_rect(self, index: int) -> QRect | None:
        if not 0 <= index < len(self._lines):
            return None
        rect = QRect()
        for widget in self._lines[index].widgets.values():
            rect = rect.united(widget.geometry())
        left = self.grid.contentsMargins().left() // 2
        right = self.grid_widget.width() - left
        return QRect(left, rect.top() - self.MARGIN, right - left, rect.height() + 2 * self.MARGIN)

    @staticmethod
    def _tab_out(cell: QWidget, *, forward: bool) -> bool:
        """Tab leaves the cell for the next widget of the focus chain — whatever the cell does with
        Tab inside (a date field walks its sections, and an empty optional one never let go)."""
        widget = cell
        for _ in range(1000):
            widget = widget.nextInFocusChain() if forward else widget.previousInFocusChain()
            if widget is None or widget is cell:
                return False
            if (widget.focusPolicy() & Qt.FocusPolicy.TabFocus) == Qt.FocusPolicy.TabFocus \
                    and widget.isVisible() and widget.isEnabled() and not cell.isAncestorOf(widget) \
                    and (widget.focusProxy() is None or widget.isAncestorOf(widget.focusProxy())):
                # (a field made of parts, e.g. a DateField, hands the focus to its text box)
                widget.setFocus(Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason)
                return True
        return False

    @staticmethod
    def _is_blank(line: Line) -> bool:
        texts = [w for w in line.widgets.values() if isinstance(w, (QLineEdit, QPlainTextEdit))]
        if not texts:
            return False
        return all(not (w.text() if isinstance(w, QLineEdit) else w.toPlainText()).strip() for w in texts)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Keys only: Entrée walks on (and adds a line at the end), Suppr removes a blank line.
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key, modifiers = event.key(), event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        index = self._line_of(watched)
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and modifiers & Qt.KeyboardModifier.ShiftModifier:
            key, modifiers = Qt.Key.Key_Backtab, modifiers & ~Qt.KeyboardModifier.ShiftModifier
        if index < 0 or modifiers not in (Qt.KeyboardModifier.NoModifier,):
            return super().eventFilter(watched, event)
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            return self._tab_out(watched, forward=key == Qt.Key.Key_Tab)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not isinstance(watched, QPlainTextEdit):
            cells = self.cells(index)
            position = next((i for i, cell in enumerate(cells) if cell is watched), -1)
            if position == len(cells) - 1 and index == len(self._lines) - 1:
                self.add_line({}, focus=True)
            elif position == len(cells) - 1:
                self.focus_line(index + 1)
            elif position >= 0:
                cells[position + 1].setFocus(Qt.FocusReason.TabFocusReason)
            return True
        if key == Qt.Key.Key_Delete and self._is_blank(self._lines[index]):
            self.remove_line(index)
            return True
        return super().eventFilter(watched, event)
