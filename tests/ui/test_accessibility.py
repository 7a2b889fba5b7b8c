"""Accessibility (RGAA): what a screen reader reads, the contrast of the colours, the keyboard alone.

1. Qt's accessibility tree of every page of the real main window, and of every dialog opened
   from it, has a name for each interactive element (offenders listed in the failure); Tab
   goes round each dialog and comes back (no keyboard trap).
2. Text colours — the palette, the style sheet, the tables' foregrounds — reach 4,5:1 (WCAG).
3. From the main window, by keyboard alone: a journal entry recorded, a bilan exported.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QWidget

from ctgdesk.ui.main_window import MainWindow
from ctgdesk.ui.widgets import style
from ctgdesk.ui.widgets.accessibility import unnamed_controls
from tests.ui.test_main_window import styled  # noqa: F401  (fixture)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture
def window(demo_ctx, settings, qtbot, styled):  # noqa: F811
    win = MainWindow(demo_ctx, settings)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    win.load()
    return win


def keyboard_trap(qtbot, dialog, presses: int = 80) -> str:
    """"" if Tab, pressed again and again from the dialog's first focus, leaves it and comes back
    to it (no field keeps the keyboard: a text field taking Tab, a widget outside the chain);
    else where the focus got stuck."""
    dialog.activateWindow()
    QApplication.processEvents()
    if QApplication.focusWidget() is None or not dialog.isAncestorOf(QApplication.focusWidget()):
        dialog.focusNextChild()
    first = QApplication.focusWidget()
    left = False
    for _ in range(presses):
        press(qtbot, Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        if now is not first:
            left = True
        elif left:
            return ""
    now = QApplication.focusWidget()
    reachable = [w for w in dialog.findChildren(QWidget) if w.isVisible() and w.isEnabled()
                 and w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.focusProxy() is None]
    if not left and len(reachable) <= 1:  # one button ("Fermer"): nowhere else to go
        return ""
    return f"{type(now).__name__} « {now.accessibleName() if now else ''} »"


def inspect_dialog(qtbot, window, open_it) -> tuple[str, list[str]]:
    """Open a dialog the way a user does (its action); its title and unnamed controls; then Échap."""
    seen: dict = {}

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog is window:
            QTimer.singleShot(20, look)
            return
        seen["title"] = dialog.windowTitle()
        seen["offenders"] = unnamed_controls(dialog)
        seen["trap"] = keyboard_trap(qtbot, dialog)
        if SCREENSHOTS.is_dir():
            name = re.sub(r"\W+", "_", dialog.windowTitle())
            dialog.grab().save(str(SCREENSHOTS / f"a11y_{name}.png"))
        dialog.reject()

    QTimer.singleShot(0, look)
    open_it()
    qtbot.waitUntil(lambda: "title" in seen, timeout=5000)
    trap = [f"Tab n'en sort pas : {seen['trap']}"] if seen["trap"] else []
    return seen["title"], seen["offenders"] + trap


def test_every_page_and_dialog_names_its_controls(window, qtbot):
    offenders: list[str] = []
    for key in window.pages:
        window.show_page(key)
        QApplication.processEvents()
        for tab_widget in [w for w in window.pages[key].findChildren(QWidget) if hasattr(w, "setCurrentIndex")
                           and type(w).__name__ == "QTabWidget"]:
            for number in range(tab_widget.count()):  # every tab of the page
                tab_widget.setCurrentIndex(number)
                QApplication.processEvents()
                offenders += [f"page {key}: {o}" for o in unnamed_controls(window)]
            tab_widget.setCurrentIndex(0)
        offenders += [f"page {key}: {o}" for o in unnamed_controls(window)]

    pages = window.pages
    staff, bilan = pages["staff"], pages["bilan"]

    def page_action(key, action):
        def run():
            window.show_page(key)
            action.trigger()
        return run

    def bilan_line():
        window.show_page("bilan")
        bilan.refresh()
        window.ctx.wait_for_loads()
        QApplication.processEvents()
        bilan.table.view.setFocus()
        bilan.table.view.selectRow(0)
        bilan.edit_action.trigger()

    def first_meeting(action):
        def run():
            window.show_page("meetings")
            meetings = pages["meetings"]
            meetings.views.setCurrentIndex(0)
            meetings.table.setFocus()
            meetings.table.selectRow(0)
            action.trigger()
        return run

    def journal_details():
        window.show_page("journal")
        pages["journal"].bar.details_button.click()

    openers = {
        "fiche action": page_action("plan", pages["plan"].new_action),
        "objectif": page_action("plan", pages["plan"].new_objectif_action),
        "enjeu": page_action("plan", pages["plan"].new_enjeu_action),
        "réunion": page_action("meetings", pages["meetings"].new_action),
        "réunion tenue": first_meeting(pages["meetings"].edit_action),
        "réunion à dupliquer": first_meeting(pages["meetings"].duplicate_action),
        "journal": journal_details,
        "ETP": page_action("staff", staff.new_allocation_action),
        "chargé·e": page_action("staff", staff.new_coordinator_action),
        "commune": page_action("territory", pages["territory"].new_action),
        "convention": page_action("territory", pages["territory"].new_convention_action),
        "colonnes du bilan": page_action("bilan", bilan.columns_action),
        "saisie d'indicateur": bilan_line,
        "import": window.import_action.trigger,
        "sauvegardes": window.backup_action.trigger,
        "RGPD": window.rgpd_action.trigger,
        "vérifier la base": window.verify_action.trigger,
        "base d'équipe": window.team_action.trigger,
        "raccourcis": window.show_shortcuts,
    }
    titles = {}
    for what, open_it in openers.items():
        title, found = inspect_dialog(qtbot, window, open_it)
        titles[what] = title
        offenders += [f"dialogue {what} « {title} »: {o}" for o in found]
        window.ctx.wait_for_loads()
    # the documents menu of a meeting: its entries are named
    meetings = pages["meetings"]
    window.show_page("meetings")
    menu = meetings.documents_button.menu()
    if menu is not None:
        menu.popup(window.geometry().center())
        QApplication.processEvents()
        offenders += [f"menu documents: {o}" for o in unnamed_controls(menu)]
        menu.hide()
    assert len(titles) == len(openers) and all(titles.values()), titles
    offenders = list(dict.fromkeys(offenders))  # the bars of the window: once
    assert not offenders, f"{len(offenders)} élément(s) sans nom accessible ou piège au clavier :\n" + \
        "\n".join(offenders)


# --- contrast -------------------------------------------------------------------------------------
def luminance(colour: str) -> float:
    value = colour.lstrip("#")
    channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula_against_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic just-fails grey


def test_palette_text_reaches_4_5_to_1(qapp):
    palette = style._palette(style.ACCENT, "#ffffff")
    table = style.light_selection_palette()
    pairs = {
        "texte / fond": (palette, QPalette.ColorRole.Text, QPalette.ColorRole.Base),
        "texte / fenêtre": (palette, QPalette.ColorRole.WindowText, QPalette.ColorRole.Window),
        "texte alterné": (palette, QPalette.ColorRole.Text, QPalette.ColorRole.AlternateBase),
        "bouton": (palette, QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button),
        "sélection": (palette, QPalette.ColorRole.HighlightedText, QPalette.ColorRole.Highlight),
        "sélection d'un tableau": (table, QPalette.ColorRole.HighlightedText, QPalette.ColorRole.Highlight),
        "bulle d'aide": (palette, QPalette.ColorRole.ToolTipText, QPalette.ColorRole.ToolTipBase),
        "texte indicatif": (palette, QPalette.ColorRole.PlaceholderText, QPalette.ColorRole.Base),
        "lien": (palette, QPalette.ColorRole.Link, QPalette.ColorRole.Base),
    }
    ratios = {what: contrast(p.color(fg).name(), p.color(bg).name()) for what, (p, fg, bg) in pairs.items()}
    low = {what: round(r, 2) for what, r in ratios.items() if r < 4.5}
    assert not low, low


def style_sheet_pairs() -> list[tuple[str, str, str]]:
    """(rule, text colour, background) for each rule of the style sheet that sets a text colour;
    a rule without its own background sits on the window or on white (a card, a field): both."""
    pairs = []
    for selector, body in re.findall(r"([^{}]+)\{\{?([^{}]*)\}", style.STYLE_SHEET):
        colours = dict(re.findall(r"(?<![-\w])(color|background|selection-color|selection-background-color)"
                                  r"\s*:\s*(#[0-9a-fA-F]{6}|white)", body))
        colours = {k: ("#ffffff" if v == "white" else v) for k, v in colours.items()}
        if "color" in colours:
            backgrounds = [colours["background"]] if "background" in colours else [style.WINDOW, "#ffffff"]
            if ("navigation" in selector or "#app" in selector) and "background" not in colours:
                backgrounds = [style.SIDEBAR]  # the sidebar's list is transparent on the sidebar
            pairs += [(selector.strip(), colours["color"], bg) for bg in backgrounds]
        if "selection-color" in colours:
            pairs.append((selector.strip() + " (sélection)", colours["selection-color"],
                          colours["selection-background-color"]))
    return pairs


def test_style_sheet_and_table_colours_reach_4_5_to_1():
    pairs = style_sheet_pairs()
    assert len(pairs) >= 15  # the parse found the rules
    # Coloured text in the tables (statuses, evolutions, late…) is drawn on white and on the
    # alternate line; selected, a line's text takes the selection's own dark colour.
    for name in style.TEXT_COLOURS:
        for background in ("#ffffff", "#f7f9fb", style.PENDING_BACKGROUND):
            pairs.append((f"tableaux: {name}", getattr(style, name), background))
    low = [(what, fg, bg, round(contrast(fg, bg), 2)) for what, fg, bg in pairs if contrast(fg, bg) < 4.5]
    assert not low, low


def test_tables_use_the_style_colours_only():
    """Every text colour given to a table or a label comes from style.py (one place, checked above)."""
    from ctgdesk.ui.pages import bilan, meetings, plan, staff

    allowed = {getattr(style, name).lower() for name in style.TEXT_COLOURS}
    used = {c.name() for c in meetings.STATUS_COLORS.values()} | {c.lower() for c in plan.STATUS_COLORS.values()} \
        | {c.lower() for c in staff.EVOLUTION_COLORS.values()} | {bilan.MANUAL_EMPTY.name()}
    assert used <= allowed, used - allowed


# --- the keyboard alone ---------------------------------------------------------------------------
def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed where the keyboard focus is, as a person does."""
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)
    QApplication.processEvents()


def tab_to(qtbot, widget, most: int = 25) -> int:
    """Tab until `widget` has the focus; how many presses it took (fails if never)."""
    for presses in range(1, most + 1):
        press(qtbot, Qt.Key.Key_Tab)
        if QApplication.focusWidget() is widget:
            return presses
    raise AssertionError(f"{type(widget).__name__} jamais atteint par Tab (focus : {QApplication.focusWidget()})")


def assert_focus_ring_around(widget) -> None:
    """The keyboard focus is visible: a ring drawn around the widget, in the accent colour."""
    from ctgdesk.ui.widgets.accessibility import FocusRing

    rings = [r for r in widget.window().findChildren(FocusRing) if r.isVisible()]
    assert len(rings) == 1 and rings[0].parentWidget() is widget.parentWidget()
    assert rings[0].geometry().contains(widget.geometry()) and rings[0].geometry() != widget.geometry()
    image = rings[0].grab().toImage()
    assert image.pixelColor(image.width() // 2, 1).name() == style.FOCUS  # its top edge


def test_focus_ring_follows_the_keyboard_not_the_mouse(window, qtbot):
    from PySide6.QtTest import QTest

    from ctgdesk.ui.widgets.accessibility import FocusRing

    window.activateWindow()
    window.show_page("plan")
    plan = window.pages["plan"]
    window.navigation.setFocus()
    tab_to(qtbot, plan.search)
    assert_focus_ring_around(plan.search)
    tab_to(qtbot, plan.late_check)
    assert_focus_ring_around(plan.late_check)
    QTest.mouseClick(plan.search, Qt.MouseButton.LeftButton)  # a click: the pointer shows where
    assert plan.search.hasFocus()
    assert not [r for r in window.findChildren(FocusRing) if r.isVisible()]
    shots = SCREENSHOTS if SCREENSHOTS.is_dir() else None
    press(qtbot, Qt.Key.Key_Tab)
    assert [r for r in window.findChildren(FocusRing) if r.isVisible()]
    if shots:
        window.grab().save(str(shots / "a11y_focus_plan.png"))


def page_keys(window, key: str) -> Qt.Key:
    """The Ctrl+digit of a page, as Aide → Raccourcis clavier lists it."""
    title = window.pages[key].title
    keys = [k for k, text in window.shortcut_lines() if text == title]
    assert len(keys) == 1 and re.fullmatch(r"Ctrl\+\d", keys[0]), keys
    return getattr(Qt.Key, f"Key_{keys[0][-1]}")


def test_journal_entry_and_bilan_export_by_keyboard_alone(window, demo_ctx, qtbot, tmp_path):
    import openpyxl

    from ctgdesk.services import journal

    window.activateWindow()
    window.navigation.setFocus()
    ctrl = Qt.KeyboardModifier.ControlModifier
    # the shortcuts list names every page, Ctrl+1 … Ctrl+8
    listed = [k for k, _text in window.shortcut_lines() if re.fullmatch(r"Ctrl\+\d", k)]
    assert listed == [f"Ctrl+{n}" for n in range(1, len(window.pages) + 1)]

    # Journal: Ctrl+6, Ctrl+Maj+N (the quick entry line), the kind typed, Tab, the nature typed, Entrée
    press(qtbot, page_keys(window, "journal"), ctrl)
    assert window.current_key() == "journal"
    page = window.pages["journal"]
    press(qtbot, Qt.Key.Key_N, ctrl | Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is page.bar.kind_combo
    qtbot.keyClicks(QApplication.focusWidget(), "relais")
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.bar.nature_edit
    qtbot.keyClicks(QApplication.focusWidget(), "Relais clavier seul RGAA")
    press(qtbot, Qt.Key.Key_Return)
    with demo_ctx.db.transaction() as session:
        saved = [e for e in journal.list_entries(session, year=demo_ctx.year) if e.nature == "Relais clavier seul RGAA"]
    assert len(saved) == 1 and saved[0].date == demo_ctx.today() and saved[0].kind.name == "RELAIS_CAF"

    # Bilan: Ctrl+7, Tab to the format, "P" for PDF then ↑ for Excel, Ctrl+E; the file chooser is Qt's own
    press(qtbot, page_keys(window, "bilan"), ctrl)
    bilan = window.pages["bilan"]
    assert window.current_key() == "bilan"
    demo_ctx.wait_for_loads()
    tab_to(qtbot, bilan.format)
    assert_focus_ring_around(bilan.format)
    qtbot.keyClicks(bilan.format, "P")  # PDF…
    assert bilan.format.currentData() == "pdf"
    press(qtbot, Qt.Key.Key_Up)  # … then Excel, the one above
    assert bilan.format.currentData() == "xlsx"
    target = tmp_path / "bilan au clavier.xlsx"
    bilan.ask_path = lambda _kind: target
    bilan.runner.open_file = lambda _path: None
    with qtbot.waitSignal(bilan.export_finished, timeout=30_000):
        press(qtbot, Qt.Key.Key_E, ctrl)
    workbook = openpyxl.load_workbook(target, read_only=True)
    cells = {str(v) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v}
    assert "1.1-S1" in " ".join(cells)
    workbook.close()


def test_no_alert_conveyed_by_colour_alone(window):
    """A cell coloured as an alert (late, blocked, over a full time, to schedule) says it in words:
    in its text, or in its tooltip, which is also its accessible description."""
    from PySide6.QtWidgets import QAbstractItemView

    alert = {style.DANGER, style.WARNING}
    coloured, silent = 0, []
    for key in window.pages:
        window.show_page(key)
        window.ctx.wait_for_loads()
        QApplication.processEvents()
        for view in window.pages[key].findChildren(QAbstractItemView):
            model = view.model()
            if model is None or type(view).__name__ == "QHeaderView":
                continue
            stack = [None]
            while stack:  # every row, in trees too
                parent = stack.pop()
                parent_index = parent if parent is not None else model.index(-1, -1)
                for row in range(model.rowCount(parent_index)):
                    for column in range(model.columnCount(parent_index)):
                        index = model.index(row, column, parent_index)
                        if column == 0 and model.rowCount(index) > 0:
                            stack.append(index)
                        colour = index.data(Qt.ItemDataRole.ForegroundRole)
                        colour = getattr(colour, "color", lambda c=colour: c)()  # a brush or a colour
                        if colour is None or colour.name() not in alert:
                            continue
                        coloured += 1
                        text = str(index.data() or "")
                        words = re.search(r"[^\W\d_]{3,}", text)
                        described = index.data(Qt.ItemDataRole.ToolTipRole) or \
                            index.data(Qt.ItemDataRole.AccessibleDescriptionRole)
                        if not (words or described):
                            silent.append(f"{key}: « {text} » ({colour.name()})")
    assert coloured >= 5  # the demo has late fiches, communes not engaged, instances to schedule
    assert not silent, silent
