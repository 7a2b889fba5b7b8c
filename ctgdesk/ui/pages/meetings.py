"""Réunions: the meetings of the year as a sortable, searchable list and as a month calendar.

Filters by instance, commune and status (the year is the context's). Ctrl+N new meeting,
Entrée / double-click open it, Ctrl+D duplicate it, Suppr delete it (after confirmation;
Ctrl+Z brings it back with everything it held), Ctrl+F search.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut
import qtawesome as qta
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ctgdesk.formatting import long_date, short_date
from ctgdesk.models import MeetingStatus, OrganisationKind
from ctgdesk.services import meetings, territory
from ctgdesk.services.meetings import MeetingInput, MeetingRow
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.search_terms import matches as search_matches, query_words, search_text
from ctgdesk.ui.context import Page, UiContext
from ctgdesk.ui.dialogs.meeting_dialog import MeetingDialog, MeetingDuplicateDialog
from ctgdesk.ui.dialogs.meeting_form_widgets import ChoiceCombo, fit_columns
from ctgdesk.ui.table_model import Column, RowsTableModel, SearchProxyModel
from ctgdesk.ui.undo import make_delete_command, make_undo_command
from ctgdesk.ui.widgets.documents_button import MeetingDocumentsButton
from ctgdesk.ui.widgets.messages import confirm_delete
from ctgdesk.ui.widgets.page_header import PageHeader, page_action
from ctgdesk.ui.widgets import style
from ctgdesk.ui.widgets.elided_tooltips import ElidedToolTipDelegate
from ctgdesk.ui.widgets.calendar_view import MeetingCalendar, month_title, shift_month

STATUS_COLORS = {
    MeetingStatus.PLANNED: QColor(style.ACCENT),
    MeetingStatus.HELD: QColor(style.SUCCESS),
    MeetingStatus.CANCELLED: QColor(style.MUTED),
}
TAB_LIST, TAB_CALENDAR = 0, 1
# Undo and redo put back a meeting exactly as it was saved (and then valid): a "now" far
# ahead keeps the "a meeting to come cannot be held" rule from refusing a past snapshot.
RESTORE_NOW = datetime(9000, 1, 1)


def meeting_when(value: datetime) -> str:
    """ "mardi 3 février 2026, 14:00" """
    return f"{long_date(value.date())}, {value:%H:%M}"


def meeting_name(row: MeetingRow) -> str:
    """How a meeting is named in messages: « Comité de pilotage CTG » du mardi 3 février 2026."""
    return f"« {row.instance} » du {long_date(row.starts_at.date())}"


def meeting_columns() -> list[Column[MeetingRow]]:
    return [
        Column("Date", lambda r: r.starts_at, display=meeting_when),
        Column("Instance", lambda r: r.instance),
        Column("Intitulé", lambda r: r.title),
        Column("Statut", lambda r: r.status, foreground=lambda r: STATUS_COLORS.get(r.status)),
        Column("Lieu", lambda r: r.place),
        Column("Animation", lambda r: r.animator),
        Column.number("Présents", lambda r: r.present, header_tooltip="Participant·e·s présent·e·s"),
        Column.number("Décisions", lambda r: r.decisions),
        Column.number("Alertes", lambda r: r.alerts, header_tooltip="Alertes au COPIL"),
        Column("Communes", lambda r: r.communes),
    ]


def matches(row: MeetingRow, words: list[str]) -> bool:
    """The calendar's search: every word somewhere in what the list shows of the meeting."""
    if not words:
        return True
    haystack = search_text(" ".join([meeting_when(row.starts_at), row.instance, row.title, row.place, row.communes,
                                     row.animator, row.status.label]))
    return search_matches(haystack, words)


class MeetingsPage(Page):
    title = "Réunions"
    icon_name = "fa5s.calendar-alt"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.dialog: MeetingDialog | None = None
        self._loaded = False
        self._columns_fitted = False
        self._build()
        ctx.signals.year_changed.connect(self._year_changed)
        self._year_changed(ctx.year)

    # --- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.header = PageHeader("Réunions", "")
        self.new_action = page_action(self, "Nouvelle réunion", "fa5s.plus", self.new_meeting,
                                      shortcut=QKeySequence.StandardKey.New)
        self.edit_action = page_action(self, "Ouvrir", "fa5s.pen", self.edit_selected, hint="Entrée")
        self.duplicate_action = page_action(self, "Dupliquer…", "fa5s.copy", self.duplicate_selected,
                                            shortcut="Ctrl+D")
        self.delete_action = page_action(self, "Supprimer", "fa5s.trash-alt", self.delete_selected, hint="Suppr")
        page_action(self, "Rechercher", "fa5s.search", self.focus_search, shortcut=QKeySequence.StandardKey.Find)
        for action in (self.new_action, self.edit_action, self.duplicate_action, self.delete_action):
            self.header.add_action_button(action)
        self.documents_button = MeetingDocumentsButton(
            self.ctx, lambda: row.id if (row := self.selected_row()) is not None else None, self)
        self.header.actions_layout.addWidget(self.documents_button)

        self.instance_filter = ChoiceCombo(empty_label="Toutes les instances")
        self.commune_filter = ChoiceCombo(empty_label="Toutes les communes")
        self.status_filter = ChoiceCombo([(s, s.label) for s in MeetingStatus], empty_label="Tous les statuts")
        for combo in (self.instance_filter, self.commune_filter, self.status_filter):
            combo.currentIndexChanged.connect(self._filters_changed)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher une réunion… (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.search.textChanged.connect(self._search_changed)
        self.count_label = QLabel()
        self.count_label.setObjectName("hint")
        self.all_years = QCheckBox("Toutes les années")
        self.all_years.setToolTip("Chercher et lister les réunions de toutes les années, pas seulement "
                                  "de l'année affichée")
        self.all_years.toggled.connect(lambda _checked: self.refresh())

        self.model = RowsTableModel(meeting_columns(), parent=self)
        self.proxy = SearchProxyModel(self.model, parent=self)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setItemDelegate(ElidedToolTipDelegate(self.table))  # a cut cell shows its whole text
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        self.table.doubleClicked.connect(lambda index: self.edit_selected())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())

        self.calendar = MeetingCalendar()
        self.calendar.month_changed.connect(lambda *_: self._load_calendar())
        self.calendar.meeting_activated.connect(self.edit_meeting)
        self.calendar.day_activated.connect(lambda day: self.new_meeting(day=day))
        self.calendar.grid.selection_changed.connect(self._update_buttons)

        self.views = QTabWidget()
        self.views.setDocumentMode(True)
        self.views.addTab(self.table, qta.icon("fa5s.list", color=style.MUTED), "Liste")
        self.views.addTab(self.calendar, qta.icon("fa5s.calendar-alt", color=style.MUTED), "Calendrier")
        self.views.currentChanged.connect(self._view_changed)

        filters = QHBoxLayout()
        filters.setSpacing(8)
        filters.addWidget(self.search, 2)
        filters.addWidget(self.instance_filter, 2)
        filters.addWidget(self.commune_filter, 1)
        filters.addWidget(self.status_filter, 1)
        filters.addWidget(self.all_years)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(8)
        layout.addWidget(self.header)
        layout.addLayout(filters)
        layout.addWidget(self.views, 1)
        layout.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignRight)

        for view in (self.table, self.calendar.grid):
            self._shortcut(QKeySequence.StandardKey.Delete, self.delete_selected, view)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._shortcut(QKeySequence(key), self.edit_selected, self.table)
        self._shortcut(QKeySequence(Qt.Key.Key_Escape), self.search.clear, self.search)
        self._update_buttons()

    def _shortcut(self, keys, slot, widget: QWidget) -> QShortcut:
        """A key working while `widget` has the focus (Suppr in the search field erases text)."""
        shortcut = QShortcut(keys, widget)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(lambda: slot())
        return shortcut

    # --- loading ---------------------------------------------------------------------------
    def _year_changed(self, year: int) -> None:
        """The calendar shows the current month of the year chosen (January for another year);
        the main window then calls refresh()."""
        today = self.ctx.today()
        self.calendar.set_today(today)
        self.calendar.set_month(year, today.month if year == today.year else 1)

    def _filters(self) -> dict:
        return {
            "instance_id": self.instance_filter.current_key(),
            "commune_id": self.commune_filter.current_key(),
            "status": self.status_filter.current_key(),
        }

    def refresh(self) -> None:
        self._loaded = True
        year, filters = (None if self.all_years.isChecked() else self.ctx.year), self._filters()

        def fetch(s):
            instances = [(i.id, i.name) for i in meetings.list_instances(s)]
            communes = [(o.id, o.name) for o in territory.list_organisations(s, {OrganisationKind.COMMUNE})]
            return instances, communes, meetings.list_meetings(s, year=year, **filters)

        self.load_data(fetch, self._show_meetings, part="list")

    def _show_meetings(self, data) -> None:
        instances, communes, rows = data
        selected = self.selected_row()
        for combo, choices in ((self.instance_filter, instances), (self.commune_filter, communes)):
            was_blocked = combo.blockSignals(True)  # a filter whose choice vanished falls back to "Toutes"
            combo.set_choices(choices, empty_label=combo.itemText(0))
            combo.blockSignals(was_blocked)
        self.model.set_rows(rows)
        if not self._columns_fitted and rows:
            fit_columns(self.table)  # once: the widths the user sets are kept after
            self._columns_fitted = True
        self._load_calendar()
        if selected is not None:
            self.select_meeting(selected.id)
        self._update_count()
        self._update_buttons()

    def _load_calendar(self) -> None:
        if not self._loaded:
            return  # refresh() will load it
        if self.views.currentIndex() != TAB_CALENDAR:
            return  # the list is shown: _view_changed loads the month when the calendar is
        year, month = self.calendar.year, self.calendar.month
        next_year, next_month = shift_month(year, month, 1)
        start, end, filters = datetime(year, month, 1), datetime(next_year, next_month, 1), self._filters()
        words = query_words(self.search.text())

        def show(rows) -> None:
            self.calendar.set_meetings([r for r in rows if matches(r, words)])
            self.calendar.setToolTip(month_title(year, month))

        self.load_data(lambda s: meetings.list_meetings(s, start=start, end=end, **filters), show, part="calendar")

    def _filters_changed(self) -> None:
        self.refresh()

    def _search_changed(self, text: str) -> None:
        self.proxy.set_search(text)
        if self.views.currentIndex() == TAB_CALENDAR:  # else when the calendar is shown: no query per keystroke
            self._load_calendar()
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        when = "toutes années confondues" if self.all_years.isChecked() else f"en {self.ctx.year}"
        text = f"{total} réunion{'s' if total > 1 else ''} {when}"
        if shown != total:
            text = f"{shown} sur {text}"
        self.count_label.setText(text)
        held = sum(1 for r in self.model.rows if r.status is MeetingStatus.HELD)
        planned = sum(1 for r in self.model.rows if r.status is MeetingStatus.PLANNED)
        self.header.set_subtitle(
            f"Les réunions des instances de la CTG {when} : "
            f"{held} tenue{'s' if held > 1 else ''}, {planned} prévue{'s' if planned > 1 else ''}."
        )

    def _view_changed(self, tab: int) -> None:
        """The meeting selected in one view stays selected in the other."""
        if tab == TAB_CALENDAR:
            self._load_calendar()  # the search may have changed while the list was shown
            index = self.table.currentIndex()
            row = self.model.row_at(self.proxy.mapToSource(index)) if index.isValid() else None
            if row is not None:
                self.calendar.select_meeting(row)
        else:
            meeting_id = self.calendar.selected_meeting()
            if meeting_id is not None:
                self.select_meeting(meeting_id)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.selected_row() is not None
        for action in (self.edit_action, self.duplicate_action, self.delete_action):
            action.setEnabled(has)
        self.documents_button.setEnabled(has)

    # --- selection -------------------------------------------------------------------------
    def selected_row(self) -> MeetingRow | None:
        if self.views.currentIndex() == TAB_CALENDAR:
            meeting_id = self.calendar.selected_meeting()
            rows = [r for day in self.calendar.grid.days() for r in self.calendar.grid.meetings_on(day)]
            return next((r for r in rows if r.id == meeting_id), None)
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(index))

    def select_meeting(self, meeting_id: int) -> bool:
        """Make this meeting the current one in the list (and in the calendar when shown)."""
        number = self.model.find(lambda r: r.id == meeting_id)
        if number is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(number, 0))
        if not index.isValid():  # hidden by the search
            self.search.clear()
            index = self.proxy.mapFromSource(self.model.index(number, 0))
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        row = self.model.row(number)
        if self.views.currentIndex() == TAB_CALENDAR:
            self.calendar.select_meeting(row)
        return True

    def show_record(self, kind: str, record_id: int) -> None:
        """The dashboard's hook: a meeting is selected in the list, an instance filters the list."""
        if kind == "instance":
            self.instance_filter.set_current_key(record_id)
        elif kind == "meeting":
            self.views.setCurrentIndex(TAB_LIST)
            if not self.select_meeting(record_id):
                for combo in (self.instance_filter, self.commune_filter, self.status_filter):
                    combo.set_current_key(None)
                self.search.clear()
                with self.ctx.db.transaction() as s:
                    data = meetings.meeting_input(s, record_id)
                if data.starts_at.year != self.ctx.year:
                    self.ctx.set_year(data.starts_at.year)
                    self.refresh()
                self.when_loaded(lambda: self.select_meeting(record_id))

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # --- actions ---------------------------------------------------------------------------
    def new_meeting(self, day: date | None = None) -> MeetingDialog:
        return self._open_dialog(MeetingDialog(self.ctx, day=day, instance_id=self.instance_filter.current_key(),
                                               parent=self))

    def edit_selected(self) -> MeetingDialog | None:
        row = self.selected_row()
        return self.edit_meeting(row.id) if row is not None else None

    def edit_meeting(self, meeting_id: int) -> MeetingDialog:
        return self._open_dialog(MeetingDialog(self.ctx, meeting_id, parent=self))

    def open_draft(self, draft) -> MeetingDialog:
        """The form as it was being typed when ctgdesk stopped (ctgdesk.ui.recovery)."""
        meeting_id = None
        if draft.record_uid:
            with self.ctx.db.transaction() as s:
                meeting_id = meetings.meeting_id_for_uid(s, draft.record_uid)
            if meeting_id is None:
                self.ctx.show_status("Cette réunion a été supprimée depuis : "
                                     "elle sera recréée à l'enregistrement.")
        return self._open_dialog(MeetingDialog(self.ctx, meeting_id, draft=draft, parent=self))

    def _open_dialog(self, dialog: MeetingDialog) -> MeetingDialog:
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._saved(dialog))
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        dialog.open()
        return dialog

    def _saved(self, dialog: MeetingDialog) -> None:
        uid, after, before = dialog.saved_uid, dialog.after, dialog.before
        if before is None:
            self.ctx.undo_stack.push(self._create_command(uid, after))
            self.ctx.show_status(f"Réunion enregistrée : {after.starts_at:%d/%m/%Y} — Ctrl+Z pour annuler")
        else:
            self.ctx.undo_stack.push(make_undo_command(
                f"Modifier la réunion du {short_date(after.starts_at.date())}",
                lambda: self._save(before, uid), lambda: self._save(after, uid), on_error=self.ctx.show_status))
            self.ctx.show_status("Réunion enregistrée")
        self.ctx.notify_changed()
        if dialog.saved_id is not None:
            self.when_loaded(lambda: self.select_meeting(dialog.saved_id))

    def _create_command(self, uid: str, data: MeetingInput):
        state = {"snapshot": data}

        def undo() -> None:
            state["snapshot"] = self._delete_by_uid(uid)

        def redo() -> None:
            self._restore(state["snapshot"])

        return make_undo_command(f"Créer la réunion du {short_date(data.starts_at.date())}", undo, redo,
                                 on_error=self.ctx.show_status)

    def duplicate_selected(self) -> int | None:
        row = self.selected_row()
        if row is None:
            return None
        ask = MeetingDuplicateDialog(row.starts_at, self)
        if ask.exec() != MeetingDuplicateDialog.DialogCode.Accepted:
            return None
        return self.duplicate(row.id, ask.starts_at())

    def duplicate(self, meeting_id: int, starts_at: datetime) -> int | None:
        try:
            with self.ctx.db.transaction() as s:
                copy = meetings.duplicate_meeting(s, meeting_id, starts_at)
                copy_id, uid, data = copy.id, copy.uid, meetings.meeting_input(s, copy.id)
        except ValidationError as error:
            self.ctx.show_status(error.message)
            return None
        self.ctx.undo_stack.push(self._create_command(uid, data))
        self.ctx.show_status(f"Réunion dupliquée au {long_date(starts_at.date())} — Ctrl+Z pour annuler")
        self.ctx.notify_changed()
        self.when_loaded(lambda: self.select_meeting(copy_id))
        return copy_id

    def delete_selected(self) -> bool:
        row = self.selected_row()
        if row is None:
            return False
        details = []
        if row.decisions:
            details.append(f"{row.decisions} décision{'s' if row.decisions > 1 else ''}")
        if row.alerts:
            details.append(f"{row.alerts} alerte{'s' if row.alerts > 1 else ''} au COPIL")
        if not confirm_delete(self, f"la réunion {meeting_name(row)}" + (f" ({', '.join(details)})" if details else "")):
            return False
        with self.ctx.db.transaction() as s:
            snapshot = meetings.delete_meeting(s, row.id)
        self.ctx.undo_stack.push(make_delete_command(
            f"Supprimer la réunion du {short_date(row.starts_at.date())}",
            delete=self._delete_by_uid, restore=self._restore, key=snapshot.uid, snapshot=snapshot,
            on_error=self.ctx.show_status))
        self.ctx.show_status("Réunion supprimée — Ctrl+Z pour annuler")
        self.ctx.notify_changed()
        return True

    # --- what undo and redo run ------------------------------------------------------------------
    def _delete_by_uid(self, uid: str) -> MeetingInput:
        with self.ctx.db.transaction() as s:
            meeting_id = meetings.meeting_id_for_uid(s, uid)
            if meeting_id is None:
                raise ValidationError("Cette réunion n'existe plus.")
            snapshot = meetings.delete_meeting(s, meeting_id)
        self.ctx.notify_changed()
        return snapshot

    def _restore(self, snapshot: MeetingInput) -> str:
        with self.ctx.db.transaction() as s:
            uid = meetings.save_meeting(s, snapshot, now=RESTORE_NOW).uid
        self.ctx.notify_changed()
        return uid

    def _save(self, data: MeetingInput, uid: str) -> None:
        with self.ctx.db.transaction() as s:
            meeting_id = meetings.meeting_id_for_uid(s, uid)
            if meeting_id is None:
                raise ValidationError("Cette réunion n'existe plus.")
            # Undo and redo put back a version on purpose: not checked against the one read.
            meetings.save_meeting(s, replace(data, row_version=None), meeting_id, now=RESTORE_NOW)
        self.ctx.notify_changed()

