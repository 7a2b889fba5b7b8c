"""Coordination & ETP: the chargé·e·s de coopération, and the ETP grid structures × years."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QTabWidget, QVBoxLayout, QWidget

from ctgdesk.formatting import decimal2
from ctgdesk.models import Coordinator, EtpStatus
from ctgdesk.services import etp, people, snapshots
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.etp import EtpCell, EtpComparison, Evolution
from ctgdesk.services.people import CoordinatorRow
from ctgdesk.ui.context import Page, UiContext
from ctgdesk.ui.dialogs.coordinator_dialog import CoordinatorDialog, save_coordinator
from ctgdesk.ui.dialogs.etp_dialog import EtpDialog, allocation_saved
from ctgdesk.ui.table_model import CENTER, RIGHT, Column, RowsTableModel
from ctgdesk.ui.undo import delete_record_with_undo, make_undo_command, report_to_status, write
from ctgdesk.ui.widgets import style
from ctgdesk.ui.widgets.forms import fill_combo, select_data
from ctgdesk.ui.widgets.messages import confirm_delete, show_error
from ctgdesk.ui.widgets.page_header import PageHeader, action_button, page_action
from ctgdesk.ui.widgets.search_table import SearchableTable

EVOLUTION_COLORS = {
    Evolution.UP: style.SUCCESS, Evolution.NEW: style.SUCCESS,
    Evolution.DOWN: style.DANGER, Evolution.ENDED: style.DANGER,
    Evolution.STABLE: style.MUTED, Evolution.UNKNOWN: style.MUTED,
}


# --- rows shown ---------------------------------------------------------------------------

@dataclass(frozen=True)
class StaffRow:
    coordinator: CoordinatorRow
    etp: Decimal | None
    structures: str
    over_allocated: bool

    @property
    def id(self) -> int:
        return self.coordinator.id


@dataclass
class GridRow:
    organisation_id: int | None  # None: the total line
    name: str
    cells: dict[int, EtpCell] = field(default_factory=dict)
    comparison: EtpComparison | None = None
    pending: dict[int, int] = field(default_factory=dict)  # total line: structures "En cours"

    @property
    def is_total(self) -> bool:
        return self.organisation_id is None


def _cell_text(cell: EtpCell | None) -> str:
    return "" if cell is None else cell.text


def _cell_tooltip(row: GridRow, year: int) -> str | None:
    if row.is_total:
        pending = row.pending.get(year, 0)
        return f"{pending} structure(s) « En cours » non comptée(s)" if pending else None
    cell = row.cells.get(year)
    if cell is None:
        return None
    lines = [f"{row.name} — {year}", "ETP pas encore fixé" if cell.status is EtpStatus.PENDING
             else f"{decimal2(cell.etp)} ETP"]
    if cell.people_count:
        lines.append(f"{cell.people_count} personne(s)")
    lines.extend(f"• {name}" for name in cell.people)
    return "\n".join(lines)


def year_column(year: int) -> Column[GridRow]:
    return Column(
        str(year), lambda r: r.cells.get(year), display=_cell_text,
        sort_key=lambda c: c.etp, align=RIGHT,  # "En cours" sorts with the empty cells
        tooltip=lambda r: _cell_tooltip(r, year),
        background=lambda r: QColor(style.PENDING_BACKGROUND)
        if (c := r.cells.get(year)) is not None and c.status is EtpStatus.PENDING else None,
        bold=lambda r: r.is_total,
    )


def grid_columns(years: list[int], before: int | None, after: int | None) -> list[Column[GridRow]]:
    columns: list[Column[GridRow]] = [Column("Commune ou structure", lambda r: r.name, bold=lambda r: r.is_total)]
    columns += [year_column(y) for y in years]  # the total line: the convention's total for each year
    if before is not None and after is not None:
        columns.append(Column(
            f"Évolution {before} → {after}",
            lambda r: r.comparison.evolution if r.comparison else None,
            display=lambda e: f"{e.arrow} {e.value}", align=CENTER,
            foreground=lambda r: QColor(EVOLUTION_COLORS[r.comparison.evolution]) if r.comparison else None,
            tooltip=lambda r: (f"{before} : {_cell_text(r.comparison.before) or '—'}\n"
                               f"{after} : {_cell_text(r.comparison.after) or '—'}") if r.comparison else None,
        ))
    return columns


def staff_columns(year: int) -> list[Column[StaffRow]]:
    return [
        Column("Nom", lambda r: r.coordinator.name, bold=lambda r: r.coordinator.is_project_lead),
        Column.decimal(f"ETP {year}", lambda r: r.etp,
                       foreground=lambda r: QColor(style.DANGER) if r.over_allocated else None,
                       bold=lambda r: r.over_allocated,
                       header_tooltip=f"Total des parts d'ETP connues en {year}"),
        Column(f"Structures {year}", lambda r: r.structures,
               tooltip=lambda r: r.structures.replace(", ", "\n") or None),
        Column("Employeur", lambda r: r.coordinator.employer, tooltip=lambda r: r.coordinator.employer or None),
        Column("Cadre d'emploi", lambda r: r.coordinator.cadre_emploi),
        Column.boolean("Chef de projet", lambda r: r.coordinator.is_project_lead),
        Column.date("En poste depuis", lambda r: r.coordinator.start_date),
        Column.date("Fin", lambda r: r.coordinator.end_date),
        Column("Courriel", lambda r: r.coordinator.email),
    ]


# --- the page -------------------------------------------------------------------------------


class StaffPage(Page):
    title = "Coordination & ETP"
    icon_name = "fa5s.user-friends"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.dialog = None
        self.grid_years: list[int] = []
        self._grid_shape: tuple | None = None  # (years, before, after) the grid's columns were sized for
        self.header = PageHeader("Coordination & ETP",
                                 "Les chargé·e·s de coopération et l'ETP de coordination de chaque structure.")
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_people_tab(), "Chargé·e·s de coopération")
        self.tabs.addTab(self._build_grid_tab(), "ETP par structure et par année")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(8)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)

    def _build_people_tab(self) -> QWidget:
        tab = QWidget()
        self.people_tab = tab
        self.staff_model: RowsTableModel[StaffRow] = RowsTableModel(staff_columns(self.ctx.year))
        self.staff_table = SearchableTable(self.staff_model, key=lambda r: r.id,
                                           placeholder="Rechercher un·e chargé·e de coopération…",
                                           count_words=("personne", "personnes"))
        self.new_coordinator_action = page_action(tab, "Ajouter", "fa5s.user-plus",
                                                  self.create_coordinator, shortcut=QKeySequence.StandardKey.New)
        self.edit_coordinator_action = page_action(tab, "Modifier", "fa5s.pen", self.edit_current_coordinator,
                                                   hint="Entrée")
        self.delete_coordinator_action = page_action(tab, "Supprimer", "fa5s.trash-alt",
                                                     self.delete_current_coordinator, hint="Suppr")
        page_action(tab, "Rechercher", "fa5s.search", self.staff_table.focus_search,
                    shortcut=QKeySequence.StandardKey.Find)
        for action in (self.new_coordinator_action, self.edit_coordinator_action, self.delete_coordinator_action):
            self.staff_table.add_tool(action_button(action))
        self.staff_table.activated.connect(self.edit_coordinator)
        self.staff_table.delete_requested.connect(self.delete_coordinator)
        self.loads_banner = QLabel()
        self.loads_banner.setObjectName("banner")
        self.loads_banner.setWordWrap(True)
        self.loads_banner.hide()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.addWidget(self.loads_banner)
        layout.addWidget(self.staff_table, 1)
        return tab

    def _build_grid_tab(self) -> QWidget:
        tab = QWidget()
        self.grid_tab = tab
        self.grid_model: RowsTableModel[GridRow] = RowsTableModel([], pinned=lambda r: r.is_total)
        self.grid_table = SearchableTable(self.grid_model, key=lambda r: r.organisation_id,
                                          placeholder="Rechercher une structure…",
                                          count_words=("structure", "structures"))
        self.before_year = QComboBox()
        self.after_year = QComboBox()
        self.before_year.setToolTip("Année de référence (ex. dernière année de la CTG 1)")
        self.after_year.setToolTip("Année comparée (ex. première année de la CTG 2)")
        self.before_year.activated.connect(lambda _i: self.refresh())
        self.after_year.activated.connect(lambda _i: self.refresh())
        self.new_allocation_action = page_action(tab, "Saisir un ETP", "fa5s.plus", self.create_allocation,
                                                 shortcut=QKeySequence.StandardKey.New)
        self.edit_allocation_action = page_action(tab, "Modifier", "fa5s.pen", self.edit_current_allocation,
                                                  hint="Entrée")
        self.delete_allocation_action = page_action(tab, "Supprimer", "fa5s.trash-alt",
                                                    self.delete_current_allocation, hint="Suppr")
        page_action(tab, "Rechercher", "fa5s.search", self.grid_table.focus_search,
                    shortcut=QKeySequence.StandardKey.Find)
        self.grid_table.add_tool(QLabel("Comparer"))
        self.grid_table.add_tool(self.before_year)
        self.grid_table.add_tool(QLabel("→"))
        self.grid_table.add_tool(self.after_year)
        for action in (self.new_allocation_action, self.edit_allocation_action, self.delete_allocation_action):
            self.grid_table.add_tool(action_button(action))
        self.grid_table.activated.connect(lambda _row: self.edit_current_allocation())
        self.grid_table.delete_requested.connect(lambda _row: self.delete_current_allocation())
        self.grid_banner = QLabel()
        self.grid_banner.setObjectName("banner")
        self.grid_banner.setWordWrap(True)
        self.grid_banner.hide()
        hint = QLabel("Double-cliquez une case pour la modifier. « En cours » (sur fond jaune) : ETP pas encore "
                      "fixé, non compté dans les totaux.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.addWidget(self.grid_banner)
        layout.addWidget(self.grid_table, 1)
        layout.addWidget(hint)
        return tab

    # --- reading ----------------------------------------------------------------------
    def refresh(self) -> None:
        year = self.ctx.year
        chosen = (self.before_year.currentData(), self.after_year.currentData())

        def fetch(session):
            coordinators = people.list_coordinators(session)
            loads = {load.coordinator_id: load for load in etp.coordinator_loads(session, year)}
            years = sorted(set(etp.allocation_years(session)) | {year})
            before, after = etp.comparison_years(years, year, *chosen)
            grid = etp.etp_grid(session, years)
            comparisons = {c.organisation_id: c for c in etp.compare_years(session, before, after)} \
                if before is not None else {}
            return coordinators, loads, years, before, after, grid, comparisons

        self.load_data(fetch, lambda data: self._show(year, *data))

    def _show(self, year: int, coordinators, loads, years, before, after, grid, comparisons) -> None:
        for combo, value in ((self.before_year, before), (self.after_year, after)):
            combo.blockSignals(True)
            fill_combo(combo, [(str(y), y) for y in years], current=value)
            combo.blockSignals(False)
        self.staff_model.set_rows([
            StaffRow(c, loads[c.id].total if c.id in loads else None,
                     ", ".join(loads[c.id].structures) if c.id in loads else "",
                     c.id in loads and loads[c.id].over_allocated)
            for c in coordinators
        ], staff_columns(year))
        self.staff_table.fit_columns()
        over = [load for load in loads.values() if load.over_allocated]
        message = "\n".join(
            f"⚠ {load.name} : {decimal2(load.total)} ETP en {year}, plus d'un temps plein "
            f"({', '.join(load.structures)})." for load in over
        )
        for banner in (self.loads_banner, self.grid_banner):
            banner.setText(message)
            banner.setVisible(bool(over))

        rows = [
            GridRow(r.organisation_id, r.name, dict(r.cells), comparison=comparisons.get(r.organisation_id))
            for r in grid.rows
        ]
        total = GridRow(None, "Total de l'année", pending={y: grid.pending_count(y) for y in years})
        total.cells = {y: EtpCell(amount, EtpStatus.FIXED, None, ()) for y, amount in grid.totals_per_year().items()}
        columns_changed = (years, before, after) != self._grid_shape
        self._grid_shape = (years, before, after)
        self.grid_years = years
        self.grid_model.set_rows([*rows, total], grid_columns(years, before, after))
        # Sized again only when the columns change (years, compared years): sizing reads every
        # cell, a tenth of a second on the biggest territory.
        self.grid_table.fit_columns(force=columns_changed)
        self.header.set_subtitle(
            f"{len(coordinators)} chargé·e·s de coopération ; ETP {year} : {decimal2(grid.column_total(year))}"
            + (f" ({grid.pending_count(year)} structure(s) en cours)" if grid.pending_count(year) else "") + "."
        )

    def show_record(self, kind: str, record_id: int) -> None:
        if kind == "coordinator":
            self.tabs.setCurrentWidget(self.people_tab)
            self.staff_table.select(lambda r: r.id == record_id)
        elif kind == "organisation":
            self.tabs.setCurrentWidget(self.grid_tab)
            self.grid_table.select(lambda r: r.organisation_id == record_id)

    # --- coordinators -----------------------------------------------------------------
    def _open(self, dialog, on_saved) -> None:
        self.dialog = dialog
        dialog.accepted.connect(lambda: on_saved(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def create_coordinator(self) -> None:
        self._open(CoordinatorDialog(self.ctx, None, self), self._coordinator_saved)

    def open_draft(self, draft) -> CoordinatorDialog:
        """The form as it was being typed when ctgdesk stopped (ctgdesk.ui.recovery)."""
        from ctgdesk.services.records import id_for_uid

        with self.ctx.db.transaction() as session:
            coordinator_id = id_for_uid(session, Coordinator, draft.record_uid)
        self._open(CoordinatorDialog(self.ctx, coordinator_id, self, draft=draft), self._coordinator_saved)
        return self.dialog

    def edit_current_coordinator(self) -> None:
        row = self.staff_table.current_row()
        if row is not None:
            self.edit_coordinator(row)

    def edit_coordinator(self, row: StaffRow) -> None:
        self._open(CoordinatorDialog(self.ctx, row.id, self), self._coordinator_saved)

    def _coordinator_saved(self, dialog: CoordinatorDialog) -> None:
        ctx = self.ctx
        with ctx.db.transaction() as session:
            uid = snapshots.uid_of(session, Coordinator, dialog.saved_id)
        person, post = dialog.fields()
        name = f"{person['first_name']} {person['last_name']}".strip()
        if dialog.before is None:
            state = {}

            def undo() -> None:
                state["snapshot"] = write(ctx, lambda s: snapshots.delete_coordinator(
                    s, snapshots.id_of(s, Coordinator, uid)))

            def redo() -> None:
                write(ctx, lambda s: snapshots.restore_coordinator(s, state["snapshot"]))

            ctx.undo_stack.push(make_undo_command(f"Ajouter {name}", undo, redo, on_error=report_to_status(ctx)))
            ctx.show_status(f"{name} ajouté·e.")
        else:
            def apply(values: tuple[dict, dict]):
                return lambda: write(ctx, lambda s: save_coordinator(
                    s, snapshots.id_of(s, Coordinator, uid), *values))

            ctx.undo_stack.push(make_undo_command(f"Modifier {name}", apply(dialog.before), apply((person, post)),
                                                  on_error=report_to_status(ctx)))
            ctx.show_status(f"{name} : modifications enregistrées.")
        ctx.notify_changed()
        self.when_loaded(lambda: self.staff_table.select(lambda r: r.id == dialog.saved_id))

    def delete_current_coordinator(self) -> None:
        row = self.staff_table.current_row()
        if row is not None:
            self.delete_coordinator(row)

    def delete_coordinator(self, row: StaffRow) -> None:
        name = row.coordinator.name
        if not confirm_delete(self, f"{name} des chargé·e·s de coopération (ses parts d'ETP avec)"):
            return
        try:
            delete_record_with_undo(
                self.ctx, model=Coordinator, record_id=row.id, delete=snapshots.delete_coordinator,
                restore=snapshots.restore_coordinator, undo_text=f"Supprimer {name}",
                done_message=f"{name} supprimé·e. Ctrl+Z pour annuler.",
            )
        except ValidationError as error:
            show_error(self, error.message, "Suppression impossible")

    # --- allocations ------------------------------------------------------------------
    def _current_cell(self) -> tuple[GridRow | None, int | None]:
        """The line and the year of the cell under the cursor (year None outside year columns)."""
        index = self.grid_table.view.currentIndex()
        row = self.grid_table.current_row()
        if row is None or row.is_total:
            return None, None
        column = index.column() - 1
        year = self.grid_years[column] if 0 <= column < len(self.grid_years) else None
        return row, year

    def create_allocation(self) -> None:
        row, _year = self._current_cell()
        dialog = EtpDialog(self.ctx, None, self.ctx.year, self)
        if row is not None:
            select_data(dialog.organisation, row.organisation_id)
        self._open(dialog, self._allocation_saved)

    def edit_current_allocation(self) -> None:
        row, year = self._current_cell()
        if row is None:
            return
        year = year or self.ctx.year
        if row.cells.get(year) is None:
            dialog = EtpDialog(self.ctx, None, year, self)
            select_data(dialog.organisation, row.organisation_id)
        else:
            dialog = EtpDialog(self.ctx, row.organisation_id, year, self)
        self._open(dialog, self._allocation_saved)

    def _allocation_saved(self, dialog: EtpDialog) -> None:
        allocation_saved(self.ctx, dialog)

    def delete_current_allocation(self) -> None:
        row, year = self._current_cell()
        if row is None or year is None or row.cells.get(year) is None:
            return
        if not confirm_delete(self, f"l'ETP {year} de « {row.name} »"):
            return
        ctx = self.ctx
        organisation_id = row.organisation_id
        with ctx.db.transaction() as session:
            before = snapshots.allocation_snapshot(session, organisation_id, year)
            etp.delete_allocation(session, organisation_id, year)

        def put(snapshot):
            return lambda: write(ctx, lambda s: snapshots.restore_allocation(s, organisation_id, year, snapshot))

        ctx.undo_stack.push(make_undo_command(f"Supprimer l'ETP {year} de « {row.name} »", put(before), put(None),
                                              on_error=report_to_status(ctx)))
        ctx.show_status(f"ETP {year} de « {row.name} » supprimé. Ctrl+Z pour annuler.")
        ctx.notify_changed()

