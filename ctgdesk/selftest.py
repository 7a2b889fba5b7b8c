"""`ctgdesk --self-test`: proves, without a screen, that an installed ctgdesk works.

Each step is a small function run in order over a temporary folder that is removed
afterwards; a failing step is reported by its French name and the next steps still run, so
one run tells everything that is wrong. Nothing the user owns is touched: the database is
a new one in the temporary folder.

The pieces written elsewhere (main window, bilan, exports) are imported lazily through
`load()`: a piece that is absent — not delivered yet, or left out of an installer bundle —
gives a failed step that names the missing module, never a traceback.
"""

from __future__ import annotations

import importlib
import io
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO

# The pieces the self-test drives, in one place: (module, attribute).
MAIN_WINDOW = ("ctgdesk.ui.main_window", "MainWindow")
COMPUTE_BILAN = ("ctgdesk.services.bilan", "compute_bilan")
WRITE_BILAN_XLSX = ("ctgdesk.exchange.bilan_xlsx", "write_bilan_xlsx")
WRITE_BILAN_PDF = ("ctgdesk.exchange.bilan_pdf", "write_bilan_pdf")


class StepFailed(Exception):
    """A step did not pass; the message (French) says why."""


@dataclass
class StepResult:
    name: str
    ok: bool
    detail: str = ""


@dataclass
class SelfTestContext:
    """What the steps hand to each other."""

    workdir: Path
    database: Any = None  # ctgdesk.db.Database
    app: Any = None  # QApplication
    window: Any = None  # the main window, once built
    bilan: Any = None  # what compute_bilan returned


def load(module: str, attribute: str) -> Any:
    """Import `module` and return its `attribute`; a missing piece raises StepFailed."""
    try:
        loaded = importlib.import_module(module)
    except ModuleNotFoundError as error:
        missing = error.name or "?"
        if module == missing or module.startswith(missing + "."):
            raise StepFailed(f"module manquant : {module}") from None
        raise StepFailed(f"module manquant : {missing} (nécessaire à {module})") from None
    try:
        return getattr(loaded, attribute)
    except AttributeError:
        raise StepFailed(f"{module} ne fournit pas « {attribute} »") from None


def check_file(path: Path, label: str, starts_with: bytes = b"") -> None:
    if not path.is_file():
        raise StepFailed(f"le fichier {label} n'a pas été écrit ({path.name})")
    if path.stat().st_size == 0:
        raise StepFailed(f"le fichier {label} est vide ({path.name})")
    if starts_with and not path.read_bytes().startswith(starts_with):
        raise StepFailed(f"le fichier {label} n'a pas le bon format ({path.name})")


# --- The steps ------------------------------------------------------------------------


def step_resources(ctx: SelfTestContext) -> str:
    from ctgdesk.resources import resource_path

    referential = resource_path("referential", "national.toml")
    if not referential.is_file():
        raise StepFailed(f"référentiel national introuvable : {referential}")
    return str(referential.parent.parent)


def step_database(ctx: SelfTestContext) -> str:
    from ctgdesk.db import open_database

    ctx.database = open_database(ctx.workdir / "autotest.sqlite", migrate=False)
    with ctx.database.engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    if str(mode).lower() != "wal":
        raise StepFailed(f"mode de journal inattendu : {mode}")
    return ctx.database.path.name


def step_migrations(ctx: SelfTestContext) -> str:
    from ctgdesk.db.migrate import head_revision, upgrade

    if ctx.database is None:
        raise StepFailed("pas de base (étape précédente en échec)")
    upgrade(ctx.database.engine)
    current, head = ctx.database.schema_revision(), head_revision()
    if current != head:
        raise StepFailed(f"schéma en version {current}, attendue {head}")
    return f"schéma {head}"


def step_babel_french(ctx: SelfTestContext) -> str:
    from babel.dates import format_date
    from babel.numbers import format_decimal

    text = format_date(date(2025, 7, 14), format="long", locale="fr_FR")
    if text != "14 juillet 2025":
        raise StepFailed(f"date mal formatée en français : {text!r}")
    return f"{text}, {format_decimal(1234.5, locale='fr_FR')}"


def step_commands(ctx: SelfTestContext) -> str:
    from ctgdesk.cli import COMMAND_MODULES

    missing = []
    for name in COMMAND_MODULES:
        try:
            load(name, "register")
        except StepFailed as error:
            missing.append(str(error))
    if missing:
        raise StepFailed(" ; ".join(missing))
    return f"{len(COMMAND_MODULES)} module(s)"


def step_qt(ctx: SelfTestContext) -> str:
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QLibraryInfo, Qt, QTranslator
    from PySide6.QtWidgets import QApplication, QMainWindow

    ctx.app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "ctgdesk"])
    translations = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not QTranslator().load("qtbase_fr", translations):
        raise StepFailed(f"traduction française de Qt introuvable (qtbase_fr.qm dans {translations})")
    placeholder = QMainWindow()
    placeholder.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    placeholder.show()
    ctx.app.processEvents()
    visible = placeholder.isVisible()
    placeholder.close()
    placeholder.deleteLater()
    if not visible:
        raise StepFailed("une fenêtre Qt ne s'ouvre pas")
    return f"plateforme {ctx.app.platformName()}"


def step_icons(ctx: SelfTestContext) -> str:
    if ctx.app is None:
        raise StepFailed("pas d'application Qt (étape précédente en échec)")
    import qtawesome
    from PySide6.QtGui import QIcon

    from ctgdesk.resources import resource_path

    app_icon = QIcon(str(resource_path("icons", "ctgdesk-256.png")))
    if app_icon.isNull():
        raise StepFailed("icône de l'application introuvable (resources/icons)")
    if qtawesome.icon("fa5s.users").pixmap(32, 32).isNull():
        raise StepFailed("les polices d'icônes de qtawesome ne se chargent pas")
    return "application et qtawesome"


def step_main_window(ctx: SelfTestContext) -> str:
    from PySide6.QtCore import Qt

    main_window = load(*MAIN_WINDOW)
    if ctx.app is None or ctx.database is None:
        raise StepFailed("pas d'application Qt ou pas de base (étape précédente en échec)")
    ctx.window = open_main_window(main_window, ctx)
    ctx.window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    ctx.window.show()
    ctx.app.processEvents()
    if not ctx.window.isVisible():
        raise StepFailed("la fenêtre principale ne s'ouvre pas")
    return ctx.window.windowTitle()


def step_bilan(ctx: SelfTestContext) -> str:
    compute_bilan = load(*COMPUTE_BILAN)
    if ctx.database is None:
        raise StepFailed("pas de base (étape précédente en échec)")
    ctx.bilan = make_bilan(compute_bilan, ctx)
    if ctx.bilan is None:
        raise StepFailed("le bilan calculé est vide")
    return type(ctx.bilan).__name__


def export_bilan(ctx: SelfTestContext, writer: tuple[str, str], filename: str, label: str,
                 magic: bytes) -> str:
    write = load(*writer)
    if ctx.bilan is None:
        raise StepFailed("pas de bilan à exporter (étape « bilan » en échec)")
    path = ctx.workdir / filename
    write(ctx.bilan, path)
    check_file(path, label, starts_with=magic)
    return f"{path.stat().st_size} octets"


def step_xlsx(ctx: SelfTestContext) -> str:
    return export_bilan(ctx, WRITE_BILAN_XLSX, "bilan.xlsx", "Excel", magic=b"PK")


def step_pdf(ctx: SelfTestContext) -> str:
    return export_bilan(ctx, WRITE_BILAN_PDF, "bilan.pdf", "PDF", magic=b"%PDF")


# --- Hooks: how the self-test calls the pieces written elsewhere -----------------------
# Adjust these two when the real signatures land; the steps around them need not change.


def open_main_window(main_window_class: Callable[..., Any], ctx: SelfTestContext) -> Any:
    from ctgdesk.ui.context import UiContext

    window = main_window_class(UiContext(db=ctx.database))
    if hasattr(window, "load"):  # the real window: load the page in front too
        window.load()
    return window


def make_bilan(compute_bilan: Callable[..., Any], ctx: SelfTestContext) -> Any:
    with ctx.database.transaction() as session:
        return compute_bilan(session, date.today().year)


STEPS: list[tuple[str, Callable[[SelfTestContext], str]]] = [
    ("ressources de l'application", step_resources),
    ("base de données temporaire", step_database),
    ("migrations du schéma", step_migrations),
    ("formats français (babel)", step_babel_french),
    ("commandes", step_commands),
    ("Qt hors écran et traduction française", step_qt),
    ("icônes", step_icons),
    ("fenêtre principale", step_main_window),
    ("bilan", step_bilan),
    ("export Excel du bilan", step_xlsx),
    ("export PDF du bilan", step_pdf),
]


def run_steps(ctx: SelfTestContext) -> list[StepResult]:
    results = []
    for name, step in STEPS:
        try:
            detail = step(ctx)
        except StepFailed as failure:
            results.append(StepResult(name, False, str(failure)))
        except Exception as error:  # a real bug: say what, in one line, and go on
            results.append(StepResult(name, False, f"erreur inattendue : {type(error).__name__} : {error}"))
        else:
            results.append(StepResult(name, True, detail or ""))
    return results


def _close(ctx: SelfTestContext) -> None:
    if ctx.window is not None:
        ctx.window.close()
        ctx.window.deleteLater()
    if ctx.database is not None:
        ctx.database.dispose()  # Windows cannot delete an open SQLite file


def report(results: list[StepResult], out: TextIO) -> int:
    for result in results:
        mark = "OK   " if result.ok else "ÉCHEC"
        line = f"  [{mark}] {result.name}"
        print(f"{line} : {result.detail}" if result.detail else line, file=out)
    failed = [r.name for r in results if not r.ok]
    if failed:
        print(
            f"Auto-test en échec : {len(failed)} étape(s) sur {len(results)} — {', '.join(failed)}.",
            file=out,
        )
        return 1
    print(f"Auto-test réussi : {len(results)} étapes sur {len(results)}.", file=out)
    return 0


def run_self_test(out: TextIO | None = None) -> int:
    """Run every step; 0 when all pass, 1 otherwise (each failure named, in French)."""
    from ctgdesk import __version__

    # A windowed Windows build has no console: sys.stdout is None there.
    out = out or sys.stdout or io.StringIO()
    if out is sys.stdout and hasattr(out, "reconfigure"):
        out.reconfigure(errors="replace")  # a cp1252 pipe on Windows lacks some French spaces
    print(f"Auto-test de ctgdesk {__version__}", file=out)
    with tempfile.TemporaryDirectory(prefix="ctgdesk-autotest-", ignore_cleanup_errors=True) as tmp:
        ctx = SelfTestContext(workdir=Path(tmp))
        try:
            results = run_steps(ctx)
        finally:
            _close(ctx)
    return report(results, out)
