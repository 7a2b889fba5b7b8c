"""The one exception services raise for a user's mistake: a French message, and the field."""

from __future__ import annotations


class ValidationError(ValueError):
    """Raised when an input breaks a rule. `field` names the form field to show it next to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ValidationError):
    """The record asked for does not exist (any more)."""


class ChangedMeanwhile(ValidationError):
    """The record was saved by someone else (another window, a colleague on the team base)
    between the moment the form read it and this save. Nothing was written; the user chooses:
    reload their version, or save again on purpose to keep hers (the form drops the version)."""

    def __init__(self, message: str, changed_at=None):
        super().__init__(message)
        self.changed_at = changed_at
