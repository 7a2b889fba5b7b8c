"""Reading the written documents back, as a person would see their text, in order."""

from __future__ import annotations

import re
from pathlib import Path


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return squash(" ".join(page.extract_text() or "" for page in PdfReader(str(path)).pages))


def docx_text(path: Path) -> str:
    """Every paragraph of the body, tables included, in document order."""
    from docx import Document
    from docx.oxml.ns import qn

    body = Document(str(path)).element.body
    return squash(" ".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))))


def read_back(path: Path) -> str:
    return pdf_text(path) if path.suffix == ".pdf" else docx_text(path)


def section(text: str, start: str, end: str | None) -> str:
    """The text between the first `start` and the next `end` after it."""
    begin = text.index(start) + len(start)
    return text[begin:text.index(end, begin)] if end else text[begin:]
