"""The fiche action form: what the fiche says, who carries it, its calendar and means, its
indicators (cible and réalisé of the year) and its suivi — saved in one transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ctgdesk.formatting import decimal2, long_date, number
from ctgdesk.models import FicheIndicatorKind, FicheStatus, OrganisationKind
from ctgdesk.services import meetings, plan, territory
from ctgdesk.services.drafts import Draft, from_plain, to_plain
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.parsing import parse_amount
from ctgdesk.services.plan import FicheInput, FollowUpInput, FundingInput, IndicatorInput, StepInput
from ctgdesk.ui.context import UiContext
from ctgdesk.ui.dialogs.meeting_form_widgets import (
    CheckList,
    ChoiceCombo,
    FieldErrors,
    error_label,
)
from ctgdesk.ui.widgets.date_field import AmountField, DateField, TypedField
from ctgdesk.ui.widgets.lines_table import Line, LinesTable
from ctgdesk.ui.widgets import style
from ctgdesk.ui.widgets.drafts import DraftKeeper
from ctgdesk.ui.widgets.screen_fit import resize_to_screen, scrolling_tabs

TAB_FICHE, TAB_ACTORS, TAB_MEANS, TAB_INDICATORS, TAB_FOLLOW_UP = range(5)


def _value_text(value: Decimal | str | None) -> str:
    if value is None or value == "":
        return ""
    return number(value) if isinstance(value, Decimal) else str(value)


def _text_or_none(edit: QLineEdit) -> str | None:
    text = edit.text().strip()
    return text or None


class FicheDialog(QDialog):
    """Create (fiche_id None, under `objectif_id`) or edit a fiche action.
    After accept(): saved_id, saved_uid, before (None when created), after.
    `draft`: what was being typed in this form when ctgdesk stopped, filled back in."""

    def __init__(self, ctx: UiContext, fiche_id: int | None = None, *, objectif_id: int | None = None,
                 convention_id: int | None = None, draft: Draft | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.fiche_id = fiche_id
        self.year = ctx.year
        self.saved_id: int | None = None
        self.saved_uid: str | None = None
        self.before: FicheInput | None = None
        self.after: FicheInput | None = None
        self._restored = from_plain(FicheInput, draft.state) if draft is not None else None
        self._draft_uid = draft.record_uid if draft is not None else None  # a fiche deleted since: same uid
        self._load(convention_id)
        self._build()
        if self._restored is not None or self.before is not None:
            self._fill(self._restored or self.before)
        else:
            self._fill_new(objectif_id)
        self._update_late()
        self._update_tabs()
        self.draft = DraftKeeper(self, ctx, "fiche", self.draft_state, self.draft_label,
                                 record_uid=self.before.uid if self.before else None, restored=draft,
                                 record=self.before)

    # --- data ----------------------------------------------------------------------------
    def _load(self, convention_id: int | None) -> None:
        with self.ctx.db.transaction() as s:
            if self.fiche_id is not None:
                self.before = plan.fiche_input(s, self.fiche_id)
            if convention_id is None:
                convention = territory.convention_for_year(s, self.ctx.year)
                convention_id = convention.id if convention else None
            outline = plan.plan_outline(s, convention_id) if convention_id is not None else []
            self.objectifs = [
                (o.id, f"{o.number} {o.title}".strip()) for e in outline for o in e.objectifs
            ]
            self._objectif_numbers = {o.id: o.number for e in outline for o in e.objectifs}
            numbers = {f.id: f.number for f in plan.list_fiches(s, self.ctx.today(), convention_id)} \
                if convention_id is not None else {}
            self._fiche_numbers = {
                o.id: [numbers[i] for i in o.fiche_ids if i in numbers] for e in outline for o in e.objectifs
            }
            organisations = territory.list_organisations(s)
            self.persons = meetings.person_choices(s)
        self.organisations = [(o.id, o.name) for o in organisations]
        self.communes = [(o.id, o.name) for o in organisations if o.kind is OrganisationKind.COMMUNE]
        self.partners = [(o.id, o.name) for o in organisations if o.kind is not OrganisationKind.COMMUNE]
        shown = self._restored or self.before
        if shown is not None and shown.objectif_id is not None and shown.objectif_id not in self._objectif_numbers:
            self.objectifs.append((shown.objectif_id, "(objectif d'une autre convention)"))

    # --- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.setWindowTitle("Nouvelle fiche action" if self.fiche_id is None else "Fiche action")
        resize_to_screen(self, 980, 700)
        self.tabs = QTabWidget()
        self.general_error = error_label()
        self.errors = FieldErrors(self.general_error, self.tabs.setCurrentIndex)

        # Fiche
        self.objectif_combo = ChoiceCombo(self.objectifs)
        self.number_edit = QLineEdit()
        self.number_edit.setMaximumWidth(120)
        self.title_edit = QLineEdit()
        self.category_edit = QLineEdit()
        self.status_combo = ChoiceCombo([(s, s.label) for s in FicheStatus])
        self.late_label = QLabel()
        self.late_label.setObjectName("fieldError")
        self.late_label.setStyleSheet(f"color: {style.DANGER}; font-weight: 600;")
        self.thematiques_edit = QLineEdit()
        self.thematiques_edit.setPlaceholderText("séparées par des virgules : petite enfance, parentalité")
        self.description_edit = QPlainTextEdit()
        self.blocking_edit = QPlainTextEdit()
        self.blocking_edit.setPlaceholderText("Ce qui empêche d'avancer (facultatif)")
        self.blocking_edit.setMaximumHeight(80)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status_combo)
        status_row.addWidget(self.late_label, 1)
        number_row = QHBoxLayout()
        number_row.addWidget(self.number_edit)
        number_row.addWidget(QLabel("Titre :"))
        number_row.addWidget(self.title_edit, 1)
        form = QFormLayout()
        form.addRow("Objectif :", self.objectif_combo)
        form.addRow("Numérotation :", number_row)
        form.addRow("", self.errors.add("number", error_label(), self.number_edit, TAB_FICHE))
        form.addRow("", self.errors.add("title", error_label(), self.title_edit, TAB_FICHE))
        form.addRow("Catégorie :", self.category_edit)
        form.addRow("Thématiques :", self.thematiques_edit)
        form.addRow("Statut :", status_row)
        form.addRow("", self.errors.add("status", error_label(), self.status_combo, TAB_FICHE))
        form.addRow("Blocages :", self.blocking_edit)
        page = QWidget()
        box = QVBoxLayout(page)
        box.addLayout(form)
        box.addWidget(QLabel("Description :"))
        box.addWidget(self.description_edit, 1)
        self.tabs.addTab(page, "Fiche")

        # Acteurs et territoire
        self.pilot_combo = ChoiceCombo(self.organisations, empty_label="—")
        self.referent_combo = ChoiceCombo(self.persons, empty_label="—")
        self.elected_combo = ChoiceCombo(self.persons, empty_label="—")
        self.public_edit = QLineEdit()
        self.public_edit.setPlaceholderText("ex. Familles avec enfants de moins de 6 ans")
        self.partners_list = CheckList(self.partners)
        self.communes_list = CheckList(self.communes)
        form = QFormLayout()
        form.addRow("Structure pilote :", self.pilot_combo)
        form.addRow("Personne référente :", self.referent_combo)
        form.addRow("Élu·e référent·e :", self.elected_combo)
        form.addRow("Public visé :", self.public_edit)
        lists = QGridLayout()
        lists.addWidget(QLabel("Partenaires :"), 0, 0)
        lists.addWidget(QLabel("Communes concernées :"), 0, 1)
        lists.addWidget(self.partners_list, 1, 0)
        lists.addWidget(self.communes_list, 1, 1)
        page = QWidget()
        box = QVBoxLayout(page)
        box.addLayout(form)
        box.addLayout(lists, 1)
        self.tabs.addTab(page, "Acteurs et territoire")

        # Calendrier et moyens
        self.start_edit = DateField(optional=True, what="Le début de la fiche", field="start_date",
                                    today=self.ctx.today)
        self.end_edit = DateField(optional=True, what="La fin de la fiche", field="end_date", today=self.ctx.today)
        self.budget_edit = AmountField(what="Le budget", field="budget")
        self.budget_edit.edit.setPlaceholderText("ex. 12 000,00 €")
        self.budget_edit.setMaximumWidth(200)
        self.means_edit = QPlainTextEdit()
        self.means_edit.setMaximumHeight(70)
        self.funding_total = QLabel()
        self.funding_total.setObjectName("hint")
        self.steps = LinesTable(
            [("title", "Étape"), ("start", "Début"), ("end", "Fin"), ("done", "Réalisée")],
            self._step_line, add_label="Ajouter une étape", stretch="title",
        )
        self.fundings = LinesTable(
            [("funder", "Financeur"), ("amount", "Montant (€)")], self._funding_line,
            add_label="Ajouter un financement", stretch="funder",
        )
        dates = QHBoxLayout()
        dates.setAlignment(Qt.AlignmentFlag.AlignTop)
        dates.addWidget(QLabel("du"))
        dates.addWidget(self.start_edit)
        dates.addWidget(QLabel("au"))
        dates.addWidget(self.end_edit)
        dates.addStretch(1)
        budget = QHBoxLayout()
        budget.setAlignment(Qt.AlignmentFlag.AlignTop)
        budget.addWidget(self.budget_edit)
        budget.addWidget(self.funding_total, 1)
        form = QFormLayout()
        form.addRow("Période :", dates)
        form.addRow("", self.errors.add("start_date", error_label(), self.start_edit, TAB_MEANS))
        form.addRow("", self.errors.add("end_date", error_label(), self.end_edit, TAB_MEANS))
        form.addRow("Budget :", budget)
        form.addRow("", self.errors.add("budget", error_label(), self.budget_edit, TAB_MEANS))
        form.addRow("Moyens :", self.means_edit)
        page = QWidget()
        box = QVBoxLayout(page)
        box.addLayout(form)
        section = QLabel("Étapes")
        section.setObjectName("sectionTitle")
        box.addWidget(section)
        box.addWidget(self.steps, 2)
        box.addWidget(self.errors.add("steps", error_label(), self.steps.focus_first, TAB_MEANS))
        section = QLabel("Financements")
        section.setObjectName("sectionTitle")
        box.addWidget(section)
        box.addWidget(self.fundings, 1)
        box.addWidget(self.errors.add("fundings", error_label(), self.fundings.focus_first, TAB_MEANS))
        self.tabs.addTab(page, "Calendrier et moyens")

        # Indicateurs
        self.indicators = LinesTable(
            [("label", "Indicateur"), ("kind", "Type"), ("unit", "Unité"), ("reference", "Référence"),
             ("target", "Cible"), ("actual", f"Réalisé {self.year}")],
            self._indicator_line, add_label="Ajouter un indicateur", stretch="label",
        )
        page = QWidget()
        box = QVBoxLayout(page)
        hint = QLabel(f"La cible de chaque indicateur et ce qui a été réalisé en {self.year} "
                      "(l'année affichée ; les autres années sont conservées).")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        box.addWidget(hint)
        box.addWidget(self.indicators, 1)
        box.addWidget(self.errors.add("indicators", error_label(), self.indicators.focus_first, TAB_INDICATORS))
        self.tabs.addTab(page, "Indicateurs")

        # Suivi
        self.follow_ups = LinesTable(
            [("date", "Date"), ("progress", "Avancement"), ("comment", "Commentaire")],
            self._follow_up_line, add_label="Ajouter un point de suivi", stretch="comment",
        )
        self.progress_label = QLabel()
        self.progress_label.setObjectName("hint")
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(self.progress_label)
        box.addWidget(self.follow_ups, 1)
        box.addWidget(self.errors.add("follow_ups", error_label(), self.follow_ups.focus_first, TAB_FOLLOW_UP))
        self.tabs.addTab(page, "Suivi")
        scrolling_tabs(self.tabs)  # a small screen scrolls a long tab; the buttons stay visible

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("Enregistrer", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)

        self.status_combo.currentIndexChanged.connect(self._update_late)
        self.end_edit.changed.connect(self._update_late)
        self.objectif_combo.currentIndexChanged.connect(self._objectif_changed)
        for table in (self.steps, self.fundings, self.indicators, self.follow_ups):
            table.changed.connect(self._update_tabs)
        self.steps.changed.connect(self._update_late)

    # --- lines -----------------------------------------------------------------------------
    def _step_line(self, values: dict) -> Line:
        step: StepInput | None = values.get("input")
        title = QLineEdit(step.title if step else "")
        title.setPlaceholderText("ex. Cadrage et partenariats")
        start = DateField(step.start_date if step else None, optional=True, what="Le début de l'étape",
                          today=self.ctx.today, inline_message=False)
        end = DateField(step.end_date if step else None, optional=True, what="La fin de l'étape",
                        today=self.ctx.today, inline_message=False)
        done = QCheckBox()
        done.setChecked(bool(step and step.done))
        for signal in (end.changed, done.toggled):
            signal.connect(self._update_late)
        return Line({"title": title, "start": start, "end": end, "done": done}, {"input": step})

    def _funding_line(self, values: dict) -> Line:
        funding: FundingInput | None = values.get("input")
        funder = ChoiceCombo(self.partners + [c for c in self.communes], empty_label="—")
        funder.setMinimumWidth(260)
        if funding:
            funder.set_current_key(funding.funder_id)
        amount = AmountField(parse_amount(funding.amount) if funding else None, what="Le montant du financement",
                             inline_message=False)
        amount.edit.setPlaceholderText("0,00 €")
        amount.edit.textChanged.connect(self._update_funding_total)
        return Line({"funder": funder, "amount": amount}, {"input": funding})

    def _indicator_line(self, values: dict) -> Line:
        indicator: IndicatorInput | None = values.get("input")
        label = QLineEdit(indicator.label if indicator else "")
        label.setPlaceholderText("ex. Nombre de familles accueillies")
        kind = ChoiceCombo([(k, k.label) for k in FicheIndicatorKind])
        kind.set_current_key(indicator.kind if indicator else FicheIndicatorKind.RESULT)
        unit = QLineEdit(indicator.unit if indicator else "")
        unit.setMaximumWidth(110)
        widgets = {"label": label, "kind": kind, "unit": unit}
        for name, value in (("reference", indicator.reference_value if indicator else None),
                            ("target", indicator.target_value if indicator else None),
                            ("actual", indicator.values.get(self.year) if indicator else None)):
            edit = QLineEdit(_value_text(value))
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.setMaximumWidth(110)
            widgets[name] = edit
        return Line(widgets, {"input": indicator})

    def _follow_up_line(self, values: dict) -> Line:
        follow_up: FollowUpInput | None = values.get("input")
        when = DateField(follow_up.date if follow_up else self.ctx.today(), what="La date du point de suivi",
                         today=self.ctx.today, inline_message=False)
        progress = QSpinBox()
        progress.setRange(0, 100)
        progress.setSingleStep(5)
        progress.setSuffix(" %")
        progress.setValue(follow_up.progress if follow_up else self._current_progress())
        progress.valueChanged.connect(self._update_progress)
        comment = QLineEdit(follow_up.comment if follow_up else "")
        comment.setPlaceholderText("Où en est l'action ?")
        return Line({"date": when, "progress": progress, "comment": comment}, {"input": follow_up})

    # --- filling ---------------------------------------------------------------------------
    def _fill_new(self, objectif_id: int | None) -> None:
        if objectif_id is not None:
            self.objectif_combo.set_current_key(objectif_id)
        self._objectif_changed()
        self.status_combo.set_current_key(FicheStatus.TO_COME)

    def _objectif_changed(self) -> None:
        if self.fiche_id is not None:
            return
        objectif_id = self.objectif_combo.current_key()
        if objectif_id is None:
            return
        self.number_edit.setText(plan.next_fiche_number(self._objectif_numbers.get(objectif_id, ""),
                                                        self._fiche_numbers.get(objectif_id, [])))

    def _fill(self, data: FicheInput) -> None:
        self.objectif_combo.set_current_key(data.objectif_id)
        self.number_edit.setText(data.number)
        self.title_edit.setText(data.title)
        self.category_edit.setText(data.category)
        self.thematiques_edit.setText(data.thematiques)
        self.status_combo.set_current_key(FicheStatus(data.status))
        self.blocking_edit.setPlainText(data.blocking)
        self.description_edit.setPlainText(data.description)
        self.pilot_combo.set_current_key(data.pilot_id)
        self.referent_combo.set_current_key(data.referent_id)
        self.elected_combo.set_current_key(data.elected_referent_id)
        self.public_edit.setText(data.public)
        self.partners_list.set_checked_keys(data.partner_ids)
        self.communes_list.set_checked_keys(data.commune_ids)
        self.start_edit.set_value(data.start_date)
        self.end_edit.set_value(data.end_date)
        self.budget_edit.set_value(parse_amount(data.budget))
        self.means_edit.setPlainText(data.means)
        for step in data.steps:
            self.steps.add_line({"input": step})
        for funding in data.fundings:
            self.fundings.add_line({"input": funding})
        for indicator in data.indicators:
            self.indicators.add_line({"input": indicator})
        for follow_up in data.follow_ups:
            self.follow_ups.add_line({"input": follow_up})
        if self.fiche_id is not None:
            self.setWindowTitle(f"Fiche action {data.number} — {data.title}")

    # --- what the form shows as it changes ---------------------------------------------------
    def _update_late(self) -> None:
        try:
            late = plan.late_for(self._draft(), self.ctx.today())
        except ValidationError:
            late = False
        self.late_label.setText("En retard" if late else "")
        self.late_label.setToolTip(
            "La date de fin, ou celle d'une étape non réalisée, est passée." if late else "")

    def _current_progress(self) -> int:
        lines = self.follow_ups.lines() if hasattr(self, "follow_ups") else []
        dated = sorted((_read_or_none(line.widgets["date"]) or date.min, line.widgets["progress"].value())
                       for line in lines)
        return dated[-1][1] if dated else 0

    def _update_progress(self) -> None:
        self.progress_label.setText(
            f"Avancement actuel (dernier point de suivi) : {self._current_progress()} %"
            if self.follow_ups.count() else "Aucun point de suivi pour l'instant.")

    def _update_funding_total(self) -> None:
        total = Decimal(0)
        for line in self.fundings.lines():
            try:
                total += parse_amount(line.widgets["amount"].text()) or Decimal(0)
            except ValidationError:
                self.funding_total.setText("")
                return
        self.funding_total.setText(f"Financements : {decimal2(total)} €" if self.fundings.count() else "")

    def _update_tabs(self) -> None:
        for tab, title, count in ((TAB_INDICATORS, "Indicateurs", self.indicators.count()),
                                  (TAB_FOLLOW_UP, "Suivi", self.follow_ups.count())):
            self.tabs.setTabText(tab, f"{title} ({count})" if count else title)
        self._update_progress()
        self._update_funding_total()

    # --- reading the form ----------------------------------------------------------------
    def _draft(self) -> FicheInput:
        """The simple fields and the étapes (what "en retard" depends on), without parsing numbers."""
        base = self.before or FicheInput(objectif_id=self.objectif_combo.current_key() or 0, number="", title="",
                                         uid=self._draft_uid)
        return replace(
            base, status=self.status_combo.current_key() or FicheStatus.TO_COME, end_date=self.end_edit.value(),
            steps=[self._step(line) for line in self.steps.lines()],
        )

    @staticmethod
    def _step(line: Line) -> StepInput:
        w, old = line.widgets, line.payload.get("input")
        return StepInput(w["title"].text(), w["start"].value(), w["end"].value(), w["done"].isChecked(),
                         old.uid if old else None)

    @staticmethod
    def _follow_up(line: Line) -> FollowUpInput:
        w, old = line.widgets, line.payload.get("input")
        return FollowUpInput(w["date"].value(), w["progress"].value(), w["comment"].text().strip(),
                             old.author_id if old else None, old.uid if old else None)

    def collect(self) -> FicheInput:
        if self.objectif_combo.current_key() is None:
            raise ValidationError("Choisissez l'objectif de la fiche (créez d'abord un enjeu et un objectif).")
        for number_, line in enumerate(self.fundings.lines(), start=1):
            if line.widgets["funder"].current_key() is None:
                raise ValidationError(f"Financement {number_} : choisissez le financeur.", "fundings")
        return self.form_data()

    def form_data(self) -> FicheInput:
        """What the form holds, as it is (a funding without its funder…)."""
        indicators = []
        for line in self.indicators.lines():
            w = line.widgets
            old: IndicatorInput | None = line.payload.get("input")
            values = dict(old.values) if old else {}
            actual = w["actual"].text().strip()
            if actual:
                values[self.year] = actual
            else:
                values.pop(self.year, None)
            indicators.append(IndicatorInput(
                w["label"].text(), w["kind"].current_key(), w["unit"].text().strip(), _text_or_none(w["reference"]),
                _text_or_none(w["target"]), old.source if old else "", values, old.uid if old else None))
        fundings = []
        for line in self.fundings.lines():
            old_funding: FundingInput | None = line.payload.get("input")
            fundings.append(FundingInput(line.widgets["funder"].current_key(),
                                         line.widgets["amount"].value() or Decimal(0),
                                         old_funding.uid if old_funding else None))
        return replace(
            self._draft(),
            objectif_id=self.objectif_combo.current_key(), number=self.number_edit.text(),
            title=self.title_edit.text(), category=self.category_edit.text().strip(),
            thematiques=self.thematiques_edit.text().strip(), blocking=self.blocking_edit.toPlainText().strip(),
            description=self.description_edit.toPlainText().strip(), pilot_id=self.pilot_combo.current_key(),
            referent_id=self.referent_combo.current_key(), elected_referent_id=self.elected_combo.current_key(),
            public=self.public_edit.text().strip(), partner_ids=self.partners_list.checked_keys(),
            commune_ids=self.communes_list.checked_keys(), start_date=self.start_edit.value(),
            budget=self.budget_edit.value(), means=self.means_edit.toPlainText().strip(),
            fundings=fundings, indicators=indicators,
            follow_ups=[self._follow_up(line) for line in self.follow_ups.lines()],
        )

    # --- drafts (ctgdesk.ui.widgets.drafts) -------------------------------------------------
    def draft_state(self) -> dict:
        return to_plain(self.form_data())

    def draft_label(self) -> str:
        name = f"{self.number_edit.text().strip()} {self.title_edit.text().strip()}".strip()
        return f"la fiche action « {name} »" if name else "une nouvelle fiche action"

    def reject(self) -> None:
        if self.draft.may_close():
            super().reject()

    def accept(self) -> None:
        self.errors.clear()
        try:
            data = self.collect()
            with self.ctx.db.transaction() as s:
                fiche = plan.save_fiche(s, data, self.fiche_id)
                self.saved_id, self.saved_uid = fiche.id, fiche.uid
                self.after = plan.fiche_input(s, fiche.id)
        except ValidationError as error:
            self.errors.show(error)
            return
        super().accept()


def _read_or_none(field: TypedField):
    """What a field holds, None while its text cannot be read (refused at the field itself)."""
    return field.value() if field.is_valid() else None


def describe_period(start: date | None, end: date | None) -> str:
    """ "du jeudi 1 janvier 2026 au jeudi 31 décembre 2026" """
    if start and end:
        return f"du {long_date(start)} au {long_date(end)}"
    if start:
        return f"à partir du {long_date(start)}"
    if end:
        return f"jusqu'au {long_date(end)}"
    return ""
