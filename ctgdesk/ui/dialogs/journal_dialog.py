"""The full form of a journal d'activité entry: what the quick entry bar leaves out
(partenaires, communes, durée, description)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ctgdesk.formatting import long_date
from ctgdesk.models import JournalKind, OrganisationKind
from ctgdesk.services import journal, people, referential, territory
from ctgdesk.services.drafts import Draft, from_plain, to_plain
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.journal import DEFAULT_FUNCTION, JournalInput
from ctgdesk.ui.context import UiContext
from ctgdesk.ui.dialogs.meeting_form_widgets import (
    CheckList,
    ChoiceCombo,
    FieldErrors,
    error_label,
)
from ctgdesk.ui.widgets.date_field import DateField
from ctgdesk.ui.widgets.drafts import DraftKeeper
from ctgdesk.ui.widgets.screen_fit import resize_to_screen


KIND_EMPTY = "— type d'action à choisir —"


def kind_choices() -> list[tuple[JournalKind, str]]:
    return [(kind, kind.label) for kind in JournalKind]


class JournalEntryDialog(QDialog):
    """Create (entry_id None; `initial` pre-fills it) or edit an entry.
    After accept(): saved_id, saved_uid, before (None for a new entry), after.
    `draft`: what was being typed in this form when ctgdesk stopped, filled back in."""

    def __init__(self, ctx: UiContext, entry_id: int | None = None, *, initial: JournalInput | None = None,
                 draft: Draft | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.entry_id = entry_id
        self.saved_id: int | None = None
        self.saved_uid: str | None = None
        self.before: JournalInput | None = None
        self.after: JournalInput | None = None
        self._draft_uid = draft.record_uid if draft is not None else None  # an entry deleted since: same uid
        with ctx.db.transaction() as s:
            functions = referential.function_choices(s)
            coordinators = [(c.id, c.name) for c in people.list_coordinators(s)]
            organisations = territory.list_organisations(s)
            if entry_id is not None:
                self.before = journal.entry_input(s, entry_id)
        communes = [(o.id, o.name) for o in organisations if o.kind is OrganisationKind.COMMUNE]
        partners = [(o.id, o.name) for o in organisations if o.kind is not OrganisationKind.COMMUNE]

        self.setWindowTitle("Nouvelle entrée du journal" if entry_id is None else "Entrée du journal")
        resize_to_screen(self, 760, 600)
        self.general_error = error_label()
        self.errors = FieldErrors(self.general_error)
        self.date_edit = DateField(ctx.today(), what="La date de l'action", field="date", today=ctx.today)
        self.date_label = QLabel()
        self.kind_combo = ChoiceCombo(kind_choices(), empty_label=KIND_EMPTY)  # chosen for each entry
        self.function_combo = ChoiceCombo(functions)
        self.nature_edit = QLineEdit()
        self.nature_edit.setPlaceholderText("ex. Appui au montage du projet social du centre social")
        self.coordinator_combo = ChoiceCombo(coordinators, empty_label="—")
        self.duration_spin = QSpinBox()
        self.duration_spin.setRange(0, 24 * 60)
        self.duration_spin.setSingleStep(15)
        self.duration_spin.setSuffix(" min")
        self.duration_spin.setSpecialValueText("—")
        self.partners_list = CheckList(partners)
        self.communes_list = CheckList(communes)
        self.description_edit = QPlainTextEdit()
        self.description_edit.setTabChangesFocus(True)  # Tab goes on to « Enregistrer », it types no tab
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.date_edit.changed.connect(self._update_date_label)

        when = QHBoxLayout()
        when.setAlignment(Qt.AlignmentFlag.AlignTop)
        when.addWidget(self.date_edit)
        when.addWidget(self.date_label, 1)
        duration = QHBoxLayout()
        duration.addWidget(self.duration_spin)
        duration.addStretch(1)
        form = QFormLayout()
        form.addRow("Date :", when)
        form.addRow("", self.errors.add("date", error_label(), self.date_edit))
        form.addRow("Type d'action :", self.kind_combo)
        form.addRow("", self.errors.add("kind", error_label(), self.kind_combo))
        form.addRow("Fonction du référentiel :", self.function_combo)
        form.addRow("", self.errors.add("function_code", error_label(), self.function_combo))
        form.addRow("Nature :", self.nature_edit)
        form.addRow("", self.errors.add("nature", error_label(), self.nature_edit))
        form.addRow("Chargé·e de coopération :", self.coordinator_combo)
        form.addRow("Durée :", duration)
        form.addRow("", self.errors.add("duration_minutes", error_label(), self.duration_spin))
        lists = QGridLayout()
        lists.addWidget(QLabel("Partenaires :"), 0, 0)
        lists.addWidget(QLabel("Communes :"), 0, 1)
        lists.addWidget(self.partners_list, 1, 0)
        lists.addWidget(self.communes_list, 1, 1)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("Enregistrer", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(lists, 1)
        layout.addWidget(QLabel("Description :"))
        layout.addWidget(self.description_edit, 1)
        layout.addWidget(self.errors.add("description", error_label(), self.description_edit))
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)

        data = (from_plain(JournalInput, draft.state) if draft is not None else None) or self.before or initial
        if data is not None:
            self._fill(data)
        else:
            self._kind_changed()
        if entry_id is None and self.coordinator_combo.current_key() is None and ctx.me is not None:
            self.coordinator_combo.set_current_key(ctx.me)  # her name by default (Préférences)
        self._update_date_label()
        self.draft = DraftKeeper(self, ctx, "journal", self.draft_state, self.draft_label,
                                 record_uid=self.before.uid if self.before else None, restored=draft,
                                 record=self.before)

    def _update_date_label(self) -> None:
        self.date_label.setText(long_date(self.date_edit.value()) if self.date_edit.is_valid() else "")

    def _fill(self, data: JournalInput) -> None:
        self.date_edit.set_value(data.date)
        self.kind_combo.blockSignals(True)
        self.kind_combo.set_current_key(JournalKind(data.kind) if data.kind else None)
        self.kind_combo.blockSignals(False)
        default = DEFAULT_FUNCTION.get(JournalKind(data.kind)) if data.kind else None
        if data.function_code or default:
            self.function_combo.set_current_key(data.function_code or default)
        self.nature_edit.setText(data.nature)
        self.coordinator_combo.set_current_key(data.coordinator_id)
        self.duration_spin.setValue(data.duration_minutes or 0)
        self.partners_list.set_checked_keys(data.partner_ids or [])
        self.communes_list.set_checked_keys(data.commune_ids or [])
        self.description_edit.setPlainText(data.description)
        if self.entry_id is not None:
            self.setWindowTitle(f"Entrée du journal du {long_date(data.date)}")

    def _kind_changed(self) -> None:
        code = DEFAULT_FUNCTION.get(self.kind_combo.current_key())
        if code is not None:
            self.function_combo.set_current_key(code)

    def collect(self) -> JournalInput:
        base = self.before or JournalInput(date=self.date_edit.value(), kind=self.kind_combo.current_key(), nature="",
                                           uid=self._draft_uid)
        return replace(
            base, date=self.date_edit.value(), kind=self.kind_combo.current_key(),
            function_code=self.function_combo.current_key(), nature=self.nature_edit.text(),
            coordinator_id=self.coordinator_combo.current_key(),
            duration_minutes=self.duration_spin.value() or None,
            partner_ids=self.partners_list.checked_keys(), commune_ids=self.communes_list.checked_keys(),
            description=self.description_edit.toPlainText().strip(),
        )

    # --- drafts (ctgdesk.ui.widgets.drafts) -------------------------------------------------
    def draft_state(self) -> dict:
        return to_plain(self.collect())

    def draft_label(self) -> str:
        nature = self.nature_edit.text().strip()
        if self.entry_id is None:
            return f"la nouvelle entrée du journal « {nature} »" if nature else "une nouvelle entrée du journal"
        return f"l'entrée du journal « {nature} »" if nature else "une entrée du journal"

    def reject(self) -> None:
        if self.draft.may_close():
            super().reject()

    def accept(self) -> None:
        self.errors.clear()
        try:
            data = self.collect()
            with self.ctx.db.transaction() as s:
                entry = journal.save_entry(s, data, self.entry_id)
                self.saved_id, self.saved_uid = entry.id, entry.uid
                self.after = journal.entry_input(s, entry.id)
        except ValidationError as error:
            self.errors.show(error)
            return
        super().accept()

