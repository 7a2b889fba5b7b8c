"""`Qt` (PySide6's namespace of enums) for the modules the first frame needs, built on first use.

PySide6 builds the whole `Qt` namespace — hundreds of enums — the first time anything
touches it: about 20 ms, a tenth of the cold start to the window (bench/run, against a bare
QMainWindow that never touches it). Nothing the first frame shows needs it, so
ctgdesk.ui.main_window takes its `Qt` from here: `Qt.ItemDataRole.UserRole` works as with the
real one, and costs the build only when first used (once the database is open).

Some PySide6 calls build it too, while resolving their overloads: `QAction.setShortcut(…)`
does, `QAction.setShortcuts([…])` does not. tests/bench/test_startup_window.py checks that
the first frame leaves it unbuilt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any


class _LazyQt:
    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        from PySide6.QtCore import Qt as real

        return getattr(real, name)

    def __repr__(self) -> str:
        return "<PySide6.QtCore.Qt, built on first use>"


if TYPE_CHECKING:
    from PySide6.QtCore import Qt
else:
    Qt = _LazyQt()


def qt_namespace_built() -> bool:
    """Whether PySide6 has built its `Qt` namespace in this process (for the start-up tests)."""
    import PySide6.QtCore

    return "Qt" in vars(PySide6.QtCore)
