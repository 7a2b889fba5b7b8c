"""Draws ctgdesk's icon with QPainter and writes every file the installers need.

    QT_QPA_PLATFORM=offscreen python installers/make_icons.py [resources/icons]

The drawing: a "bleu France" rounded square; on it the Hexagone (France's familiar
six-sided outline) holding three communes linked to a red centre — partners cooperating
around the CAF, which is what a Convention Territoriale Globale is; under it the letters
CTG, drawn as strokes (no font, so the result is the same on every machine). Below 64 px
the letters would be a smudge: the small sizes show the Hexagone alone, drawn bigger.

Writes ctgdesk-<N>.png (16…512, also the Linux hicolor set), ctgdesk.ico (Windows,
PNG-compressed entries 16…256) and ctgdesk.icns (macOS, PNG entries 16…1024).
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)

PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512]
ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]
# ICNS element types holding PNG data, by pixel size (the @2x types share sizes).
ICNS_TYPES = [
    (b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256),
    (b"ic09", 512), (b"ic10", 1024), (b"ic11", 32), (b"ic12", 64), (b"ic13", 256),
    (b"ic14", 512),
]
WITH_LETTERS_FROM = 64

BLUE_LIGHT = QColor("#2a4bd0")
BLUE_FRANCE = QColor("#000091")
RED_MARIANNE = QColor("#e1000f")
WHITE = QColor("#ffffff")

# The Hexagone, in a unit box: Dunkerque, Alsace, Nice, Perpignan, Biarritz, Brest.
HEXAGONE = [(0.56, 0.0), (1.0, 0.24), (0.94, 0.74), (0.6, 1.0), (0.12, 0.9), (0.0, 0.3)]
COMMUNES = [(0.45, 0.22), (0.78, 0.5), (0.3, 0.7)]
CENTRE = (0.52, 0.52)


def _in_box(box: QRectF, point: tuple[float, float]) -> QPointF:
    return QPointF(box.left() + point[0] * box.width(), box.top() + point[1] * box.height())


def _draw_network(painter: QPainter, box: QRectF, unit: float) -> None:
    outline = QPolygonF([_in_box(box, p) for p in HEXAGONE])
    painter.setPen(QPen(WHITE, 14 * unit, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                        Qt.PenJoinStyle.RoundJoin))
    painter.setBrush(QColor(255, 255, 255, 40))
    painter.drawPolygon(outline)

    centre = _in_box(box, CENTRE)
    painter.setPen(QPen(WHITE, 9 * unit, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    for commune in COMMUNES:
        painter.drawLine(centre, _in_box(box, commune))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(WHITE)
    for commune in COMMUNES:
        painter.drawEllipse(_in_box(box, commune), 24 * unit, 24 * unit)
    painter.setBrush(RED_MARIANNE)
    painter.setPen(QPen(WHITE, 7 * unit))
    painter.drawEllipse(centre, 33 * unit, 33 * unit)


def _draw_letters(painter: QPainter, top: float, height: float, stroke: float) -> None:
    """C, T and G as strokes, centred horizontally on the 512 canvas."""
    width, gap = height * 0.86, height * 0.3
    left = (512 - (3 * width + 2 * gap)) / 2
    half = stroke / 2
    painter.setPen(QPen(WHITE, stroke, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap,
                        Qt.PenJoinStyle.MiterJoin))
    painter.setBrush(Qt.BrushStyle.NoBrush)

    c_box = QRectF(left + half, top + half, width - stroke, height - stroke)
    c = QPainterPath()
    c.arcMoveTo(c_box, 45)
    c.arcTo(c_box, 45, 270)
    painter.drawPath(c)

    t_left = left + width + gap
    t = QPainterPath()
    t.moveTo(t_left, top + half)
    t.lineTo(t_left + width, top + half)
    t.moveTo(t_left + width / 2, top + half)
    t.lineTo(t_left + width / 2, top + height)
    painter.drawPath(t)

    g_left = left + 2 * (width + gap)
    g_box = QRectF(g_left + half, top + half, width - stroke, height - stroke)
    g = QPainterPath()
    g.arcMoveTo(g_box, 45)
    g.arcTo(g_box, 45, 315)
    g.lineTo(g_box.center().x() + stroke * 0.2, g_box.center().y())
    painter.drawPath(g)


def draw_icon(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / 512, size / 512)  # draw on a 512 × 512 canvas

    small = size < WITH_LETTERS_FROM
    margin = 8 if small else 24
    background = QRectF(margin, margin, 512 - 2 * margin, 512 - 2 * margin)
    gradient = QLinearGradient(background.topLeft(), background.bottomRight())
    gradient.setColorAt(0, BLUE_LIGHT)
    gradient.setColorAt(1, BLUE_FRANCE)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(gradient))
    painter.drawRoundedRect(background, 96, 96)

    if small:  # strokes thicker, so they survive 16 px
        _draw_network(painter, QRectF(72, 72, 368, 368), unit=1.9)
    else:
        _draw_network(painter, QRectF(112, 58, 288, 272), unit=1.0)
        _draw_letters(painter, top=364, height=92, stroke=22)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("PNG encoding failed")
    return bytes(buffer.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """Windows .ico: an ICONDIR, one ICONDIRENTRY per size, then the PNG data."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, data in sorted(pngs.items()):
        side = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        blobs += data
        offset += len(data)
    return header + entries + blobs


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """macOS .icns: 'icns' + total length, then (type, length, PNG data) elements."""
    body = b"".join(kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
                    for kind, size in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_icons(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    sizes = sorted(set(PNG_SIZES) | set(ICO_SIZES) | {size for _, size in ICNS_TYPES})
    pngs = {size: png_bytes(draw_icon(size)) for size in sizes}
    written = []
    for size in PNG_SIZES:
        path = folder / f"ctgdesk-{size}.png"
        path.write_bytes(pngs[size])
        written.append(path)
    for name, data in (
        ("ctgdesk.ico", ico_bytes({s: pngs[s] for s in ICO_SIZES})),
        ("ctgdesk.icns", icns_bytes(pngs)),
    ):
        (folder / name).write_bytes(data)
        written.append(folder / name)
    return written


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "resources" / "icons"
    app = QGuiApplication.instance() or QGuiApplication(argv[:1])  # noqa: F841 — QPainter on QImage wants one
    for path in write_icons(folder):
        print(f"{path} ({path.stat().st_size} octets)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
