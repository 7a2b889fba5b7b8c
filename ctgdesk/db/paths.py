"""Where the database lives by default: the user's local application-data folder.

Never Documents, which collectivités often sync to OneDrive: a live SQLite file in a
synced folder gets corrupted.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_path

from ctgdesk import APP_NAME


def data_dir() -> Path:
    return user_data_path(APP_NAME, appauthor=False, roaming=False, ensure_exists=True)


def default_db_path() -> Path:
    return data_dir() / "ctgdesk.sqlite"
