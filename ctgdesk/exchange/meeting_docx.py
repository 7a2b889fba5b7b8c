"""The meeting documents as real Word documents (python-docx): styles, headings, tables.

Renders the blocks of meeting_layout.py. A territory may give its own model (.docx with its
letterhead and styles): the model is opened, its body cleared (its sections, headers, footers
and styles kept) and the document written into it. The signatories' logos go into the page
header when the model's header is empty, otherwise at the top of the body, under the
territory's own letterhead.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from docx import Document
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor

from ctgdesk.exchange.atomic import ExportError, atomic_path
from ctgdesk.exchange.meeting_layout import Bullets, Facts, Grid, Heading, Layout, Text, layout
from ctgdesk.services.meeting_documents import DossierCopil, MeetingDocument

LOGO_HEIGHT = Cm(1.5)
A4_WIDTH, A4_HEIGHT = Cm(21), Cm(29.7)


def open_model(model_path: Path | str | None):
    """The territory's model with an empty body, or python-docx's default document (A4)."""
    if model_path is None:
        document = Document()
        for section in document.sections:
            section.page_width, section.page_height = A4_WIDTH, A4_HEIGHT
            section.left_margin = section.right_margin = Cm(2)
            section.top_margin = section.bottom_margin = Cm(1.8)
        return document
    model_path = Path(model_path)
    try:
        document = Document(str(model_path))
    except FileNotFoundError:
        raise ExportError(f"Le modèle Word « {model_path} » est introuvable.", model_path) from None
    except Exception as error:  # noqa: BLE001 - not a .docx python-docx can read
        raise ExportError(f"Le modèle Word « {model_path} » n'est pas un document .docx lisible ({error}).",
                          model_path) from None
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document


def write_meeting_docx(document: MeetingDocument | DossierCopil, path: Path | str,
                       model_path: Path | str | None = None) -> Path:
    """Write the document to `path` through a temporary file, on the model when one is given."""
    path = Path(path)
    page = layout(document)
    word = open_model(model_path)
    _write(word, page)
    with atomic_path(path) as temporary:
        word.save(str(temporary))
    return path


# --- styles: a model may lack some; fall back to what it has -------------------------------------

def _has_style(word, name: str) -> bool:
    """Whether the model has a style of that (English, built-in) name — looked up once per document:
    python-docx's own lookup reads every style each time."""
    names = getattr(word, "_ctgdesk_style_names", None)
    if names is None:
        names = {style.name for style in word.styles}
        word._ctgdesk_style_names = names
    return name in names


def _paragraph(word, text: str = "", style: str | None = None, fallback: str = "Normal"):
    chosen = style if style and _has_style(word, style) else (fallback if _has_style(word, fallback) else None)
    return word.add_paragraph(text, style=chosen)


def _write(word, page: Layout) -> None:
    word.core_properties.title = f"{page.title} — {page.subtitle}"
    word.core_properties.author = "ctgdesk"
    word.core_properties.subject = page.header_line
    _letterhead(word, page)
    for block in page.blocks:
        if isinstance(block, Heading):
            _paragraph(word, block.text, "Heading 1")
        elif isinstance(block, Text):
            paragraph = _paragraph(word)
            run = paragraph.add_run(block.text)
            if block.style == "strong":
                run.bold = True
            elif block.style == "note":
                run.italic = True
                run.font.size = Pt(9)
        elif isinstance(block, Bullets):
            for item in block.items:
                _paragraph(word, item, "List Number" if block.numbered else "List Bullet")
        elif isinstance(block, Facts):
            table = _table(word, len(block.rows), 2)
            for tr, (label, value) in zip(table._tbl.tr_lst, block.rows):
                label_cell, value_cell = tr.tc_lst
                _cell_text(label_cell, label, bold=True)
                _cell_text(value_cell, value)
            _widths(table, (0.25, 0.75), word)
            _paragraph(word)
        elif isinstance(block, Grid):
            _grid(word, block)
    footer = word.sections[-1].footer
    if not any(p.text.strip() for p in footer.paragraphs):
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        run = paragraph.add_run(page.footer)
        run.font.size = Pt(8)
        run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)


def _letterhead(word, page: Layout) -> None:
    header = word.sections[0].header
    header_empty = not any(p.text.strip() for p in header.paragraphs) and not header._element.xpath(".//w:drawing")
    if page.logos:
        if header_empty:
            paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        else:
            paragraph = word.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for _name, data in page.logos:
            try:
                paragraph.add_run().add_picture(BytesIO(data), height=LOGO_HEIGHT)
                paragraph.add_run("   ")
            except Exception:  # noqa: BLE001 - an image Word cannot take is left out, as in the PDF
                continue
    if page.header_line:
        line = _paragraph(word, page.header_line, "Subtitle")
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title = _paragraph(word, page.title, "Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = _paragraph(word)
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = subtitle.add_run(page.subtitle)
    run.bold = True
    run.font.size = Pt(12)


def _table(word, rows: int, columns: int):
    table = word.add_table(rows=rows, cols=columns)
    if _has_style(word, "Table Grid"):
        table.style = word.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    return table


def _text_width(word):
    section = word.sections[-1]
    return section.page_width - section.left_margin - section.right_margin


def _widths(table, fractions, word) -> None:
    width = _text_width(word)
    widths = [Emu(int(width * fraction)) for fraction in fractions]
    table.autofit = False
    for column, column_width in zip(table.columns, widths):  # the grid, which LibreOffice follows
        column.width = column_width
    for tr in table._tbl.tr_lst:  # the cells, which Word follows (on the XML: python-docx's cells are slow)
        for tc, column_width in zip(tr.tc_lst, widths):
            tc.width = column_width


CELL_SIZE = Pt(9)


def _cell_text(tc, text: str, bold: bool = False) -> None:
    """The text of a fresh cell, one paragraph per line, in 9 pt (straight to the XML, as _widths)."""
    paragraphs = tc.p_lst
    for number, line in enumerate(text.split("\n")):
        p = paragraphs[0] if number == 0 else tc.add_p()
        if line:
            r = p.add_r()
            properties = r.get_or_add_rPr()
            if bold:
                properties.get_or_add_b()
            properties.sz_val = CELL_SIZE
            r.add_t(line)


def _shade(cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)


def _grid(word, block: Grid) -> None:
    if not block.rows and block.empty:
        paragraph = _paragraph(word)
        run = paragraph.add_run(block.empty)
        run.italic = True
        return
    table = _table(word, len(block.rows) + 1, len(block.headers))
    rows = table.rows
    _repeat_header(rows[0])
    trs = table._tbl.tr_lst
    for cell, tc, text in zip(rows[0].cells, trs[0].tc_lst, block.headers):
        _cell_text(tc, text, bold=True)
        _shade(cell, "E6E6E6")
    for number, (tr, values) in enumerate(zip(trs[1:], block.rows), start=1):
        if block.row_height_cm:
            rows[number].height = Cm(block.row_height_cm)
            rows[number].height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        for tc, text in zip(tr.tc_lst, values):
            _cell_text(tc, text)
    _widths(table, block.widths, word)
    _paragraph(word)
