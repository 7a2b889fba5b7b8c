"""Create or edit a chargé·e de coopération: the person, the employer, the post."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ctgdesk.models import Coordinator
from ctgdesk.formatting import decimal2
from ctgdesk.services import etp, people, territory
from ctgdesk.services.etp import CoordinatorShare
from ctgdesk.services.records import get_or_fail
from ctgdesk.ui.context import UiContext
from ctgdesk.ui.table_model import Column, RowsTableModel
from ctgdesk.ui.widgets.date_field import DateField
from ctgdesk.ui.widgets.forms import FormDialog, fill_combo
from ctgdesk.ui.widgets.screen_fit import resize_to_screen

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
        self.etp_dialog = None
        if coordinator_id is not None:
            self.add_row("ETP par année", self._build_etp_section())
        self._load()
        if coordinator_id is not None:
            self.load_shares()
            resize_to_screen(self, 620, 680)
        self.keep_draft(ctx, "coordinator", self.record_uid, draft)  # what is typed survives a crash

    # --- her ETP, year by year (etp.coordinator_shares) -----------------------------------
    def _build_etp_section(self) -> QWidget:
        self.shares_model: RowsTableModel[CoordinatorShare] = RowsTableModel([
            Column("Année", lambda r: r.year, display=str),
            Column("Commune ou structure", lambda r: r.organisation, tooltip=lambda r: r.organisation),
            Column.decimal("Sa part", lambda r: r.share, header_tooltip="Sa part d'ETP (vide : non précisée)"),
            Column("ETP de la structure", lambda r: "En cours" if r.structure_etp is None else decimal2(r.structure_etp),
                   align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
        ], parent=self)
        self.shares_view = QTableView()
        self.shares_view.setModel(self.shares_model)
        self.shares_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.shares_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.shares_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.shares_view.verticalHeader().setVisible(False)
        self.shares_view.setMinimumHeight(130)
        header = self.shares_view.horizontalHeader()
        for column in range(self.shares_model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column == 1
                                        else QHeaderView.ResizeMode.ResizeToContents)
        self.shares_view.doubleClicked.connect(lambda _index: self.edit_share())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.shares_view, context=Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.edit_share)
        self.shares_total = QLabel()
        self.shares_total.setObjectName("hint")
        self.shares_total.setWordWrap(True)
        self.edit_share_button = QPushButton("Modifier l'ETP…")
        self.edit_share_button.setToolTip("Ouvrir l'ETP de la structure et de l'année choisies (Entrée)")
        self.edit_share_button.clicked.connect(self.edit_share)
        row = QHBoxLayout()
        row.addWidget(self.shares_total, 1)
        row.addWidget(self.edit_share_button)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.shares_view, 1)
        layout.addLayout(row)
        return box

    def load_shares(self) -> None:
        with self.ctx.db.transaction() as session:
            shares = etp.coordinator_shares(session, self.coordinator_id)
        self.shares_model.set_rows(shares)
        totals = etp.shares_total_per_year(shares)
        given = {s.year for s in shares if s.share is not None}
        self.shares_total.setText(
            " ; ".join(f"{year} : {decimal2(total)} ETP" if year in given else f"{year} : part non précisée"
                       for year, total in totals.items())
            or "Aucun ETP enregistré pour elle ou lui (page Coordination & ETP).")
        self.edit_share_button.setEnabled(bool(shares))
        if shares and not self.shares_view.currentIndex().isValid():
            self.shares_view.selectRow(0)

    def edit_share(self):
        """The ETP of the line chosen, in its own form; saved there (Ctrl+Z undoes it)."""
        from ctgdesk.ui.dialogs.etp_dialog import EtpDialog, allocation_saved

        share = self.shares_model.row_at(self.shares_view.currentIndex())
        if share is None:
            return None
        dialog = self.etp_dialog = EtpDialog(self.ctx, share.organisation_id, share.year, self)
        dialog.accepted.connect(lambda: (allocation_saved(self.ctx, dialog), self.load_shares()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

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
