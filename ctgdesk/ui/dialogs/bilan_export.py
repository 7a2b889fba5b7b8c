"""Writing a bilan file in a worker thread, with a progress dialog and a French message
(and "Réessayer") when the target is open in another program.

The bilan is computed beforehand in the main thread (the page shows it); the worker only
writes the file: ctgdesk.exchange never opens the database, so no session crosses threads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from ctgdesk.exchange.atomic import ExportError, TargetLocked
from ctgdesk.services.bilan import Bilan

FORMATS = {
    "xlsx": ("Excel pour la CAF (.xlsx)", "Classeur Excel (*.xlsx)"),
    "pdf": ("PDF pour le COPIL (.pdf)", "Document PDF (*.pdf)"),
    "ics": ("Calendrier des réunions (.ics)", "Calendrier iCalendar (*.ics)"),
}


def write_file(bilan: Bilan, kind: str, path: Path, columns: dict[str, list[str]]) -> Path:
    if kind == "xlsx":
        from ctgdesk.exchange.bilan_xlsx import BilanXlsxOptions, write_bilan_xlsx

        return write_bilan_xlsx(bilan, path, BilanXlsxOptions(columns=columns))
    if kind == "pdf":
        from ctgdesk.exchange.bilan_pdf import write_bilan_pdf

        return write_bilan_pdf(bilan, path)
    if kind == "ics":
        from ctgdesk.exchange.ics import write_ics

        return write_ics(bilan.meetings, path, name=f"Réunions CTG {bilan.period_label}",
                         produced_at=bilan.produced_at)
    raise ValueError(kind)


@dataclass(frozen=True)
class ExportRequest:
    bilan: Bilan
    kind: str
    path: Path
    columns: dict[str, list[str]]


class _Signals(QObject):
    done = Signal(object)  # the path written
    failed = Signal(str, bool)  # French message, target locked


class ExportJob(QRunnable):
    def __init__(self, request: ExportRequest):
        super().__init__()
        self.request = request
        self.signals = _Signals()
        self.setAutoDelete(False)

    def run(self) -> None:  # in a worker thread
        request = self.request
        try:
            path = write_file(request.bilan, request.kind, request.path, request.columns)
        except TargetLocked as error:
            self.signals.failed.emit(error.message, True)
        except ExportError as error:
            self.signals.failed.emit(error.message, False)
        except ValueError as error:
            self.signals.failed.emit(str(error), False)
        except Exception as error:  # noqa: BLE001 - shown to the user, never a traceback
            self.signals.failed.emit(f"L'export a échoué : {type(error).__name__} : {error}", False)
        else:
            self.signals.done.emit(path)


class ExportRunner(QObject):
    """Runs one export at a time; `finished(path)` or `failed(message)` at the end.

    `ask_retry(message) -> bool` and `open_file(path)` are attributes so that tests can answer
    for the user and not launch Excel."""

    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QWidget, *, pool: QThreadPool | None = None):
        super().__init__(parent)
        self.parent_widget = parent
        self.pool = pool or QThreadPool.globalInstance()
        self.progress: QProgressDialog | None = None
        self.job: ExportJob | None = None
        self.request: ExportRequest | None = None
        self.ask_retry: Callable[[str], bool] = self._ask_retry
        self.show_error: Callable[[str], None] = self._show_error
        self.open_file: Callable[[Path], None] = _open_file

    @property
    def busy(self) -> bool:
        return self.job is not None

    def start(self, request: ExportRequest) -> None:
        if self.busy:
            return
        self.request = request
        label = FORMATS[request.kind][0]
        self.progress = QProgressDialog(f"Écriture du fichier {request.path.name}…\n{label}", "", 0, 0,
                                        self.parent_widget)
        self.progress.setWindowTitle("Export en cours")
        self.progress.setCancelButton(None)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(300)
        self.job = ExportJob(request)
        self.job.signals.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self.job.signals.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self.pool.start(self.job)

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.reset()
            self.progress.deleteLater()
            self.progress = None
        self.job = None

    def _done(self, path: Path) -> None:
        self._close_progress()
        self.open_file(path)
        self.finished.emit(path)

    def _failed(self, message: str, locked: bool) -> None:
        self._close_progress()
        if locked and self.request is not None and self.ask_retry(message):
            request = self.request
            QTimer.singleShot(0, lambda: self.start(request))
            return
        if not locked:
            self.show_error(message)
        self.failed.emit(message)

    def _ask_retry(self, message: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, "Fichier ouvert ailleurs", message,
                          QMessageBox.StandardButton.NoButton, self.parent_widget)
        retry = box.addButton("Réessayer", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(retry)
        box.exec()
        return box.clickedButton() is retry

    def _show_error(self, message: str) -> None:
        QMessageBox.warning(self.parent_widget, "Export impossible", message)


def _open_file(path: Path) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
