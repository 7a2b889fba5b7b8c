"""A meeting document written in the format asked for, and the e-mail draft carrying it.

The one entry point of the CLI and the window: they give the plain document (services/
meeting_documents.py), a format and a path.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from ctgdesk.exchange.atomic import ExportError
from ctgdesk.services.meeting_documents import DossierCopil, MeetingDocument

FORMATS = ("pdf", "docx")


def suggested_filename(document: MeetingDocument | DossierCopil, fmt: str) -> str:
    """« Compte rendu - Comité de pilotage CTG n°2 - 2026-10-15.pdf », safe on every system."""
    meeting = document.meeting
    name = f"{document.title} - {meeting.name} - {meeting.starts_at:%Y-%m-%d}"
    name = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "-", name).strip(" .")
    return f"{name}.{fmt}"


def write_document(document: MeetingDocument | DossierCopil, fmt: str, path: Path | str,
                   model_path: Path | str | None = None) -> Path:
    if fmt == "pdf":
        from ctgdesk.exchange.meeting_pdf import write_meeting_pdf

        return write_meeting_pdf(document, path)
    if fmt == "docx":
        from ctgdesk.exchange.meeting_docx import write_meeting_docx

        return write_meeting_docx(document, path, model_path)
    raise ExportError(f"Format inconnu « {fmt} » : {' ou '.join(FORMATS)}.")


def write_draft(document: MeetingDocument | DossierCopil, fmt: str, path: Path | str,
                model_path: Path | str | None = None) -> Path:
    """The .eml draft at `path`, the document in `fmt` attached."""
    from ctgdesk.exchange.eml import write_eml

    with tempfile.TemporaryDirectory(prefix="ctgdesk-") as folder:
        attachment = write_document(document, fmt, Path(folder) / suggested_filename(document, fmt), model_path)
        return write_eml(document, attachment, path)
