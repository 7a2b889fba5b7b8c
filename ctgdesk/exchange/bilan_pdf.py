"""The PDF report for the COPIL (reportlab platypus).

Cover with the logo of every signatory, contents, key figures, charts, decisions since the
previous COPIL and the earlier ones still open past their due date, open alerts, progress of
the plan d'action, the national referential's indicator table (natures summarised: the whole
lists are in the workbook; a manual indicator not entered shows a light mark, explained), the
ETP CTG 1 → CTG 2 (its totals row and notes never left alone on a page), and the source of the
figures. Table columns are at least as wide as their header's longest word. Every character in
DejaVu Sans (embedded), "page X / Y" at the foot of each page with the production date.
"""

from __future__ import annotations

from collections import Counter
from io import BytesIO
from pathlib import Path
from typing import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    Image,
    KeepTogether,
    LongTable,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from ctgdesk import __version__
from ctgdesk.exchange.atomic import atomic_path
from ctgdesk.exchange.bilan_tables import evolution_text
from ctgdesk.exchange.pdf_charts import (
    BLUE,
    FONT,
    FONT_BOLD,
    GREY,
    STATUS_COLOURS,
    as_float,
    bar_chart,
    pie_chart,
    progress_bar,
    register_fonts,
)
from ctgdesk.formatting import decimal2, long_date, short_date
from ctgdesk.models import FicheStatus, MeetingStatus
from ctgdesk.services.bilan import Bilan

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 1.8 * cm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
MAX_TABLE_ROWS = 150  # longer lists are in the Excel workbook
MAX_NATURE_CHARS = 600  # a nature already summarised, or typed by hand: its first items or words
LOGO_HEIGHT = 1.8 * cm
LOGO_MAX_WIDTH = 4.2 * cm
ZEBRA = colors.HexColor("#F2F6FA")
HEAD_SIZE = 7.5
CELL_PADDING = 3  # left and right
NOT_ENTERED = "—"  # a manual indicator not entered yet: a light mark, explained under the table


def write_bilan_pdf(bilan: Bilan, path: Path | str) -> Path:
    """Write the report to `path` (through a temporary file). Raises TargetLocked or ExportError."""
    register_fonts()
    path = Path(path)
    with atomic_path(path) as temporary:
        document = _Document(str(temporary), bilan)
        document.multiBuild(_story(bilan, document), canvasmaker=_canvas_maker(bilan))
    return path


# --- styles -------------------------------------------------------------------------------------

def _styles() -> dict[str, ParagraphStyle]:
    # a word too long for its column breaks at its own hyphens ("Lens-Liévin-" / "Hénin-Carvin"),
    # not anywhere
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=11.5, bulletFontName=FONT,
                          embeddedHyphenation=1)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9.2),
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontName=FONT_BOLD, fontSize=7.5, leading=9.2),
        "cell_right": ParagraphStyle("cell_right", parent=base, fontSize=7.5, leading=9.2, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", parent=base, fontName=FONT_BOLD, fontSize=HEAD_SIZE, leading=9.2,
                               textColor=colors.white, splitLongWords=0),  # wide enough: _fitted_widths
        "cell_mark": ParagraphStyle("cell_mark", parent=base, fontSize=7.5, leading=9.2, alignment=TA_RIGHT,
                                    textColor=colors.HexColor("#A6A6A6")),
        "h1": ParagraphStyle("h1", parent=base, fontName=FONT_BOLD, fontSize=15, leading=19, textColor=BLUE,
                             spaceBefore=6, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14, textColor=BLUE,
                             spaceBefore=8, spaceAfter=4),
        "cover_title": ParagraphStyle("cover_title", parent=base, fontName=FONT_BOLD, fontSize=24, leading=30,
                                      textColor=BLUE, alignment=TA_CENTER),
        "cover_sub": ParagraphStyle("cover_sub", parent=base, fontSize=14, leading=19, alignment=TA_CENTER),
        "cover_text": ParagraphStyle("cover_text", parent=base, fontSize=10, leading=14, alignment=TA_CENTER),
        "note": ParagraphStyle("note", parent=base, fontSize=8, leading=10, textColor=GREY),
        "toc1": ParagraphStyle("toc1", parent=base, fontSize=11, leading=16, leftIndent=0.5 * cm,
                               firstLineIndent=-0.5 * cm),
    }


STYLES = _styles()


def _p(text: str, style: str = "cell") -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), STYLES[style])


# --- document, headings and page numbers ---------------------------------------------------------

class _Document(BaseDocTemplate):
    def __init__(self, filename: str, bilan: Bilan):
        super().__init__(
            filename, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
            bottomMargin=MARGIN, title=bilan.title, author="ctgdesk", subject=bilan.subtitle,
            creator=f"ctgdesk {__version__}", keywords=["CTG", "bilan", "COPIL"],
            initialFontName=FONT, initialFontSize=9,  # not Helvetica, which is not embedded
        )
        frame = Frame(MARGIN, MARGIN, CONTENT_WIDTH, PAGE_HEIGHT - 2 * MARGIN, id="content",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("cover", [frame]), PageTemplate("content", [frame])])

    def afterFlowable(self, flowable) -> None:
        if isinstance(flowable, Paragraph) and flowable.style.name == "h1":
            text = flowable.getPlainText()
            key = "section-" + "".join(c if c.isalnum() else "-" for c in text)[:40]  # same at every pass
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=0, closed=False)
            self.notify("TOCEntry", (0, text, self.page, key))


def _canvas_maker(bilan: Bilan):
    footer_left = f"{bilan.title} — {bilan.scope_label}"
    produced = f"Produit le {short_date(bilan.produced_at)} à {bilan.produced_at:%H:%M} avec ctgdesk"

    class NumberedCanvas(Canvas):
        """Keeps every page until the end to write "page X / Y"."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            number = self._pageNumber
            if number == 1:
                return  # the cover
            self.saveState()
            self.setStrokeColor(colors.HexColor("#BFBFBF"))
            self.setLineWidth(0.5)
            self.line(MARGIN, MARGIN - 0.45 * cm, PAGE_WIDTH - MARGIN, MARGIN - 0.45 * cm)
            self.setFont(FONT, 7)
            self.setFillColor(GREY)
            self.drawString(MARGIN, MARGIN - 0.8 * cm, _fit(footer_left, FONT, 7, CONTENT_WIDTH * 0.62))
            self.drawString(MARGIN, MARGIN - 1.15 * cm, produced)
            self.setFont(FONT_BOLD, 8)
            self.drawRightString(PAGE_WIDTH - MARGIN, MARGIN - 0.8 * cm, f"page {number} / {total}")
            self.restoreState()

    return NumberedCanvas


def _fit(text: str, font: str, size: float, width: float) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


# --- tables ---------------------------------------------------------------------------------------

def _table(header: Sequence[str], rows: list[list], widths: Sequence[float], *, total_row: bool = False,
           right: Sequence[int] = (), notes: Sequence[str] = ()) -> LongTable:
    """Paragraphs where a text may wrap, plain strings elsewhere (much quicker to lay out).

    `widths`: fractions of the page width, widened where a header word needs it (_fitted_widths).
    The total row (the last of `rows`) and the `notes` under it (one row each, across the table)
    never leave the row above them for another page."""
    data = [[_p(h, "head") for h in header], *rows, *[[_p(note, "note")] + [""] * (len(header) - 1)
                                                      for note in notes]]
    table = LongTable(data, colWidths=_fitted_widths(header, widths), repeatRows=1, hAlign="LEFT")
    last = len(data) - 1 - len(notes)  # the last row of figures
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 7.5),
        ("LEADING", (0, 0), (-1, -1), 9.2),
        ("BACKGROUND", (0, 0), (-1, 0), BLUE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LINEBELOW", (0, 0), (-1, last), 0.25, colors.HexColor("#BFBFBF")),
    ]
    for index in range(1, last + 1):
        if index % 2 == 0:
            style.append(("BACKGROUND", (0, index), (-1, index), ZEBRA))
    for column in right:
        style.append(("ALIGN", (column, 1), (column, last), "RIGHT"))
    if total_row:
        style.append(("LINEABOVE", (0, last), (-1, last), 0.8, BLUE))
        style.append(("FONTNAME", (0, last), (-1, last), FONT_BOLD))
    for index in range(last + 1, len(data)):
        style.append(("SPAN", (0, index), (-1, index)))
    if (total_row or notes) and last >= 2:
        style.append(("NOSPLIT", (0, last - 1 if total_row else last), (-1, -1)))
    table.setStyle(TableStyle(style))
    return table


def _fitted_widths(header: Sequence[str], fractions: Sequence[float]) -> list[float]:
    """Column widths in points: the fractions of the page width, each column at least as wide as
    its header's longest word, the width it needs taken from the columns that have some to spare
    (a header wraps at its spaces, never inside a word: "Avanceme/nt")."""
    widths = [f * CONTENT_WIDTH for f in fractions]
    needed = [max((stringWidth(word, FONT_BOLD, HEAD_SIZE) for word in h.split()), default=0)
              + 2 * CELL_PADDING + 1 for h in header]
    missing = sum(max(0.0, n - w) for n, w in zip(needed, widths))
    spare = [max(0.0, w - n) for n, w in zip(needed, widths)]
    if not missing or sum(spare) < missing:
        return widths
    share = missing / sum(spare)
    return [n if w < n else w - s * share for n, w, s in zip(needed, widths, spare)]


def _capped(rows: list, what: str) -> tuple[list, Paragraph | None]:
    if len(rows) <= MAX_TABLE_ROWS:
        return rows, None
    note = _p(f"… et {len(rows) - MAX_TABLE_ROWS} autre(s) {what} : la liste complète est dans le classeur Excel "
              "du bilan.", "note")
    return rows[:MAX_TABLE_ROWS], note


# --- the story ----------------------------------------------------------------------------------

def _story(bilan: Bilan, document: _Document) -> list:
    story: list = []
    story += _cover(bilan)
    story.append(NextPageTemplate("content"))
    story.append(PageBreak())
    story.append(Paragraph("Sommaire", STYLES["h2"]))
    toc = TableOfContents(dotsMinLevel=0)
    toc.levelStyles = [STYLES["toc1"]]
    toc.tableStyle = TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    story.append(toc)
    story.append(PageBreak())
    story += _key_figures(bilan)
    story += _charts(bilan)
    story += _decisions(bilan)
    story += _alerts(bilan)
    story += _plan(bilan)
    story += _indicators(bilan)
    story += _etp(bilan)
    story += _source(bilan)
    return story


def _h1(text: str) -> Paragraph:
    return Paragraph(escape(text), STYLES["h1"])


def _logo(data: bytes | None) -> Image | None:
    if not data:
        return None
    try:
        reader = ImageReader(BytesIO(data))
        width, height = reader.getSize()
    except Exception:  # noqa: BLE001 - a broken or unknown image is skipped, not fatal
        return None
    if not width or not height:
        return None
    scale = min(LOGO_HEIGHT / height, LOGO_MAX_WIDTH / width)
    return Image(BytesIO(data), width=width * scale, height=height * scale)


def _cover(bilan: Bilan) -> list:
    story: list = []
    logos = []
    if bilan.convention is not None:
        logos = [logo for logo in (_logo(s.logo) for s in bilan.convention.signatories) if logo is not None]
    if logos:
        per_row = 4
        rows = [logos[i:i + per_row] for i in range(0, len(logos), per_row)]
        for row in rows:
            row += [""] * (per_row - len(row))
        table = Table(rows, colWidths=[CONTENT_WIDTH / per_row] * per_row, hAlign="CENTER")
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                                ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        story.append(table)
    story.append(Spacer(1, 4.5 * cm if logos else 6.5 * cm))
    story.append(Paragraph(escape(bilan.title), STYLES["cover_title"]))
    story.append(Spacer(1, 0.8 * cm))
    if bilan.convention is not None:
        convention = bilan.convention
        story.append(_p(convention.name, "cover_sub"))
        story.append(_p(f"{convention.territory} — convention {convention.first_year}–{convention.last_year}",
                        "cover_text"))
    story.append(Spacer(1, 0.4 * cm))
    story.append(_p(bilan.scope_label, "cover_sub"))
    story.append(Spacer(1, 0.4 * cm))
    story.append(_p(f"Comité de pilotage — document produit le {long_date(bilan.produced_at.date())}", "cover_text"))
    if bilan.convention is not None and bilan.convention.signatories:
        story.append(Spacer(1, 1.2 * cm))
        story.append(_p("Signataires : " + ", ".join(s.name for s in bilan.convention.signatories), "cover_text"))
    story.append(Spacer(1, 2 * cm))
    story.append(_p(bilan.source, "note"))
    return story


def _key_figures(bilan: Bilan) -> list:
    story: list = [_h1("1. Chiffres clés")]
    rows = []
    for figure in bilan.key_figures:
        value = decimal2(figure.value) if not isinstance(figure.value, (int, str)) else str(figure.value)
        rows.append([_p(figure.label, "cell_bold"), value, _p(figure.detail)])
    story.append(_table(["Indicateur", "Valeur", "Détail"], rows, [0.32, 0.12, 0.56], right=[1]))
    if bilan.coordinators:
        story.append(Paragraph("Chargé·e·s de coopération", STYLES["h2"]))
        rows = [[_p(c.name + (" (chef·fe de projet)" if c.is_project_lead else "")),
                 decimal2(c.etp), _p(c.structures), _p(c.employer)]
                for c in bilan.coordinators]
        story.append(_table(["Nom", f"ETP {bilan.year_to}", "Communes / structures", "Employeur"], rows,
                            [0.28, 0.1, 0.37, 0.25], right=[1]))
    return story


def _charts(bilan: Bilan) -> list:
    story: list = [CondPageBreak(8 * cm), _h1("2. En graphiques")]
    held = Counter(m.kind for m in bilan.meetings if m.status is MeetingStatus.HELD)
    if held:
        kinds = sorted(held, key=lambda k: (-held[k], k.label))
        story.append(bar_chart(f"Réunions tenues par instance ({bilan.period_label})", [k.label for k in kinds],
                               [[held[k] for k in kinds]], width=CONTENT_WIDTH))
    else:
        story.append(_p("Aucune réunion tenue sur la période.", "base"))
    story.append(Spacer(1, 0.5 * cm))
    statuses = Counter(f.status for f in bilan.fiches)
    if statuses:
        parts = [(s.label, statuses[s], STATUS_COLOURS.get(s.value)) for s in FicheStatus]
        late = sum(1 for f in bilan.fiches if f.late)
        story.append(pie_chart(f"Fiches actions par statut ({len(bilan.fiches)} fiches, dont {late} en retard)",
                               parts, width=CONTENT_WIDTH))
    else:
        story.append(_p("Aucune fiche action dans le plan d'action.", "base"))
    story.append(Spacer(1, 0.5 * cm))
    lines = [line for line in bilan.etp.lines if line.etp_before is not None or line.etp_after is not None]
    if lines:
        labels, before, after, note = _etp_chart_rows(lines)
        title = f"ETP de coordination par commune / structure ({bilan.etp.year_before} → {bilan.etp.year_after})"
        story.append(KeepTogether([bar_chart(
            title + note, labels, [before, after],
            series_names=[str(bilan.etp.year_before), str(bilan.etp.year_after)], width=CONTENT_WIDTH,
            value_format="{:.2f}",
        )]))
    else:
        story.append(_p("Aucun ETP de coordination renseigné.", "base"))
    return story


MAX_CHART_ROWS = 20


def _etp_chart_rows(lines) -> tuple[list[str], list[float], list[float], str]:
    """The largest allocations, the others summed on one bar (the full list is in section 7)."""
    if len(lines) <= MAX_CHART_ROWS:
        return ([line.name for line in lines], [as_float(line.etp_before) for line in lines],
                [as_float(line.etp_after) for line in lines], "")
    ranked = sorted(lines, key=lambda l: (-max(as_float(l.etp_before), as_float(l.etp_after)), l.name))
    shown, rest = ranked[:MAX_CHART_ROWS - 1], ranked[MAX_CHART_ROWS - 1:]
    labels = [line.name for line in shown] + [f"Autres ({len(rest)})"]
    before = [as_float(line.etp_before) for line in shown] + [sum(as_float(line.etp_before) for line in rest)]
    after = [as_float(line.etp_after) for line in shown] + [sum(as_float(line.etp_after) for line in rest)]
    return labels, before, after, f" — les {MAX_CHART_ROWS - 1} plus importantes"


DECISION_HEADER = ["Date", "Instance", "Décision", "Porteur", "Échéance", "Statut"]
DECISION_WIDTHS = [0.1, 0.15, 0.4, 0.15, 0.1, 0.1]


def _decision_rows(decisions) -> list[list]:
    return [[short_date(d.on), _p(d.instance), _p(d.text), _p(d.carried_by), short_date(d.due_date),
             _p(d.status.label)] for d in decisions]


def _decisions(bilan: Bilan) -> list:
    since = f" (COPIL du {short_date(bilan.previous_copil)})" if bilan.previous_copil else ""
    story: list = [CondPageBreak(5 * cm), _h1("3. Décisions depuis le dernier COPIL" + since)]
    if not bilan.decisions_since_copil:
        story.append(_p("Aucune décision relevée depuis le dernier COPIL.", "base"))
    else:
        rows, note = _capped(_decision_rows(bilan.decisions_since_copil), "décisions")
        story.append(_table(DECISION_HEADER, rows, DECISION_WIDTHS))
        if note:
            story.append(note)
    if bilan.overdue_before_copil:
        before = (f"avant le COPIL du {short_date(bilan.previous_copil)}" if bilan.previous_copil
                  else f"avant {bilan.period_label}")
        rows = _decision_rows(bilan.overdue_before_copil)
        note = None
        if len(rows) > MAX_TABLE_ROWS:  # the most recent: older ones are not in the workbook either
            note = _p(f"… et {len(rows) - MAX_TABLE_ROWS} autre(s) décisions plus anciennes, toujours ouvertes et "
                      "en retard, non reprises ici.", "note")
            rows = rows[-MAX_TABLE_ROWS:]
        story.append(KeepTogether([
            Paragraph(escape(f"Décisions prises {before}, toujours ouvertes et dont l'échéance est passée "
                             f"({len(bilan.overdue_before_copil)})"), STYLES["h2"]),
            _table(DECISION_HEADER, rows, DECISION_WIDTHS)]))
        if note:
            story.append(note)
    return story


def _alerts(bilan: Bilan) -> list:
    story: list = [CondPageBreak(5 * cm), _h1("4. Alertes ouvertes")]
    if not bilan.open_alerts:
        story.append(_p("Aucune alerte ouverte.", "base"))
        return story
    rows = [[short_date(a.raised_on), _p(a.text), _p(a.fiche), _p(a.raised_by), _p(a.instance)]
            for a in bilan.open_alerts]
    rows, note = _capped(rows, "alertes")
    story.append(_table(["Émise le", "Alerte", "Fiche action", "Émise par", "Instance"], rows,
                        [0.1, 0.4, 0.22, 0.14, 0.14]))
    if note:
        story.append(note)
    return story


def _plan(bilan: Bilan) -> list:
    story: list = [CondPageBreak(5 * cm), _h1("5. Avancement du plan d'action")]
    if not bilan.fiches:
        story.append(_p("Le plan d'action ne compte aucune fiche.", "base"))
        return story
    rows = []
    for fiche in bilan.fiches:
        status = fiche.status.label + (" — en retard" if fiche.late else "")
        rows.append([_p(fiche.number, "cell_bold"), _p(fiche.title), _p(fiche.pilot), _p(status),
                     [progress_bar(fiche.progress, width=1.6 * cm), _p(f"{fiche.progress} %")], _p(fiche.indicators_text)])
    rows, note = _capped(rows, "fiches")
    story.append(_table(["N°", "Fiche action", "Pilote", "Statut", "Avancement", "Indicateurs (cible / réalisé)"],
                        rows, [0.06, 0.25, 0.18, 0.12, 0.11, 0.28]))
    if note:
        story.append(note)
    return story


def _indicators(bilan: Bilan) -> list:
    story: list = [PageBreak(), _h1("6. Indicateurs du référentiel national")]
    story.append(_p(bilan.referential_title, "note"))
    story.append(Spacer(1, 0.2 * cm))
    not_entered = False
    for number, objective, code, title, results in bilan.functions():
        rows = []
        for result in results:
            nature = result.nature_summary
            if nature != result.nature or len(nature) > MAX_NATURE_CHARS:
                nature = _cut(nature, MAX_NATURE_CHARS) + " (liste complète dans le classeur Excel)"
            if result.value is None:
                not_entered = True
                value = _p(NOT_ENTERED, "cell_mark")
            else:
                value = str(result.value)
            rows.append([result.code, _p(result.text), result.kind_label, value, _p(nature), _p(result.comment)])
        block = [Paragraph(escape(f"{code} : {title}"), STYLES["h2"]),
                 _table(["Code", "Indicateur", "Type", "Nombre", "Nature", "Commentaire"], rows,
                        [0.08, 0.28, 0.11, 0.08, 0.3, 0.15], right=[3])]
        story.append(CondPageBreak(4 * cm))
        story += block
    if not_entered:
        story.append(Spacer(1, 0.2 * cm))
        story.append(_p(f"{NOT_ENTERED} : indicateur d'appréciation que les chargé·e·s de coopération n'ont pas "
                        "encore renseigné pour la période.", "note"))
    return story


def _cut(text: str, length: int) -> str:
    """At most about `length` characters: whole items of a list ("a ; b ; …"), else whole words."""
    if len(text) <= length:
        return text
    head = text[:length]
    if " ; " in head:
        return head.rsplit(" ; ", 1)[0] + " ; …"
    return head.rsplit(" ", 1)[0].rstrip(" ;,") + "…"


def _etp(bilan: Bilan) -> list:
    table = bilan.etp
    story: list = [CondPageBreak(6 * cm), _h1(f"7. ETP de coordination : {table.before_label} → {table.after_label}")]
    if not table.lines:
        story.append(_p("Aucun ETP de coordination renseigné.", "base"))
        return story

    def etp(value, pending: bool) -> str:
        return "En cours" if pending else ("" if value is None else decimal2(value))

    def people(value) -> str:
        return "" if value is None else str(value)

    rows = [[_p(line.name), etp(line.etp_before, line.pending_before), people(line.people_before),
             etp(line.etp_after, line.pending_after), people(line.people_after), evolution_text(line),
             _p(line.coordinators)] for line in table.lines]
    rows.append([_p("Total (somme des structures)", "cell_bold"), decimal2(table.total_before),
                 str(table.people_before), decimal2(table.total_after), str(table.people_after),
                 f"{table.evolution.arrow} {table.evolution.value}", ""])
    notes = [table.people_note]
    if any(line.pending_before or line.pending_after for line in table.lines):
        notes.append("« En cours » : ETP non encore fixé, compté 0 dans les totaux.")
    story.append(_table(["Commune / structure", f"ETP {table.year_before}", "Pers.", f"ETP {table.year_after}",
                         "Pers.", "Évolution", "Chargé·e·s de coopération"], rows,
                        [0.24, 0.1, 0.07, 0.1, 0.07, 0.14, 0.28], total_row=True, right=[1, 2, 3, 4],
                        notes=notes))
    return story


def _source(bilan: Bilan) -> list:
    who = ", ".join(bilan.authors) if bilan.authors else "l'équipe de coordination CTG"
    return [
        CondPageBreak(4 * cm), _h1("Source des données"),
        _p(bilan.source, "base"), Spacer(1, 0.2 * cm),
        _p(f"Période : {bilan.period_label}. Périmètre : {bilan.scope_label}. Données saisies par {who}. "
           f"Document produit le {short_date(bilan.produced_at)} à {bilan.produced_at:%H:%M}.", "base"),
        Spacer(1, 0.2 * cm),
        _p("Chaque nombre du tableau des indicateurs est compté à partir des réunions, décisions, alertes, "
           "expertises, suivis du plan d'action et entrées du journal d'activité enregistrés ; la colonne "
           "« Nature » dit ce qui a été compté (ici ses premiers éléments, la liste complète est dans le "
           "classeur Excel du bilan). Les indicateurs d'appréciation sont saisis par les chargé·e·s "
           "de coopération.", "base"),
    ]
