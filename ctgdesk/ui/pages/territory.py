"""Territoire: the convention(s) and the communes and structures, with their engagement."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ctgdesk.models import Convention, Organisation, OrganisationKind
from ctgdesk.services import snapshots, territory
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.territory import ConventionInput, ConventionRow, OrganisationRow
from ctgdesk.ui.context import Page, UiContext
from ctgdesk.ui.dialogs.convention_dialog import ConventionDialog
from ctgdesk.services.records import id_for_uid
from ctgdesk.ui.dialogs.organisation_dialog import OrganisationDialog
from ctgdesk.ui.table_model import Column, RowsTableModel, SearchProxyModel
from ctgdesk.ui.undo import delete_record_with_undo, make_delete_command, make_undo_command, report_to_status, write
from ctgdesk.ui.widgets import style
from ctgdesk.ui.widgets.forms import fill_combo
from ctgdesk.ui.widgets.messages import confirm_delete, show_error
from ctgdesk.ui.widgets.page_header import PageHeader, add_action_button, page_action
from ctgdesk.ui.widgets.search_table import SearchableTable

FILTERS = [
    ("Toutes", None),
    ("Communes", "communes"),
    ("Structures et partenaires", "structures"),
]


def _engagement_color(row: OrganisationRow) -> QColor | None:
    if row.kind is not OrganisationKind.COMMUNE:
        return None
    if row.engagement_signed:
        return QColor(style.SUCCESS)
    return QColor(style.WARNING if row.deliberation_date else style.DANGER)


ORGANISATION_COLUMNS = [
    Column("Nom", lambda r: r.name, bold=lambda r: r.kind is not OrganisationKind.COMMUNE),
    Column("Type", lambda r: r.kind),
    Column("Engagement", lambda r: r.engagement_label, foreground=_engagement_color,
           header_tooltip="Communes : délibération prise, fiche d'engagement signée"),
    Column.date("Délibération", lambda r: r.deliberation_date),
    Column.date("Fiche signée le", lambda r: r.engagement_date),
    Column("Code INSEE", lambda r: r.insee_code),
    Column.number("Population", lambda r: r.population),
    Column("Rattachée à", lambda r: r.parent_name, tooltip=lambda r: r.parent_name),
]

CONVENTION_COLUMNS = [
    Column("Convention", lambda r: r.name, bold=lambda r: True),
    Column("Territoire", lambda r: r.territory),
    Column("Années", lambda r: r.years, sort_key=lambda _v: 0),
    Column.date("Signée le", lambda r: r.signed_on),
    Column.number("Périmètre", lambda r: r.perimeter, header_tooltip="Communes et structures du périmètre"),
    Column("Logos", lambda r: f"{r.logos} sur {r.signatory_count}" if r.signatory_count else "",
           sort_key=lambda _v: 0,
           foreground=lambda r: QColor(style.WARNING) if r.logos < r.signatory_count else None,
           header_tooltip="Logos des signataires enregistrés (couverture du bilan du COPIL)",
           tooltip=lambda r: "Il manque des logos pour la couverture du bilan du COPIL."
           if r.logos < r.signatory_count else None),
    Column("Signataires", lambda r: r.signatories, tooltip=lambda r: r.signatories.replace(", ", "\n")),
]


class TerritoryPage(Page):
    title = "Territoire"
    icon_name = "fa5s.map-marked-alt"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.dialog: OrganisationDialog | None = None
        self.convention_dialog: ConventionDialog | None = None
        self.header = PageHeader("Territoire", "Les conventions, les communes et les structures du territoire.")
        self.new_action = page_action(self, "Nouvelle commune ou structure", "fa5s.plus", self.create,
                                      shortcut=QKeySequence.StandardKey.New)
        self.edit_action = page_action(self, "Modifier", "fa5s.pen", self.edit_current, hint="Entrée")
        self.delete_action = page_action(self, "Supprimer", "fa5s.trash-alt", self.delete_current, hint="Suppr")
        page_action(self, "Rechercher", "fa5s.search", lambda: self.table.focus_search(),
                    shortcut=QKeySequence.StandardKey.Find)
        for action in (self.new_action, self.edit_action, self.delete_action):
            self.header.add_action_button(action)

        conventions_title = QLabel("Conventions")
        conventions_title.setObjectName("sectionTitle")
        self.new_convention_action = page_action(self, "Nouvelle convention", "fa5s.file-signature",
                                                 self.create_convention)
        self.edit_convention_action = page_action(self, "Modifier la convention", "fa5s.pen",
                                                  self.edit_current_convention, hint="double-clic")
        self.delete_convention_action = page_action(self, "Supprimer la convention", "fa5s.trash-alt",
                                                    self.delete_current_convention)
        conventions_bar = QHBoxLayout()
        conventions_bar.setSpacing(6)
        conventions_bar.addWidget(conventions_title)
        conventions_bar.addStretch(1)
        for action in (self.new_convention_action, self.edit_convention_action, self.delete_convention_action):
            add_action_button(conventions_bar, action, self)
        self.conventions_model: RowsTableModel[ConventionRow] = RowsTableModel(CONVENTION_COLUMNS)
        self.conventions_view = QTableView()
        self.conventions_view.setModel(SearchProxyModel(self.conventions_model, self))
        self.conventions_view.verticalHeader().setVisible(False)
        self.conventions_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.conventions_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.conventions_view.setShowGrid(False)
        self.conventions_view.setWordWrap(False)
        self.conventions_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.conventions_view.horizontalHeader().setStretchLastSection(True)
        self.conventions_view.horizontalHeader().setHighlightSections(False)
        self.conventions_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.conventions_view.doubleClicked.connect(self._convention_activated)
        self.conventions_view.selectionModel().selectionChanged.connect(lambda *_: self._update_convention_actions())

        organisations_title = QLabel("Communes et structures")
        organisations_title.setObjectName("sectionTitle")
        self.engagement = QLabel()
        self.engagement.setObjectName("hint")
        self.model: RowsTableModel[OrganisationRow] = RowsTableModel(ORGANISATION_COLUMNS)
        self.table = SearchableTable(self.model, key=lambda r: r.id,
                                     placeholder="Rechercher une commune, une structure…")
        self.filter = QComboBox()
        fill_combo(self.filter, FILTERS, current=None)
        self.filter.currentIndexChanged.connect(self.refresh)
        self.table.add_tool(QLabel("Afficher :"))
        self.table.add_tool(self.filter)
        self.table.activated.connect(lambda row: self.edit(row))
        self.table.delete_requested.connect(lambda row: self.delete(row))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(8)
        layout.addWidget(self.header)
        layout.addLayout(conventions_bar)
        layout.addWidget(self.conventions_view)
        layout.addSpacing(6)
        layout.addWidget(organisations_title)
        layout.addWidget(self.engagement)
        layout.addWidget(self.table, 1)

    # --- reading ----------------------------------------------------------------------
    def refresh(self) -> None:
        kinds = None
        wanted = self.filter.currentData()
        if wanted == "communes":
            kinds = {OrganisationKind.COMMUNE}
        elif wanted == "structures":
            kinds = set(OrganisationKind) - {OrganisationKind.COMMUNE}
        year = self.ctx.year

        def fetch(session):
            covering = territory.conventions_covering(session, year)  # the year's convention first
            return (territory.list_conventions(session), territory.list_organisations(session, kinds),
                    territory.list_organisations(session, {OrganisationKind.COMMUNE}),
                    covering[0][0] if covering else None)

        self.load_data(fetch, lambda data: self._show(year, *data))

    def _show(self, year: int, conventions, rows, communes, year_convention_id: int | None) -> None:
        selected = self.current_convention()
        self.conventions_model.set_rows(conventions)
        self._fit_conventions()
        if selected is not None:
            self.select_convention(lambda r: r.id == selected.id)
        self._update_convention_actions()
        self.model.set_rows(rows)
        self.table.fit_columns()
        deliberated = sum(1 for r in communes if r.deliberation_date)
        signed = sum(1 for r in communes if r.engagement_signed)
        self.engagement.setText(
            f"{len(communes)} communes : {deliberated} délibération(s) prise(s), "
            f"{signed} fiche(s) d'engagement signée(s)."
            if communes else "Aucune commune enregistrée."
        )
        current = next((c for c in conventions if c.id == year_convention_id), None)
        self.header.set_subtitle(
            f"Convention en {year} : {current.name}"
            + ("" if str(current.first_year) in current.name else f" ({current.years})") + "." if current
            else f"Aucune convention ne couvre {year}."
        )

    def _fit_conventions(self) -> None:
        view = self.conventions_view
        view.resizeColumnsToContents()
        header = view.horizontalHeader()
        for column in range(header.count() - 1):
            header.resizeSection(column, min(header.sectionSize(column) + 16, 320))
        header.setSectionResizeMode(header.count() - 1, QHeaderView.ResizeMode.Stretch)
        rows = max(self.conventions_model.rowCount(), 1)
        view.setFixedHeight(header.height() + rows * view.verticalHeader().defaultSectionSize() + 4)

    # --- conventions ---------------------------------------------------------------------
    def current_convention(self) -> ConventionRow | None:
        """The selected convention; with none selected, the only one there is."""
        view = self.conventions_view
        index = view.currentIndex()
        if index.isValid() and view.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return self.conventions_model.row_at(view.model().mapToSource(index))
        if self.conventions_model.rowCount() == 1:
            return self.conventions_model.row(0)
        return None

    def select_convention(self, predicate) -> bool:
        number = self.conventions_model.find(predicate)
        if number is None:
            return False
        proxy = self.conventions_view.model()
        self.conventions_view.selectRow(proxy.mapFromSource(self.conventions_model.index(number, 0)).row())
        return True

    def _update_convention_actions(self) -> None:
        chosen = self.current_convention()
        for action, verb in ((self.edit_convention_action, "Modifier"), (self.delete_convention_action, "Supprimer")):
            action.setEnabled(chosen is not None)
            action.setToolTip(f"{verb} « {chosen.name} »" + (" (double-clic)" if verb == "Modifier" else "")
                              if chosen is not None
                              else "Choisissez d'abord une convention dans la liste.")

    def _convention_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.edit_convention(self.conventions_model.row_at(self.conventions_view.model().mapToSource(index)))

    def _open_convention(self, dialog: ConventionDialog) -> None:
        self.convention_dialog = dialog
        dialog.accepted.connect(lambda: self._convention_saved(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def create_convention(self) -> None:
        self._open_convention(ConventionDialog(self.ctx, None, self))

    def edit_current_convention(self) -> None:
        row = self.current_convention()
        if row is None:
            self.ctx.show_status("Choisissez d'abord une convention dans la liste.")
            return
        self.edit_convention(row)

    def edit_convention(self, row: ConventionRow) -> None:
        self._open_convention(ConventionDialog(self.ctx, row.id, self))

    def _convention_saved(self, dialog: ConventionDialog) -> None:
        ctx, uid, name = self.ctx, dialog.saved_uid, dialog.after.name
        if dialog.before is None:  # created: undo deletes it, redo brings it back
            state: dict = {}

            def undo() -> None:
                state["snapshot"] = write(ctx, lambda s: snapshots.delete_convention(
                    s, snapshots.id_of(s, Convention, uid)))

            def redo() -> None:
                write(ctx, lambda s: snapshots.restore_convention(s, state["snapshot"]))

            ctx.undo_stack.push(make_undo_command(f"Créer la convention « {name} »", undo, redo,
                                                  on_error=report_to_status(ctx)))
            ctx.show_status(f"Convention « {name} » créée.")
        else:
            def put(data: ConventionInput):
                return lambda: write(ctx, lambda s: territory.save_convention(
                    s, data, snapshots.id_of(s, Convention, uid)))

            ctx.undo_stack.push(make_undo_command(f"Modifier la convention « {name} »", put(dialog.before),
                                                  put(dialog.after), on_error=report_to_status(ctx)))
            ctx.show_status(f"Convention « {name} » enregistrée.")
        ctx.notify_changed()
        self.when_loaded(lambda: self.select_convention(lambda r: r.id == dialog.saved_id))

    def delete_current_convention(self) -> None:
        row = self.current_convention()
        if row is None:
            self.ctx.show_status("Choisissez d'abord une convention dans la liste.")
            return
        self.delete_convention(row)

    def delete_convention(self, row: ConventionRow) -> None:
        what = f"la convention « {row.name} »"
        if row.signatory_count:
            what += f", ses {row.signatory_count} signataire(s) et leurs logos"
        if not confirm_delete(self, what):
            return
        ctx = self.ctx
        try:
            with ctx.db.transaction() as session:
                snapshot = snapshots.delete_convention(session, row.id)
        except ValidationError as error:
            show_error(self, error.message, "Suppression impossible")
            return

        def delete_again(key: str) -> snapshots.ConventionSnapshot:
            return write(ctx, lambda s: snapshots.delete_convention(s, snapshots.id_of(s, Convention, key)))

        def restore(snap: snapshots.ConventionSnapshot) -> str:
            write(ctx, lambda s: snapshots.restore_convention(s, snap))
            return snap.uid

        ctx.undo_stack.push(make_delete_command(
            f"Supprimer la convention « {row.name} »", delete=delete_again, restore=restore, key=snapshot.uid,
            snapshot=snapshot, on_error=report_to_status(ctx),
        ))
        ctx.show_status(f"Convention « {row.name} » supprimée. Ctrl+Z pour la rétablir.")
        ctx.notify_changed()

    def show_record(self, kind: str, record_id: int) -> None:
        if kind == "organisation":
            self.filter.setCurrentIndex(0)
            self.table.select(lambda r: r.id == record_id)

    # --- writing ----------------------------------------------------------------------
    def _open(self, dialog: OrganisationDialog) -> None:
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._saved(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def create(self) -> None:
        self._open(OrganisationDialog(self.ctx, None, self))

    def open_draft(self, draft) -> OrganisationDialog:
        """The form as it was being typed when ctgdesk stopped (ctgdesk.ui.recovery)."""
        with self.ctx.db.transaction() as session:
            organisation_id = id_for_uid(session, Organisation, draft.record_uid)
        self._open(OrganisationDialog(self.ctx, organisation_id, self, draft=draft))
        return self.dialog

    def edit_current(self) -> None:
        row = self.table.current_row()
        if row is not None:
            self.edit(row)

    def edit(self, row: OrganisationRow) -> None:
        self._open(OrganisationDialog(self.ctx, row.id, self))

    def _saved(self, dialog: OrganisationDialog) -> None:
        ctx = self.ctx
        with ctx.db.transaction() as session:
            uid = snapshots.uid_of(session, Organisation, dialog.saved_id)
        name = dialog.fields()["name"].strip()
        if dialog.before is None:  # created: undo deletes it, redo brings it back
            state = {}

            def undo() -> None:
                state["snapshot"] = write(ctx, lambda s: snapshots.delete_organisation(s, snapshots.id_of(s, Organisation, uid)))

            def redo() -> None:
                write(ctx, lambda s: snapshots.restore_organisation(s, state["snapshot"]))

            ctx.undo_stack.push(make_undo_command(f"Créer « {name} »", undo, redo, on_error=report_to_status(ctx)))
            ctx.show_status(f"« {name} » ajoutée.")
        else:
            before, after = dialog.before, dialog.fields()

            def apply(fields: dict):
                return lambda: write(ctx, lambda s: territory.update_organisation(
                    s, snapshots.id_of(s, Organisation, uid), **fields))

            ctx.undo_stack.push(make_undo_command(f"Modifier « {name} »", apply(before), apply(after),
                                                  on_error=report_to_status(ctx)))
            ctx.show_status(f"« {name} » enregistrée.")
        ctx.notify_changed()
        self.when_loaded(lambda: self.table.select(lambda r: r.id == dialog.saved_id))

    def delete_current(self) -> None:
        row = self.table.current_row()
        if row is not None:
            self.delete(row)

    def delete(self, row: OrganisationRow) -> None:
        if not confirm_delete(self, f"« {row.name} »"):
            return
        try:
            delete_record_with_undo(
                self.ctx, model=Organisation, record_id=row.id, delete=snapshots.delete_organisation,
                restore=snapshots.restore_organisation, undo_text=f"Supprimer « {row.name} »",
                done_message=f"« {row.name} » supprimée. Ctrl+Z pour la rétablir.",
            )
        except ValidationError as error:
            show_error(self, error.message, "Suppression impossible")
