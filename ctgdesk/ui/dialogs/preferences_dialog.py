"""Préférences (Fichier → Préférences…, and at the first start on a base): who she is.

Her name becomes the default wherever a coordinator is asked (journal, new meeting's
animation). Stored in the user's settings for this base (ctgdesk.ui.identity says why)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from ctgdesk.services import people
from ctgdesk.ui import identity
from ctgdesk.ui.context import UiContext
from ctgdesk.ui.dialogs.meeting_form_widgets import ChoiceCombo


class PreferencesDialog(QDialog):
    def __init__(self, ctx: UiContext, settings: QSettings, db_path: Path, *, first_start: bool = False,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.settings, self.db_path = ctx, settings, db_path
        self.setWindowTitle("Bienvenue dans ctgdesk" if first_start else "Préférences")
        with ctx.db.transaction() as session:
            coordinators = [(c.id, c.name) for c in people.list_coordinators(session)]
        self.who = ChoiceCombo([(identity.TERRITORY, identity.TERRITORY_LABEL)]
                               + [(cid, name) for cid, name in coordinators], empty_label="— à choisir —")
        self.who.setMinimumContentsLength(30)
        stored = identity.load(settings, db_path)
        if stored is not None:
            self.who.set_current_key(identity.TERRITORY if ctx.me is None else ctx.me)
        intro = QLabel(
            ("Pour commencer, dites qui vous êtes. " if first_start else "")
            + "Votre nom sera proposé partout où l'on demande un·e chargé·e de coopération "
            "(journal, animation d'une nouvelle réunion) ; le tableau de bord pourra ne montrer que "
            "vos réunions, vos décisions et vos fiches.")
        intro.setWordWrap(True)
        where = QLabel("Ce choix est enregistré pour cette base et pour votre session sur cet ordinateur : "
                       "une base partagée garde le choix de chacun·e.")
        where.setObjectName("hint")
        where.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.hide()
        form = QFormLayout()
        form.addRow("Vous êtes :", self.who)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("Enregistrer", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        buttons.addButton("Plus tard" if first_start else "Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(where)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())
        self.who.setFocus()

    def accept(self) -> None:
        chosen = self.who.current_key()
        if chosen is None:
            self.error.setText("Choisissez qui vous êtes dans la liste (ou « Chef·fe de projet — tout le territoire »).")
            self.error.show()
            self.who.setFocus()
            return
        me = None if chosen == identity.TERRITORY else chosen
        with self.ctx.db.transaction() as session:
            value = identity.coordinator_uid(session, me)
        identity.save(self.settings, self.db_path, value)
        self.ctx.me = me
        self.ctx.notify_changed()
        super().accept()
