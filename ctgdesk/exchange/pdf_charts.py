"""Charts of the COPIL report, drawn with reportlab.graphics (vector, no matplotlib), and the
embedded font they share with the report: DejaVu Sans renders every French character and €.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import STATE_DEFAULTS, Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.lib.fonts import addMapping

from ctgdesk.resources import resource_path

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"

BLUE = colors.HexColor("#1F4E79")
LIGHT_BLUE = colors.HexColor("#9DC3E6")
GREY = colors.HexColor("#595959")
PALETTE = [colors.HexColor(c) for c in ("#1F4E79", "#2E75B6", "#9DC3E6", "#C55A11", "#70AD47", "#FFC000",
                                        "#7030A0", "#A5A5A5", "#264478", "#9E480E")]
SERIES_COLOURS = [LIGHT_BLUE, BLUE, colors.HexColor("#C55A11"), colors.HexColor("#70AD47")]
STATUS_COLOURS = {  # fiche statuses, by value
    "a_venir": colors.HexColor("#A5A5A5"),
    "en_cours": colors.HexColor("#2E75B6"),
    "realisee": colors.HexColor("#70AD47"),
    "bloquee": colors.HexColor("#C00000"),
    "abandonnee": colors.HexColor("#7F6000"),
}

_registered = False


def register_fonts() -> None:
    """Register DejaVu Sans (regular, bold) from resources/fonts once per process."""
    global _registered
    if _registered:
        return
    pdfmetrics.registerFont(TTFont(FONT, str(resource_path("fonts", "DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(resource_path("fonts", "DejaVuSans-Bold.ttf"))))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 1, FONT_BOLD)
    # reportlab.graphics starts every drawing in Times-Roman (not embedded, no "œ"): DejaVu instead
    STATE_DEFAULTS["fontName"] = FONT
    _registered = True


def _title(drawing: Drawing, text: str, width: float, height: float) -> None:
    drawing.add(String(0, height - 12, text, fontName=FONT_BOLD, fontSize=10, fillColor=BLUE))


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Sequence[float]],
              series_names: Sequence[str] = (), width: float = 16 * cm, value_format: str = "{:g}") -> Drawing:
    """Horizontal bars, one row per label (several series side by side), values written at the end."""
    register_fonts()
    rows = max(len(labels), 1)
    bar_band = 14 if len(series) == 1 else 11 * len(series) + 4
    plot_height = rows * bar_band
    legend_height = 18 if series_names else 0
    height = plot_height + 40 + legend_height
    drawing = Drawing(width, height)
    _title(drawing, title, width, height)
    label_width = min(7 * cm, max(2.5 * cm, max((pdfmetrics.stringWidth(l, FONT, 7.5) for l in labels), default=0) + 8))
    chart = HorizontalBarChart()
    chart.x = label_width
    chart.y = 14 + legend_height
    chart.width = width - label_width - 1.2 * cm
    chart.height = plot_height
    # reportlab draws the first category, and the first series of a group, at the bottom:
    # reverse both so that the chart reads top-down like the legend
    chart.data = [list(reversed([float(v) for v in values])) for values in reversed(series)]
    chart.categoryAxis.categoryNames = list(reversed(labels))
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeColor = GREY
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    top = max((max(values, default=0) for values in chart.data), default=0)
    chart.valueAxis.valueMax = top * 1.15 if top > 0 else 1
    chart.valueAxis.strokeColor = GREY
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#D9D9D9")
    chart.valueAxis.labelTextFormat = lambda v: value_format.format(v).replace(".", ",")
    chart.barSpacing = 1
    chart.groupSpacing = 4
    chart.barLabelFormat = lambda v: value_format.format(v).replace(".", ",")
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 6.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    colours = SERIES_COLOURS if len(series) > 1 else [BLUE]
    for index in range(len(series)):
        chart.bars[index].fillColor = colours[(len(series) - 1 - index) % len(colours)]
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    if series_names:
        legend = Legend()
        legend.x = label_width
        legend.y = 8
        legend.fontName = FONT
        legend.fontSize = 7.5
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.dx = legend.dy = 7
        legend.deltax = 90
        legend.colorNamePairs = [(SERIES_COLOURS[i % len(SERIES_COLOURS)], name) for i, name in enumerate(series_names)]
        drawing.add(legend)
    return drawing


def pie_chart(title: str, parts: Sequence[tuple[str, int, colors.Color | None]], width: float = 16 * cm) -> Drawing:
    """A pie with a legend "Label : n"."""
    register_fonts()
    height = 5.2 * cm
    drawing = Drawing(width, height)
    _title(drawing, title, width, height)
    shown = [(label, value, colour) for label, value, colour in parts if value > 0]
    pie = Pie()
    pie.x, pie.y = 0.5 * cm, 0.3 * cm
    pie.width = pie.height = height - 1.2 * cm
    pie.data = [value for _, value, _ in shown] or [1]
    pie.labels = None
    pie.slices.strokeColor = colors.white
    pie.slices.strokeWidth = 1
    for index, (_, _, colour) in enumerate(shown):
        pie.slices[index].fillColor = colour or PALETTE[index % len(PALETTE)]
    if not shown:
        pie.slices[0].fillColor = colors.HexColor("#EEEEEE")
    drawing.add(pie)
    legend = Legend()
    legend.x = pie.x + pie.width + 1 * cm
    legend.y = height - 1.2 * cm
    legend.fontName = FONT
    legend.fontSize = 8
    legend.alignment = "right"
    legend.dx = legend.dy = 8
    legend.deltay = 12
    legend.colorNamePairs = [
        (colour or PALETTE[i % len(PALETTE)], f"{label} : {value}") for i, (label, value, colour) in enumerate(parts)
    ]
    drawing.add(legend)
    return drawing


def progress_bar(percent: int, width: float = 2.2 * cm, height: float = 0.28 * cm) -> Drawing:
    """A small horizontal gauge for a table cell."""
    percent = max(0, min(100, int(percent)))
    drawing = Drawing(width, height)
    drawing.add(Rect(0, 0, width, height, fillColor=colors.HexColor("#E7E6E6"), strokeColor=None))
    if percent:
        drawing.add(Rect(0, 0, width * percent / 100, height, fillColor=LIGHT_BLUE if percent < 100 else
                         STATUS_COLOURS["realisee"], strokeColor=None))
    return drawing


def as_float(value: Decimal | int | None) -> float:
    return float(value) if value is not None else 0.0
