"""A cheaper form of the check PySide6 makes on every module imported after it.

PySide6 supports `from __feature__ import snake_case, true_property`. To know which modules
might use it, it hooks `import` and, for each module imported after PySide6, calls
`shibokensupport.feature._mod_uses_pyside(module)` (PYSIDE-2029): `inspect.getsource(module)`
(the encoding sniffed, the whole file decoded into lines and kept in `linecache`), then
`"PySide6" in source`. The window imports SQLAlchemy, the models, babel and the pages after
PySide6: some 300 modules, 60–110 ms of the cold start to the dashboard (bench/run), and the
files' text kept in memory for nothing.

`faster_pyside_import_check()` gives the same answer from the file's bytes
(`b"PySide6" in bytes`: the name is ASCII, and every source encoding Python accepts keeps ASCII
bytes as they are — UTF-8, Latin-1, cp1252). Anything else — no `.py` file, a file that
cannot be read — goes to PySide6's own check. If a PySide6 version no longer has this check,
nothing is changed. tests/ui/test_pyside_import_check.py compares both answers.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Callable

FEATURE_MODULE = "shibokensupport.feature"


def uses_pyside_from_bytes(module: ModuleType, fallback: Callable[[ModuleType], bool]) -> bool:
    path = getattr(module, "__file__", None)
    if isinstance(path, str) and path.endswith(".py"):
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            pass
    return fallback(module)


def faster_pyside_import_check() -> bool:
    """Install the cheaper check (once PySide6 is imported). True when it is in place."""
    feature = sys.modules.get(FEATURE_MODULE)
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None:
        return False
    if getattr(original, "from_bytes", False):
        return True

    def _mod_uses_pyside(module: ModuleType) -> bool:
        return uses_pyside_from_bytes(module, original)

    _mod_uses_pyside.from_bytes = True  # type: ignore[attr-defined]
    _mod_uses_pyside.original = original  # type: ignore[attr-defined]
    feature._mod_uses_pyside = _mod_uses_pyside  # type: ignore[union-attr]
    return True
