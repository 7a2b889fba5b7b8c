"""Font Awesome icons (qtawesome), drawn when there is time for them.

Importing qtawesome costs 0,15–0,2 s (its qtpy layer loads every PySide6 class). At start-up
(ctgdesk.ui.app) the icons are held until the page in front is filled, then drawn at once
(`release`); the rest of the time they are drawn as asked. Measured with bench/run.
"""

from __future__ import annotations

from typing import Any, Callable

_held: list[tuple[Callable[[Any], None], str, dict, int | None]] | None = None


def icon(name: str, **options):
    """A QIcon now (loads qtawesome on first use)."""
    import qtawesome

    return qtawesome.icon(name, **options)


def set_icon(setter: Callable[[Any], None], name: str, **options) -> None:
    """`setter(QIcon)` now, or when the held icons are released."""
    _draw_or_hold(setter, name, options, None)


def set_pixmap(label, name: str, size: int = 16, **options) -> None:
    """A label's pixmap (size × size) now, or when the held icons are released."""
    _draw_or_hold(label.setPixmap, name, options, size)


def hold() -> None:
    global _held
    if _held is None:
        _held = []


def holding() -> bool:
    return _held is not None


def release() -> None:
    """Draw every icon held, and draw the next ones at once."""
    global _held
    held, _held = _held or [], None
    for setter, name, options, size in held:
        try:
            _draw(setter, name, options, size)
        except RuntimeError:  # its widget was deleted meanwhile
            pass


def _draw_or_hold(setter, name: str, options: dict, size: int | None) -> None:
    if _held is not None:
        _held.append((setter, name, options, size))
    else:
        _draw(setter, name, options, size)


def _draw(setter, name: str, options: dict, size: int | None) -> None:
    drawn = icon(name, **options)
    setter(drawn if size is None else drawn.pixmap(size, size))
