"""« Vérifier la base… »: verify_database in a worker thread, then the findings in French."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from ctgdesk.ui.startup_safety import run_in_pool
from ctgdesk.ui.widgets.screen_fit import resize_to_screen

NO_PROBLEM = "Aucun problème trouvé."


class VerifyDialog(QDialog):
    def __init__(self, db, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.findings: list = []
        self.done_ = False
        self.setWindowTitle("Vérifier la base")
        resize_to_screen(self, 720, 420)
        self.summary = QLabel("Vérification de la base en cours…")
        self.summary.setWordWrap(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # busy indicator
        self.busy.setTextVisible(False)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setText("Fermer")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.busy)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)

    def start(self) -> None:
        from ctgdesk.services.consistency import verify_database

        db = self.db
        self._job = run_in_pool(lambda: verify_database(db), self._show, self)

    def _show(self, findings, error: str | None) -> None:
        self.busy.hide()
        self.list.show()
        self.done_ = True
        if error is not None:
            self.summary.setText(f"La vérification n'a pas pu aller à son terme : {error}")
            return
        self.findings = list(findings)
        if not self.findings:
            self.summary.setText(NO_PROBLEM)
            self.list.hide()
            return
        errors = sum(1 for f in self.findings if f.severity.value == "erreur")
        warnings = len(self.findings) - errors
        self.summary.setText(f"{len(self.findings)} point(s) à examiner : {errors} erreur(s), "
                             f"{warnings} avertissement(s).")
        for finding in self.findings:
            self.list.addItem(str(finding))

    def messages(self) -> list[str]:
        return [self.list.item(row).text() for row in range(self.list.count())]
