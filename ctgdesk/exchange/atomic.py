"""Writing a file safely: to a temporary name in the same folder, then renamed over the target.

A reader never sees half a file, and a failed export leaves the previous file untouched.
On Windows a file open in Excel cannot be replaced: the PermissionError becomes
`TargetLocked`, whose message tells the user, in French, what to do.
"""

from __future__ import annotations

import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ctgdesk import pending_files

REPLACE_ATTEMPTS = 3
REPLACE_PAUSE_S = 0.05  # an antivirus or indexer may hold the file an instant


class ExportError(Exception):
    """An export that could not be written; `message` is French and shown as is."""

    def __init__(self, message: str, path: Path | None = None):
        super().__init__(message)
        self.message = message
        self.path = path


class TargetLocked(ExportError):
    """The target file is open in another program (Excel…) and cannot be replaced."""

    def __init__(self, path: Path | str):
        path = Path(path)
        super().__init__(
            f"Le fichier « {path} » est ouvert dans un autre programme (Excel ?). "
            "Fermez-le puis réessayez.",
            path,
        )


@contextmanager
def atomic_path(target: Path | str) -> Iterator[Path]:
    """Yield a temporary path next to `target`; on success it replaces `target`.

        with atomic_path(out) as tmp:
            workbook.save(tmp)
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"Le dossier « {folder} » n'existe pas.", target)
    if target.is_dir():
        raise ExportError(f"« {target} » est un dossier, pas un fichier.", target)
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=f"{target.suffix}.tmp", dir=folder)
    except PermissionError:
        raise ExportError(f"Impossible d'écrire dans le dossier « {folder} » (droits insuffisants).",
                          target) from None
    except OSError as error:
        raise ExportError(f"Impossible d'écrire dans le dossier « {folder} » : {error.strerror}.", target) from None
    os.close(handle)
    temporary = Path(name)
    pending_files.record(temporary)  # removed by the next start if this process is killed
    try:
        yield temporary
        _replace(temporary, target)
        pending_files.forget(temporary)
    except ExportError:
        temporary.unlink(missing_ok=True)
        raise
    except OSError as error:  # disk full, device removed… while writing the temporary file
        temporary.unlink(missing_ok=True)
        raise ExportError(f"Impossible d'écrire « {target} » : {error.strerror or error}.", target) from error
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        if not temporary.exists():
            pending_files.forget(temporary)


def _replace(temporary: Path, target: Path) -> None:
    for attempt in range(REPLACE_ATTEMPTS):
        try:
            os.replace(temporary, target)
            return
        except PermissionError:
            if attempt == REPLACE_ATTEMPTS - 1:
                raise TargetLocked(target) from None
            time.sleep(REPLACE_PAUSE_S)
        except OSError as error:
            raise ExportError(f"Impossible d'écrire « {target} » : {error.strerror}.", target) from None


def write_bytes_atomic(target: Path | str, data: bytes) -> None:
    with atomic_path(target) as temporary:
        temporary.write_bytes(data)
