"""« Sauvegardes »: list the backups, back up now, restore one, copy one to a second support.

A thin face over ctgdesk.db.backup: no rule here. Restoring needs the application to let go
of the database, so the dialog is given two callbacks: `close_database()` (dispose every
engine on the file) and `reopen_database()` (open it again and refresh the pages).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ctgdesk.db.backup import (
    BackupError,
    BackupInfo,
    BackupKind,
    copy_to_second_folder,
    default_backup_folder,
    list_backups,
    make_backup,
    restore,
)
from ctgdesk.db.sqlite_files import french_datetime, french_size
from ctgdesk.ui.widgets.screen_fit import resize_to_screen


class BackupDialog(QDialog):
    COLUMNS = ("Date", "Type", "Taille", "Fichier")

    def __init__(
        self,
        db_path: Path,
        *,
        close_database: Callable[[], None],
        reopen_database: Callable[[], None],
        folder: Path | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.folder = Path(folder) if folder is not None else default_backup_folder(self.db_path)
        self._close_database = close_database
        self._reopen_database = reopen_database
        self.backups: list[BackupInfo] = []
        self.setWindowTitle("Sauvegardes")
        resize_to_screen(self, 720, 420)

        self.where = QLabel(f"Dossier des sauvegardes : {self.folder}")
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.status = QLabel("")
        self.status.setWordWrap(True)

        self.backup_button = QPushButton("Sauvegarder maintenant")
        self.restore_button = QPushButton("Restaurer la sauvegarde choisie…")
        self.copy_button = QPushButton("Copier sur une clé USB ou un partage…")
        self.close_button = QPushButton("Fermer")
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.copy_button.clicked.connect(self.copy_selected)
        self.close_button.clicked.connect(self.accept)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        buttons = QHBoxLayout()
        for button in (self.backup_button, self.restore_button, self.copy_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.where)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.reload()

    # ------------------------------------------------------------ data

    def reload(self) -> None:
        self.backups = list_backups(self.folder, stem=self.db_path.stem)
        self.table.setRowCount(len(self.backups))
        for row, info in enumerate(self.backups):
            for column, text in enumerate(
                (french_datetime(info.created), info.kind.label, french_size(info.size), info.path.name)
            ):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.restore_button.setEnabled(chosen)
        self.copy_button.setEnabled(chosen)

    # ------------------------------------------------------------ questions (replaced in tests)

    def confirm(self, title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        yes = box.addButton("Restaurer", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is yes

    def choose_folder(self) -> Path | None:
        chosen = QFileDialog.getExistingDirectory(self, "Copier la sauvegarde dans…")
        return Path(chosen) if chosen else None

    def tell(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #b00020;" if error else "")

    # ------------------------------------------------------------ actions

    def backup_now(self) -> None:
        try:
            info = make_backup(self.db_path, BackupKind.MANUAL, self.folder)
        except BackupError as error:
            self.tell(str(error), error=True)
            return
        self.reload()
        self.tell(f"{info.label} écrite et vérifiée.")

    def restore_selected(self) -> None:
        info = self.selected()
        if info is None:
            return
        question = (
            f"Remplacer la base actuelle par la {info.label[0].lower()}{info.label[1:]} ?\n\n"
            "La base actuelle sera d'abord sauvegardée (« avant restauration ») : "
            "vous pourrez revenir en arrière."
        )
        if not self.confirm("Restaurer une sauvegarde", question):
            return
        self._close_database()
        try:
            result = restore(info.path, self.db_path, folder=self.folder)
        except BackupError as error:
            self.tell(str(error), error=True)
            return
        finally:
            self._reopen_database()
        self.reload()
        self.tell(result.summary)

    def copy_selected(self) -> None:
        info = self.selected()
        if info is None:
            return
        folder = self.choose_folder()
        if folder is None:
            return
        try:
            copy = copy_to_second_folder(info, folder)
        except BackupError as error:
            self.tell(str(error), error=True)
            return
        self.tell(f"Copie vérifiée écrite : {copy.path}")
