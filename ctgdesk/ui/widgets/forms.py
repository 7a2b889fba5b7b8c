"""Form helpers: errors shown next to their field, combos, the form dialog.

A dialog built on `FormDialog` lays its fields out with `add_row(label, widget, field)` where
`field` is the name services use in `ValidationError.field`; `save()` calls the services in
one transaction and may raise ValidationError: the message then shows under that field (or at
the top of the form when the field is not on it), the field gets the focus, the dialog stays
open. Nothing is saved until "Enregistrer" succeeds.

A subclass that calls `keep_draft(ctx, kind, record_uid, draft)` at the end of its __init__
keeps a draft of its named rows' values (ctgdesk.ui.widgets.drafts) and is filled back from one.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ctgdesk.services.errors import ValidationError
from ctgdesk.ui.widgets.date_field import TypedField


def _set_invalid(widget: QWidget, invalid: bool) -> None:
    if bool(widget.property("invalid")) == invalid:
        return
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class FieldErrors:
    """Error labels under the fields of a form, and one general label for the rest."""

    def __init__(self, general: QLabel):
        self.general = general
        self.general.setObjectName("formError")
        self.general.setWordWrap(True)
        self.general.hide()
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}

    def wrap(self, field: str, widget: QWidget) -> QWidget:
        """The widget with its (hidden) error label underneath, to put in the form."""
        container = QWidget()
        layout = QVBoxLayout(container)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        label = QLabel(container)
        label.setObjectName("fieldError")
        label.setWordWrap(True)
        label.hide()
        layout.addWidget(label)
        if isinstance(widget, TypedField):
            widget.use_message_label(label)  # its refusals show here as soon as it is left
        self._fields[field] = (widget, label)
        return container

    def clear(self) -> None:
        self.general.hide()
        self.general.clear()
        for widget, label in self._fields.values():
            label.hide()
            label.clear()
            if isinstance(widget, TypedField):
                widget.clear_error()
            else:
                _set_invalid(widget, False)

    def show(self, error: ValidationError) -> None:
        self.clear()
        if error.field in self._fields:
            widget, label = self._fields[error.field]
            if isinstance(widget, TypedField):
                widget.show_error(error.message)  # marked, the message in its label
            else:
                label.setText(error.message)
                label.show()
                _set_invalid(widget, True)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.general.setText(error.message)
            self.general.show()

    def message(self, field: str | None = None) -> str:
        """The error shown for a field (or the general one): what tests read."""
        if field is None:
            return self.general.text() if not self.general.isHidden() else ""
        widget, label = self._fields[field]
        if isinstance(widget, TypedField):
            return widget.error()
        return label.text() if not label.isHidden() else ""


def fill_combo(combo: QComboBox, items: Iterable[tuple[str, Any]], *, empty: str | None = None,
               current: Any = None) -> None:
    """(label, data) items, an optional first "none" entry, and the entry holding `current`."""
    combo.clear()
    if empty is not None:
        combo.addItem(empty, None)
    for label, data in items:
        combo.addItem(label, data)
    select_data(combo, current)


def select_data(combo: QComboBox, data: Any) -> None:
    for number in range(combo.count()):
        if combo.itemData(number) == data:
            combo.setCurrentIndex(number)
            return


class FormDialog(QDialog):
    """A modal form with "Enregistrer" / "Annuler". Subclasses fill it and implement save()."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.errors = FieldErrors(QLabel(self))
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setVerticalSpacing(8)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Enregistrer")
        self.save_button.setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self._rows: dict[str, QWidget] = {}  # the named rows, for drafts
        self.draft = None  # a DraftKeeper once keep_draft() is called
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(self.errors.general)
        layout.addLayout(self.form)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def add_row(self, label: str, widget: QWidget, field: str | None = None) -> QWidget:
        """A labelled row; the label is the field's buddy (its name for screen readers, Alt+letter)."""
        if isinstance(widget, QPlainTextEdit):  # Tab / Maj+Tab go on to the next field, they type no tab
            widget.setTabChangesFocus(True)
        self.form.addRow(label, self.errors.wrap(field, widget) if field else widget)
        row_label = self.form.labelForField(self.form.itemAt(self.form.rowCount() - 1,
                                                             QFormLayout.ItemRole.FieldRole).widget())
        if isinstance(row_label, QLabel):
            row_label.setBuddy(widget)
        if field:
            self._rows[field] = widget
        return widget

    # --- drafts: the named rows' values -----------------------------------------------------
    def keep_draft(self, ctx, kind: str, record_uid: str | None = None, draft=None) -> None:
        """Keep a draft of this form from now on; `draft`: one to fill the form back from first."""
        from ctgdesk.ui.widgets.drafts import DraftKeeper

        if draft is not None:
            self.restore_draft(draft.state)
        self.draft = DraftKeeper(self, ctx, kind, self.draft_state, self.draft_label, record_uid=record_uid,
                                 restored=draft, record=getattr(self, "before", None))

    def draft_state(self) -> dict:
        return {field: value for field, widget in self._rows.items()
                if (value := _row_value(widget)) is not _UNKNOWN}

    def restore_draft(self, state: dict) -> None:
        for field, value in state.items():
            widget = self._rows.get(field)
            if widget is not None:
                _set_row_value(widget, value)

    def draft_label(self) -> str:
        name = next((w.text().strip() for w in self._rows.values() if isinstance(w, QLineEdit) and w.text().strip()),
                    "")
        return f"le formulaire « {self.windowTitle()} »" + (f" ({name})" if name else "")

    def reject(self) -> None:
        if self.draft is None or self.draft.may_close():
            super().reject()

    def save(self) -> None:  # pragma: no cover - every dialog overrides it
        raise NotImplementedError

    def try_save(self) -> bool:
        """Save; on a refusal show it next to its field and stay open."""
        self.errors.clear()
        try:
            self.save()
        except ValidationError as error:
            self.errors.show(error)
            hint = self.sizeHint()
            if hint.height() > self.height():  # room for the message, nothing squeezed
                self.resize(self.width(), hint.height())
            return False
        self.accept()
        return True


_UNKNOWN = object()


def _row_value(widget: QWidget):
    """A row's value as JSON (what _set_row_value reads back); _UNKNOWN for a widget it does not know."""
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QAbstractButton) and widget.isCheckable():
        return widget.isChecked()
    if isinstance(widget, QAbstractSpinBox) and hasattr(widget, "value") and not hasattr(widget, "date"):
        return widget.value()
    if isinstance(widget, TypedField):  # a date, time, amount or year: the text as typed, even unreadable
        return {"typed": widget.text()}
    return _UNKNOWN


def _set_row_value(widget: QWidget, value) -> None:
    if isinstance(widget, QLineEdit):
        widget.setText(str(value))
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(str(value))
    elif isinstance(widget, QComboBox):
        index = widget.findText(str(value))
        if index >= 0:
            widget.setCurrentIndex(index)
    elif isinstance(widget, QAbstractButton):
        widget.setChecked(bool(value))
    elif isinstance(widget, QAbstractSpinBox) and hasattr(widget, "setValue") and not isinstance(value, dict):
        widget.setValue(value)
    elif isinstance(value, dict) and isinstance(widget, TypedField):
        if "typed" in value:
            widget.edit.setText(str(value["typed"]))
            widget.read_text()  # read (or refused) as if typed
        elif "date" in value:  # a draft kept before the typed fields
            widget.set_value(date.fromisoformat(value["date"]) if value["date"] else None)
