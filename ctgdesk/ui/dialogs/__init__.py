"""Dialogs: one form per kind of record, saving through services in one transaction."""
