"""Starting the window: Qt in French, the database opened, the window shown, then the data.

`ctgdesk` without a command calls `run_gui(db_path, argv)` (ctgdesk/cli.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from ctgdesk import APP_DISPLAY_NAME, APP_NAME, __version__
from ctgdesk.db import Database, open_database
from ctgdesk.db.migrate import SchemaTooNew
from ctgdesk.services.referential import ensure_referential
from ctgdesk.ui.context import UiContext
from ctgdesk.ui.main_window import MainWindow
from ctgdesk.ui.widgets.style import apply_style

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
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication([sys.argv[0] if sys.argv else APP_NAME, *argv])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION_NAME)
    app.setApplicationDisplayName("ctgdesk")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_NAME)
    install_french(app)
    apply_style(app)
    from ctgdesk.ui.main_window import app_icon

    app.setWindowIcon(app_icon())
    return app


def open_for_gui(db_path: Path) -> Database:
    """Open (or create) the database and make sure the national referential is in it."""
    db = open_database(db_path)
    with db.transaction() as session:
        ensure_referential(session)
    return db


def run_gui(db_path: Path, argv: list[str]) -> int:
    app = create_application(argv)
    try:
        db = open_for_gui(db_path)
    except SchemaTooNew as error:
        QMessageBox.critical(
            None, APP_DISPLAY_NAME,
            f"La base {db_path} a été écrite par une version plus récente de ctgdesk (schéma {error}).\n"
            "Mettez ctgdesk à jour pour l'ouvrir.",
        )
        return 1
    except Exception as error:  # noqa: BLE001 - said to the user in French, never a traceback
        QMessageBox.critical(
            None, APP_DISPLAY_NAME,
            f"Impossible d'ouvrir la base de données {db_path} :\n{error}",
        )
        return 1
    ctx = UiContext(db=db)
    window = MainWindow(ctx)
    window.show()
    QTimer.singleShot(0, window.load)  # the window first, then its data
    try:
        return app.exec()
    finally:
        db.dispose()
