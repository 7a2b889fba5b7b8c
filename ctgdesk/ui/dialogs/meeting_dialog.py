"""The meeting form: everything a meeting holds, saved in one transaction on « Enregistrer ».

Réunion (instance, date, horaires, lieu, communes, animateur·rice, statut), présences (the
instance's usual members to tick, other people or structures to add, a status per line),
ordre du jour and compte rendu, relevé de décisions, alertes au COPIL, expertises.
A ValidationError from services.meetings is shown next to the field it names.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ctgdesk.formatting import long_date
from ctgdesk.models import AttendanceStatus, DecisionStatus, MeetingStatus, OrganisationKind
from ctgdesk.services import meetings, people, plan, territory
from ctgdesk.services.drafts import Draft, from_plain, to_plain
from ctgdesk.services.errors import ChangedMeanwhile, ValidationError
from ctgdesk.services.meetings import AlertInput, AttendanceInput, DecisionInput, ExpertiseInput, MeetingInput
from ctgdesk.ui.context import UiContext
from ctgdesk.ui.dialogs.meeting_form_widgets import (
    CheckList,
    ChoiceCombo,
    FieldErrors,
    error_label,
)
from ctgdesk.ui.widgets.date_field import DateField, TimeField
from ctgdesk.ui.widgets.drafts import DraftKeeper
from ctgdesk.ui.widgets.lines_table import Line, LinesTable
from ctgdesk.ui.widgets.screen_fit import resize_to_screen

TAB_MEETING, TAB_ATTENDANCE, TAB_TEXTS, TAB_DECISIONS, TAB_ALERTS, TAB_EXPERTISE = range(6)


def _enum_combo(enum_cls, current=None) -> ChoiceCombo:
    combo = ChoiceCombo([(m, m.label) for m in enum_cls])
    if current is not None:
        combo.set_current_key(current)
    return combo


def attendance_title(counts: dict[AttendanceStatus, int]) -> str:
    """ "Présences (4 présents, 1 excusé)" — the ticked lines by status, "Présences" when none."""
    words = {AttendanceStatus.PRESENT: ("présent", "présents"), AttendanceStatus.EXCUSED: ("excusé", "excusés"),
             AttendanceStatus.ABSENT: ("absent", "absents")}
    parts = [f"{n} {words[status][n > 1]}" for status, n in counts.items() if n]
    return f"Présences ({', '.join(parts)})" if parts else "Présences"


class AttendancePanel(QWidget):
    """Who came: usual members of the instance to tick, other people or structures added."""

    changed = Signal()
    NAME, ROLE, STATUS = range(3)

    def __init__(self, person_labels: dict[int, str], organisation_labels: dict[int, str], parent=None):
        super().__init__(parent)
        self.person_labels = person_labels
        self.organisation_labels = organisation_labels
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Participant·e", "Qualité", "Statut"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Tab leaves the table (the arrows move in it): with Tab going cell to cell, it wrapped
        # from the last status back to the first line and a keyboard could never get out.
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(self.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(self.ROLE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.STATUS, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(self._tick_changed)
        self._keys: list[tuple[int | None, int | None]] = []
        self._usual: set[tuple[int | None, int | None]] = set()

        choices = [(("p", pid), label) for pid, label in person_labels.items()]
        choices += [(("o", oid), f"Structure : {label}") for oid, label in organisation_labels.items()]
        self.add_combo = ChoiceCombo(choices, empty_label="— personne ou structure à ajouter —")
        self.add_button = QPushButton("Ajouter")
        self.add_button.clicked.connect(self.add_chosen)
        self.remove_button = QPushButton("Retirer la ligne")
        self.remove_button.clicked.connect(self.remove_current)
        self.tick_all_button = QPushButton("Tout cocher")
        self.tick_all_button.clicked.connect(lambda: self._tick_all(True))
        self.untick_all_button = QPushButton("Tout décocher")
        self.untick_all_button.clicked.connect(lambda: self._tick_all(False))

        add_row = QHBoxLayout()
        add_row.addWidget(QLabel("Ajouter :"))
        add_row.addWidget(self.add_combo, 1)
        add_row.addWidget(self.add_button)
        tools = QHBoxLayout()
        tools.addWidget(self.tick_all_button)
        tools.addWidget(self.untick_all_button)
        tools.addWidget(self.remove_button)
        tools.addStretch(1)
        hint = QLabel("Cochez les membres habituels présents, excusés ou absents ; ajoutez les autres participant·e·s.")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(tools)
        layout.addLayout(add_row)

    # --- lines ---------------------------------------------------------------------------
    def _label(self, key: tuple[int | None, int | None]) -> str:
        person_id, organisation_id = key
        if person_id is not None:
            return self.person_labels.get(person_id, f"Personne n°{person_id}")
        return self.organisation_labels.get(organisation_id, f"Structure n°{organisation_id}")

    def _role(self, key) -> str:
        if key in self._usual:
            return "Membre habituel"
        return "Structure" if key[0] is None else "Invité·e"

    def _append(self, key, checked: bool, status: AttendanceStatus | None = None) -> int:
        """A line; an unticked one has no status, a ticked one "Présent" unless told otherwise."""
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        item = QTableWidgetItem(self._label(key))
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.table.setItem(row, self.NAME, item)
        role = QTableWidgetItem(self._role(key))
        role.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        self.table.setItem(row, self.ROLE, role)
        combo = ChoiceCombo([(m, m.label) for m in AttendanceStatus], empty_label="—")
        combo.set_current_key((status or AttendanceStatus.PRESENT) if checked else None)
        combo.currentIndexChanged.connect(lambda _i, c=combo: self._status_chosen(c))
        self.table.setCellWidget(row, self.STATUS, combo)
        self.table.blockSignals(False)
        self._keys.append(key)
        return row

    def _tick_changed(self, item: QTableWidgetItem) -> None:
        """Ticking a line makes it "Présent" (unless a status is chosen); unticking clears it."""
        if item.column() != self.NAME:
            return
        combo = self.status_combo(item.row())
        if combo is not None:
            checked = item.checkState() == Qt.CheckState.Checked
            if not checked:
                combo.set_current_key(None)
            elif combo.current_key() is None:
                combo.set_current_key(AttendanceStatus.PRESENT)
        self.changed.emit()

    def _status_chosen(self, combo: ChoiceCombo) -> None:
        """A status chosen ticks its line; "—" unticks it."""
        for row in range(self.table.rowCount()):
            if self.table.cellWidget(row, self.STATUS) is combo:
                wanted = Qt.CheckState.Unchecked if combo.current_key() is None else Qt.CheckState.Checked
                if self.table.item(row, self.NAME).checkState() != wanted:
                    self.table.item(row, self.NAME).setCheckState(wanted)
                break
        self.changed.emit()

    def row_of(self, person_id: int | None = None, organisation_id: int | None = None) -> int | None:
        try:
            return self._keys.index((person_id, organisation_id))
        except ValueError:
            return None

    def set_usual_members(self, members: list[AttendanceInput], *, tick: bool) -> None:
        """Replace the usual-member lines (of the previous instance) by those given."""
        old_usual = self._usual
        self._usual = {(m.person_id, m.organisation_id) for m in members}
        for row in reversed(range(len(self._keys))):
            key = self._keys[row]
            if key in old_usual and key not in self._usual and not self.is_checked(row):
                self._remove_row(row)
        for member in members:
            key = (member.person_id, member.organisation_id)
            if self.row_of(*key) is None:
                self._append(key, tick)
        for row, key in enumerate(self._keys):
            self.table.item(row, self.ROLE).setText(self._role(key))
        self.changed.emit()

    def load(self, attendances: list[AttendanceInput]) -> None:
        for attendance in attendances:
            key = (attendance.person_id, attendance.organisation_id)
            row = self.row_of(*key)
            if row is None:
                row = self._append(key, True, attendance.status)
            self.set_line(row, True, attendance.status)
        self.changed.emit()

    def set_line(self, row: int, checked: bool, status: AttendanceStatus | None = None) -> None:
        self.table.item(row, self.NAME).setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        if checked and status is not None:
            self.status_combo(row).set_current_key(status)

    def status_combo(self, row: int) -> ChoiceCombo:
        return self.table.cellWidget(row, self.STATUS)

    def is_checked(self, row: int) -> bool:
        return self.table.item(row, self.NAME).checkState() == Qt.CheckState.Checked

    def add(self, person_id: int | None = None, organisation_id: int | None = None) -> int:
        row = self.row_of(person_id, organisation_id)
        if row is None:
            row = self._append((person_id, organisation_id), True)
        else:
            self.set_line(row, True)
        self.table.selectRow(row)
        self.changed.emit()
        return row

    def add_chosen(self) -> None:
        key = self.add_combo.current_key()
        if key is None:
            return
        kind, record_id = key
        self.add(record_id, None) if kind == "p" else self.add(None, record_id)
        self.add_combo.setCurrentIndex(0)

    def _remove_row(self, row: int) -> None:
        self.table.removeRow(row)
        del self._keys[row]

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self._keys):
            if self._keys[row] in self._usual:
                self.set_line(row, False)  # a usual member stays listed, unticked
            else:
                self._remove_row(row)
            self.changed.emit()

    def _tick_all(self, checked: bool) -> None:
        for row in range(len(self._keys)):
            self.set_line(row, checked)

    def inputs(self) -> list[AttendanceInput]:
        return [
            AttendanceInput(key[0], key[1], self.status_combo(row).current_key())
            for row, key in enumerate(self._keys) if self.is_checked(row)
        ]

    def checked_count(self) -> int:
        return sum(1 for row in range(len(self._keys)) if self.is_checked(row))

    def status_counts(self) -> dict[AttendanceStatus, int]:
        """How many lines have each status (unticked lines have none)."""
        counts = {status: 0 for status in AttendanceStatus}
        for attendance in self.inputs():
            counts[attendance.status] += 1
        return counts


class MeetingDialog(QDialog):
    """Create (meeting_id None) or edit a meeting. After accept(): saved_id, saved_uid, before, after.
    `draft`: what was being typed in this form when ctgdesk stopped, filled back in."""

    def __init__(self, ctx: UiContext, meeting_id: int | None = None, *, day: date | None = None,
                 instance_id: int | None = None, draft: Draft | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.meeting_id = meeting_id
        self.saved_id: int | None = None
        self.saved_uid: str | None = None
        self.before: MeetingInput | None = None
        self.after: MeetingInput | None = None
        self._draft_uid = draft.record_uid if draft is not None else None  # a meeting deleted since: same uid
        self._load_choices()
        self._build()
        if draft is not None:
            self._fill(from_plain(MeetingInput, draft.state))
        elif meeting_id is None:
            self._fill_new(day, instance_id)
        else:
            self._fill(self.before)
        self._update_tab_titles()
        self.draft = DraftKeeper(self, ctx, "meeting", self.draft_state, self.draft_label,
                                 record_uid=self.before.uid if self.before else None, restored=draft,
                                 record=self.before)

    # --- data ----------------------------------------------------------------------------
    def _load_choices(self) -> None:
        with self.ctx.db.transaction() as s:
            self.instances = [(i.id, i.name) for i in meetings.list_instances(s)]
            self.coordinators = [(c.id, c.name) for c in people.list_coordinators(s)]
            organisations = territory.list_organisations(s)
            self.communes = [(o.id, o.name) for o in organisations if o.kind is OrganisationKind.COMMUNE]
            self.organisations = {o.id: o.name for o in organisations}
            self.persons = dict(meetings.person_choices(s))
            self.fiches = [(f.id, f"{f.number} {f.title}") for f in plan.list_fiches(s, self.ctx.today())]
            if self.meeting_id is not None:
                self.before = meetings.meeting_input(s, self.meeting_id)

    def _usual_members(self, instance_id: int | None) -> list[AttendanceInput]:
        if instance_id is None:
            return []
        with self.ctx.db.transaction() as s:
            return meetings.usual_members(s, instance_id)

    # --- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        self.setWindowTitle("Nouvelle réunion" if self.meeting_id is None else "Réunion")
        self.setModal(True)
        resize_to_screen(self, 940, 660)
        self.tabs = QTabWidget()
        self.general_error = error_label()
        self.errors = FieldErrors(self.general_error, self.tabs.setCurrentIndex)

        # Réunion
        self.instance_combo = ChoiceCombo(self.instances, empty_label="— choisir l'instance —")
        self.date_edit = DateField(what="La date de la réunion", field="starts_at", today=self.ctx.today)
        self.start_time = TimeField(time(14, 0), what="L'heure de début", field="start_time")
        self.end_time = TimeField(time(16, 0), optional=True, what="L'heure de fin", field="ends_at")
        self.place_edit = QLineEdit()
        self.place_edit.setPlaceholderText("ex. Mairie de Carvin, salle du conseil")
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("facultatif, ex. COPIL de lancement")
        self.animator_combo = ChoiceCombo(self.coordinators, empty_label="—")
        self.status_combo = _enum_combo(MeetingStatus, MeetingStatus.PLANNED)
        self.diagnostic_check = QCheckBox("La réunion a servi un diagnostic partagé")
        self.communes_list = CheckList(self.communes)
        self.communes_list.setFixedHeight(150)
        self.date_label = QLabel()
        self.date_label.setStyleSheet("color: palette(mid);")

        when = QHBoxLayout()
        when.setAlignment(Qt.AlignmentFlag.AlignTop)
        when.addWidget(self.date_edit)
        when.addWidget(QLabel("de"))
        when.addWidget(self.start_time)
        when.addWidget(QLabel("à"))
        when.addWidget(self.end_time)
        when.addWidget(self.date_label, 1)
        form = QFormLayout()
        form.addRow("Instance :", self.instance_combo)
        form.addRow("", self.errors.add("instance_id", error_label(), self.instance_combo, TAB_MEETING))
        form.addRow("Date :", when)
        when_errors = QVBoxLayout()  # one row under the date for the date's and the times' messages
        when_errors.setSpacing(0)
        for name, field in (("starts_at", self.date_edit), ("start_time", self.start_time),
                            ("ends_at", self.end_time)):
            when_errors.addWidget(self.errors.add(name, error_label(), field, TAB_MEETING))
        form.addRow("", when_errors)
        form.addRow("Lieu :", self.place_edit)
        form.addRow("", self.errors.add("place", error_label(), self.place_edit, TAB_MEETING))
        form.addRow("Intitulé :", self.title_edit)
        form.addRow("Animation :", self.animator_combo)
        form.addRow("Statut :", self.status_combo)
        form.addRow("", self.errors.add("status", error_label(), self.status_combo, TAB_MEETING))
        form.addRow("Communes concernées :", self.communes_list)
        form.addRow("", self.diagnostic_check)
        page = QWidget()
        box = QVBoxLayout(page)
        box.addLayout(form)
        box.addStretch(1)
        self.tabs.addTab(page, "Réunion")

        # Présences
        self.attendance = AttendancePanel(self.persons, self.organisations)
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(self.attendance, 1)
        box.addWidget(self.errors.add("attendances", error_label(), self.attendance.table, TAB_ATTENDANCE))
        self.tabs.addTab(page, "Présences")

        # Ordre du jour et compte rendu
        self.agenda_edit = QPlainTextEdit()
        self.agenda_edit.setPlaceholderText("1. …\n2. …")
        self.minutes_edit = QPlainTextEdit()
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(QLabel("Ordre du jour :"))
        box.addWidget(self.agenda_edit, 1)
        box.addWidget(QLabel("Compte rendu :"))
        box.addWidget(self.minutes_edit, 2)
        self.tabs.addTab(page, "Ordre du jour et compte rendu")

        # Décisions
        porteurs = [(("p", pid), label) for pid, label in self.persons.items()]
        porteurs += [(("o", oid), f"Structure : {label}") for oid, label in self.organisations.items()]
        self._porteurs = porteurs
        self.decisions = LinesTable(
            [("text", "Décision"), ("porteur", "Porteur"), ("due", "Échéance"), ("status", "Statut")],
            self._decision_line, add_label="Ajouter une décision", stretch="text",
        )
        self.tabs.addTab(self._list_page(self.decisions, "decisions", TAB_DECISIONS), "Décisions")

        # Alertes
        self.alerts = LinesTable(
            [("text", "Alerte au COPIL"), ("fiche", "Fiche action concernée"), ("resolved", "Levée le")],
            self._alert_line, add_label="Ajouter une alerte", stretch="text",
        )
        self.tabs.addTab(self._list_page(self.alerts, "alerts", TAB_ALERTS), "Alertes au COPIL")

        # Expertises
        experts = [(("p", pid), label) for pid, label in self.persons.items()]
        experts += [(("o", oid), f"Structure : {label}") for oid, label in self.organisations.items()]
        self._experts = experts
        self.expertises = LinesTable(
            [("who", "Qui"), ("label", "Qualité (facultatif)"), ("subject", "Sur quoi")],
            self._expertise_line, add_label="Ajouter une expertise", stretch="subject",
        )
        self.tabs.addTab(self._list_page(self.expertises, "expertises", TAB_EXPERTISE), "Expertises")

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("Enregistrer", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        from ctgdesk.ui.widgets.documents_button import MeetingDocumentsButton

        self.documents_button = MeetingDocumentsButton(self.ctx, lambda: self.meeting_id, self)  # the saved meeting's
        self.documents_button.setEnabled(self.meeting_id is not None)
        self.buttons.addButton(self.documents_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.history_button = self.buttons.addButton("&Historique…", QDialogButtonBox.ButtonRole.ActionRole)
        self.history_button.setEnabled(self.meeting_id is not None)
        self.history_button.clicked.connect(self.open_history)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

        self.instance_combo.currentIndexChanged.connect(self._instance_changed)
        self.date_edit.changed.connect(self._update_date_label)
        for signal in (self.attendance.changed, self.decisions.changed, self.alerts.changed,
                       self.expertises.changed):
            signal.connect(self._update_tab_titles)

    def _list_page(self, table: LinesTable, field: str, tab: int) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(table, 1)
        box.addWidget(self.errors.add(field, error_label(), table.focus_first, tab))
        return page

    def _decision_line(self, values: dict) -> Line:
        decision: DecisionInput | None = values.get("input")
        text = QLineEdit(decision.text if decision else "")
        text.setPlaceholderText("Ce qui a été décidé")
        porteur = ChoiceCombo(self._porteurs, empty_label="—")
        porteur.setMinimumWidth(230)
        if decision and decision.carried_by_id is not None:
            porteur.set_current_key(("p", decision.carried_by_id))
        elif decision and decision.carried_by_organisation_id is not None:
            porteur.set_current_key(("o", decision.carried_by_organisation_id))
        due = DateField(decision.due_date if decision else None, optional=True, what="L'échéance de la décision",
                        today=self.ctx.today, inline_message=False)
        status = _enum_combo(DecisionStatus, decision.status if decision else DecisionStatus.OPEN)
        return Line({"text": text, "porteur": porteur, "due": due, "status": status},
                    {"input": decision})

    def _alert_line(self, values: dict) -> Line:
        alert: AlertInput | None = values.get("input")
        text = QLineEdit(alert.text if alert else "")
        text.setPlaceholderText("Action prioritaire bloquée ou non réalisée")
        fiche = ChoiceCombo(self.fiches, empty_label="—")
        fiche.setMinimumWidth(260)
        fiche.set_current_key(alert.fiche_id if alert else None)
        resolved = DateField(alert.resolved_on if alert else None, optional=True, what="La levée de l'alerte",
                             today=self.ctx.today, inline_message=False)
        resolved.edit.setPlaceholderText("— ouverte")
        resolved.setToolTip("Date à laquelle l'alerte a été levée (vide : alerte ouverte)")
        return Line({"text": text, "fiche": fiche, "resolved": resolved}, {"input": alert})

    def _expertise_line(self, values: dict) -> Line:
        expertise: ExpertiseInput | None = values.get("input")
        who = ChoiceCombo(self._experts, empty_label="—")
        who.setMinimumWidth(230)
        if expertise and expertise.expert_id is not None:
            who.set_current_key(("p", expertise.expert_id))
        elif expertise and expertise.organisation_id is not None:
            who.set_current_key(("o", expertise.organisation_id))
        label = QLineEdit(expertise.expert_label if expertise else "")
        label.setPlaceholderText("ex. Conseillère technique Caf")
        label.setMinimumWidth(200)
        subject = QLineEdit(expertise.subject if expertise else "")
        subject.setPlaceholderText("Le sujet de l'expertise")
        return Line({"who": who, "label": label, "subject": subject}, {"input": expertise})

    # --- filling -------------------------------------------------------------------------
    def _fill_new(self, day: date | None, instance_id: int | None) -> None:
        today = self.ctx.today()
        if day is None:
            day = today if today.year == self.ctx.year else date(self.ctx.year, 1, 15)
        self.date_edit.set_value(day)
        if self.ctx.me is not None and any(cid == self.ctx.me for cid, _name in self.coordinators):
            self.animator_combo.set_current_key(self.ctx.me)  # she animates, unless she says otherwise
        elif len(self.coordinators) == 1:
            self.animator_combo.set_current_key(self.coordinators[0][0])
        if instance_id is not None:
            self.instance_combo.set_current_key(instance_id)
        self._update_date_label()

    def _fill(self, data: MeetingInput) -> None:
        self.instance_combo.blockSignals(True)
        self.instance_combo.set_current_key(data.instance_id)
        self.instance_combo.blockSignals(False)
        self.attendance.set_usual_members(self._usual_members(data.instance_id), tick=False)
        self.attendance.load(data.attendances)
        self.date_edit.set_value(data.starts_at.date())
        self.start_time.set_value(data.starts_at.time().replace(second=0, microsecond=0))
        self.end_time.set_value(data.ends_at.time().replace(second=0, microsecond=0) if data.ends_at else None)
        self.place_edit.setText(data.place)
        self.title_edit.setText(data.title)
        self.animator_combo.set_current_key(data.animator_id)
        self.status_combo.set_current_key(data.status)
        self.diagnostic_check.setChecked(data.diagnostic_partage)
        self.communes_list.set_checked_keys(data.commune_ids)
        self.agenda_edit.setPlainText(data.agenda)
        self.minutes_edit.setPlainText(data.minutes)
        for decision in data.decisions:
            self.decisions.add_line({"input": decision})
        for alert in data.alerts:
            self.alerts.add_line({"input": alert})
        for expertise in data.expertises:
            self.expertises.add_line({"input": expertise})
        if self.meeting_id is not None:
            self.setWindowTitle(f"Réunion du {long_date(data.starts_at.date())}")
        self._update_date_label()

    def _instance_changed(self) -> None:
        members = self._usual_members(self.instance_combo.current_key())
        self.attendance.set_usual_members(members, tick=self.meeting_id is None)

    def _update_date_label(self) -> None:
        self.date_label.setText(long_date(self.date_edit.value()) if self.date_edit.is_valid() else "")

    def _update_tab_titles(self) -> None:
        self.tabs.setTabText(TAB_ATTENDANCE, attendance_title(self.attendance.status_counts()))
        counts = {
            TAB_DECISIONS: ("Décisions", self.decisions.count()),
            TAB_ALERTS: ("Alertes au COPIL", self.alerts.count()),
            TAB_EXPERTISE: ("Expertises", self.expertises.count()),
        }
        for tab, (title, count) in counts.items():
            self.tabs.setTabText(tab, f"{title} ({count})" if count else title)

    # --- reading the form ----------------------------------------------------------------
    def collect(self) -> MeetingInput:
        """The form as a MeetingInput (raises ValidationError for what the form itself can tell)."""
        data = self.form_data()
        if data.instance_id is None:
            raise ValidationError("Choisissez l'instance qui se réunit.", "instance_id")
        if data.ends_at is not None and data.ends_at < data.starts_at:
            raise ValidationError("L'heure de fin précède l'heure de début.", "ends_at")
        return data

    def form_data(self) -> MeetingInput:
        """What the form holds, as it is (no instance yet, an end before the start…)."""
        instance_id = self.instance_combo.current_key()
        day = self.date_edit.value()
        starts_at = datetime.combine(day, self.start_time.value())
        end = self.end_time.value()
        ends_at = datetime.combine(day, end) if end is not None else None
        base = self.before or MeetingInput(instance_id=instance_id, starts_at=starts_at, uid=self._draft_uid)
        return replace(
            base,
            instance_id=instance_id, starts_at=starts_at, ends_at=ends_at,
            place=self.place_edit.text().strip(), title=self.title_edit.text().strip(),
            animator_id=self.animator_combo.current_key(), status=self.status_combo.current_key(),
            agenda=self.agenda_edit.toPlainText().strip(), minutes=self.minutes_edit.toPlainText().strip(),
            diagnostic_partage=self.diagnostic_check.isChecked(),
            commune_ids=self.communes_list.checked_keys(),
            attendances=self.attendance.inputs(),
            decisions=[self._decision(line) for line in self.decisions.lines()],
            alerts=[self._alert(line) for line in self.alerts.lines()],
            expertises=[self._expertise(line) for line in self.expertises.lines()],
        )

    @staticmethod
    def _decision(line: Line) -> DecisionInput:
        w = line.widgets
        kind, record_id = w["porteur"].current_key() or (None, None)
        old: DecisionInput | None = line.payload.get("input")
        return DecisionInput(
            text=w["text"].text(), carried_by_id=record_id if kind == "p" else None,
            carried_by_organisation_id=record_id if kind == "o" else None, due_date=w["due"].value(),
            status=w["status"].current_key(), fiche_id=old.fiche_id if old else None, uid=old.uid if old else None,
        )

    @staticmethod
    def _alert(line: Line) -> AlertInput:
        w = line.widgets
        old: AlertInput | None = line.payload.get("input")
        return AlertInput(
            text=w["text"].text(), raised_on=old.raised_on if old else None, fiche_id=w["fiche"].current_key(),
            raised_by_id=old.raised_by_id if old else None, resolved_on=w["resolved"].value(),
            resolution=old.resolution if old else "", uid=old.uid if old else None,
        )

    @staticmethod
    def _expertise(line: Line) -> ExpertiseInput:
        w = line.widgets
        kind, record_id = w["who"].current_key() or (None, None)
        old: ExpertiseInput | None = line.payload.get("input")
        return ExpertiseInput(
            subject=w["subject"].text(), expert_id=record_id if kind == "p" else None,
            organisation_id=record_id if kind == "o" else None, expert_label=w["label"].text().strip(),
            uid=old.uid if old else None,
        )

    # --- drafts (ctgdesk.ui.widgets.drafts) -------------------------------------------------
    def draft_state(self) -> dict:
        return to_plain(self.form_data())

    def draft_label(self) -> str:
        name = self.title_edit.text().strip() or (self.instance_combo.currentText()
                                                  if self.instance_combo.current_key() is not None else "")
        return f"la réunion « {name} »" if name else "une nouvelle réunion"

    def reject(self) -> None:
        if self.draft.may_close():
            super().reject()

    # --- saving --------------------------------------------------------------------------
    def accept(self) -> None:
        self.errors.clear()
        now = datetime.combine(self.ctx.today(), datetime.now().time())
        try:
            data = self.collect()
            with self.ctx.db.transaction() as s:
                meeting = meetings.save_meeting(s, data, self.meeting_id, now=now)
                self.saved_id, self.saved_uid = meeting.id, meeting.uid
                self.after = meetings.meeting_input(s, meeting.id)
        except ChangedMeanwhile as error:
            self._changed_meanwhile(error)
            return
        except ValidationError as error:
            self.errors.show(error)
            return
        super().accept()

    def open_history(self):
        """Who created and changed this meeting, when, and what (the saved versions)."""
        from ctgdesk.ui.dialogs.history_dialog import HistoryDialog

        self.history_dialog = HistoryDialog(self.ctx, "meeting", self.before.uid, self.windowTitle(), self)
        self.history_dialog.open()
        return self.history_dialog

    def _changed_meanwhile(self, error: ChangedMeanwhile) -> None:
        """Someone saved this meeting since the form read it: nothing was written. She chooses
        to see their version (the form reloaded), to keep hers on purpose, or to go on typing."""
        self.errors.show(error)
        box = QMessageBox(QMessageBox.Icon.Warning, "Réunion modifiée entre-temps", error.message,
                          parent=self)
        reload_button = box.addButton("Voir leur version", QMessageBox.ButtonRole.ResetRole)
        keep_button = box.addButton("Garder ma version", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Continuer la saisie", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is reload_button:
            with self.ctx.db.transaction() as s:
                self.before = meetings.meeting_input(s, self.meeting_id)
            for table in (self.decisions, self.alerts, self.expertises):
                while table.count():
                    table.remove_line(table.count() - 1)
            self._fill(self.before)
            self.errors.clear()
            self.ctx.show_status("La réunion a été rechargée telle qu'enregistrée par l'autre personne.")
        elif box.clickedButton() is keep_button:
            self.before = replace(self.before, row_version=None)  # saved over theirs, on purpose
            self.accept()


class MeetingDuplicateDialog(QDialog):
    """Asks the date and time of the copy of a meeting."""

    def __init__(self, source_start: datetime, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Dupliquer la réunion")
        proposal = _next_month(source_start)
        self.date_edit = DateField(proposal.date(), what="La date de la copie")
        self.time_edit = TimeField(proposal.time(), what="L'heure de la copie")
        self.error = error_label()  # under the row, for the date and the time alike
        for field in (self.date_edit, self.time_edit):
            field.use_message_label(self.error)
        self.date_label = QLabel(long_date(proposal.date()))
        self.date_edit.changed.connect(lambda: self.date_label.setText(
            long_date(self.date_edit.value()) if self.date_edit.is_valid() else ""))
        info = QLabel(
            f"Une nouvelle réunion « prévue » reprenant l'instance, le lieu, les communes et les participant·e·s "
            f"de celle du {long_date(source_start.date())}."
        )
        info.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.date_edit)
        row.addWidget(QLabel("à"))
        row.addWidget(self.time_edit)
        row.addWidget(self.date_label, 1)
        buttons = QDialogButtonBox()
        ok = buttons.addButton("Dupliquer", QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def starts_at(self) -> datetime:
        """The date and time typed (ValidationError, shown at the field, when one cannot be read)."""
        return datetime.combine(self.date_edit.value(), self.time_edit.value())

    def accept(self) -> None:
        try:
            self.starts_at()
        except ValidationError:
            return  # refused in place, at the field
        super().accept()


def _next_month(moment: datetime) -> datetime:
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment + timedelta(days=30)  # pragma: no cover - every month has a 28th

