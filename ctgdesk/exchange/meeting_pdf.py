"""The meeting documents as PDF (reportlab platypus), in the bilan's embedded DejaVu Sans.

Renders the blocks of meeting_layout.py: the signatories' logos as a letterhead, the title,
then headings, paragraphs, lists and tables. Black on white with grey rules, so that a
feuille d'émargement prints well on any office printer.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Image,
    ListFlowable,
    ListItem,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ctgdesk import __version__
from ctgdesk.exchange.atomic import atomic_path
from ctgdesk.exchange.meeting_layout import Bullets, Facts, Grid, Heading, Layout, Text, layout
from ctgdesk.exchange.pdf_charts import FONT, FONT_BOLD, register_fonts
from ctgdesk.services.meeting_documents import DossierCopil, MeetingDocument

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 1.8 * cm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
LOGO_HEIGHT = 1.5 * cm
LOGO_MAX_WIDTH = 3.8 * cm
DARK = colors.HexColor("#222222")
RULE = colors.HexColor("#808080")
HEAD_FILL = colors.HexColor("#E6E6E6")  # light grey: readable in black and white
CELL_SIZE = 8.5


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=10, leading=13.5, textColor=DARK, spaceAfter=4)
    return {
        "normal": base,
        "note": ParagraphStyle("note", parent=base, fontSize=8.5, leading=11, textColor=colors.HexColor("#555555")),
        "strong": ParagraphStyle("strong", parent=base, fontName=FONT_BOLD, spaceBefore=4, spaceAfter=2,
                                 keepWithNext=1),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5, spaceAfter=0),
        "head": ParagraphStyle("head", parent=base, fontName=FONT_BOLD, fontSize=8.5, leading=10.5, spaceAfter=0),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=18, leading=23,
                                alignment=TA_CENTER, spaceBefore=6, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11.5, leading=15, alignment=TA_CENTER,
                                   spaceAfter=10),
        "header_line": ParagraphStyle("header_line", parent=base, fontSize=8.5, leading=11, alignment=TA_CENTER,
                                      textColor=colors.HexColor("#555555")),
        "h": ParagraphStyle("h", parent=base, fontName=FONT_BOLD, fontSize=12.5, leading=16, spaceBefore=10,
                            spaceAfter=4, keepWithNext=1),
    }


STYLES = _styles()


def _p(text: str, style: str = "cell") -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), STYLES[style])


def write_meeting_pdf(document: MeetingDocument | DossierCopil, path: Path | str) -> Path:
    """Write the document to `path` through a temporary file. Raises TargetLocked or ExportError."""
    register_fonts()
    path = Path(path)
    page = layout(document)
    with atomic_path(path) as temporary:
        template = SimpleDocTemplate(
            str(temporary), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
            bottomMargin=MARGIN + 0.4 * cm, title=f"{page.title} — {page.subtitle}", author="ctgdesk",
            subject=page.header_line, creator=f"ctgdesk {__version__}", initialFontName=FONT, initialFontSize=10,
        )
        footer = page.footer

        def on_page(canvas, doc):
            canvas.saveState()
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.5)
            canvas.line(MARGIN, MARGIN - 0.1 * cm, PAGE_WIDTH - MARGIN, MARGIN - 0.1 * cm)
            canvas.setFont(FONT, 7.5)
            canvas.setFillColor(colors.HexColor("#555555"))
            canvas.drawString(MARGIN, MARGIN - 0.5 * cm, footer[:150])
            canvas.drawRightString(PAGE_WIDTH - MARGIN, MARGIN - 0.5 * cm, f"page {doc.page}")
            canvas.restoreState()

        template.build(_story(page), onFirstPage=on_page, onLaterPages=on_page)
    return path


def _logo(data: bytes) -> Image | None:
    try:
        reader = ImageReader(BytesIO(data))
        width, height = reader.getSize()
    except Exception:  # noqa: BLE001 - a broken image is left out, as on the bilan's cover
        return None
    if not width or not height:
        return None
    scale = min(LOGO_HEIGHT / height, LOGO_MAX_WIDTH / width)
    return Image(BytesIO(data), width=width * scale, height=height * scale)


def _letterhead(page: Layout) -> list:
    logos = [logo for logo in (_logo(data) for _name, data in page.logos) if logo is not None]
    story: list = []
    if logos:
        table = Table([logos], colWidths=[CONTENT_WIDTH / len(logos)] * len(logos), hAlign="CENTER")
        table.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        story += [table, Spacer(1, 0.3 * cm)]
    if page.header_line:
        story.append(_p(page.header_line, "header_line"))
    story += [_p(page.title, "title"), _p(page.subtitle, "subtitle")]
    return story


def _story(page: Layout) -> list:
    story = _letterhead(page)
    for block in page.blocks:
        if isinstance(block, Heading):
            story.append(_p(block.text, "h"))
        elif isinstance(block, Text):
            story.append(_p(block.text, block.style))
        elif isinstance(block, Bullets):
            story.append(ListFlowable(
                [ListItem(_p(item, "normal"), leftIndent=14) for item in block.items],
                bulletType="1" if block.numbered else "bullet", start=None if block.numbered else "•",
                bulletFormat="%s." if block.numbered else None,
                bulletFontName=FONT, bulletFontSize=9, leftIndent=14,
            ))
        elif isinstance(block, Facts):
            table = Table([[_p(label, "head"), _p(value)] for label, value in block.rows],
                          colWidths=[0.22 * CONTENT_WIDTH, 0.78 * CONTENT_WIDTH], hAlign="LEFT")
            table.setStyle(TableStyle([
                ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]))
            story += [table, Spacer(1, 0.2 * cm)]
        elif isinstance(block, Grid):
            story.append(_grid(block))
    return story


def _grid(block: Grid):
    if not block.rows and block.empty:
        return _p(block.empty, "note")
    widths = [w * CONTENT_WIDTH for w in block.widths]
    room = [w - 6.5 for w in widths]  # less the cell's padding
    # A Paragraph where the text must wrap, a plain string where it fits (much quicker to lay out,
    # as in the bilan): the dossier of a big territory has hundreds of cells.
    data = [[_p(h, "head") for h in block.headers], *[
        [cell if "\n" not in cell and stringWidth(cell, FONT, CELL_SIZE) <= space else _p(cell)
         for cell, space in zip(row, room)] for row in block.rows]]
    heights = None
    if block.row_height_cm:
        heights = [None] + [block.row_height_cm * cm] * len(block.rows)
    table = LongTable(data, colWidths=widths, rowHeights=heights, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
        ("LEADING", (0, 0), (-1, -1), 10.5), ("TEXTCOLOR", (0, 0), (-1, -1), DARK),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE" if block.row_height_cm else "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table
