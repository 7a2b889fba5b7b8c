"""The main window: a sidebar of pages, the year shown, Annuler/Rétablir, the status bar.

Pages come from ctgdesk.ui.pages.PAGES (pages not written yet are left out). A page is
loaded when first shown and reloaded when shown again after the data or the year changed,
so that only the page in front does work.

Start-up (ctgdesk.ui.app.run_gui): the window is built and shown before the database is
opened — `MainWindow(UiContext(db=None), db_path=…)` needs neither SQLAlchemy nor the pages
nor qtawesome — then `attach_database(db)` builds the pages, `load()` fills the page in front
and `apply_icons()` draws the icons last (bench/run: cold start to the window ≤ 1,5× a bare
Qt window).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QByteArray, QSettings, QSize, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
    QHBoxLayout,
)

from ctgdesk import APP_DISPLAY_NAME, __version__
from ctgdesk.resources import resource_path
from ctgdesk.ui.context import Page, UiContext
from ctgdesk.ui.lazy_qt import Qt  # PySide6's `Qt`, built when first used: not before the first frame
from ctgdesk.ui.pages import PAGES, PageSpec, available_pages
from ctgdesk.ui.safety_menu import add_file_actions
from ctgdesk.ui.widgets import icons
from ctgdesk.ui.widgets.screen_fit import window_geometry

UNDO_BUTTON_MS = 15_000
MIN_YEAR, MAX_YEAR = 2000, 2100
NAV_ICON = {"color": "#c9d4df", "color_active": "#ffffff", "color_selected": "#ffffff"}


def _icon(name: str, **options):
    """A Font Awesome icon; qtawesome (a fifth of a second to import) loads on first use."""
    return icons.icon(name, **options)


def app_icon() -> QIcon:
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        path = resource_path("icons", f"ctgdesk-{size}.png")
        if path.exists():
            icon.addFile(str(path), QSize(size, size))
    return icon if not icon.isNull() else _icon("fa5s.hands-helping", color="#2f6fb0")


class MainWindow(QMainWindow):
    def __init__(self, ctx: UiContext, settings: QSettings | None = None,
                 page_specs: list[PageSpec] | None = None, parent: QWidget | None = None,
                 *, db_path: Path | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.settings = settings if settings is not None else QSettings()
        self.pages: dict[str, Page] = {}
        self._stale: set[str] = set()
        self.dialog = None  # the dialog opened from the menus, if any
        self._specs = PAGES if page_specs is None else page_specs
        # Without a database yet (start-up), icons wait for apply_icons() and pages for attach_database().
        if ctx.db is None:
            icons.hold()
        self.db_path = Path(db_path if db_path is not None else ctx.db.path)  # a team base: its name
        self.setWindowTitle(f"ctgdesk — {self.db_path.name}")
        if QApplication.windowIcon().isNull():  # else the application's icon is the window's already
            self.setWindowIcon(app_icon())
        self.setMinimumSize(QSize(980, 620))

        self.stack = QStackedWidget()
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setIconSize(QSize(18, 18))  # its focus policy is StrongFocus already
        if ctx.db is not None:
            self._build_pages(self._specs)
        self.navigation.currentRowChanged.connect(self._on_page_changed)

        self._build_central()
        self._build_toolbar()
        self._build_menus()
        self._build_status_bar()

        ctx.signals.data_changed.connect(self._on_data_changed)
        ctx.signals.year_changed.connect(self._on_year_changed)
        ctx.signals.status_message.connect(self._show_status)
        self._restore_settings()
        if ctx.db is not None:
            self._build_view_menu()
            self._restore_page()
            self.apply_identity()
            self._watch_team_base()

    def attach_database(self, db, *, front_page_only: bool = False) -> None:
        """Start-up: the database is open once the window is on screen; now the pages — only
        the one coming in front when `front_page_only` (attach_other_pages() adds the others
        once it is filled: their modules and widgets are a third of a second more)."""
        self.ctx.db = db
        self._watch_team_base()
        self.navigation.blockSignals(True)
        if front_page_only:
            wanted = self.settings.value("window/page")
            self._build_pages([spec for spec in self._specs if spec.key == wanted] or self._specs[:1])
        if not self.pages:
            self._build_pages(self._specs)
        self.navigation.blockSignals(False)
        self._restore_page()
        self.apply_identity()
        if not front_page_only:  # else attach_other_pages() builds it, with every page
            self._build_view_menu()

    def open_team_connect(self) -> None:
        """Fichier → Se connecter à une base d'équipe… : once connected, ctgdesk starts again on it."""
        from ctgdesk.ui.dialogs.team_connect import TeamConnectDialog, restart_on

        dialog = self.dialog = TeamConnectDialog(self.settings, self)
        dialog.accepted.connect(lambda: self._switch_to_team_base(dialog.url, dialog.password, restart_on))
        dialog.open()

    def _switch_to_team_base(self, url: str, password: str, restart_on) -> None:
        if restart_on(url, password):
            self.ctx.show_status("ctgdesk s'ouvre sur la base d'équipe ; cette fenêtre se ferme.")
            self.close()
        else:
            QMessageBox.warning(self, "Base d'équipe", "ctgdesk n'a pas pu être relancé sur la base d'équipe. "
                                f"Lancez-le avec : ctgdesk --db {url}")

    def _watch_team_base(self) -> None:
        """On a team base, others' saves refresh the pages (ctgdesk.ui.team_base)."""
        if self.ctx.db is not None and self.ctx.db.engine.dialect.name == "postgresql":
            from ctgdesk.ui import team_base

            team_base.watch(self)

    def attach_other_pages(self) -> None:
        """Start-up: the pages not built yet, in their places in the sidebar."""
        current = self.current_key()
        self.navigation.blockSignals(True)
        self._build_pages([spec for spec in self._specs if spec.key not in self.pages])
        if current is not None:
            self._select_nav(current)
        self.navigation.blockSignals(False)
        self._build_view_menu()

    def apply_icons(self) -> None:
        """Start-up: the icons (the window's and its pages'), once the page in front is filled."""
        icons.release()

    def _set_icon(self, setter: Callable, name: str, **options) -> None:
        icons.set_icon(setter, name, **options)

    # --- building -----------------------------------------------------------------------
    def _build_pages(self, specs: list[PageSpec]) -> None:
        self._watch_loads()
        order = [spec.key for spec in self._specs]
        for key, page_class in available_pages(specs):
            page = page_class(self.ctx)
            page.setObjectName(f"page_{key}")
            row = sum(1 for built in self.pages if order.index(built) < order.index(key))  # registry order
            self.pages[key] = page
            self._stale.add(key)
            self.stack.addWidget(page)
            item = QListWidgetItem(page.title)
            self._set_icon(item.setIcon, page.icon_name, **NAV_ICON)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setSizeHint(QSize(0, 38))
            self.navigation.insertItem(row, item)
            signal = getattr(page, "open_record", None)
            if signal is not None:
                signal.connect(self.open_record)

    def _build_central(self) -> None:
        sidebar = QWidget()
        sidebar.setObjectName("sidebar")
        sidebar.setFixedWidth(236)
        name = QLabel("ctgdesk")
        name.setObjectName("appName")
        tagline = QLabel("Coopération territoriale CTG")
        tagline.setObjectName("appTagline")
        layout = QVBoxLayout(sidebar)
        layout.setContentsMargins(0, 18, 0, 12)
        layout.setSpacing(2)
        for label in (name, tagline):
            label.setContentsMargins(20, 0, 12, 0)
            layout.addWidget(label)
        layout.addSpacing(18)
        layout.addWidget(self.navigation, 1)
        version = QLabel(f"version {__version__}")
        version.setObjectName("appTagline")
        version.setContentsMargins(20, 0, 12, 0)
        layout.addWidget(version)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(sidebar)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

    def _build_toolbar(self) -> None:
        stack = self.ctx.undo_stack
        self.undo_action = stack.createUndoAction(self, "Annuler")
        self._set_icon(self.undo_action.setIcon, "fa5s.undo", color="#34495e")
        # setShortcuts([…]), not setShortcut(…): the same, without building PySide6's `Qt`
        # namespace before the first frame (ctgdesk/ui/lazy_qt.py). Also in _build_menus.
        self.undo_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        self.redo_action = stack.createRedoAction(self, "Rétablir")
        self._set_icon(self.redo_action.setIcon, "fa5s.redo", color="#34495e")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence(QKeySequence.StandardKey.Redo)])
        # The toolbar shows short texts; the menu keeps "Annuler Supprimer « … »".
        toolbar = QToolBar("Barre d'outils")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setFloatable(False)
        toolbar.setIconSize(QSize(16, 16))
        # Qt.ToolButtonStyle.ToolButtonTextBesideIcon, set by its name (ctgdesk/ui/lazy_qt.py).
        toolbar.setProperty("toolButtonStyle", "ToolButtonTextBesideIcon")
        toolbar.toggleViewAction().setEnabled(False)
        self.addToolBar(toolbar)  # at the top

        year_label = QLabel("  Année affichée ")
        self.year_spin = QSpinBox()
        self.year_spin.setRange(MIN_YEAR, MAX_YEAR)
        self.year_spin.setValue(self.ctx.year)
        self.year_spin.setToolTip("L'année que montrent le tableau de bord, les ETP et les listes "
                                  "(Ctrl+Page préc. / Ctrl+Page suiv.)")
        self.year_spin.setKeyboardTracking(False)
        self.year_spin.setMinimumWidth(84)
        self.year_spin.valueChanged.connect(self.ctx.set_year)
        toolbar.addWidget(year_label)
        toolbar.addWidget(self.year_spin)
        toolbar.addSeparator()
        self.toolbar_undo = QAction("Annuler", self)
        self._set_icon(self.toolbar_undo.setIcon, "fa5s.undo", color="#34495e")
        self.toolbar_undo.triggered.connect(stack.undo)
        self.toolbar_redo = QAction("Rétablir", self)
        self._set_icon(self.toolbar_redo.setIcon, "fa5s.redo", color="#34495e")
        self.toolbar_redo.triggered.connect(stack.redo)
        stack.canUndoChanged.connect(self.toolbar_undo.setEnabled)
        stack.canRedoChanged.connect(self.toolbar_redo.setEnabled)
        stack.undoTextChanged.connect(lambda text: self.toolbar_undo.setToolTip(f"Annuler : {text} (Ctrl+Z)"))
        stack.redoTextChanged.connect(lambda text: self.toolbar_redo.setToolTip(f"Rétablir : {text} (Ctrl+Y)"))
        self.toolbar_undo.setEnabled(stack.canUndo())
        self.toolbar_redo.setEnabled(stack.canRedo())
        toolbar.addAction(self.toolbar_undo)
        toolbar.addAction(self.toolbar_redo)
        self.toolbar = toolbar

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file_menu = self.file_menu = menus.addMenu("&Fichier")
        self.import_action = QAction("&Importer des données…", self)
        self._set_icon(self.import_action.setIcon, "fa5s.file-import", color="#34495e")
        self.import_action.setShortcuts([QKeySequence("Ctrl+I")])
        self.import_action.triggered.connect(self.open_import)
        file_menu.addAction(self.import_action)
        self.backup_action = QAction("&Sauvegardes…", self)
        self._set_icon(self.backup_action.setIcon, "fa5s.history", color="#34495e")
        self.backup_action.triggered.connect(self.open_backups)
        file_menu.addAction(self.backup_action)
        add_file_actions(self, file_menu)  # Vérifier la base, RGPD, 2e dossier
        file_menu.addSeparator()
        self.preferences_action = QAction("&Préférences…", self)
        self._set_icon(self.preferences_action.setIcon, "fa5s.user-cog", color="#34495e")
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.preferences_action.triggered.connect(lambda: self.open_preferences())
        file_menu.addAction(self.preferences_action)
        self.team_action = QAction("Se connecter à une &base d'équipe…", self)
        self._set_icon(self.team_action.setIcon, "fa5s.users", color="#34495e")
        self.team_action.triggered.connect(self.open_team_connect)
        file_menu.addAction(self.team_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quitter", self)
        self._set_icon(quit_action.setIcon, "fa5s.sign-out-alt", color="#34495e")
        quit_action.setShortcuts([QKeySequence("Ctrl+Q")])
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        edit_menu = menus.addMenu("É&dition")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self.search_action = QAction("Rechercher dans toute la &base…", self)
        self._set_icon(self.search_action.setIcon, "fa5s.search", color="#34495e")
        self.search_action.setShortcuts([QKeySequence("Ctrl+K")])
        self.search_action.setToolTip("Réunions, décisions, fiches, personnes, organisations, journal (Ctrl+K)")
        self.search_action.triggered.connect(self.open_search)
        edit_menu.addAction(self.search_action)

        view_menu = menus.addMenu("&Affichage")
        self.view_menu = view_menu
        self._view_menu_top = view_menu.addSeparator()  # the pages go above (_build_view_menu)
        previous_year = QAction("Année précédente", self)
        previous_year.setShortcuts([QKeySequence("Ctrl+PgUp")])
        previous_year.triggered.connect(lambda: self.year_spin.setValue(self.year_spin.value() - 1))
        next_year = QAction("Année suivante", self)
        next_year.setShortcuts([QKeySequence("Ctrl+PgDown")])
        next_year.triggered.connect(lambda: self.year_spin.setValue(self.year_spin.value() + 1))
        view_menu.addAction(previous_year)
        view_menu.addAction(next_year)

        help_menu = menus.addMenu("Ai&de")
        shortcuts = QAction("Raccourcis clavier", self)
        shortcuts.triggered.connect(self.show_shortcuts)
        help_menu.addAction(shortcuts)
        about = QAction("À &propos de ctgdesk", self)
        self._set_icon(about.setIcon, "fa5s.info-circle", color="#34495e")
        about.setMenuRole(QAction.MenuRole.AboutRole)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def _build_view_menu(self) -> None:
        """One entry per page in the Affichage menu (Ctrl+1 …), once the pages exist."""
        for number in range(self.navigation.count()):
            item = self.navigation.item(number)
            action = QAction(item.text(), self)
            self._set_icon(action.setIcon, self.pages[item.data(Qt.ItemDataRole.UserRole)].icon_name, color="#34495e")
            if number < 9:
                action.setShortcut(QKeySequence(f"Ctrl+{number + 1}"))
            action.triggered.connect(lambda _checked=False, n=number: self.navigation.setCurrentRow(n))
            self.view_menu.insertAction(self._view_menu_top, action)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.undo_button = QPushButton("Annuler")
        self._set_icon(self.undo_button.setIcon, "fa5s.undo", color="#34495e")
        self.undo_button.setFlat(False)
        self.undo_button.hide()
        self.undo_button.clicked.connect(self.ctx.undo_stack.undo)
        bar.addPermanentWidget(self.undo_button)
        self._undo_button_timer = QTimer(self)
        self._undo_button_timer.setSingleShot(True)
        self._undo_button_timer.timeout.connect(self.undo_button.hide)
        self.ctx.undo_stack.indexChanged.connect(self._on_undo_index)
        self.db_label = QLabel(str(self.db_path))
        self.db_label.setObjectName("hint")
        self.db_label.setToolTip("Fichier de la base de données")
        bar.addPermanentWidget(self.db_label)

    # --- pages ------------------------------------------------------------------------
    def current_key(self) -> str | None:
        item = self.navigation.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def show_page(self, key: str) -> Page | None:
        for number in range(self.navigation.count()):
            if self.navigation.item(number).data(Qt.ItemDataRole.UserRole) == key:
                self.navigation.setCurrentRow(number)
                return self.pages[key]
        return None

    def load(self) -> None:
        """Load the page in front (called once the window is on screen)."""
        if self.navigation.currentRow() < 0 and self.navigation.count():
            self.navigation.setCurrentRow(0)
        self._refresh_current()

    def open_record(self, page_key: str, record_kind: str, record_id: int) -> None:
        page = self.show_page(page_key)
        if page is None:
            self._show_status("Cette page n'est pas encore disponible dans cette version.", 5000)
            return
        hook = getattr(page, "show_record", None)
        if hook is not None:  # once the page shows its fresh data
            self.ctx.loads.call_when_done(lambda: hook(record_kind, record_id))

    # --- who she is (ctgdesk.ui.identity) -----------------------------------------------
    def apply_identity(self) -> None:
        """ctx.me from the user's settings for this base."""
        from ctgdesk.ui import identity

        stored = identity.load(self.settings, self.db_path)
        if stored is None:
            return
        with self.ctx.db.transaction() as session:
            self.ctx.me = identity.coordinator_id(session, stored)

    def ask_identity_if_needed(self):
        """At the first start on a base with coordinators: who is she? (the dialog, or None)"""
        from ctgdesk.ui import identity

        if self.ctx.db is None or identity.load(self.settings, self.db_path) is not None:
            return None
        from ctgdesk.services import people

        with self.ctx.db.transaction() as session:
            if not people.list_coordinators(session):
                return None
        return self.open_preferences(first_start=True)

    def open_preferences(self, *, first_start: bool = False):
        if self.ctx.db is None:
            return None
        from ctgdesk.ui.dialogs.preferences_dialog import PreferencesDialog

        self.dialog = PreferencesDialog(self.ctx, self.settings, self.db_path, first_start=first_start, parent=self)
        self.dialog.accepted.connect(lambda: self._show_status("Préférences enregistrées.", 4000))
        self.dialog.finished.connect(self.dialog.deleteLater)
        self.dialog.open()
        return self.dialog

    def open_search(self) -> None:
        """Rechercher dans toute la base (Ctrl+K); the record chosen opens."""
        if self.ctx.db is None:
            return
        from ctgdesk.ui.dialogs.search_dialog import SearchDialog

        self.dialog = SearchDialog(self.ctx, self)
        self.dialog.record_chosen.connect(self.open_hit)
        self.dialog.finished.connect(self.dialog.deleteLater)
        self.dialog.open()

    def open_hit(self, hit) -> None:
        """A record found by the search of the whole base: its form, or its page with it selected."""
        kind, record_id = hit.kind, hit.record_id
        if kind in ("meeting", "decision"):
            page = self.show_page("meetings")
            if page is not None:
                meeting_id = hit.meeting_id if kind == "decision" else record_id
                self.ctx.loads.call_when_done(lambda: page.edit_meeting(meeting_id))
        elif kind == "journal":
            page = self.show_page("journal")
            if page is not None:
                self.ctx.loads.call_when_done(lambda: page.edit_entry(record_id))
        elif kind == "fiche":
            page = self.show_page("plan")
            if page is not None:
                def open_fiche() -> None:
                    page.show_record("fiche", record_id)
                    selected = page.selected()
                    if selected is not None and selected.kind == "fiche" and selected.id == record_id:
                        page.edit_selected()
                self.ctx.loads.call_when_done(open_fiche)
        elif kind == "coordinator":
            self.open_record("staff", "coordinator", record_id)
        elif kind == "organisation" or (kind == "person" and hit.organisation_id is not None):
            organisation_id = record_id if kind == "organisation" else hit.organisation_id
            self.open_record("territory", "organisation", organisation_id)
            if kind == "person":
                self._show_status(f"{hit.title} : {hit.detail}.", 8000)
        else:
            self._show_status(f"{hit.title} n'est rattaché·e à aucune organisation : rien à ouvrir.", 8000)

    def _on_page_changed(self, number: int) -> None:
        if number < 0:
            return
        key = self.navigation.item(number).data(Qt.ItemDataRole.UserRole)
        self.stack.setCurrentWidget(self.pages[key])
        self._refresh_current()

    def _refresh_current(self) -> None:
        key = self.current_key()
        if key is not None and key in self._stale:
            self._stale.discard(key)
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                self.pages[key].refresh()
            finally:
                QApplication.restoreOverrideCursor()

    def _on_data_changed(self) -> None:
        self._stale = set(self.pages)
        self._refresh_current()

    def _on_year_changed(self, year: int) -> None:
        if self.year_spin.value() != year:
            self.year_spin.setValue(year)
        self._stale = set(self.pages)
        self._refresh_current()
        self._show_status(f"Année affichée : {year}.", 3000)

    # --- loads off the UI thread (ctgdesk.ui.loading) ---------------------------------------
    def _watch_loads(self) -> None:
        """"Chargement…" in the status bar while a page load lasts (not for short ones)."""
        if getattr(self, "_loading_indicator", None) is not None:
            return
        self._loading_indicator = QWidget()
        self._loading_indicator.setToolTip("Les données de la page sont en cours de lecture.")
        layout = QHBoxLayout(self._loading_indicator)
        layout.setContentsMargins(0, 0, 6, 0)
        label = QLabel("Chargement…")
        label.setObjectName("hint")
        bar = QProgressBar()  # no range: Qt animates it ("busy")
        bar.setRange(0, 0)
        bar.setTextVisible(False)
        bar.setMaximumSize(QSize(90, 12))
        layout.addWidget(label)
        layout.addWidget(bar)
        self._loading_indicator.setFixedWidth(self._loading_indicator.sizeHint().width())
        self._loading_indicator.hide()
        self.statusBar().insertPermanentWidget(0, self._loading_indicator)  # beside, not under, the messages
        self.ctx.loads.busy_changed.connect(self._loading_indicator.setVisible)

    # --- status bar -------------------------------------------------------------------
    def _show_status(self, message: str, timeout_ms: int) -> None:
        self.statusBar().showMessage(message, timeout_ms)

    def _on_undo_index(self, index: int) -> None:
        stack = self.ctx.undo_stack
        if stack.canUndo() and index == stack.count():
            self.undo_button.setToolTip(f"Annuler : {stack.undoText()} (Ctrl+Z)")
            self.undo_button.show()
            self._undo_button_timer.start(UNDO_BUTTON_MS)
        else:
            self.undo_button.hide()

    # --- file menu --------------------------------------------------------------------
    def open_import(self) -> None:
        from ctgdesk.ui.dialogs.import_wizard import ImportWizard

        self.dialog = ImportWizard(self.ctx, self)
        self.dialog.finished.connect(self.dialog.deleteLater)
        self.dialog.open()

    def open_backups(self) -> None:
        from ctgdesk.ui.backup_dialog import BackupDialog

        self.dialog = BackupDialog(self.ctx.db.path, close_database=self._close_database,
                                   reopen_database=self._reopen_database, parent=self)
        self.dialog.finished.connect(self.dialog.deleteLater)
        self.dialog.open()

    def _close_database(self) -> None:
        self.ctx.wait_for_loads()  # the worker finishes what it reads before the base closes
        self.ctx.db.dispose()

    def _reopen_database(self) -> None:
        """After a restore: the same file, other contents; what could be undone is gone."""
        from ctgdesk.ui.app import open_for_gui

        self.ctx.db = open_for_gui(self.ctx.db.path)
        self.ctx.undo_stack.clear()
        self.ctx.notify_changed()
        self._show_status("Base restaurée depuis la sauvegarde.", 8000)

    # --- help -------------------------------------------------------------------------
    def show_about(self) -> None:
        QMessageBox.about(
            self, "À propos de ctgdesk",
            f"<h3>{APP_DISPLAY_NAME}</h3><p>Version {__version__}</p>"
            "<p>L'outil des chargé·e·s de coopération territoriale CTG : territoire, ETP, réunions, "
            "plan d'action, journal et bilan annuel.</p>"
            f"<p>Base de données :<br/><code>{self.db_path}</code></p>",
        )

    def show_shortcuts(self) -> None:
        QMessageBox.information(
            self, "Raccourcis clavier",
            "<table cellspacing='4'>"
            "<tr><td><b>Ctrl+N</b></td><td>nouvel enregistrement sur la page</td></tr>"
            "<tr><td><b>Entrée</b></td><td>modifier la ligne choisie</td></tr>"
            "<tr><td><b>Suppr</b></td><td>supprimer la ligne choisie (après confirmation)</td></tr>"
            "<tr><td><b>Ctrl+F</b></td><td>rechercher dans la liste</td></tr>"
            "<tr><td><b>Ctrl+K</b></td><td>rechercher dans toute la base</td></tr>"
            "<tr><td><b>Ctrl+Z / Ctrl+Y</b></td><td>annuler / rétablir</td></tr>"
            "<tr><td><b>Ctrl+1 … Ctrl+7</b></td><td>aller à une page</td></tr>"
            "<tr><td><b>Ctrl+Page préc. / suiv.</b></td><td>année précédente / suivante</td></tr>"
            "</table>",
        )

    # --- settings ---------------------------------------------------------------------
    def _restore_settings(self) -> None:
        # The saved place if it still fits this screen (a laptop after a big monitor), else the
        # whole available area: a fixed 1280×800 put the status bar under a 768-pixel screen.
        geometry = self.settings.value("window/geometry")
        restored = isinstance(geometry, QByteArray) and not geometry.isEmpty() and self.restoreGeometry(geometry)
        screen = self.screen()
        if screen is not None:
            available = screen.availableGeometry()
            self.setMinimumSize(QSize(min(980, available.width() - 40), min(620, available.height() - 40)))
            wanted = window_geometry(self.frameGeometry() if restored else None, available)
            if not restored or wanted != self.frameGeometry():
                self.setGeometry(wanted)
            self._placed_at = self.geometry()  # showEvent fits its frame in, unless moved since
        year = self.settings.value("window/year")
        try:
            year = int(year) if year is not None else None
        except (TypeError, ValueError):
            year = None
        if year is not None and MIN_YEAR <= year <= MAX_YEAR:
            self.ctx.year = year
            self.year_spin.blockSignals(True)
            self.year_spin.setValue(year)
            self.year_spin.blockSignals(False)

    def _restore_page(self) -> None:
        key = self.settings.value("window/page")
        self.navigation.blockSignals(True)
        if not (isinstance(key, str) and self._select_nav(key)) and self.navigation.count():
            self.navigation.setCurrentRow(0)
        self.navigation.blockSignals(False)
        current = self.current_key()
        if current is not None:
            self.stack.setCurrentWidget(self.pages[current])

    def _select_nav(self, key: str) -> bool:
        for number in range(self.navigation.count()):
            if self.navigation.item(number).data(Qt.ItemDataRole.UserRole) == key:
                self.navigation.setCurrentRow(number)
                return True
        return False

    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/year", self.ctx.year)
        if self.current_key() is not None:
            self.settings.setValue("window/page", self.current_key())
        self.settings.sync()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not getattr(self, "_frame_fitted", False):
            self._frame_fitted = True
            if self.geometry() == getattr(self, "_placed_at", None):
                self.fit_frame_to_screen()

    def fit_frame_to_screen(self) -> None:
        """Once shown, the frame (title bar, borders) is known: the whole window, frame
        included, inside the screen's available area."""
        screen = self.screen()
        if screen is None or self.isMaximized() or self.isFullScreen():
            return
        available, frame = screen.availableGeometry(), self.frameGeometry()
        if available.contains(frame):
            return
        margins = (self.geometry().left() - frame.left(), self.geometry().top() - frame.top(),
                   frame.right() - self.geometry().right(), frame.bottom() - self.geometry().bottom())
        self.setGeometry(available.adjusted(margins[0], margins[1], -margins[2], -margins[3]))

    def closeEvent(self, event: QCloseEvent) -> None:
        icons.release()  # a start-up cut short leaves none held
        self.ctx.wait_for_loads()
        self.save_settings()
        super().closeEvent(event)
