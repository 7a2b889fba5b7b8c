"""Create or edit a convention: what it is, who signs it (in order, with their logos) and the
communes and structures it covers — saved in one transaction on "Enregistrer".

The logos are chosen once here and stored with the convention; the COPIL report shows them on
its cover in the order of the list. A logo is checked as soon as it is chosen (PNG or JPEG,
2 Mo at most, readable by the PDF writer): a refusal shows under the logo, in French.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import qtawesome as qta
from PySide6.QtCore import QSize, QStandardPaths, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpacerItem,
    QVBoxLayout,
    QWidget,
)

from ctgdesk.formatting import number
from ctgdesk.models import OrganisationKind
from ctgdesk.services import territory
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.parsing import fold
from ctgdesk.services.territory import ConventionInput, SignatoryInput
from ctgdesk.ui.context import UiContext
from ctgdesk.ui.dialogs.meeting_form_widgets import CheckList, ChoiceCombo
from ctgdesk.ui.widgets import style
from ctgdesk.ui.widgets.date_field import DateField, YearField
from ctgdesk.ui.widgets.forms import FormDialog

PERIMETER_KINDS = {OrganisationKind.COMMUNE, OrganisationKind.EPCI, OrganisationKind.SIVOM}
"""Offered in the perimeter list (plus any other organisation already in it)."""
THUMBNAIL = QSize(168, 64)
LIST_ICON = QSize(64, 30)
ICON_COLOUR = "#34495e"


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


def _hint(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


def _button(text: str, icon_name: str, slot, tooltip: str = "") -> QPushButton:
    button = QPushButton(qta.icon(icon_name, color=ICON_COLOUR), text)
    button.setAutoDefault(False)  # Entrée saves the form, it does not press these
    button.clicked.connect(lambda _checked=False: slot())
    if tooltip:
        button.setToolTip(tooltip)
    return button


def _pixmap(data: bytes | None) -> QPixmap | None:
    if not data:
        return None
    pixmap = QPixmap()
    return pixmap if pixmap.loadFromData(data) and not pixmap.isNull() else None


def _file_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{number(max(1, round(size / 1024)))} Ko"
    return f"{number(round(size / (1024 * 1024), 1))} Mo"


class ConventionDialog(FormDialog):
    """Create (convention_id None) or edit a convention.

    After accept(): saved_id, saved_uid, before (None when created) and after, the whole
    convention as services read it (what undo puts back)."""

    def __init__(self, ctx: UiContext, convention_id: int | None = None, parent: QWidget | None = None):
        super().__init__("Modifier la convention" if convention_id is not None else "Nouvelle convention", parent)
        self.ctx = ctx
        self.convention_id = convention_id
        self.saved_id: int | None = None
        self.saved_uid: str | None = None
        self.before: ConventionInput | None = None
        self.after: ConventionInput | None = None
        self.lines: list[SignatoryInput] = []
        self._loading = False
        self._load()
        self._build()
        self._fill()

    # --- data ----------------------------------------------------------------------------
    def _load(self) -> None:
        with self.ctx.db.transaction() as session:
            if self.convention_id is not None:
                self.before = territory.convention_input(session, self.convention_id)
            organisations = territory.list_organisations(session)
        self.organisation_names = {o.id: o.name for o in organisations}
        self.organisation_kinds = {o.id: o.kind for o in organisations}
        ticked = set(self.before.perimeter_ids) if self.before else set()
        offered = [o for o in organisations if o.kind in PERIMETER_KINDS or o.id in ticked]
        # Communes first, then the intercommunalities and the rest, each by name.
        offered.sort(key=lambda o: (o.kind is not OrganisationKind.COMMUNE, fold(o.name)))
        self.perimeter_choices = [
            (o.id, o.name if o.kind is OrganisationKind.COMMUNE else f"{o.name} ({o.kind.label})") for o in offered
        ]
        self.signatory_choices = [(o.id, f"{o.name} ({o.kind.label})") for o in organisations]

    # --- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        self.setMinimumWidth(860)
        self.name = self.add_row("Nom", QLineEdit(), "name")
        self.name.setPlaceholderText("ex. CTG du Ternois 2025-2029")
        self.territory = self.add_row("Territoire", QLineEdit(), "territory")
        self.territory.setPlaceholderText("ex. Communauté de communes du Ternois")
        self.first_year = self.add_row("Première année", YearField(what="La première année", field="first_year"),
                                       "first_year")
        self.last_year = self.add_row("Dernière année", YearField(what="La dernière année", field="last_year"),
                                      "last_year")
        self.signed_on = self.add_row("Signée le", DateField(optional=True, what="La date de signature",
                                                             field="signed_on", today=self.ctx.today), "signed_on")
        self.notes = self.add_row("Notes", QPlainTextEdit(), "notes")
        self.notes.setFixedHeight(64)

        left = QVBoxLayout()
        left.setSpacing(6)
        self._take_form_into(left)
        left.addSpacing(8)
        left.addWidget(self._perimeter_section(), 1)

        right = QVBoxLayout()
        right.setSpacing(6)
        right.addWidget(self._signatories_section(), 1)

        columns = QHBoxLayout()
        columns.setSpacing(22)
        columns.addLayout(left, 5)
        columns.addLayout(right, 6)
        self.layout().insertLayout(1, columns, 1)
        # 1000 × 640, or less on a small laptop screen (1366 × 768 at 125 % leaves about 1090 × 570).
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        self.resize(min(1000, screen.width() - 40) if screen else 1000, min(640, screen.height() - 60) if screen else 640)

    def _take_form_into(self, column: QVBoxLayout) -> None:
        """FormDialog lays its form out alone; here it is the top of the left column."""
        outer = self.layout()
        for index in reversed(range(outer.count())):
            item = outer.itemAt(index)
            if item.layout() is self.form or isinstance(item, QSpacerItem):
                outer.takeAt(index)
        self.form.setParent(None)
        column.addLayout(self.form)

    def _perimeter_section(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        title_row = QHBoxLayout()
        title_row.addWidget(_section("Périmètre"))
        title_row.addStretch(1)
        self.perimeter_count = _hint()
        title_row.addWidget(self.perimeter_count)
        layout.addLayout(title_row)
        layout.addWidget(_hint("Les communes et les structures que la convention couvre."))
        tools = QHBoxLayout()
        self.perimeter_filter = QLineEdit()
        self.perimeter_filter.setPlaceholderText("Filtrer la liste…")
        self.perimeter_filter.setClearButtonEnabled(True)
        self.perimeter_filter.textChanged.connect(self._filter_perimeter)
        tools.addWidget(self.perimeter_filter, 1)
        self.tick_all_button = _button("Tout cocher", "fa5.check-square", lambda: self._tick_shown(True),
                                       "Cocher les lignes affichées")
        self.untick_all_button = _button("Tout décocher", "fa5.square", lambda: self._tick_shown(False),
                                         "Décocher les lignes affichées")
        tools.addWidget(self.tick_all_button)
        tools.addWidget(self.untick_all_button)
        layout.addLayout(tools)
        self.perimeter = CheckList(self.perimeter_choices)
        self.perimeter.setMinimumHeight(140)
        self.perimeter.changed.connect(self._update_perimeter_count)
        layout.addWidget(self.errors.wrap("perimeter", self.perimeter), 1)
        if not self.perimeter_choices:
            self.perimeter.hide()
            layout.addWidget(_hint("Aucune commune ni structure enregistrée : ajoutez-les sur la page Territoire."))
        return box

    def _signatories_section(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(_section("Signataires"))
        layout.addWidget(_hint("Dans l'ordre où leurs logos paraissent sur la couverture du bilan du COPIL."))

        self.signatory_list = QListWidget()
        self.signatory_list.setIconSize(LIST_ICON)
        self.signatory_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.signatory_list.setMinimumHeight(130)
        self.signatory_list.setSpacing(2)
        self.signatory_list.currentRowChanged.connect(self._show_line)
        layout.addWidget(self.errors.wrap("signatories", self.signatory_list), 1)

        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        self.add_button = _button("Ajouter", "fa5s.plus", self.add_line, "Ajouter un signataire")
        self.remove_button = _button("Retirer", "fa5s.minus", self.remove_line, "Retirer ce signataire")
        self.up_button = _button("Monter", "fa5s.arrow-up", lambda: self.move_line(-1), "Placer plus haut")
        self.down_button = _button("Descendre", "fa5s.arrow-down", lambda: self.move_line(1), "Placer plus bas")
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        if not self.signatory_choices:
            self.add_button.setEnabled(False)
            self.add_button.setToolTip("Enregistrez d'abord les organisations signataires sur la page Territoire.")

        self.detail = QFrame()
        self.detail.setObjectName("card")
        detail_form = QFormLayout(self.detail)
        detail_form.setContentsMargins(12, 10, 12, 10)
        detail_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        detail_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.organisation = ChoiceCombo(self.signatory_choices)
        self.organisation.currentIndexChanged.connect(self._organisation_changed)
        detail_form.addRow("Organisation", self.organisation)
        self.representative = QLineEdit()
        self.representative.setPlaceholderText("ex. La directrice, Le maire")
        self.representative.textEdited.connect(self._representative_changed)
        detail_form.addRow("Représentée par", self.errors.wrap("representative", self.representative))

        self.thumbnail = QLabel()
        self.thumbnail.setFixedSize(THUMBNAIL)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbnail.setStyleSheet(f"background: white; border: 1px dashed {style.BORDER}; color: {style.MUTED};")
        self.choose_logo_button = _button("Choisir un logo…", "fa5s.image", self.choose_logo)
        self.clear_logo_button = _button("Retirer le logo", "fa5s.times", self.clear_logo)
        logo_buttons = QVBoxLayout()
        logo_buttons.setSpacing(4)
        logo_buttons.addWidget(self.choose_logo_button)
        logo_buttons.addWidget(self.clear_logo_button)
        logo_buttons.addStretch(1)
        logo_row = QWidget()
        logo_layout = QHBoxLayout(logo_row)
        logo_layout.setContentsMargins(0, 0, 0, 0)
        logo_layout.addWidget(self.thumbnail)
        logo_layout.addLayout(logo_buttons)
        logo_layout.addStretch(1)
        logo_box = QWidget()
        logo_box_layout = QVBoxLayout(logo_box)
        logo_box_layout.setContentsMargins(0, 0, 0, 0)
        logo_box_layout.setSpacing(2)
        logo_box_layout.addWidget(logo_row)
        self.logo_info = _hint()
        logo_box_layout.addWidget(self.logo_info)
        detail_form.addRow("Logo", self.errors.wrap("logo", logo_box))
        layout.addWidget(self.detail)
        self.no_line = _hint()
        self.no_line.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_line.setMinimumHeight(self.detail.sizeHint().height())
        layout.addWidget(self.no_line)
        return box

    # --- filling ---------------------------------------------------------------------------
    def _fill(self) -> None:
        data = self.before
        if data is None:
            self.first_year.set_value(self.ctx.year)
            self.last_year.set_value(self.ctx.year + 4)  # a CTG usually runs five years
        else:
            for edit, text in ((self.name, data.name), (self.territory, data.territory)):
                edit.setText(text)
                edit.setCursorPosition(0)  # a long name shows its beginning
            self.first_year.set_value(data.first_year)
            self.last_year.set_value(data.last_year)
            self.signed_on.set_value(data.signed_on)
            self.notes.setPlainText(data.notes or "")
            self.lines = [replace(line) for line in data.signatories]
            self.perimeter.set_checked_keys(data.perimeter_ids)
        self._refresh_list(0 if self.lines else -1)
        self._update_perimeter_count()

    # --- signatories -------------------------------------------------------------------------
    def _line_text(self, number_: int, line: SignatoryInput) -> str:
        name = self.organisation_names.get(line.organisation_id, "(organisation à choisir)")
        text = f"{number_}. {name}"
        if line.representative.strip():
            text += f" — {line.representative.strip()}"
        if not line.logo:
            text += " (sans logo)"
        return text

    def _line_icon(self, line: SignatoryInput) -> QIcon:
        pixmap = _pixmap(line.logo)
        if pixmap is None:
            return qta.icon("fa5s.image", color="#c3ccd6")
        # On a white tile: a blue logo stays visible on the blue of the selected line.
        tile = QPixmap(LIST_ICON)
        tile.fill(QColor("white"))
        scaled = pixmap.scaled(LIST_ICON - QSize(4, 4), Qt.AspectRatioMode.KeepAspectRatio,
                               Qt.TransformationMode.SmoothTransformation)
        painter = QPainter(tile)
        painter.drawPixmap((tile.width() - scaled.width()) // 2, (tile.height() - scaled.height()) // 2, scaled)
        painter.end()
        return QIcon(tile)

    def _refresh_list(self, current: int | None = None) -> None:
        current = self.signatory_list.currentRow() if current is None else current
        blocked = self.signatory_list.blockSignals(True)
        self.signatory_list.clear()
        for number_, line in enumerate(self.lines, start=1):
            item = QListWidgetItem(self._line_icon(line), self._line_text(number_, line))
            item.setToolTip(item.text())
            item.setSizeHint(QSize(0, LIST_ICON.height() + 8))
            self.signatory_list.addItem(item)
        self.signatory_list.setCurrentRow(min(current, len(self.lines) - 1))
        self.signatory_list.blockSignals(blocked)
        self._show_line(self.signatory_list.currentRow())

    def _refresh_current_item(self) -> None:
        row = self.signatory_list.currentRow()
        if 0 <= row < len(self.lines):
            item = self.signatory_list.item(row)
            item.setText(self._line_text(row + 1, self.lines[row]))
            item.setToolTip(item.text())
            item.setIcon(self._line_icon(self.lines[row]))

    def current_line(self) -> SignatoryInput | None:
        row = self.signatory_list.currentRow()
        return self.lines[row] if 0 <= row < len(self.lines) else None

    def _show_line(self, row: int) -> None:
        line = self.lines[row] if 0 <= row < len(self.lines) else None
        self._loading = True
        try:
            self.organisation.set_current_key(line.organisation_id if line else None)
            self.representative.setText(line.representative if line else "")
        finally:
            self._loading = False
        self.detail.setVisible(line is not None)
        self.no_line.setVisible(line is None)
        self.no_line.setText(
            "Aucun signataire pour l'instant : « Ajouter » en met un, avec son logo." if not self.lines
            else "Choisissez un signataire dans la liste pour le modifier."
        )
        self.remove_button.setEnabled(line is not None)
        self.up_button.setEnabled(line is not None and row > 0)
        self.down_button.setEnabled(line is not None and row < len(self.lines) - 1)
        self._show_logo(line)

    def _show_logo(self, line: SignatoryInput | None) -> None:
        pixmap = _pixmap(line.logo) if line else None
        if pixmap is not None:
            self.thumbnail.setPixmap(pixmap.scaled(THUMBNAIL - QSize(8, 8), Qt.AspectRatioMode.KeepAspectRatio,
                                                   Qt.TransformationMode.SmoothTransformation))
            self.logo_info.setText(
                f"{line.logo_filename or 'logo'} — {number(pixmap.width())} × {number(pixmap.height())} pixels, "
                f"{_file_size(len(line.logo))}"
            )
        else:
            self.thumbnail.clear()
            self.thumbnail.setText("Pas de logo" if line is not None else "")
            self.logo_info.setText("PNG ou JPEG, 2 Mo au plus." if line is not None else "")
        self.clear_logo_button.setEnabled(pixmap is not None)

    def add_line(self) -> None:
        used = {line.organisation_id for line in self.lines}
        free = [oid for oid, _label in self.signatory_choices if oid not in used]
        # The Caf signs every CTG: offer it first while it is not in the list.
        free.sort(key=lambda oid: self.organisation_kinds.get(oid) is not OrganisationKind.CAF)
        self.lines.append(SignatoryInput(free[0] if free else self.signatory_choices[0][0]))
        self._refresh_list(len(self.lines) - 1)
        self.organisation.setFocus(Qt.FocusReason.OtherFocusReason)

    def remove_line(self) -> None:
        row = self.signatory_list.currentRow()
        if 0 <= row < len(self.lines):
            del self.lines[row]
            self._refresh_list(min(row, len(self.lines) - 1))

    def move_line(self, step: int) -> None:
        row = self.signatory_list.currentRow()
        target = row + step
        if 0 <= row < len(self.lines) and 0 <= target < len(self.lines):
            self.lines[row], self.lines[target] = self.lines[target], self.lines[row]
            self._refresh_list(target)

    def _organisation_changed(self) -> None:
        line = self.current_line()
        if line is not None and not self._loading:
            line.organisation_id = self.organisation.current_key()
            self._refresh_current_item()

    def _representative_changed(self, text: str) -> None:
        line = self.current_line()
        if line is not None:
            line.representative = text
            self._refresh_current_item()

    # --- logos -------------------------------------------------------------------------------
    def _logo_folder(self) -> str:
        return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)

    def choose_logo(self) -> None:
        line = self.current_line()
        if line is None:
            return
        name = self.organisation_names.get(line.organisation_id, "")
        path, _ = QFileDialog.getOpenFileName(self, f"Logo de « {name} »", self._logo_folder(),
                                              territory.LOGO_FILE_FILTER)
        if not path:
            return
        try:
            self.set_logo_from_file(Path(path))
        except ValidationError as error:
            self.errors.show(error)

    def set_logo_from_file(self, path: Path) -> None:
        """Read, check and put the image on the current line (ValidationError when refused)."""
        line = self.current_line()
        if line is None:
            return
        try:
            territory.check_logo_size(path.name, path.stat().st_size)
            data = path.read_bytes()
        except OSError as error:
            raise ValidationError(
                f"Le fichier « {path.name} » ne peut pas être lu ({error.strerror or error}).", "logo"
            ) from None
        territory.check_logo(data, path.name)
        line.logo, line.logo_filename = data, path.name
        self.errors.clear()
        self._refresh_current_item()
        self._show_logo(line)

    def clear_logo(self) -> None:
        line = self.current_line()
        if line is not None:
            line.logo, line.logo_filename = None, None
            self._refresh_current_item()
            self._show_logo(line)

    # --- perimeter ----------------------------------------------------------------------------
    def _update_perimeter_count(self) -> None:
        self.perimeter_count.setText(f"{len(self.perimeter.checked_keys())} sur {self.perimeter.count()} cochée(s)")

    def _filter_perimeter(self, text: str) -> None:
        wanted = fold(text.strip())
        for row in range(self.perimeter.count()):
            item = self.perimeter.item(row)
            item.setHidden(bool(wanted) and wanted not in fold(item.text()))

    def _tick_shown(self, checked: bool) -> None:
        keys = set(self.perimeter.checked_keys())
        for row, (key, _label) in enumerate(self.perimeter_choices):
            if not self.perimeter.item(row).isHidden():
                (keys.add if checked else keys.discard)(key)
        self.perimeter.set_checked_keys(keys)

    # --- saving ---------------------------------------------------------------------------------
    def form_data(self) -> ConventionInput:
        return ConventionInput(
            name=self.name.text(), territory=self.territory.text(),
            first_year=self.first_year.value(), last_year=self.last_year.value(),
            signed_on=self.signed_on.value(), notes=self.notes.toPlainText(),
            signatories=[replace(line) for line in self.lines],
            perimeter_ids=self.perimeter.checked_keys(),
            uid=self.before.uid if self.before else None,
        )

    def save(self) -> None:
        with self.ctx.db.transaction() as session:
            convention = territory.save_convention(session, self.form_data(), self.convention_id)
            self.saved_id, self.saved_uid = convention.id, convention.uid
            self.after = territory.convention_input(session, convention.id)
