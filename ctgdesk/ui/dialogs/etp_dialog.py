"""The ETP of coordination of a commune or structure for a year, and who shares it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QWidget,
)

from ctgdesk.formatting import decimal2
from ctgdesk.models import EtpStatus
from ctgdesk.services import etp, people, territory
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.etp import ShareInput
from ctgdesk.services import snapshots
from ctgdesk.services.snapshots import AllocationSnapshot, allocation_snapshot
from ctgdesk.ui.context import UiContext
from ctgdesk.ui.undo import make_undo_command, report_to_status, write
from ctgdesk.ui.widgets.date_field import YearField
from ctgdesk.ui.widgets.forms import FormDialog, fill_combo


class EtpDialog(FormDialog):
    def __init__(self, ctx: UiContext, organisation_id: int | None = None, year: int | None = None,
                 parent: QWidget | None = None):
        editing = organisation_id is not None and year is not None
        super().__init__("ETP de coordination", parent)
        self.ctx = ctx
        self.before: AllocationSnapshot | None = None
        self.after: AllocationSnapshot | None = None
        self.saved_key: tuple[int, int] | None = None

        self.organisation = self.add_row("Commune ou structure", QComboBox(), "organisation_id")
        self.year = self.add_row("Année", YearField(year or ctx.year, field="year"), "year")
        self.pending = self.add_row("", QCheckBox("En cours (ETP pas encore fixé)"))
        self.etp = self.add_row("ETP", QLineEdit(), "etp")
        self.etp.setPlaceholderText("ex. 0,40")
        self.people_count = self.add_row("Nombre de personnes", QSpinBox(), "people_count")
        self.people_count.setRange(0, 50)
        self.people_count.setSpecialValueText("Non renseigné")
        shares_box = QWidget()
        self.shares_grid = QGridLayout(shares_box)
        self.shares_grid.setContentsMargins(0, 0, 0, 0)
        self.shares_grid.setVerticalSpacing(2)
        scroll = QScrollArea()
        scroll.setWidget(shares_box)
        scroll.setWidgetResizable(True)
        scroll.setMinimumHeight(150)
        self.add_row("Chargé·e·s de coopération", scroll, "shares")
        hint = QLabel("Cochez qui travaille pour cette structure ; la part d'ETP de chacun·e est facultative.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.add_row("", hint)
        self.notes = self.add_row("Notes", QPlainTextEdit(), "notes")
        self.notes.setFixedHeight(56)

        self.share_rows: dict[int, tuple[QCheckBox, QLineEdit]] = {}
        with ctx.db.transaction() as session:
            organisations = [(r.name, r.id) for r in territory.list_organisations(session)]
            coordinators = [(c.id, c.name) for c in people.list_coordinators(session)]
        fill_combo(self.organisation, organisations, current=organisation_id)
        for number, (coordinator_id, name) in enumerate(coordinators):
            check = QCheckBox(name)
            part = QLineEdit()
            part.setPlaceholderText("part d'ETP")
            part.setMaximumWidth(110)
            part.setEnabled(False)
            check.toggled.connect(part.setEnabled)
            check.toggled.connect(self._follow_ticks)
            self.shares_grid.addWidget(check, number, 0)
            self.shares_grid.addWidget(part, number, 1)
            self.share_rows[coordinator_id] = (check, part)
        self.shares_grid.setColumnStretch(0, 1)

        self.pending.toggled.connect(lambda on: self.etp.setEnabled(not on))
        if editing:
            self.organisation.setEnabled(False)
            self.year.setEnabled(False)
        self.organisation.currentIndexChanged.connect(self._load_allocation)
        self.year.changed.connect(self._load_allocation)
        self._load_allocation()

    def _load_allocation(self) -> None:
        """Show what is recorded for the structure and year chosen; where nothing is, keep
        what the form holds (a year's figures are often next year's starting point)."""
        organisation_id = self.organisation.currentData()
        snapshot = None
        if organisation_id is not None and self.year.is_valid():  # a year that cannot be read: refused there
            with self.ctx.db.transaction() as session:
                snapshot = allocation_snapshot(session, organisation_id, self.year.value())
        self.before = snapshot
        self.setWindowTitle("Modifier l'ETP de coordination" if snapshot else "Saisir un ETP de coordination")
        if snapshot is None:
            return
        self.pending.setChecked(snapshot.status is EtpStatus.PENDING)
        self.etp.setText(decimal2(snapshot.etp) if snapshot.etp is not None else "")
        self.people_count.setValue(snapshot.people_count or 0)
        shares = {s.coordinator_id: s.etp for s in snapshot.shares}
        for coordinator_id, (check, part) in self.share_rows.items():
            check.setChecked(coordinator_id in shares)
            value = shares.get(coordinator_id)
            part.setText(decimal2(value) if value is not None else "")
        self.notes.setPlainText(snapshot.notes)

    def _follow_ticks(self) -> None:
        """The number of people is at least the number ticked (etp.derived_people_count)."""
        ticked = sum(1 for check, _part in self.share_rows.values() if check.isChecked())
        given = self.people_count.value() or None
        self.people_count.setValue(etp.derived_people_count(given, ticked) or 0)

    def shares(self) -> list[ShareInput]:
        return [ShareInput(cid, part.text().strip() or None)
                for cid, (check, part) in self.share_rows.items() if check.isChecked()]

    def save(self) -> None:
        organisation_id = self.organisation.currentData()
        if organisation_id is None:
            raise ValidationError("Choisissez la commune ou la structure.", "organisation_id")
        year = self.year.value()
        value = "En cours" if self.pending.isChecked() else self.etp.text()
        if not self.pending.isChecked() and not value.strip():
            raise ValidationError("Indiquez l'ETP (ex. 0,40) ou cochez « En cours ».", "etp")
        with self.ctx.db.transaction() as session:
            self.before = allocation_snapshot(session, organisation_id, year)
            etp.set_allocation(
                session, organisation_id, year, value, people_count=self.people_count.value() or None,
                shares=self.shares(), notes=self.notes.toPlainText(),
            )
            self.after = allocation_snapshot(session, organisation_id, year)
        self.saved_key = (organisation_id, year)


def allocation_saved(ctx: UiContext, dialog: EtpDialog) -> None:
    """After an EtpDialog saved (from the grid or from a coordinator's form): Ctrl+Z puts back
    what was there, the status bar says it, the pages reload."""
    organisation_id, year = dialog.saved_key
    before, after = dialog.before, dialog.after

    def put(snapshot):
        return lambda: write(ctx, lambda s: snapshots.restore_allocation(s, organisation_id, year, snapshot))

    name = dialog.organisation.currentText()
    ctx.undo_stack.push(make_undo_command(f"ETP {year} de {name}", put(before), put(after),
                                          on_error=report_to_status(ctx)))
    ctx.show_status(f"ETP {year} de {name} enregistré.")
    ctx.notify_changed()
