"""The main window on the demo territory: pages, navigation, year, undo, settings, French,
and a screenshot of every page (screenshots/, git-ignored) to look at."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialogButtonBox, QLabel, QLineEdit, QTableView

from ctgdesk.ui.main_window import MainWindow
from ctgdesk.ui.pages import PAGES, PageSpec, available_pages
from tests.ui.test_dashboard_page import click_line

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
ENGLISH = {"save", "cancel", "delete", "search", "edit", "new", "yes", "no", "file", "help", "undo", "redo",
           "close", "open", "ok", "apply", "remove", "add", "settings", "about"}


@pytest.fixture
def styled(qapp):
    """The application's own look, as users see it (then Qt's default again)."""
    from ctgdesk.ui.widgets.style import apply_style

    palette, style_name = qapp.palette(), qapp.style().name()
    apply_style(qapp)
    yield qapp
    qapp.setStyleSheet("")
    qapp.setPalette(palette)
    qapp.setStyle(style_name)


@pytest.fixture
def window(demo_ctx, settings, qtbot, styled):
    win = MainWindow(demo_ctx, settings)
    qtbot.addWidget(win)
    win.resize(1366, 820)
    win.show()
    win.load()
    return win


def visible_texts(widget) -> list[str]:
    texts = []
    for child in widget.findChildren(QLabel) + widget.findChildren(QAbstractButton):
        texts.append(child.text())
    for edit in widget.findChildren(QLineEdit):
        texts.append(edit.placeholderText())
    for action in widget.findChildren(QAction):
        texts.append(action.text())
    for view in widget.findChildren(QTableView):
        model = view.model()
        texts += [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(model.columnCount())]
    return texts


def test_registry_leaves_out_pages_not_written_yet(tmp_path, monkeypatch):
    specs = [PageSpec("missing", "ctgdesk.ui.pages.not_written_yet", "NotWrittenYetPage"), PAGES[0]]
    assert [key for key, _cls in available_pages(specs)] == ["dashboard"]
    # A page module that fails on its own import is not hidden.
    (tmp_path / "broken_page.py").write_text("import a_library_that_is_not_there_at_all\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError, match="a_library_that_is_not_there_at_all"):
        available_pages([PageSpec("broken", "broken_page", "BrokenPage")])
    sys.modules.pop("broken_page", None)


def test_every_page_shows_and_is_photographed(window, qtbot):
    SCREENSHOTS.mkdir(exist_ok=True)
    keys = list(window.pages)
    assert keys[:3] == ["dashboard", "territory", "staff"] and keys[-1] == "referential"
    expected = [spec.key for spec in PAGES if spec.key in keys]
    assert keys == expected  # the sidebar follows the registry
    titles = [window.navigation.item(n).text() for n in range(window.navigation.count())]
    assert titles == [window.pages[k].title for k in keys]
    for key in keys:
        window.show_page(key)
        QApplication.processEvents()
        assert window.stack.currentWidget() is window.pages[key]
        assert key not in window._stale  # loaded when shown
        image = window.grab()
        assert image.width() >= 1300
        assert image.save(str(SCREENSHOTS / f"page_{key}.png"))
    window.show_page("staff")
    window.pages["staff"].tabs.setCurrentIndex(1)
    window.grab().save(str(SCREENSHOTS / "page_staff_etp.png"))
    window.show_page("referential")
    window.pages["referential"].tabs.setCurrentIndex(1)
    window.grab().save(str(SCREENSHOTS / "page_referential_table.png"))


def test_no_english_words_on_screen(window):
    words = set()
    for text in visible_texts(window):
        words |= {w.strip("&.…:()").casefold() for w in text.replace("/", " ").split()}
    assert not words & ENGLISH, words & ENGLISH


def test_year_selector_reloads_the_pages(window, demo_ctx):
    dashboard = window.pages["dashboard"]
    assert dashboard.header.title.text() == "Tableau de bord 2026"
    window.year_spin.setValue(2025)
    assert demo_ctx.year == 2025
    assert dashboard.header.title.text() == "Tableau de bord 2025"
    assert "staff" in window._stale
    window.show_page("staff")
    assert window.pages["staff"].staff_model.headerData(1, Qt.Orientation.Horizontal) == "ETP 2025"
    assert window.statusBar().currentMessage() == "Année affichée : 2025."


def test_open_record_switches_page_and_selects(window, demo_ctx):
    staff = window.pages["staff"]
    staff.refresh()
    paul = staff.staff_model.row(staff.staff_model.find(lambda r: r.coordinator.name == "Thomas Wattel"))
    window.open_record("staff", "coordinator", paul.id)
    assert window.current_key() == "staff"
    assert staff.staff_table.current_row().coordinator.name == "Thomas Wattel"
    window.open_record("a_page_not_written", "fiche", 1)
    assert window.current_key() == "staff"
    assert window.statusBar().currentMessage() == "Cette page n'est pas encore disponible dans cette version."


def test_dashboard_warning_click_opens_the_page(window, qtbot):
    dashboard = window.pages["dashboard"]
    window.show_page("dashboard")
    click_line(qtbot, dashboard.warnings, 0)
    target = dashboard.board.warnings[0].page
    if target in window.pages:
        assert window.current_key() == target
    else:  # the meetings page lands from another branch
        assert window.statusBar().currentMessage().startswith("Cette page n'est pas encore disponible")


def test_delete_offers_annuler_in_the_status_bar(window, demo_ctx, accept_questions, warnings_shown):
    window.show_page("territory")
    page = window.pages["territory"]
    assert page.table.select(lambda r: r.name == "Collège Jean Macé")
    page.delete_action.trigger()
    assert warnings_shown == []
    assert "Collège Jean Macé" not in [r.name for r in page.table.visible_rows()]
    assert not window.undo_button.isHidden()
    assert window.undo_button.text() == "Annuler"
    assert window.undo_action.text() == "Annuler Supprimer « Collège Jean Macé »"
    assert window.statusBar().currentMessage() == "« Collège Jean Macé » supprimée. Ctrl+Z pour la rétablir."
    window.undo_button.click()
    assert "Collège Jean Macé" in [r.name for r in page.table.visible_rows()]
    assert window.undo_button.isHidden()
    assert window.redo_action.text() == "Rétablir Supprimer « Collège Jean Macé »"
    assert window.redo_action.shortcuts()[0].toString() == "Ctrl+Y"
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"


def test_settings_remember_page_year_and_geometry(demo_ctx, settings, qtbot, monkeypatch):
    first = MainWindow(demo_ctx, settings)
    qtbot.addWidget(first)
    first.resize(1200, 700)
    first.show()
    first.load()
    first.show_page("staff")
    first.year_spin.setValue(2025)
    first.close()
    assert settings.value("window/page") == "staff"
    assert int(settings.value("window/year")) == 2025
    saved_geometry = settings.value("window/geometry")
    assert not saved_geometry.isEmpty()
    demo_ctx.year = 2026
    restored = []
    monkeypatch.setattr(MainWindow, "restoreGeometry", lambda self, g: restored.append(g) or True)
    second = MainWindow(demo_ctx, settings)
    qtbot.addWidget(second)
    assert second.current_key() == "staff"
    assert demo_ctx.year == 2025 and second.year_spin.value() == 2025
    assert restored == [saved_geometry]  # (the offscreen screen is too small to compare sizes)
    second.show()
    second.load()
    assert second.pages["staff"].staff_model.headerData(1, Qt.Orientation.Horizontal) == "ETP 2025"


def test_menus_are_french(window):
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles == ["&Fichier", "É&dition", "&Affichage", "Ai&de"]


def test_qt_own_dialog_words_in_french(qapp):
    from ctgdesk.ui.app import install_french

    translators = install_french(qapp)
    try:
        assert translators, "qtbase_fr.qm not found next to PySide6"
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Yes)
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "") == "Annuler"
        assert box.button(QDialogButtonBox.StandardButton.Yes).text().replace("&", "") == "Oui"
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)


def test_open_for_gui_creates_the_database_with_the_referential(tmp_path):
    from ctgdesk.services.referential import indicator_definitions
    from ctgdesk.ui.app import open_for_gui

    db = open_for_gui(tmp_path / "new" / "ctgdesk.sqlite")
    try:
        with db.transaction() as s:
            assert len(indicator_definitions(s)) == 20
    finally:
        db.dispose()


def test_cli_without_command_opens_the_window(monkeypatch, tmp_path):
    import ctgdesk.ui.app as app
    from ctgdesk import cli

    calls = []
    monkeypatch.setattr(app, "run_gui", lambda path, argv: calls.append((path, argv)) or 0)
    assert cli.main(["--db", str(tmp_path / "x.sqlite"), "-reverse"]) == 0  # Qt's own options pass through
    assert calls == [(tmp_path / "x.sqlite", ["-reverse"])]


def test_file_menu_opens_import_and_backups(window, qtbot):
    from ctgdesk.ui.backup_dialog import BackupDialog
    from ctgdesk.ui.dialogs.import_wizard import ImportWizard

    assert [a.text() for a in window.file_menu.actions() if a.text()] == [
        "&Importer des données…", "&Sauvegardes…", "&Deuxième dossier de sauvegarde…",
        "&Vérifier la base…", "Données personnelles (&RGPD)…", "&Préférences…", "Se connecter à une &base d'équipe…",
        "&Quitter"]
    window.import_action.trigger()
    assert isinstance(window.dialog, ImportWizard) and window.dialog.isVisible()
    window.dialog.reject()
    window.backup_action.trigger()
    assert isinstance(window.dialog, BackupDialog) and window.dialog.isVisible()
    window.dialog.reject()
    assert not window.windowIcon().isNull()


def test_reopening_after_a_restore_clears_undo_and_reloads(window, demo_ctx, accept_questions):
    window.show_page("territory")
    page = window.pages["territory"]
    page.table.select(lambda r: r.name == "Collège Jean Macé")
    page.delete_action.trigger()
    assert demo_ctx.undo_stack.count() == 1
    old_db = demo_ctx.db
    window._close_database()
    window._reopen_database()
    assert demo_ctx.db is not old_db and demo_ctx.db.path == old_db.path
    assert demo_ctx.undo_stack.count() == 0
    assert "Collège Jean Macé" not in [r.name for r in page.table.visible_rows()]  # reloaded from the file
    assert window.statusBar().currentMessage() == "Base restaurée depuis la sauvegarde."


def test_keyboard_shortcuts_of_the_page_in_front(window, qtbot, accept_questions):
    window.show_page("territory")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    page = window.pages["territory"]
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.table.search.hasFocus()
    qtbot.keyClicks(page.table.search, "college")
    assert [r.name for r in page.table.visible_rows()] == ["Collège Jean Macé"]
    qtbot.keyClick(page.table.search, Qt.Key.Key_Return)  # to the first line
    assert page.table.view.hasFocus() and page.table.current_row().name == "Collège Jean Macé"
    qtbot.keyClick(page.table.view, Qt.Key.Key_Delete)  # Suppr
    assert accept_questions and "Collège Jean Macé" in accept_questions[0]
    assert page.table.visible_rows() == []
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [r.name for r in page.table.visible_rows()] == ["Collège Jean Macé"]
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.dialog is not None and page.dialog.isVisible()
    assert page.dialog.windowTitle() == "Nouvelle commune ou structure"
    page.dialog.reject()
    # Ctrl+3 goes to the third page; the hidden page's Ctrl+N no longer answers.
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == "staff"
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.pages["staff"].dialog.windowTitle() == "Nouveau/nouvelle chargé·e de coopération"
    window.pages["staff"].dialog.reject()
