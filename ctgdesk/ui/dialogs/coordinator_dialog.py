"""Create or edit a chargé·e de coopération: the person, the employer, the post."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from ctgdesk.models import Coordinator
from ctgdesk.services import people, territory
from ctgdesk.services.records import get_or_fail
from ctgdesk.ui.context import UiContext
from ctgdesk.ui.widgets.date_field import DateField
from ctgdesk.ui.widgets.forms import FormDialog, fill_combo

PERSON_KEYS = ("first_name", "last_name", "email", "phone")


class CoordinatorDialog(FormDialog):
    def __init__(self, ctx: UiContext, coordinator_id: int | None = None, parent: QWidget | None = None, *,
                 draft=None):
        super().__init__("Modifier le/la chargé·e de coopération" if coordinator_id
                         else "Nouveau/nouvelle chargé·e de coopération", parent)
        self.ctx = ctx
        self.coordinator_id = coordinator_id
        self.saved_id: int | None = None
        self.before: tuple[dict, dict] | None = None  # (person fields, coordinator fields), for undo
        self.record_uid: str | None = None

        self.first_name = self.add_row("Prénom", QLineEdit(), "first_name")
        self.last_name = self.add_row("Nom", QLineEdit(), "last_name")
        self.email = self.add_row("Courriel", QLineEdit(), "email")
        self.email.setPlaceholderText("prenom.nom@exemple.fr")
        self.phone = self.add_row("Téléphone", QLineEdit(), "phone")
        self.employer = self.add_row("Employeur", QComboBox(), "employer_id")
        self.cadre = self.add_row("Cadre d'emploi", QLineEdit(), "cadre_emploi")
        self.lead = self.add_row("Chef de projet CTG", QCheckBox("oui, pilote la CTG"), "is_project_lead")
        self.start = self.add_row("En poste depuis le", DateField(
            optional=True, what="La prise de poste", field="start_date", today=ctx.today), "start_date")
        self.end = self.add_row("Fin de poste le", DateField(
            optional=True, what="La fin de poste", field="end_date", today=ctx.today), "end_date")
        self._load()
        self.keep_draft(ctx, "coordinator", self.record_uid, draft)  # what is typed survives a crash

    def _load(self) -> None:
        with self.ctx.db.transaction() as session:
            employers = [(r.name, r.id) for r in territory.list_organisations(session)]
            if self.coordinator_id is not None:
                c = get_or_fail(session, Coordinator, self.coordinator_id, "Le/la chargé·e de coopération")
                person = {k: getattr(c.person, k) for k in PERSON_KEYS}
                post = {k: getattr(c, k) for k in people.COORDINATOR_FIELDS}
                self.before = (person, post)
                self.person_id = c.person_id
                self.record_uid = c.uid
        fill_combo(self.employer, employers, empty="—")
        if self.before is not None:
            person, post = self.before
            self.first_name.setText(person["first_name"] or "")
            self.last_name.setText(person["last_name"] or "")
            self.email.setText(person["email"] or "")
            self.phone.setText(person["phone"] or "")
            fill_combo(self.employer, employers, empty="—", current=post["employer_id"])
            self.cadre.setText(post["cadre_emploi"] or "")
            self.lead.setChecked(post["is_project_lead"])
            self.start.set_value(post["start_date"])
            self.end.set_value(post["end_date"])

    def fields(self) -> tuple[dict, dict]:
        person = {"first_name": self.first_name.text(), "last_name": self.last_name.text(),
                  "email": self.email.text(), "phone": self.phone.text()}
        post = {"employer_id": self.employer.currentData(), "cadre_emploi": self.cadre.text().strip(),
                "is_project_lead": self.lead.isChecked(), "start_date": self.start.value(),
                "end_date": self.end.value()}
        return person, post

    def save(self) -> None:
        person, post = self.fields()
        with self.ctx.db.transaction() as session:
            if self.coordinator_id is None:
                created = people.create_person(session, **person)
                self.saved_id = people.create_coordinator(session, created.id, **post).id
            else:
                save_coordinator(session, self.coordinator_id, person, post)
                self.saved_id = self.coordinator_id


def save_coordinator(session, coordinator_id: int, person: dict, post: dict) -> None:
    """Write both halves of the form (also what undo and redo of an edit call)."""
    coordinator = get_or_fail(session, Coordinator, coordinator_id, "Le/la chargé·e de coopération")
    people.update_person(session, coordinator.person_id, **person)
    people.update_coordinator(session, coordinator_id, **post)
