"""Journal d'activité: what a coordinator does besides meetings, tagged with a referential function.

A one-line quick entry bar logs an entry in seconds from the keyboard: Ctrl+N, type a few
letters of the kind of action (the function of the referential follows), Tab, the nature,
Entrée. The full form (Détails…, or double-click a line) adds partners, communes, duration,
description. Suppr deletes (Ctrl+Z brings back), Ctrl+F searches.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ctgdesk.formatting import long_date, short_date
from ctgdesk.services import journal, people, referential
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.journal import DEFAULT_FUNCTION, JournalInput, JournalRow
from ctgdesk.ui.context import Page, UiContext
from ctgdesk.ui.dialogs.journal_dialog import KIND_EMPTY, JournalEntryDialog, kind_choices
from ctgdesk.ui.dialogs.meeting_form_widgets import ERROR_STYLE, ChoiceCombo
from ctgdesk.ui.widgets.date_field import DateField
from ctgdesk.ui.table_model import RIGHT, Column, RowsTableModel
from ctgdesk.ui.undo import make_delete_command, make_undo_command
from ctgdesk.ui.widgets.messages import confirm_delete
from ctgdesk.ui.widgets.page_header import PageHeader, page_action
from ctgdesk.ui.widgets.search_table import SearchableTable


def duration_text(minutes: int | None) -> str:
    """90 → "1 h 30", 45 → "45 min", 120 → "2 h"."""
    if not minutes:
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def journal_columns(function_titles: dict[str, str]) -> list[Column[JournalRow]]:
    return [
        Column.date("Date", lambda r: r.date, long=True),
        Column("Fonction", lambda r: r.function_code, tooltip=lambda r: function_titles.get(r.function_code),
               sort_key=lambda code: tuple(int(p) if p.isdigit() else 0 for p in code.split("."))),
        Column("Type d'action", lambda r: r.kind),
        Column("Nature", lambda r: r.nature),
        Column("Chargé·e", lambda r: r.coordinator),
        Column("Durée", lambda r: r.duration_minutes, display=duration_text, align=RIGHT),
        Column("Partenaires", lambda r: r.partners),
        Column("Communes", lambda r: r.communes),
    ]


class QuickEntryBar(QFrame):
    """Date, type d'action, nature, fonction, chargé·e — Entrée saves the line."""

    submitted = Signal()
    details_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Saisie rapide du journal")
        self.setToolTip("Saisie rapide : Ctrl+N, le type d'action (quelques lettres), Tab, la nature, Entrée")
        self.date_edit = DateField(what="La date de l'action", field="date", inline_message=False)
        self.date_edit.setToolTip("Date de l'action")
        self.date_edit.refused.connect(self.show_error)  # said at once, in the bar's message line
        self.date_edit.changed.connect(lambda: self.show_error(""))
        self.kind_combo = ChoiceCombo(kind_choices(), empty_label=KIND_EMPTY)  # chosen for each entry
        self.kind_combo.setToolTip("Type d'action : tapez quelques lettres (ex. « relais », « conseil »)")
        self.kind_combo.setMinimumContentsLength(27)
        self.nature_edit = QLineEdit()
        self.nature_edit.setPlaceholderText("Saisie rapide : nature de l'action, puis Entrée")
        self.nature_edit.setMinimumWidth(260)
        self.function_combo = ChoiceCombo()
        self.function_combo.setToolTip("Fonction du référentiel, proposée d'après le type d'action")
        self.function_combo.setMinimumContentsLength(4)
        self.coordinator_combo = ChoiceCombo(empty_label="— chargé·e —")
        self.coordinator_combo.setMinimumContentsLength(10)
        self.add_button = QPushButton("Ajouter")
        self.details_button = QPushButton("Détails…")
        self.details_button.setToolTip("Ouvrir le formulaire complet (partenaires, communes, durée, description)")
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.add_button.clicked.connect(self.submitted)
        self.details_button.clicked.connect(self.details_requested)
        self.nature_edit.returnPressed.connect(self.submitted)
        for widget in (self.date_edit.edit, self.kind_combo, self.function_combo, self.coordinator_combo):
            widget.installEventFilter(self)
        row = QHBoxLayout()
        row.addWidget(self.date_edit)
        row.addWidget(self.kind_combo)
        row.addWidget(self.nature_edit, 1)
        row.addWidget(self.function_combo)
        row.addWidget(self.coordinator_combo)
        row.addWidget(self.add_button)
        row.addWidget(self.details_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(row)
        layout.addWidget(self.error)
        self.setTabOrder(self.date_edit, self.kind_combo)
        self.setTabOrder(self.kind_combo, self.nature_edit)
        self.setTabOrder(self.nature_edit, self.function_combo)
        self.setTabOrder(self.function_combo, self.coordinator_combo)

    def set_functions(self, functions: list[tuple[str, str]]) -> None:
        # the code alone in the bar ("3.1"), the full title in its tooltip
        self.function_combo.set_choices([(code, code) for code, _title in functions])
        for index, (_code, title) in enumerate(functions):
            self.function_combo.setItemData(index, title, Qt.ItemDataRole.ToolTipRole)
        self._kind_changed()

    def _kind_changed(self) -> None:
        code = DEFAULT_FUNCTION.get(self.kind_combo.current_key())
        if code is not None:
            self.function_combo.set_current_key(code)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.submitted.emit()
                return True
        return super().eventFilter(watched, event)

    def value(self) -> JournalInput:
        return JournalInput(
            date=self.date_edit.value(), kind=self.kind_combo.current_key(), nature=self.nature_edit.text(),
            function_code=self.function_combo.current_key(), coordinator_id=self.coordinator_combo.current_key(),
        )

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def start(self) -> None:
        """Ready for a new entry: the kind of action has the focus."""
        self.kind_combo.setFocus(Qt.FocusReason.ShortcutFocusReason)


class JournalPage(Page):
    title = "Journal d'activité"
    icon_name = "fa5s.edit"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.dialog: JournalEntryDialog | None = None
        self._function_titles: dict[str, str] = {}
        self._build()
        ctx.signals.year_changed.connect(self._year_changed)
        self._year_changed(ctx.year)

    def _build(self) -> None:
        self.header = PageHeader("Journal d'activité", "")
        self.new_action = page_action(self, "Nouvelle entrée…", "fa5s.plus", self.new_entry,
                                      shortcut=QKeySequence.StandardKey.New)
        self.quick_action = page_action(self, "Saisie rapide", "fa5s.bolt", self.bar_start, shortcut="Ctrl+Shift+N")
        self.quick_action.setToolTip("La saisie rapide prend la main : type d'action, Tab, nature, Entrée (Ctrl+Maj+N)")
        self.edit_action = page_action(self, "Ouvrir", "fa5s.pen", self.edit_selected, hint="Entrée")
        self.delete_action = page_action(self, "Supprimer", "fa5s.trash-alt", self.delete_selected, hint="Suppr")
        page_action(self, "Rechercher", "fa5s.search", self.focus_search, shortcut=QKeySequence.StandardKey.Find)
        self.new_action.setToolTip("Nouvelle entrée : le formulaire complet (Ctrl+N)")
        for action in (self.new_action, self.quick_action, self.edit_action, self.delete_action):
            self.header.add_action_button(action)

        self.bar = QuickEntryBar()
        self.bar.submitted.connect(self.quick_add)
        self.bar.details_requested.connect(self.open_details_from_bar)

        self.model = RowsTableModel(journal_columns(self._function_titles), parent=self)
        self.list = SearchableTable(self.model, key=lambda r: r.id, placeholder="Rechercher dans le journal…",
                                    count_words=("entrée", "entrées"))
        self.proxy = self.list.proxy
        self.table = self.list.view
        self.search = self.list.search
        self.coordinator_filter = ChoiceCombo(empty_label="Tous les chargé·e·s")
        self.coordinator_filter.currentIndexChanged.connect(lambda *_: self.refresh())
        self.list.add_tool(QLabel("Chargé·e :"))
        self.list.add_tool(self.coordinator_filter)
        self.list.activated.connect(lambda row: self.edit_entry(row.id))
        self.list.delete_requested.connect(lambda row: self.delete_selected())
        self.list.current_changed.connect(lambda *_: self._update_buttons())
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(8)
        layout.addWidget(self.header)
        layout.addWidget(self.bar)
        layout.addWidget(self.list, 1)
        self._update_buttons()

    # --- loading ---------------------------------------------------------------------------
    def _year_changed(self, year: int) -> None:
        """The quick entry's date follows the year shown; the main window then calls refresh()."""
        self.bar.date_edit.set_value(self.default_date())

    def default_date(self) -> date:
        """Today, or the nearest day of the year shown when another year is chosen."""
        today = self.ctx.today()
        if today.year == self.ctx.year:
            return today
        return date(self.ctx.year, 12, 31) if self.ctx.year < today.year else date(self.ctx.year, 1, 1)

    def refresh(self) -> None:
        year, coordinator_id = self.ctx.year, self.coordinator_filter.current_key()

        def fetch(s):
            functions = referential.function_choices(s)
            coordinators = [(c.id, c.name) for c in people.list_coordinators(s)]
            return functions, coordinators, journal.list_entries(s, year=year, coordinator_id=coordinator_id)

        self.load_data(fetch, lambda data: self._show_entries(year, *data))

    def _show_entries(self, year: int, functions, coordinators, rows) -> None:
        self._function_titles.clear()
        self._function_titles.update({code: label for code, label in functions})
        if self.bar.function_combo.count() != len(functions):
            self.bar.set_functions(functions)
        self.bar.coordinator_combo.set_choices(coordinators, empty_label="— chargé·e —")
        if self.bar.coordinator_combo.current_key() is None:  # her name by default (Préférences)
            if self.ctx.me is not None and any(cid == self.ctx.me for cid, _name in coordinators):
                self.bar.coordinator_combo.set_current_key(self.ctx.me)
            elif len(coordinators) == 1:
                self.bar.coordinator_combo.set_current_key(coordinators[0][0])
        was_blocked = self.coordinator_filter.blockSignals(True)
        self.coordinator_filter.set_choices(coordinators, empty_label="Tous les chargé·e·s")
        self.coordinator_filter.blockSignals(was_blocked)
        self.model.set_rows(rows)
        self.list.fit_columns()
        minutes = sum(r.duration_minutes or 0 for r in rows)
        functions_used = len({r.function_code for r in rows})
        self.header.set_subtitle(
            f"Ce qui a été fait en {year} en dehors des réunions : {len(rows)} "
            f"entrée{'s' if len(rows) > 1 else ''}, {functions_used} fonction{'s' if functions_used > 1 else ''} "
            f"du référentiel" + (f", {duration_text(minutes)} renseignées." if minutes else ".")
        )
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.selected_row() is not None
        self.edit_action.setEnabled(has)
        self.delete_action.setEnabled(has)

    def selected_row(self) -> JournalRow | None:
        return self.list.current_row()

    def select_entry(self, entry_id: int) -> bool:
        return self.list.select(lambda r: r.id == entry_id)

    def focus_search(self) -> None:
        self.list.focus_search()

    def bar_start(self) -> None:
        self.bar.start()

    # --- quick entry ---------------------------------------------------------------------------
    def quick_add(self) -> int | None:
        try:
            data = self.bar.value()
            with self.ctx.db.transaction() as s:
                entry = journal.save_entry(s, data)
                entry_id, uid, saved = entry.id, entry.uid, journal.entry_input(s, entry.id)
        except ValidationError as error:
            self.bar.show_error(error.message)
            focus = {"nature": self.bar.nature_edit, "date": self.bar.date_edit,
                     "function_code": self.bar.function_combo}
            focus.get(error.field, self.bar.kind_combo).setFocus()
            return None
        self.bar.show_error("")
        self.bar.nature_edit.clear()
        self.bar.kind_combo.set_current_key(None)  # the next entry's type is chosen, never kept silently
        self.bar.kind_combo.setFocus()
        self.ctx.undo_stack.push(self._create_command(uid, saved))
        where = "" if saved.date.year == self.ctx.year else f" (en {saved.date.year}, hors de l'année affichée)"
        self.ctx.show_status(f"Entrée ajoutée au journal : {saved.function_code} {saved.kind.label}{where}")
        self.ctx.notify_changed()
        self.when_loaded(lambda: self.select_entry(entry_id))
        return entry_id

    def _bar_date(self):
        """The quick entry bar's date, or None when it cannot be read (refused at the date itself)."""
        try:
            return self.bar.date_edit.value()
        except ValidationError as error:
            self.bar.show_error(error.message)
            self.bar.date_edit.setFocus()
            return None

    def new_entry(self) -> JournalEntryDialog | None:
        """Nouvelle entrée: the full form, with the date and the chargé·e of the quick entry bar."""
        bar = self.bar
        day = self._bar_date()
        if day is None:
            return None
        initial = JournalInput(date=day, kind=None, nature="", coordinator_id=bar.coordinator_combo.current_key())
        dialog = JournalEntryDialog(self.ctx, initial=initial, parent=self)
        return self._open_dialog(dialog)

    def open_details_from_bar(self) -> JournalEntryDialog | None:
        try:
            initial = self.bar.value()
        except ValidationError as error:  # the date cannot be read: refused at the date itself
            self.bar.show_error(error.message)
            self.bar.date_edit.setFocus()
            return None
        dialog = JournalEntryDialog(self.ctx, initial=initial, parent=self)
        dialog.accepted.connect(self.bar.nature_edit.clear)
        return self._open_dialog(dialog)

    # --- dialogs ---------------------------------------------------------------------------------
    def edit_selected(self) -> JournalEntryDialog | None:
        row = self.selected_row()
        return self.edit_entry(row.id) if row else None

    def edit_entry(self, entry_id: int) -> JournalEntryDialog:
        return self._open_dialog(JournalEntryDialog(self.ctx, entry_id, parent=self))

    def open_draft(self, draft) -> JournalEntryDialog:
        """The entry as it was being typed when ctgdesk stopped (ctgdesk.ui.recovery)."""
        entry_id = None
        if draft.record_uid:
            with self.ctx.db.transaction() as s:
                entry_id = journal.entry_id_for_uid(s, draft.record_uid)
            if entry_id is None:
                self.ctx.show_status("Cette entrée du journal a été supprimée depuis : "
                                     "elle sera recréée à l'enregistrement.")
        return self._open_dialog(JournalEntryDialog(self.ctx, entry_id, draft=draft, parent=self))

    def _open_dialog(self, dialog: JournalEntryDialog) -> JournalEntryDialog:
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._saved(dialog))
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        dialog.open()
        return dialog

    def _saved(self, dialog: JournalEntryDialog) -> None:
        uid, before, after = dialog.saved_uid, dialog.before, dialog.after
        if before is None:
            self.ctx.undo_stack.push(self._create_command(uid, after))
        else:
            self.ctx.undo_stack.push(make_undo_command(
                f"Modifier l'entrée du {short_date(after.date)}", lambda: self._save(before, uid),
                lambda: self._save(after, uid), on_error=self.ctx.show_status))
        self.ctx.show_status("Entrée du journal enregistrée")
        self.ctx.notify_changed()
        self.when_loaded(lambda: self.select_entry(dialog.saved_id))

    def _create_command(self, uid: str, data: JournalInput):
        state = {"snapshot": data}

        def undo() -> None:
            state["snapshot"] = self._delete_by_uid(uid)

        def redo() -> None:
            self._restore(state["snapshot"])

        return make_undo_command(f"Ajouter « {data.nature} » au journal", undo, redo, on_error=self.ctx.show_status)

    # --- delete ----------------------------------------------------------------------------------
    def delete_selected(self) -> bool:
        row = self.selected_row()
        if row is None:
            return False
        if not confirm_delete(self, f"l'entrée « {row.nature} » du {long_date(row.date)}"):
            return False
        with self.ctx.db.transaction() as s:
            snapshot = journal.delete_entry(s, row.id)
        self.ctx.undo_stack.push(make_delete_command(
            f"Supprimer « {row.nature} » du journal", delete=self._delete_by_uid, restore=self._restore,
            key=snapshot.uid, snapshot=snapshot, on_error=self.ctx.show_status))
        self.ctx.show_status("Entrée supprimée — Ctrl+Z pour annuler")
        self.ctx.notify_changed()
        return True

    def _delete_by_uid(self, uid: str) -> JournalInput:
        with self.ctx.db.transaction() as s:
            entry_id = journal.entry_id_for_uid(s, uid)
            if entry_id is None:
                raise ValidationError("Cette entrée du journal n'existe plus.")
            snapshot = journal.delete_entry(s, entry_id)
        self.ctx.notify_changed()
        return snapshot

    def _restore(self, snapshot: JournalInput) -> str:
        with self.ctx.db.transaction() as s:
            uid = journal.save_entry(s, snapshot).uid
        self.ctx.notify_changed()
        return uid

    def _save(self, data: JournalInput, uid: str) -> None:
        with self.ctx.db.transaction() as s:
            entry_id = journal.entry_id_for_uid(s, uid)
            if entry_id is None:
                raise ValidationError("Cette entrée du journal n'existe plus.")
            journal.save_entry(s, data, entry_id)
        self.ctx.notify_changed()

