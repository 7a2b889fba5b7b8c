"""Whether reportlab can put an image in a PDF — checked the only sure way: by doing it.

A logo is stored once with its convention and shown on every COPIL report's cover; the PDF
writer skips an image it cannot read rather than fail the whole report. So an image is
checked when it is chosen: read with reportlab's ImageReader, then drawn on the single page
of a throwaway PDF held in memory. reportlab reads JPEG and PNG (PNG through Pillow, which
reportlab itself requires: the packaged application must carry it).
"""

from __future__ import annotations

import warnings
from io import BytesIO

from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas


class UnreadableImage(Exception):
    """reportlab cannot read or embed the image (broken file, unknown format…)."""


class ImageTooLarge(Exception):
    """The image is wider or taller than allowed (checked before decoding it)."""

    def __init__(self, width: int, height: int):
        super().__init__(f"{width} x {height}")
        self.width, self.height = width, height


def check_pdf_image(data: bytes, *, max_side: int) -> tuple[int, int]:
    """Width and height (pixels) of an image reportlab has embedded in a one-page PDF.

    Raises ImageTooLarge when a side exceeds `max_side` (read from the header, before the
    pixels are decoded) and UnreadableImage when reportlab cannot read or embed it.
    """
    # Pillow warns about odd but valid images (palette transparency…) and about very large
    # ones, which the size check below refuses anyway: none of that is the user's concern.
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        try:
            reader = ImageReader(BytesIO(data))
            width, height = reader.getSize()
        except Exception as error:  # noqa: BLE001 - whatever the reason, it cannot be read
            raise UnreadableImage(str(error)) from error
        if not width or not height:
            raise UnreadableImage("image vide")
        if width > max_side or height > max_side:
            raise ImageTooLarge(width, height)
        try:
            canvas = Canvas(BytesIO(), pagesize=(200, 100))
            scale = min(200 / width, 100 / height)
            canvas.drawImage(reader, 0, 0, width=width * scale, height=height * scale, mask="auto")
            canvas.showPage()
            canvas.save()
        except Exception as error:  # noqa: BLE001
            raise UnreadableImage(str(error)) from error
    return width, height
