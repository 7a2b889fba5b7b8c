"""Starting the window: Qt in French, the window shown, then the database and the data.

`ctgdesk` without a command calls `run_gui(db_path, argv)` (ctgdesk/cli.py).

The order is what users feel (bench/run measures it): the window's first frame needs Qt
only; SQLAlchemy, the migrations check, the pages and the services load after that frame,
then the page in front is filled, and the icons (qtawesome) come last. Nothing heavy is
imported at the top of this module.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QWidget

from ctgdesk.ui.pyside_import_check import faster_pyside_import_check

faster_pyside_import_check()  # before the ~300 modules the window imports after PySide6

from ctgdesk import APP_DISPLAY_NAME, APP_NAME, __version__  # noqa: E402
from ctgdesk.ui.context import UiContext  # noqa: E402
from ctgdesk.ui.main_window import MainWindow  # noqa: E402
from ctgdesk.ui.widgets.style import STYLE_ARGUMENTS, apply_style  # noqa: E402

if TYPE_CHECKING:
    from ctgdesk.db import Database

ORGANISATION_NAME = "ctgdesk"
FRENCH = QLocale(QLocale.Language.French, QLocale.Country.France)


def install_french(app: QApplication) -> list[QTranslator]:
    """French everywhere Qt writes its own words ("Annuler", "Oui") and formats numbers/dates."""
    QLocale.setDefault(FRENCH)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    installed = []
    for name in ("qtbase",):
        translator = QTranslator(app)
        if translator.load(FRENCH, name, "_", folder):
            app.installTranslator(translator)
            installed.append(translator)
    return installed


def create_application(argv: list[str]) -> QApplication:
    existing = QApplication.instance()
    if existing is not None:  # tests, or a second call
        return existing  # type: ignore[return-value]
    # High-DPI scaling: Qt 6 rounds no scale factor (PassThrough) by default, as wanted; saying
    # it again would build PySide6's whole `Qt` namespace before the first frame (ui/lazy_qt.py).
    # Our style last: it wins over a `-style` among the user's arguments, as it always did.
    app = QApplication([sys.argv[0] if sys.argv else APP_NAME, *argv, *STYLE_ARGUMENTS])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION_NAME)
    app.setApplicationDisplayName("ctgdesk")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_NAME)
    install_french(app)
    apply_style(app, style_from_arguments=True)
    from ctgdesk.ui.main_window import app_icon

    app.setWindowIcon(app_icon())
    return app


def open_for_gui(db_path: Path) -> Database:
    """Open the database again (after a restore) through the one way in, the window's lock
    still held, and make sure the national referential is in it."""
    from ctgdesk.db.opening import Access, open_checked, resolve
    from ctgdesk.services.referential import ensure_referential

    db = open_checked(resolve(db_path), Access.CREATE).db
    with db.transaction() as session:
        ensure_referential(session)
    return db


class AfterFirstFrame(QObject):
    """Calls back once a window's first frame is on screen (its first Expose and the paint
    it causes are over), or after `fallback_ms` if it is never exposed (minimised start)."""

    def __init__(self, window: QWidget, callback: Callable[[], None], fallback_ms: int = 1000):
        super().__init__(window)
        self._callback: Callable[[], None] | None = callback
        self._handle = window.windowHandle()
        self._handle.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self._fire)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Expose and self._handle.isExposed():
            # Two hops: the first runs after the Expose (and its paint) is delivered, the second
            # after whatever that paint queued.
            QTimer.singleShot(0, lambda: QTimer.singleShot(0, self._fire))
        return False

    def _fire(self) -> None:
        if self._callback is None:
            return
        callback, self._callback = self._callback, None
        self._handle.removeEventFilter(self)
        callback()


def _open_and_fill(app: QApplication, window: MainWindow, db_path: Path) -> None:
    from ctgdesk.ui import startup_safety  # the lock, the start-up check, backups (Qt only)

    try:
        from ctgdesk.db.paths import is_server_url

        if is_server_url(db_path):  # a team base: no file, no lock, the server's backups
            from ctgdesk.ui.team_base import open_for_window

            db = open_for_window(db_path)
        else:
            db = startup_safety.open_for_window(window, db_path)  # None: the user chose to quit
    except Exception as error:  # noqa: BLE001 - said to the user in French, never a traceback
        from ctgdesk.db.migrate import SchemaTooNew  # Alembic only on this path

        if isinstance(error, SchemaTooNew):
            message = (f"La base {db_path} a été écrite par une version plus récente de ctgdesk "
                       f"(schéma {error}).\nMettez ctgdesk à jour pour l'ouvrir.")
        else:
            from ctgdesk.crashlog import write_log

            log = write_log(error, f"ouverture de {db_path}")
            message = f"Impossible d'ouvrir la base de données {db_path} :\n{error}"
            if log is not None:
                message += f"\n\nLe détail technique a été enregistré dans « {log} »."
        from PySide6.QtWidgets import QMessageBox

        window.apply_icons()
        QMessageBox.critical(window, APP_DISPLAY_NAME, message)
        app.exit(1)
        return
    if db is None:
        app.exit(1)
        return
    # The page in front is painted once, filled: not first empty (while its data loads, a
    # paint of the empty page only delays the worker, bench/run).
    window.stack.setUpdatesEnabled(False)
    window.attach_database(db, front_page_only=True)
    window.statusBar().clearMessage()
    window.load()  # the page in front, its data read in a worker thread (ctgdesk.ui.loading)
    window.ctx.loads.call_when_done(lambda: _front_page_filled(window))


def _front_page_filled(window: MainWindow) -> None:
    window.stack.setUpdatesEnabled(True)
    window.repaint()  # the filled page on screen now; then the other pages, then the icons
    QTimer.singleShot(0, lambda: _finish_start(window))


def _finish_start(window: MainWindow) -> None:
    window.attach_other_pages()
    window.apply_icons()
    from ctgdesk.ui import startup_safety

    startup_safety.after_open(window)  # status bar, location warning, first automatic backup
    from ctgdesk.ui.recovery import offer_recovery

    crash_log = getattr(window, "crash_log", None)  # run_gui's (start_safety_nets)
    offer_recovery(window, crash_log.previous_crashes() if crash_log else [])  # a crash last time, drafts to resume
    configure_models_in_background(window)
    collect_garbage_again()
    # window.ask_identity_if_needed() — the first-start question — is not called here yet: a
    # dialog opened at this point took the focus from the crash-recovery offer and the draft
    # flows (tests/ui/test_drafts.py hung); to be placed after ui/recovery's offers.


def configure_models_in_background(window: MainWindow) -> None:
    """The page in front was filled without configuring SQLAlchemy's mappers (its statements
    name table columns: ctgdesk.models.base.table); configure them now in the worker thread,
    before the user opens another page, rather than in the first page load that needs them."""

    def configure(_session) -> None:
        from sqlalchemy.orm import configure_mappers

        configure_mappers()

    window.ctx.loads.start("configure-models", configure, lambda _nothing: None)


def pause_garbage_collection() -> None:
    """Keep the garbage collector off while the application starts (run_gui; cli.py turns it
    off already before importing Qt).

    Start-up creates a few hundred thousand long-lived objects (Qt's and SQLAlchemy's modules,
    the mappers, the pages) and almost no garbage: each full scan of the collector walked all
    of them again, about a tenth of a second of the cold start to the dashboard (bench/run).
    `collect_garbage_again()` turns it back on once the start is over.
    """
    gc.disable()


def collect_garbage_again() -> None:
    """Start-up is over: what it built lives as long as the window, so it is moved out of the
    collector's scans for good (gc.freeze), then the collector runs as usual again."""
    gc.freeze()
    gc.enable()


def start_safety_nets(window: MainWindow, db_path: Path):
    """The crash log (a fatal error from now on leaves its report; what the last run left is
    said once the window is filled: _finish_start) and the forms' drafts, in the user's data
    folder. Returns the CrashLog, to stop at a clean exit."""
    from ctgdesk.fatal_crash import CrashLog
    from ctgdesk.db.paths import drafts_dir, reports_dir
    from ctgdesk.services.drafts import DraftStore

    crash_log = CrashLog(reports_dir())
    crash_log.start(db_path)
    window.crash_log = crash_log
    window.ctx.drafts = DraftStore(drafts_dir())
    return crash_log


class UnexpectedErrors:
    """sys.excepthook while the window runs: an error nobody caught (in a slot, a timer…)
    becomes a French message box and a log file with its traceback, never a traceback on
    stderr; the program then ends with a non-zero code."""

    def __init__(self, app: QApplication):
        self.app = app
        self.count = 0
        self.logs: list[Path] = []
        self._showing = False

    def __call__(self, kind, error, trace) -> None:
        from ctgdesk.crashlog import user_message, write_log

        if error is None:
            error = kind()
        if trace is not None and error.__traceback__ is None:
            error = error.with_traceback(trace)
        self.count += 1
        log = write_log(error, "fenêtre")
        if log is not None:
            self.logs.append(log)
        if self._showing:
            return  # one box at a time: the next errors are in their logs
        self._showing = True
        try:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(self.app.activeWindow(), APP_DISPLAY_NAME,
                                 user_message(error, log) + "\n\nEnregistrez votre travail et "
                                 "redémarrez ctgdesk si quelque chose semble anormal.")
        except Exception:  # noqa: BLE001 - no box possible: the log holds it
            pass
        finally:
            self._showing = False


def run_gui(db_path: Path, argv: list[str]) -> int:
    pause_garbage_collection()  # until _finish_start
    app = create_application(argv)
    errors = UnexpectedErrors(app)
    previous_hook, sys.excepthook = sys.excepthook, errors
    # The database is opened once the window is on screen; pages load in a worker thread.
    ctx = UiContext(db=None, background_loads=True)  # type: ignore[arg-type]
    window = MainWindow(ctx, db_path=db_path)
    window.statusBar().showMessage(f"Ouverture de {Path(str(db_path)).name}…")
    window.show()
    nets = []  # the crash log, started with the first frame (nothing of it delays that frame)

    def after_first_frame() -> None:
        nets.append(start_safety_nets(window, db_path))
        _open_and_fill(app, window, db_path)

    AfterFirstFrame(window, after_first_frame)
    try:
        code = app.exec()
        return code or (1 if errors.count else 0)
    finally:
        sys.excepthook = previous_hook
        gc.enable()  # a start cut short never reached _finish_start
        if ctx.db is not None:
            ctx.db.dispose()
        for crash_log in nets:
            crash_log.stop()  # a clean end: no crash to report next time
