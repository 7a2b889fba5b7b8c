"""The "Documents" menu button of a meeting: convocation, émargement, compte rendu, relevé,
dossier de COPIL — each to open (PDF or Word), to save where one wants, or to send to the
participants as an e-mail draft opened in the system's mail program (never sent by ctgdesk).

Thin: the services compute the document (services/meeting_documents.py), exchange writes it
(exchange/meeting_files.py); this only asks where, and opens the file with the system.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QSettings, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMenu, QToolButton, QWidget

from ctgdesk.exchange.atomic import ExportError
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.meeting_documents import DOCUMENT_KINDS, DOCUMENT_TITLES, meeting_document
from ctgdesk.ui.widgets import icons
from ctgdesk.ui.widgets.messages import show_error

MODEL_KEY = "documents/modele_word"  # the territory's own Word model, if any
FOLDER_KEY = "documents/dossier"  # the last folder a document was saved in
FILTERS = {"pdf": "Document PDF (*.pdf)", "docx": "Document Word (*.docx)"}


def documents_folder() -> Path:
    """Where "Ouvrir" and "Envoyer" write their files: a ctgdesk folder of the system's temporary folder."""
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.TempLocation)) / "ctgdesk-documents"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class MeetingDocumentsButton(QToolButton):
    def __init__(self, ctx, meeting_id: Callable[[], int | None], parent: QWidget | None = None,
                 settings: QSettings | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.meeting_id = meeting_id
        self._settings = settings
        self.setText("Documents")
        icons.set_icon(self.setIcon, "fa5s.file-alt")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolTip("Convocation, feuille d'émargement, compte rendu, relevé de décisions, dossier de COPIL "
                        "— faits à partir de la réunion telle qu'elle est enregistrée")
        menu = QMenu(self)
        self.submenus: dict[str, QMenu] = {}
        for kind in DOCUMENT_KINDS:
            submenu = menu.addMenu(DOCUMENT_TITLES[kind])
            submenu.addAction("Ouvrir (PDF)", lambda k=kind: self.open_document(k, "pdf"))
            submenu.addAction("Ouvrir (Word)", lambda k=kind: self.open_document(k, "docx"))
            submenu.addAction("Enregistrer sous…", lambda k=kind: self.save_as(k))
            submenu.addAction("Envoyer aux participants", lambda k=kind: self.send(k))
            self.submenus[kind] = submenu
        menu.addSeparator()
        self.model_action = menu.addAction("Modèle Word du territoire…", self.choose_model)
        self.standard_model_action = menu.addAction("Revenir au modèle Word standard", self.forget_model)
        menu.aboutToShow.connect(self._update_menu)
        self.setMenu(menu)

    # --- settings -------------------------------------------------------------------------
    @property
    def settings(self) -> QSettings:
        """The settings given, else the main window's (tests give theirs), else the user's."""
        if self._settings is not None:
            return self._settings
        window_settings = getattr(self.window(), "settings", None)
        if isinstance(window_settings, QSettings):
            return window_settings
        parent = self.window().parentWidget()
        window_settings = getattr(parent.window(), "settings", None) if parent is not None else None
        return window_settings if isinstance(window_settings, QSettings) else QSettings()

    def model_path(self) -> Path | None:
        value = self.settings.value(MODEL_KEY, "")
        return Path(value) if value else None

    def _update_menu(self) -> None:
        model = self.model_path()
        self.model_action.setText(f"Modèle Word du territoire : {model.name}…" if model else
                                  "Modèle Word du territoire…")
        self.standard_model_action.setVisible(model is not None)
        meeting_id = self.meeting_id()
        for submenu in self.submenus.values():
            submenu.setEnabled(meeting_id is not None)
        if meeting_id is not None:
            from ctgdesk.models import InstanceKind, Meeting

            with self.ctx.db.transaction() as session:
                meeting = session.get(Meeting, meeting_id)
                is_copil = meeting is not None and meeting.instance.kind is InstanceKind.COPIL
            self.submenus["dossier"].setEnabled(is_copil)

    def choose_model(self) -> None:
        current = self.model_path()
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Modèle Word du territoire (papier à en-tête, styles)",
            str(current.parent if current else self._folder()), "Document Word (*.docx)")
        if not chosen:
            return
        from ctgdesk.exchange.meeting_docx import open_model

        try:
            open_model(chosen)  # refused now, in French, rather than at the first document
        except ExportError as error:
            show_error(self, error.message, "Modèle non retenu")
            return
        self.settings.setValue(MODEL_KEY, chosen)
        self.ctx.show_status(f"Les documents Word seront faits sur le modèle « {Path(chosen).name} ».", 8000)

    def forget_model(self) -> None:
        self.settings.remove(MODEL_KEY)
        self.ctx.show_status("Les documents Word seront faits sur le modèle standard.", 8000)

    # --- the documents ----------------------------------------------------------------------
    def _document(self, kind: str):
        return read_document(self, self.ctx, self.meeting_id(), kind)

    def _write(self, document, fmt: str, path: Path, draft: bool = False) -> Path | None:
        return write_file(self, document, fmt, path, self.model_path() if fmt == "docx" else None, draft)

    def open_document(self, kind: str, fmt: str) -> Path | None:
        return open_meeting_document(self, self.ctx, self.meeting_id(), kind, fmt,
                                     self.model_path() if fmt == "docx" else None)

    def _folder(self) -> Path:
        saved = self.settings.value(FOLDER_KEY, "")
        if saved and Path(saved).is_dir():
            return Path(saved)
        return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))

    def save_as(self, kind: str) -> Path | None:
        from ctgdesk.exchange.meeting_files import suggested_filename

        document = self._document(kind)
        if document is None:
            return None
        chosen, chosen_filter = QFileDialog.getSaveFileName(
            self, f"Enregistrer : {document.title}", str(self._folder() / suggested_filename(document, "pdf")),
            ";;".join(FILTERS.values()))
        if not chosen:
            return None
        path = Path(chosen)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in FILTERS:
            fmt = "docx" if chosen_filter == FILTERS["docx"] else "pdf"
            path = path.with_name(f"{path.name}.{fmt}")
        written = self._write(document, fmt, path)
        if written is not None:
            self.settings.setValue(FOLDER_KEY, str(written.parent))
            self.ctx.show_status(f"{document.title} enregistré dans {written}", 8000)
        return written

    def send(self, kind: str) -> Path | None:
        """An e-mail draft (.eml) to the participants, the document attached as PDF, opened in the
        system's mail program."""
        from ctgdesk.exchange.meeting_files import suggested_filename

        document = self._document(kind)
        if document is None:
            return None
        name = suggested_filename(document, "eml")
        path = self._write(document, "pdf", documents_folder() / name, draft=True)
        if path is not None:
            open_file(self, path)
        return path


# --- shared with the dashboard's "Dossier du prochain COPIL" ----------------------------------------

def read_document(parent: QWidget, ctx, meeting_id: int | None, kind: str):
    """The document computed from the record, or None (the reason shown to the user)."""
    if meeting_id is None:
        show_error(parent, "Enregistrez d'abord la réunion : les documents sont faits à partir de ce qui est "
                           "enregistré.")
        return None
    try:
        with ctx.db.transaction() as session:
            return meeting_document(session, meeting_id, kind)
    except ValidationError as error:
        show_error(parent, error.message)
        return None


def write_file(parent: QWidget, document, fmt: str, path: Path, model: Path | None, draft: bool = False) -> Path | None:
    from ctgdesk.exchange.meeting_files import write_document, write_draft

    try:
        if draft:
            return write_draft(document, fmt, path, model)
        return write_document(document, fmt, path, model)
    except ExportError as error:
        show_error(parent, error.message, "Document non écrit")
        return None


def open_file(parent: QWidget, path: Path) -> None:
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        show_error(parent, f"Aucun programme n'a pu ouvrir « {path} ». Le fichier est écrit : ouvrez-le vous-même.")


def open_meeting_document(parent: QWidget, ctx, meeting_id: int | None, kind: str, fmt: str,
                          model: Path | None = None) -> Path | None:
    """Write the document to the temporary documents folder and open it with the system."""
    from ctgdesk.exchange.meeting_files import suggested_filename

    document = read_document(parent, ctx, meeting_id, kind)
    if document is None:
        return None
    path = write_file(parent, document, fmt, documents_folder() / suggested_filename(document, fmt), model)
    if path is not None:
        open_file(parent, path)
    return path
