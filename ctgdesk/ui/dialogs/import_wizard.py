"""« Importer des données »: choose what and which file → preview of what will be created,
found, refused (with each error's file, sheet, row, column and why) → import.

The preview and the import run services.imports.run_import in a worker thread (the window
stays responsive on a big file); the preview rolls everything back, the import lands whole
or not at all, after a backup of the database. No rule here: the wizard only shows reports.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ctgdesk.services.errors import ValidationError
from ctgdesk.services.imports import KIND_LABELS, ImportReport, Outcome, run_import
from ctgdesk.ui.context import UiContext
from ctgdesk.ui.widgets.date_field import YearField
from ctgdesk.ui.widgets.screen_fit import resize_to_screen

FILE_FILTERS = {
    "etp": "Tableaux (*.xlsx *.xlsm *.csv *.txt);;Tous les fichiers (*)",
    "communes": "Fichiers INSEE ou tableaux (*.csv *.txt *.xlsx);;Tous les fichiers (*)",
    "meetings": "Tableaux (*.xlsx *.xlsm *.csv *.txt);;Tous les fichiers (*)",
    "workbook": "Classeur ctgdesk (*.xlsx);;Tous les fichiers (*)",
    "package": "Paquet ctgdesk (*.ctgpaquet *.zip);;Tous les fichiers (*)",
}
HELP = {
    "etp": "Une ligne par commune ou structure : « Commune / structure », « ETP » (0,40 ou « En cours »), "
           "« Nombre de personnes », « Nom prénom ». Une ligne TOTAL est vérifiée, pas importée.",
    "communes": "Fichier des communes du Code officiel géographique de l'INSEE (v_commune_AAAA.csv), "
                "ou un tableau « code ; nom ».",
    "meetings": "Une ligne par réunion : date, heure, instance, lieu, commune(s), participants, décisions.",
    "workbook": "Le classeur complet exporté par ctgdesk. Il ne s'importe que dans une base vide.",
    "package": "Le paquet d'un·e chargé·e de coopération, à consolider dans la base du territoire.",
}
OUTCOME_COLORS = {
    Outcome.ERROR: "#fde2e1",
    Outcome.CONFLICT: "#fff1cc",
    Outcome.REFUSED: "#eeeeee",
    Outcome.CREATED: "#e3f4e1",
    Outcome.UPDATED: "#e1ecf7",
}


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(str)


class ImportTask(QRunnable):
    """run_import in a worker thread; the report comes back through a queued signal."""

    def __init__(self, db, kind: str, path: Path, options: dict, dry_run: bool):
        super().__init__()
        self.setAutoDelete(False)  # the wizard keeps it until it has reported
        self.db, self.kind, self.path, self.options, self.dry_run = db, kind, path, options, dry_run
        self.signals = _Signals()

    def run(self) -> None:  # worker thread
        try:
            report = run_import(self.db, self.kind, self.path, dry_run=self.dry_run, **self.options)
        except Exception as error:  # an unforeseen failure is shown, never a crash of the window
            self.signals.failed.emit(f"L'import a échoué : {error}")
            return
        self.signals.finished.emit(report)


class ChoicePage(QWizardPage):
    def __init__(self, wizard: "ImportWizard"):
        super().__init__()
        self.setTitle("Que voulez-vous importer ?")
        self.setSubTitle("Choisissez le type de fichier puis le fichier. Rien n'est importé avant votre confirmation.")
        self.kind_buttons = QButtonGroup(self)
        layout = QVBoxLayout(self)
        for index, (kind, label) in enumerate(KIND_LABELS.items()):
            button = QRadioButton(label)
            button.setObjectName(f"kind_{kind}")
            button.setProperty("kind", kind)
            self.kind_buttons.addButton(button, index)
            layout.addWidget(button)
        self.kind_buttons.buttons()[0].setChecked(True)
        self.help = QLabel()
        self.help.setWordWrap(True)
        layout.addWidget(self.help)

        file_row = QHBoxLayout()
        self.file_edit = QLineEdit()
        self.file_edit.setPlaceholderText("Fichier à importer")
        self.browse = QPushButton("Parcourir…")
        file_row.addWidget(self.file_edit)
        file_row.addWidget(self.browse)
        layout.addLayout(file_row)

        self.options = QStackedWidget()
        self.option_pages: dict[str, QWidget] = {}
        this_year = wizard.ctx.year or date.today().year

        etp = QWidget()
        form = QFormLayout(etp)
        self.year = YearField(this_year, what="L'année des ETP")
        self.has_previous = QCheckBox("Le tableau a aussi la période précédente (CTG 1 → CTG 2)")
        self.previous_year = YearField(this_year - 1, what="L'année précédente")
        self.previous_year.setEnabled(False)
        self.has_previous.toggled.connect(self.previous_year.setEnabled)
        form.addRow("Année des ETP :", self.year)
        form.addRow(self.has_previous)
        form.addRow("Année précédente :", self.previous_year)

        communes = QWidget()
        form = QFormLayout(communes)
        self.dep = QLineEdit()
        self.dep.setPlaceholderText("ex. 62")
        self.codes = QLineEdit()
        self.codes.setPlaceholderText("ex. 62427, 62215")
        form.addRow("Département :", self.dep)
        form.addRow("ou codes INSEE :", self.codes)

        meetings = QWidget()
        form = QFormLayout(meetings)
        self.coordinator = QComboBox()
        self.coordinator.setEditable(True)
        self.coordinator.addItem("")
        self.coordinator.addItems(wizard.coordinator_names())
        form.addRow("Animateur par défaut :", self.coordinator)

        for kind, widget in (("etp", etp), ("communes", communes), ("meetings", meetings),
                             ("workbook", QWidget()), ("package", QWidget())):
            self.option_pages[kind] = widget
            self.options.addWidget(widget)
        self.sheet = QLineEdit()
        self.sheet.setPlaceholderText("facultatif : la première feuille qui convient")
        sheet_row = QFormLayout()
        sheet_row.addRow("Feuille :", self.sheet)
        layout.addWidget(self.options)
        layout.addLayout(sheet_row)
        layout.addStretch(1)

        self.kind_buttons.idToggled.connect(lambda *_: self._kind_changed())
        self.file_edit.textChanged.connect(lambda *_: self.completeChanged.emit())
        self.browse.clicked.connect(self._browse)
        self._kind_changed()

    def kind(self) -> str:
        return self.kind_buttons.checkedButton().property("kind")

    def path(self) -> Path | None:
        text = self.file_edit.text().strip()
        return Path(text) if text else None

    def import_options(self) -> dict:
        kind = self.kind()
        options: dict = {}
        if kind == "etp":
            options = {"year": self.year.value(),
                       "previous_year": self.previous_year.value() if self.has_previous.isChecked() else None}
        elif kind == "communes":
            options = {"dep": self.dep.text().strip() or None, "codes": self.codes.text().strip() or None}
        elif kind == "meetings":
            options = {"coordinator": self.coordinator.currentText().strip() or None}
        if kind in ("etp", "communes", "meetings") and self.sheet.text().strip():
            options["sheet"] = self.sheet.text().strip()
        return options

    def _kind_changed(self) -> None:
        kind = self.kind()
        self.help.setText(HELP[kind])
        self.options.setCurrentWidget(self.option_pages[kind])
        self.sheet.setEnabled(kind in ("etp", "communes", "meetings"))
        self.completeChanged.emit()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choisir le fichier à importer", "", FILE_FILTERS[self.kind()])
        if path:
            self.file_edit.setText(path)

    def isComplete(self) -> bool:
        path = self.path()
        return path is not None and path.is_file()

    def validatePage(self) -> bool:
        try:
            self.import_options()
        except ValidationError:
            return False  # a year that cannot be read: refused at the field, the wizard stays here
        return True


class ReportView(QWidget):
    """The headline and one line per entry: errors first, each with where and why."""

    COLUMNS = ("Résultat", "Quoi", "Nom", "Où", "Détail")

    def __init__(self):
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        layout.addWidget(self.headline)
        layout.addWidget(self.table)

    def show_report(self, report: ImportReport) -> None:
        self.headline.setText(report.headline())
        entries = report.entries()
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            values = (entry.outcome.label, entry.what, entry.name, entry.where, entry.detail)
            color = OUTCOME_COLORS.get(entry.outcome)
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if color:
                    item.setBackground(QBrush(QColor(color)))
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)

    def show_message(self, text: str) -> None:
        self.headline.setText(text)
        self.table.setRowCount(0)


class _RunPage(QWizardPage):
    """A page that runs one import task when shown and shows its report."""

    dry_run = True

    def __init__(self, wizard: "ImportWizard"):
        super().__init__()
        self.owner = wizard
        self.report: ImportReport | None = None
        self.running = False
        layout = QVBoxLayout(self)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        self.view = ReportView()
        layout.addWidget(self.progress)
        layout.addWidget(self.advice)
        layout.addWidget(self.view)

    def initializePage(self) -> None:
        self.report = None
        self.running = True
        self.progress.show()
        self.advice.setText("")
        self.view.show_message("Lecture et vérification du fichier…" if self.dry_run else "Import en cours…")
        choice = self.owner.choice
        task = ImportTask(self.owner.ctx.db, choice.kind(), choice.path(), choice.import_options(), self.dry_run)
        task.signals.finished.connect(self._finished)
        task.signals.failed.connect(self._failed)
        self.owner.start(task)
        self.completeChanged.emit()

    def _finished(self, report: ImportReport) -> None:
        self.running = False
        self.report = report
        self.progress.hide()
        self.view.show_report(report)
        self.after(report)
        self.completeChanged.emit()

    def _failed(self, message: str) -> None:
        self.running = False
        self.progress.hide()
        self.view.show_message(message)
        self.completeChanged.emit()

    def after(self, report: ImportReport) -> None:
        pass

    def isComplete(self) -> bool:
        return not self.running and self.report is not None and self.report.ok


class PreviewPage(_RunPage):
    dry_run = True

    def __init__(self, wizard: "ImportWizard"):
        super().__init__(wizard)
        self.setTitle("Aperçu")
        self.setSubTitle("Voici ce que l'import ferait. Rien n'est encore écrit dans la base.")
        self.setButtonText(QWizard.WizardButton.NextButton, "Importer")
        self.setCommitPage(True)

    def after(self, report: ImportReport) -> None:
        if report.errors:
            self.advice.setText(
                f"{len(report.errors)} erreur(s) : rien ne sera importé. Corrigez le fichier aux endroits indiqués "
                "(fichier, feuille, ligne, colonne), puis revenez en arrière pour relancer l'aperçu."
            )
        elif report.conflicts:
            self.advice.setText(
                f"{len(report.conflicts)} conflit(s) : ces fiches ont été modifiées des deux côtés ; la version de "
                "cette base sera conservée. Le reste sera importé."
            )
        else:
            self.advice.setText("Tout est prêt. Cliquez sur « Importer » : la base sera sauvegardée avant.")


class ResultPage(_RunPage):
    dry_run = False

    def __init__(self, wizard: "ImportWizard"):
        super().__init__(wizard)
        self.setTitle("Importation")
        self.setSubTitle("L'import se fait en une fois : tout ou rien.")

    def after(self, report: ImportReport) -> None:
        if report.committed:
            backup = f" Sauvegarde faite avant l'import : {report.backup}." if report.backup else ""
            self.advice.setText("Import terminé." + backup)
            self.owner.ctx.notify_changed()
            self.owner.ctx.show_status(f"Import terminé : {report.file}")
        else:
            self.advice.setText("L'import n'a pas été fait : la base n'a pas changé.")


class ImportWizard(QWizard):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None, *, pool: QThreadPool | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.pool = pool or QThreadPool.globalInstance()
        self.tasks: list[ImportTask] = []
        self.setWindowTitle("Importer des données")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        for button, text in ((QWizard.WizardButton.BackButton, "< Précédent"),
                             (QWizard.WizardButton.NextButton, "Suivant >"),
                             (QWizard.WizardButton.CancelButton, "Annuler"),
                             (QWizard.WizardButton.FinishButton, "Terminer")):
            self.setButtonText(button, text)
        resize_to_screen(self, 900, 600)
        self.choice = ChoicePage(self)
        self.preview = PreviewPage(self)
        self.result_page = ResultPage(self)
        self.addPage(self.choice)
        self.addPage(self.preview)
        self.addPage(self.result_page)

    def coordinator_names(self) -> list[str]:
        from ctgdesk.services.people import list_coordinators

        with self.ctx.db.session() as session:
            return [row.name for row in list_coordinators(session)]

    def start(self, task: ImportTask) -> None:
        self.tasks.append(task)  # keep the signals object alive until the task reports
        self.pool.start(task)

    def wait(self, msecs: int = 30_000) -> bool:
        return self.pool.waitForDone(msecs)

    def reject(self) -> None:
        if any(page.running for page in (self.preview, self.result_page)):
            return  # an import under way is never cut short
        super().reject()
