"""Bilans: the annual bilan of the national referential — choose the year(s) and the scope,
check the indicators, enter the manual ones and the comments, export to Excel (CAF), PDF
(COPIL) or an .ics calendar.

The page holds no rule: compute_bilan and save_indicator_entry (services.bilan) count and
record; the exports (ctgdesk.exchange) write, in a worker thread (dialogs/bilan_export.py).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ctgdesk.models import OrganisationKind
from ctgdesk.services.bilan import Bilan, IndicatorResult, Scope, compute_bilan
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.people import list_coordinators
from ctgdesk.services.territory import list_organisations
from ctgdesk.ui.context import Page, UiContext
from ctgdesk.ui.dialogs.bilan_columns import BilanColumnsDialog, saved_columns
from ctgdesk.ui.dialogs.bilan_export import FORMATS, ExportRequest, ExportRunner
from ctgdesk.ui.dialogs.bilan_indicator import BilanIndicatorDialog
from ctgdesk.ui.table_model import RIGHT, Column, RowsTableModel
from ctgdesk.ui.widgets import style
from ctgdesk.ui.widgets.messages import show_error
from ctgdesk.ui.widgets.page_header import PageHeader, page_action
from ctgdesk.ui.widgets.search_table import SearchableTable

MANUAL_EMPTY = QColor(style.WARNING)


def _indicator_columns() -> list[Column[IndicatorResult]]:
    return [
        Column("Code", lambda r: r.code, header_tooltip="Numéro de la fonction du référentiel, S = suivi, E = évaluation"),
        Column("Fonction", lambda r: f"{r.function_code} : {r.function_title}", tooltip=lambda r: r.function_title),
        Column("Indicateur", lambda r: r.text, tooltip=lambda r: f"{r.text}\n\nMode de calcul : {r.counted}"),
        Column("Type", lambda r: r.kind_label),
        Column("Nombre", lambda r: "à saisir" if r.is_manual and r.value is None else r.value, align=RIGHT,
               foreground=lambda r: MANUAL_EMPTY if r.is_manual and r.value is None else None,
               tooltip=lambda r: "À saisir (double-clic)" if r.is_manual and r.value is None else None),
        Column("Nature", lambda r: r.nature, tooltip=lambda r: r.nature[:1500] or None),
        Column("Commentaire", lambda r: r.comment, tooltip=lambda r: r.comment or None),
        Column("Saisie", lambda r: "à la main" if r.is_manual else "calculé"),
    ]


class BilanPage(Page):
    title = "Bilans"
    icon_name = "fa5s.file-export"

    bilan_computed = Signal(object)  # the Bilan shown
    export_finished = Signal(object)  # the path written
    export_failed = Signal(str)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None, *, settings: QSettings | None = None):
        super().__init__(ctx, parent)
        self._settings = settings
        self._format_restored = False
        self.bilan: Bilan | None = None
        self.runner = ExportRunner(self)
        self.runner.finished.connect(self._export_done)
        self.runner.failed.connect(self.export_failed)

        self.header = PageHeader(
            "Bilans",
            "Le bilan annuel : les indicateurs du référentiel national comptés à partir des saisies, "
            "à exporter en Excel pour la CAF ou en PDF pour le COPIL.",
            self,
        )
        self.export_action = page_action(self, "&Exporter…", "fa5s.file-export", self.export,
                                         shortcut="Ctrl+E", hint="Ctrl+E")
        self.edit_action = page_action(self, "&Saisir / commenter…", "fa5s.edit", self.edit_current,
                                       hint="double-clic ou Entrée sur un indicateur")
        self.columns_action = page_action(self, "&Colonnes…", "fa5s.columns", self.choose_columns)
        for action in (self.edit_action, self.columns_action, self.export_action):
            self.header.add_action_button(action)

        self.year_from = QSpinBox(self)
        self.year_to = QSpinBox(self)
        for spin in (self.year_from, self.year_to):
            spin.setRange(1990, 2100)
            spin.setValue(ctx.year)
            spin.setAccelerated(True)
        self.year_from.setToolTip("Première année du bilan")
        self.year_to.setToolTip("Dernière année (la même pour un bilan annuel)")
        self.scope = QComboBox(self)
        self.scope.setMinimumWidth(260)
        self.scope.setToolTip("Tout le territoire, un·e chargé·e de coopération ou une commune")
        self.format = QComboBox(self)
        for key, (label, _) in FORMATS.items():
            self.format.addItem(label, key)
        self.format.currentIndexChanged.connect(self._format_changed)

        controls = QHBoxLayout()
        controls.setSpacing(8)
        for text, widget in (("Année", self.year_from), ("à", self.year_to), ("Périmètre", self.scope),
                             ("Format", self.format)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            controls.addWidget(label)
            controls.addWidget(widget)
        controls.addStretch(1)

        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.source = QLabel(self)
        self.source.setObjectName("hint")
        self.source.setWordWrap(True)

        self.model: RowsTableModel[IndicatorResult] = RowsTableModel(_indicator_columns())
        self.table = SearchableTable(self.model, key=lambda r: r.code, placeholder="Rechercher un indicateur…",
                                     count_words=("indicateur", "indicateurs"))
        self.table.activated.connect(self.edit)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(controls)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.source)

        self._loading = False
        self._years = (ctx.year, ctx.year)
        self.year_from.valueChanged.connect(self._years_changed)
        self.year_to.valueChanged.connect(self._years_changed)
        self.scope.currentIndexChanged.connect(lambda _i: self.refresh())
        ctx.signals.year_changed.connect(self._context_year)
        self._fill_scopes()
        self._format_changed()

    @property
    def settings(self) -> QSettings:
        """The settings given, else the main window's (tests give theirs), else the user's."""
        if self._settings is None:
            window_settings = getattr(self.window(), "settings", None)
            if isinstance(window_settings, QSettings):
                return window_settings
            self._settings = QSettings()
        return self._settings

    def showEvent(self, event) -> None:
        if not self._format_restored:  # once in its window, where the settings are
            self._format_restored = True
            saved = self.settings.value("bilan/format", "xlsx")
            self.format.setCurrentIndex(max(self.format.findData(saved), 0))
        super().showEvent(event)

    # --- choices -------------------------------------------------------------------------
    def _fill_scopes(self) -> None:
        current = self.scope.currentData()
        self._loading = True
        self.scope.clear()
        self.scope.addItem("Ensemble du territoire", "territoire")
        with self.ctx.db.transaction() as session:
            coordinators = list_coordinators(session)
            communes = list_organisations(session, {OrganisationKind.COMMUNE})
        for row in coordinators:
            self.scope.addItem(f"Chargé·e : {row.name}", Scope.coordinator(row.id).key)
        for row in communes:
            insee = f" ({row.insee_code})" if row.insee_code else ""
            self.scope.addItem(f"Commune : {row.name}{insee}", Scope.commune(row.id).key)
        index = self.scope.findData(current) if current else 0
        self.scope.setCurrentIndex(max(index, 0))
        self._loading = False

    def current_scope(self) -> Scope:
        return Scope.from_key(self.scope.currentData() or "territoire")

    def set_scope(self, scope: Scope) -> None:
        self.scope.setCurrentIndex(max(self.scope.findData(scope.key), 0))

    def set_years(self, first: int, last: int | None = None) -> None:
        self._loading = True
        self.year_from.setValue(first)
        self.year_to.setValue(last if last is not None else first)
        self._loading = False
        self.refresh()

    def _years_changed(self) -> None:
        """An annual bilan stays annual when its first year changes; the years stay in order."""
        if self._loading:
            return
        first, last = self.year_from.value(), self.year_to.value()
        was_single = self._years[0] == self._years[1]
        self._loading = True
        if self.sender() is self.year_from and (was_single or last < first):
            self.year_to.setValue(first)
        elif self.sender() is self.year_to and last < first:
            self.year_from.setValue(last)
        self._loading = False
        self.refresh()

    def _context_year(self, year: int) -> None:
        if self.year_from.value() == self.year_to.value():
            if self.isVisible():
                self.set_years(year)
            else:  # not on screen: the main window refreshes the page when it is shown (bench/run:
                # computing a hidden bilan on every year change cost 0,3 s)
                self._loading = True
                self.year_from.setValue(year)
                self.year_to.setValue(year)
                self._loading = False

    def _format_changed(self) -> None:
        kind = self.format.currentData()
        if self._format_restored:
            self.settings.setValue("bilan/format", kind)
        self.columns_action.setEnabled(kind == "xlsx")

    # --- data ------------------------------------------------------------------------------
    def refresh(self) -> None:
        if self._loading:
            return
        first, last = self.year_from.value(), self.year_to.value()
        self._years = (first, last)
        scope, today = self.current_scope(), self.ctx.today()
        self.load_data(lambda session: compute_bilan(session, first, last, scope=scope, today=today),
                       lambda bilan: self._show(bilan, first, last), on_error=self._load_failed)

    def _load_failed(self, error: BaseException) -> bool:
        if not isinstance(error, ValidationError):
            return False
        self._fill_scopes()  # a coordinator or commune deleted meanwhile
        show_error(self, error.message)
        return True

    def _show(self, bilan: Bilan, first: int, last: int) -> None:
        self.bilan = bilan
        self.model.set_rows(self.bilan.indicators)
        self.table.fit_columns()
        figures = " · ".join(f"{k.label} : {k.value if isinstance(k.value, (int, str)) else _decimal(k.value)}"
                             for k in self.bilan.key_figures)
        period = self.bilan.period_label
        self.summary.setText(f"Bilan {period} — {self.bilan.scope_label}. {figures}")
        self.source.setText(self.bilan.source)
        single = first == last
        self.edit_action.setEnabled(single)
        self.edit_action.setToolTip("Saisir un indicateur ou le commenter (double-clic ou Entrée)" if single else
                                    "Choisissez une seule année pour saisir ou commenter un indicateur")
        self.bilan_computed.emit(self.bilan)

    # --- editing -----------------------------------------------------------------------------
    def edit_current(self) -> None:
        row = self.table.current_row()
        if row is not None:
            self.edit(row)

    def edit(self, result: IndicatorResult) -> None:
        if self.year_from.value() != self.year_to.value():
            show_error(self, "Choisissez une seule année pour saisir ou commenter un indicateur : "
                             "un bilan pluriannuel additionne les saisies de chaque année.",
                       "Saisie impossible")
            return
        dialog = BilanIndicatorDialog(self.ctx, result, self.year_from.value(), self.current_scope(), self)
        if dialog.exec():
            self.ctx.notify_changed()
            self.refresh()
            self.when_loaded(lambda: self.table.select(lambda r: r.code == result.code))
            self.ctx.show_status(f"Indicateur {result.code} enregistré.")

    def choose_columns(self) -> None:
        BilanColumnsDialog(self.settings, self).exec()

    # --- export ---------------------------------------------------------------------------------
    def default_path(self, kind: str) -> Path:
        folder = self.settings.value("bilan/dossier") or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        bilan = self.bilan
        name = "Bilan CTG" if kind != "ics" else "Réunions CTG"
        if bilan is not None:
            name += f" {bilan.period_label.replace('–', '-')}"
            if not bilan.scope.is_territory:
                name += " - " + bilan.scope_label.split(" : ", 1)[-1]
        safe = "".join(c for c in name if c not in '\\/:*?"<>|').strip()
        return Path(folder or ".") / f"{safe}.{kind}"

    def ask_path(self, kind: str) -> Path | None:
        """The file chosen by the user (an attribute tests replace)."""
        chosen, _ = QFileDialog.getSaveFileName(self, "Exporter le bilan", str(self.default_path(kind)),
                                                FORMATS[kind][1])
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == f".{kind}" else path.with_name(path.name + f".{kind}")

    def export(self) -> None:
        if self.runner.busy:
            return
        if self.bilan is None:
            self.refresh()
        self.when_loaded(self._export_shown)  # the bilan of the years and scope chosen, not an older one

    def _export_shown(self) -> None:
        if self.bilan is None or self.runner.busy:
            return
        kind = self.format.currentData()
        path = self.ask_path(kind)
        if path is None:
            return
        self.settings.setValue("bilan/dossier", str(path.parent))
        self.runner.start(ExportRequest(self.bilan, kind, path, saved_columns(self.settings)))

    def _export_done(self, path: Path) -> None:
        self.ctx.show_status(f"Bilan exporté : {path}")
        self.export_finished.emit(path)


def _decimal(value) -> str:
    from ctgdesk.formatting import decimal2

    return decimal2(value)

