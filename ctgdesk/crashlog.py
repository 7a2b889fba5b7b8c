"""An unexpected error: its traceback goes to a log file, the user reads a French sentence.

Used by the command line (ctgdesk.cli.main) and the window (sys.excepthook, ctgdesk.ui.app).
The log is written to `journaux/` in the application's data folder (a temporary folder when
that one cannot be written); writing it never raises.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

LOG_FOLDER_NAME = "journaux"
EXIT_UNEXPECTED = 70  # EX_SOFTWARE: an internal error, not the user's


def log_folder() -> Path:
    from ctgdesk.db.paths import data_dir

    return data_dir() / LOG_FOLDER_NAME


def write_log(error: BaseException, context: str = "") -> Path | None:
    """Write the traceback of `error` to a new file; its path, or None if nothing could be written."""
    from ctgdesk import __version__

    text = (
        f"ctgdesk {__version__} — {datetime.now():%d/%m/%Y %H:%M:%S}\n"
        f"Python {sys.version.split()[0]} sur {sys.platform}\n"
        + (f"Contexte : {context}\n" if context else "")
        + "\n"
        + "".join(traceback.format_exception(type(error), error, error.__traceback__))
    )
    name = f"erreur-{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.log"
    candidates = []
    try:
        candidates.append(log_folder())
    except Exception:  # noqa: BLE001 - no data folder (no HOME…): the temporary folder then
        pass
    candidates.append(Path(tempfile.gettempdir()) / "ctgdesk-journaux")
    for folder in candidates:
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            target = folder / name
            fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_APPEND | getattr(os, "O_BINARY", 0), 0o600)
            with os.fdopen(fd, "a", encoding="utf-8", errors="replace") as handle:
                handle.write(text)
            return target
        except Exception:  # noqa: BLE001 - try the next folder
            continue
    return None


def user_message(error: BaseException, log: Path | None) -> str:
    """What the user reads: French, what happened, where the details are."""
    what = str(error).strip() or error.__class__.__name__
    where = (f"Le détail technique a été enregistré dans « {log} » : joignez ce fichier à votre "
             "signalement." if log is not None else "Le détail technique n'a pas pu être enregistré.")
    return f"Erreur inattendue de ctgdesk ({what}). {where}"
