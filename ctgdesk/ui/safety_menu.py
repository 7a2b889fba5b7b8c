"""The Fichier menu's data-safety entries: Vérifier la base…, Données personnelles (RGPD)…,
Deuxième dossier de sauvegarde… (ctgdesk.ui.main_window._build_menus adds them).

Light to import: the menu is built before the window's first frame, while what the entries
do — their dialogs and ctgdesk.ui.startup_safety — loads when one is chosen.
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu


def add_file_actions(window: QMainWindow, menu: QMenu) -> None:
    """window.verify_action, window.rgpd_action, window.second_folder_action, in `menu`."""

    def ask_verify() -> None:
        from ctgdesk.ui.dialogs.verify_dialog import VerifyDialog

        window.dialog = VerifyDialog(window.ctx.db, window)
        window.dialog.finished.connect(window.dialog.deleteLater)
        window.dialog.open()
        window.dialog.start()

    def ask_rgpd() -> None:
        from ctgdesk.ui.dialogs.rgpd_dialog import RgpdDialog

        window.dialog = RgpdDialog(window.ctx, window)
        window.dialog.finished.connect(window.dialog.deleteLater)
        window.dialog.open()

    def ask_second_folder() -> None:
        from ctgdesk.ui.startup_safety import Safety, safety_of

        safety = safety_of(window)
        if safety is None:
            safety = window.safety = Safety(window, window.db_path)
        safety.choose_second_folder()

    window.verify_action = QAction("&Vérifier la base…", window)
    window.verify_action.triggered.connect(ask_verify)
    window.rgpd_action = QAction("Données personnelles (&RGPD)…", window)
    window.rgpd_action.triggered.connect(ask_rgpd)
    window.second_folder_action = QAction("&Deuxième dossier de sauvegarde…", window)
    window.second_folder_action.triggered.connect(ask_second_folder)
    for action in (window.second_folder_action, window.verify_action, window.rgpd_action):
        menu.addAction(action)
