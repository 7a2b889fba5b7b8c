"""Create or edit a commune or structure: identity, attachment, engagement in the CTG."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from ctgdesk.models import Organisation, OrganisationKind
from ctgdesk.services import territory
from ctgdesk.services.records import get_or_fail
from ctgdesk.ui.context import UiContext
from ctgdesk.ui.widgets.date_field import DateField
from ctgdesk.ui.widgets.forms import FormDialog, fill_combo

PARENT_KINDS = {OrganisationKind.EPCI, OrganisationKind.SIVOM, OrganisationKind.DEPARTEMENT, OrganisationKind.CAF}


class OrganisationDialog(FormDialog):
    def __init__(self, ctx: UiContext, organisation_id: int | None = None, parent: QWidget | None = None, *,
                 draft=None):
        super().__init__("Modifier la commune ou structure" if organisation_id else "Nouvelle commune ou structure",
                         parent)
        self.ctx = ctx
        self.organisation_id = organisation_id
        self.saved_id: int | None = None
        self.before: dict | None = None  # the fields as they were, for undo
        self.record_uid: str | None = None

        self.name = self.add_row("Nom", QLineEdit(), "name")
        self.kind = self.add_row("Type", QComboBox(), "kind")
        fill_combo(self.kind, [(label, value) for value, label in OrganisationKind.choices()],
                   current=OrganisationKind.COMMUNE.value)
        self.insee = self.add_row("Code INSEE", QLineEdit(), "insee_code")
        self.insee.setPlaceholderText("ex. 62427 (communes seulement)")
        self.insee.setMaxLength(5)
        self.population = self.add_row("Population", QSpinBox(), "population")
        self.population.setRange(0, 10_000_000)
        self.population.setGroupSeparatorShown(True)
        self.population.setSpecialValueText("Non renseignée")
        self.parent_combo = self.add_row("Rattachée à", QComboBox(), "parent_id")
        self.deliberation = self.add_row("Délibération prise le", DateField(
            optional=True, what="La date de délibération", field="deliberation_date", today=ctx.today),
            "deliberation_date")
        self.signed = self.add_row("Fiche d'engagement", QCheckBox("signée"), "engagement_signed")
        self.engagement_date = self.add_row("Signée le", DateField(
            optional=True, what="La signature de la fiche d'engagement", field="engagement_date", today=ctx.today),
            "engagement_date")
        self.notes = self.add_row("Notes", QPlainTextEdit(), "notes")
        self.notes.setFixedHeight(70)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.signed.toggled.connect(self._signed_changed)
        self._load()
        self.keep_draft(ctx, "organisation", self.record_uid, draft)  # what is typed survives a crash

    def _load(self) -> None:
        with self.ctx.db.transaction() as session:
            parents = [(r.name, r.id) for r in territory.list_organisations(session, PARENT_KINDS)
                       if r.id != self.organisation_id]
            if self.organisation_id is not None:
                organisation = get_or_fail(session, Organisation, self.organisation_id, "L'organisation")
                self.before = {name: getattr(organisation, name) for name in territory.ORGANISATION_FIELDS}
                self.record_uid = organisation.uid
        fill_combo(self.parent_combo, parents, empty="—")
        if self.before is not None:
            b = self.before
            self.name.setText(b["name"])
            fill_combo(self.kind, [(label, value) for value, label in OrganisationKind.choices()],
                       current=b["kind"].value)
            self.insee.setText(b["insee_code"] or "")
            self.population.setValue(b["population"] or 0)
            fill_combo(self.parent_combo, parents, empty="—", current=b["parent_id"])
            self.deliberation.set_value(b["deliberation_date"])
            self.signed.setChecked(b["engagement_signed"])
            self.engagement_date.set_value(b["engagement_date"])
            self.notes.setPlainText(b["notes"] or "")
        self._kind_changed()
        self._signed_changed()

    def _kind_changed(self) -> None:
        is_commune = self.kind.currentData() == OrganisationKind.COMMUNE.value
        for widget in (self.insee, self.deliberation, self.signed):
            widget.setEnabled(is_commune)
        self._signed_changed()

    def _signed_changed(self) -> None:
        self.engagement_date.setEnabled(self.signed.isChecked() and self.signed.isEnabled())

    def fields(self) -> dict:
        is_commune = self.kind.currentData() == OrganisationKind.COMMUNE.value
        signed = is_commune and self.signed.isChecked()
        return {
            "name": self.name.text(),
            "kind": self.kind.currentData(),
            "insee_code": self.insee.text() if is_commune else None,
            "population": self.population.value() or None,
            "parent_id": self.parent_combo.currentData(),
            "deliberation_date": self.deliberation.value() if is_commune else None,
            "engagement_signed": signed,
            "engagement_date": self.engagement_date.value() if signed else None,
            "notes": self.notes.toPlainText(),
        }

    def save(self) -> None:
        fields = self.fields()
        with self.ctx.db.transaction() as session:
            if self.organisation_id is None:
                self.saved_id = territory.create_organisation(session, **fields).id
            else:
                territory.update_organisation(session, self.organisation_id, **fields)
                self.saved_id = self.organisation_id
