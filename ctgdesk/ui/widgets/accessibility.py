"""Accessible names for every control, in one place (RGAA: each field, button, list is named).

`name_controls(root)` gives each interactive widget under `root` that has no accessible name
one, from what a sighted person reads next to it: the label whose buddy it is, its QFormLayout
row label, the group box around it, its placeholder, its tooltip, its action's text. A tooltip
that is not the name becomes the description.

`install(app)` does it for every window and every widget when it is shown (one event filter
on the application: dialogs, pages, lines added later), so dialogs need no code of their own.
`unnamed_controls(root)` walks Qt's accessibility tree — what a screen reader sees — and lists
the interactive elements without a name (tests/ui/test_accessibility.py).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QStackedWidget,
    QTabWidget,
    QTabBar,
    QTextEdit,
    QToolButton,
    QWidget,
)

TITLES = {"pageTitle", "sectionTitle", "cardTitle", "dialogTitle"}
INTERACTIVE = (QAbstractButton, QLineEdit, QAbstractSpinBox, QComboBox, QAbstractItemView, QPlainTextEdit,
               QTextEdit, QTabBar)


def _clean(text: str | None) -> str:
    """A label's text as a name: no mnemonic "&", no trailing colon, no rich text."""
    if not text:
        return ""
    text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    if "<" in text and ">" in text:  # rich text: its words only
        from PySide6.QtGui import QTextDocumentFragment

        text = QTextDocumentFragment.fromHtml(text).toPlainText()
    return " ".join(text.split()).rstrip(" :").strip()


def _form_label(widget: QWidget) -> str:
    """The QFormLayout row label of the widget, or of the container it sits in (a field with its
    error label under it, a date with its check box)."""
    current = widget
    for _level in range(3):
        parent = current.parentWidget()
        if parent is None:
            return ""
        layout = parent.layout()
        if layout is not None:
            label = _label_in(layout, current)
            if label:
                return label
        current = parent
    return ""


def _label_in(layout: QLayout, widget: QWidget) -> str:
    if isinstance(layout, QFormLayout):
        label = layout.labelForField(widget)
        if isinstance(label, QLabel):
            return _clean(label.text())
    for number in range(layout.count()):
        child = layout.itemAt(number).layout()
        if child is not None and (found := _label_in(child, widget)):
            return found
    return ""


def _buddy_label(widget: QWidget, labels: list[tuple[QWidget, str]]) -> str:
    for target in (widget, widget.parentWidget()):
        for buddy, text in labels:
            if target is not None and buddy is target:
                return text
    return ""


def _group_title(widget: QWidget) -> str:
    parent = widget.parentWidget()
    if isinstance(parent, QGroupBox) and not isinstance(widget, QAbstractButton):
        return _clean(parent.title())
    return ""


def name_for(widget: QWidget, labels: list[tuple[QWidget, str]] | None = None) -> str:
    """What names the widget for a screen reader, if nothing names it yet ("" when nothing does)."""
    if labels is None:
        labels = _buddies(widget.window())
    if isinstance(widget, QAbstractButton):
        text = _clean(widget.text())
        if text:
            return text
        if isinstance(widget, QToolButton) and widget.defaultAction() is not None:
            action = widget.defaultAction()
            if text := _clean(action.text()) or _clean(action.toolTip()):
                return text
    owner = widget.parentWidget()
    if owner is not None and not owner.isWindow() and owner.focusProxy() is widget:
        # the text box of a compound field (a date with its calendar button): the field's name
        if text := owner.accessibleName() or name_for(owner, labels) or _what(owner):
            return text
    candidates = (
        _buddy_label(widget, labels),
        _form_label(widget),
        _group_title(widget),
        _clean(widget.placeholderText()) if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)) else "",
        _clean(widget.lineEdit().placeholderText()) if isinstance(widget, QComboBox) and widget.lineEdit() else "",
        _label_before(widget),
        _short(widget.toolTip()),
    )
    found = next((text for text in candidates if text), "")
    if not found and isinstance(widget, (QAbstractItemView, QTabBar, QTextEdit)):
        found = _heading(widget)
    return found


def _what(field: QWidget) -> str:
    """What a typed field says it holds in its messages ("L'heure de début"), if told."""
    what = getattr(field, "what", None)
    return _clean(what) if isinstance(what, str) and what != getattr(type(field), "what_default", None) else ""


def _short(tooltip: str) -> str:
    """A tooltip as a name: its first part ("Type d'action : tapez…" → "Type d'action")."""
    text = _clean(tooltip)
    for separator in (" : ", " (", ". "):
        text = text.split(separator)[0]
    return text.strip()


def _label_before(widget: QWidget) -> str:
    """"Afficher :" then a list in the same row: a label ending with a colon names what follows it."""
    parent = widget.parentWidget()
    layout = parent.layout() if parent is not None else None
    if layout is None:
        return ""
    above = _label_above(layout, widget)
    if above:
        return above
    order = _flatten(layout)
    if widget in order and (index := order.index(widget)) > 0:
        before = order[index - 1]
        if isinstance(before, QLabel) and before.text().rstrip().endswith(":"):
            return _clean(before.text())
    return ""


def _label_above(layout: QLayout, widget: QWidget) -> str:
    """In a grid, "Partenaires :" in the cell above a list names it."""
    if isinstance(layout, QGridLayout):
        index = layout.indexOf(widget)
        if index >= 0:
            row, column, _rows, _columns = layout.getItemPosition(index)
            item = layout.itemAtPosition(row - 1, column) if row > 0 else None
            above = item.widget() if item is not None else None
            if isinstance(above, QLabel) and above.text().rstrip().endswith(":"):
                return _clean(above.text())
        return ""
    for number in range(layout.count()):
        child = layout.itemAt(number).layout()
        if child is not None and (found := _label_above(child, widget)):
            return found
    return ""


def _flatten(layout: QLayout) -> list[QWidget]:
    order: list[QWidget] = []
    for number in range(layout.count()):
        item = layout.itemAt(number)
        if item.widget() is not None:
            order.append(item.widget())
        elif item.layout() is not None:
            order += _flatten(item.layout())
    return order


def _heading(widget: QWidget) -> str:
    """A list's or a table's heading: the tab it is on, or the title above it (a section's, a page's)."""
    current = widget
    while (parent := current.parentWidget()) is not None and not current.isWindow():
        tabs = parent.parentWidget()
        if isinstance(parent, QStackedWidget) and isinstance(tabs, QTabWidget):
            index = tabs.indexOf(current)
            if index >= 0 and (text := _clean(tabs.tabText(index))):
                return text
        if parent.layout() is not None and (text := _title_before(parent.layout(), current)):
            return text
        current = parent
    return ""


def _title_before(layout: QLayout, widget: QWidget) -> str:
    """The last title (a section's, a page's) laid out before `widget` in `layout`."""
    order = _flatten(layout)
    if widget not in order:
        return ""
    for before in reversed(order[:order.index(widget)]):
        title = before if before.objectName() in TITLES else before.findChild(QLabel, "pageTitle")
        if isinstance(title, QLabel) and (text := _clean(title.text())):
            return text
    return ""


def _buddies(root: QWidget) -> list[tuple[QWidget, str]]:
    """(field, its label's text) for the labels under `root` that name a field (their buddy)."""
    return [(buddy, text) for label in root.findChildren(QLabel)
            if (buddy := label.buddy()) is not None and (text := _clean(label.text()))]


def name_controls(root: QWidget) -> int:
    """Name the interactive widgets under `root` (itself included) that have no name; how many.
    A multi-line text field passes the focus on with Tab (not a tab character: a keyboard trap)."""
    labels = _buddies(root.window())
    named = 0
    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, INTERACTIVE):
            named += _name(widget, labels)
        if isinstance(widget, (QPlainTextEdit, QTextEdit)) and not widget.isReadOnly():
            widget.setTabChangesFocus(True)
    return named


def _name(widget: QWidget, labels: list[tuple[QWidget, str]]) -> int:
    if widget.accessibleName() or isinstance(widget, QHeaderView) \
            or isinstance(widget.parentWidget(), (QAbstractSpinBox, QComboBox)):  # a header, an inner edit
        return 0
    if isinstance(widget, QAbstractButton) and _clean(widget.text()):
        name = ""  # Qt names a button by its text already
    else:
        name = name_for(widget, labels)
    tooltip = _clean(widget.toolTip())
    if tooltip and tooltip != name and not widget.accessibleDescription():
        widget.setAccessibleDescription(tooltip)
    if name:
        widget.setAccessibleName(name)
        return 1
    return 0


def _popup(window: QWidget) -> bool:
    """A pick list's, a menu's or a calendar's pop-up window (Qt names what is in it)."""
    return window.windowType() in (Qt.WindowType.Popup, Qt.WindowType.ToolTip)


class FocusRing(QWidget):
    """A 2-pixel ring around the widget the keyboard reached (Tab, a shortcut): Fusion's own focus
    marks are a faint 1-pixel line, a dotted cell (RGAA 10.7: the focus is visible). Not for a
    click: the pointer shows where one is already. Drawn over the widget, never in the way of a click."""

    MARGIN = 2

    def __init__(self):
        super().__init__(None)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setObjectName("focusRing")
        self.target: QWidget | None = None
        self.hide()

    def follow(self, widget: QWidget | None) -> None:
        if self.target is not None:
            target, self.target = self.target, None
            target.removeEventFilter(self)
            target.destroyed.disconnect(self._target_gone)
        parent = widget.parentWidget() if widget is not None and not widget.isWindow() else None
        if parent is None:
            self.hide()
            return
        self.target = widget
        self.setParent(parent)
        widget.installEventFilter(self)
        widget.destroyed.connect(self._target_gone)
        self._place()

    def _target_gone(self) -> None:
        self.target = None
        self.hide()

    def _place(self) -> None:
        widget = self.target
        if widget is None or not widget.isVisible():
            self.hide()
            return
        margin = self.MARGIN
        self.setGeometry(widget.geometry().adjusted(-margin, -margin, margin, margin))
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.target and event.type() in (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show,
                                                       QEvent.Type.Hide):
            self._place()
        return False

    def paintEvent(self, _event) -> None:
        from PySide6.QtGui import QColor, QPainter, QPen

        from ctgdesk.ui.widgets import style

        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(style.FOCUS), 2))
        painter.drawRoundedRect(self.rect().adjusted(1, 1, -1, -1), 4, 4)


class _NameOnShow(QObject):
    """The application's event filter: names a window's controls when it is shown, and a widget
    shown later in a window on screen (a line added to a table of widgets); moves the focus ring."""

    KEYBOARD = (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason,
                Qt.FocusReason.ShortcutFocusReason)

    def __init__(self, parent: QObject):
        super().__init__(parent)
        self._show, self._focus_in = QEvent.Type.Show, QEvent.Type.FocusIn
        self.ring: FocusRing | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == self._show and isinstance(watched, QWidget):
            if watched.isWindow() and not _popup(watched):
                name_controls(watched)
        elif kind == self._focus_in and isinstance(watched, QWidget) and not isinstance(watched, FocusRing):
            if _popup(watched.window()):  # a pick list's or a calendar's: Qt's own, being laid out
                return False
            if isinstance(watched, INTERACTIVE) and not watched.accessibleName():  # a line added later
                _name(watched, _buddies(watched.window()))
            self._focus(watched, event.reason())
        return False

    def _focus(self, widget: QWidget, reason) -> None:
        if self.ring is None:
            self.ring = FocusRing()
        try:
            self.ring.follow(widget if reason in self.KEYBOARD else None)
        except RuntimeError:  # the ring went with a window closed meanwhile: a new one
            self.ring = FocusRing()
            self.ring.follow(widget if reason in self.KEYBOARD else None)


def install(app: QApplication | None = None) -> None:
    """Name the controls of every window shown from now on (once per application)."""
    app = app or QApplication.instance()
    if app is not None and app.findChild(_NameOnShow) is None:
        app.installEventFilter(_NameOnShow(app))


# --- what a screen reader sees ---------------------------------------------------------------
INTERACTIVE_ROLES = {
    QAccessible.Role.PushButton, QAccessible.Role.CheckBox, QAccessible.Role.RadioButton,
    QAccessible.Role.ComboBox, QAccessible.Role.EditableText, QAccessible.Role.SpinBox,
    QAccessible.Role.Table, QAccessible.Role.List, QAccessible.Role.Tree, QAccessible.Role.PageTab,
    QAccessible.Role.PageTabList, QAccessible.Role.ButtonMenu, QAccessible.Role.ButtonDropDown,
    QAccessible.Role.Slider, QAccessible.Role.ToolBar,
}


def unnamed_controls(root: QWidget) -> list[str]:
    """The interactive elements of Qt's accessibility tree under `root` that have no name, each
    as "Role ClassName objectName (path)" — visible ones only: a hidden one is not read out."""
    offenders: list[str] = []
    interface = QAccessible.queryAccessibleInterface(root)
    if interface is None:
        return [f"{type(root).__name__}: no accessible interface"]
    _walk(interface, offenders, 0)
    return offenders


def _walk(interface, offenders: list[str], depth: int) -> None:
    if depth > 60 or not interface.isValid():
        return
    state = interface.state()
    if state.invisible:
        return
    role = interface.role()
    name = interface.text(QAccessible.Text.Name).strip()
    if role == QAccessible.Role.ComboBox and name == interface.text(QAccessible.Text.Value).strip():
        # On Linux Qt names a combo box by its current choice (a value) and reads its label
        # through the "labelled by" relation; Windows and macOS read its accessible name.
        obj = interface.object()
        labelled = interface.relations(QAccessible.RelationFlag.Label)
        name = obj.accessibleName() if isinstance(obj, QWidget) else ""
        name = name or ("label" if labelled else "")
    if role in INTERACTIVE_ROLES and not name:
        obj = interface.object()
        path = []
        current = obj
        while isinstance(current, QWidget) and len(path) < 4:
            path.append(type(current).__name__ + (f"#{current.objectName()}" if current.objectName() else ""))
            current = current.parentWidget()
        offenders.append(f"{role.name} « {' < '.join(path) or type(obj).__name__} »")
    if role in (QAccessible.Role.Table, QAccessible.Role.Tree, QAccessible.Role.List):
        return  # cells and items are named by their text; their headers by the model
    for number in range(interface.childCount()):
        child = interface.child(number)
        if child is not None:
            _walk(child, offenders, depth + 1)
