"""Where the database lives by default: the user's local application-data folder.

Never Documents, which collectivités often sync to OneDrive: a live SQLite file in a
synced folder gets corrupted.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

from ctgdesk import APP_NAME


DATA_DIR_VARIABLE = "CTGDESK_DATA_DIR"  # another folder (tests, a portable install)


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_VARIABLE)
    if override:
        folder = Path(override)
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return user_data_path(APP_NAME, appauthor=False, roaming=False, ensure_exists=True)


def drafts_dir() -> Path:
    """Where forms keep what is being typed (ctgdesk.services.drafts)."""
    return data_dir() / "brouillons"


def reports_dir() -> Path:
    """Where a crash leaves its report (ctgdesk.fatal_crash), beside the logs of unexpected
    errors (ctgdesk.crashlog.LOG_FOLDER_NAME): one folder of logs for the user to send."""
    return data_dir() / "journaux"


def default_db_path() -> Path:
    return data_dir() / "ctgdesk.sqlite"


def is_server_url(target) -> bool:
    """True for a team base on a PostgreSQL server (`postgresql://USER@HOST[:PORT]/BASE`).

    Here, not in ctgdesk.db.engine: the command line asks it before the window opens, and that
    path must not load SQLAlchemy (tests/bench/test_startup_imports.py)."""
    return isinstance(target, str) and target.split(":", 1)[0].split("+", 1)[0] in ("postgresql", "postgres")
