"""The small forms above the fiches actions: an enjeu of the convention, an objectif of an enjeu."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

from ctgdesk.models import Enjeu, Objectif
from ctgdesk.services import plan
from ctgdesk.services.records import get_or_fail
from ctgdesk.ui.context import UiContext
from ctgdesk.ui.dialogs.meeting_form_widgets import ChoiceCombo
from ctgdesk.ui.widgets.forms import FormDialog


class EnjeuDialog(FormDialog):
    """Create (enjeu_id None) or edit an enjeu. After accept(): saved_id, saved_uid, before, after."""

    def __init__(self, ctx: UiContext, convention_id: int, enjeu_id: int | None = None,
                 parent: QWidget | None = None):
        super().__init__("Nouvel enjeu" if enjeu_id is None else "Enjeu", parent)
        self.ctx, self.convention_id, self.enjeu_id = ctx, convention_id, enjeu_id
        self.saved_id: int | None = None
        self.saved_uid: str | None = None
        self.before: dict | None = None
        self.after: dict | None = None
        self.number_edit = QLineEdit()
        self.number_edit.setMaximumWidth(120)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("ex. Petite enfance : garantir un accueil de qualité")
        self.description_edit = QPlainTextEdit()
        self.description_edit.setMaximumHeight(120)
        self.add_row("Numéro :", self.number_edit, "number")
        self.add_row("Intitulé :", self.title_edit, "title")
        self.add_row("Description :", self.description_edit, "description")
        self.resize(620, 300)
        if enjeu_id is not None:
            with ctx.db.transaction() as s:
                enjeu = get_or_fail(s, Enjeu, enjeu_id, "L'enjeu")
                self.before = {"number": enjeu.number, "title": enjeu.title, "description": enjeu.description}
            self.number_edit.setText(self.before["number"])
            self.title_edit.setText(self.before["title"])
            self.description_edit.setPlainText(self.before["description"])
        else:
            with ctx.db.transaction() as s:
                self.number_edit.setText(str(len(plan.plan_outline(s, convention_id)) + 1))

    def fields(self) -> dict:
        return {"number": self.number_edit.text().strip(), "title": self.title_edit.text(),
                "description": self.description_edit.toPlainText().strip()}

    def save(self) -> None:
        fields = self.fields()
        with self.ctx.db.transaction() as s:
            if self.enjeu_id is None:
                enjeu = plan.create_enjeu(s, self.convention_id, fields["title"], number=fields["number"],
                                          description=fields["description"])
            else:
                enjeu = plan.update_enjeu(s, self.enjeu_id, **fields)
            self.saved_id, self.saved_uid = enjeu.id, enjeu.uid
            self.after = {"number": enjeu.number, "title": enjeu.title, "description": enjeu.description}


class ObjectifDialog(FormDialog):
    """Create (objectif_id None, under `enjeu_id`) or edit an objectif."""

    def __init__(self, ctx: UiContext, enjeux: list[tuple[int, str]], enjeu_id: int | None,
                 objectif_id: int | None = None, parent: QWidget | None = None):
        super().__init__("Nouvel objectif" if objectif_id is None else "Objectif", parent)
        self.ctx, self.objectif_id = ctx, objectif_id
        self.saved_id: int | None = None
        self.saved_uid: str | None = None
        self.before: dict | None = None
        self.after: dict | None = None
        self.enjeu_combo = ChoiceCombo(enjeux)
        self.number_edit = QLineEdit()
        self.number_edit.setMaximumWidth(120)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("ex. Développer l'offre d'accueil du jeune enfant")
        self.add_row("Enjeu :", self.enjeu_combo, "enjeu_id")
        self.add_row("Numéro :", self.number_edit, "number")
        self.add_row("Intitulé :", self.title_edit, "title")
        self.resize(620, 220)
        if objectif_id is not None:
            with ctx.db.transaction() as s:
                objectif = get_or_fail(s, Objectif, objectif_id, "L'objectif")
                self.before = {"enjeu_id": objectif.enjeu_id, "number": objectif.number, "title": objectif.title}
            self.enjeu_combo.set_current_key(self.before["enjeu_id"])
            self.number_edit.setText(self.before["number"])
            self.title_edit.setText(self.before["title"])
        else:
            self.enjeu_combo.set_current_key(enjeu_id)
            self.enjeu_combo.currentIndexChanged.connect(self._propose_number)
            self._propose_number()

    def _propose_number(self) -> None:
        enjeu_id = self.enjeu_combo.current_key()
        if enjeu_id is None:
            return
        with self.ctx.db.transaction() as s:
            enjeu = get_or_fail(s, Enjeu, enjeu_id, "L'enjeu")
            prefix = f"{enjeu.number}." if enjeu.number else ""
            self.number_edit.setText(f"{prefix}{len(enjeu.objectifs) + 1}")

    def fields(self) -> dict:
        return {"enjeu_id": self.enjeu_combo.current_key(), "number": self.number_edit.text().strip(),
                "title": self.title_edit.text()}

    def save(self) -> None:
        fields = self.fields()
        with self.ctx.db.transaction() as s:
            if self.objectif_id is None:
                objectif = plan.create_objectif(s, fields["enjeu_id"], fields["title"], number=fields["number"])
            else:
                objectif = plan.update_objectif(s, self.objectif_id, **fields)
            self.saved_id, self.saved_uid = objectif.id, objectif.uid
            self.after = {"enjeu_id": objectif.enjeu_id, "number": objectif.number, "title": objectif.title}
