"""Start-up order (bench/run measures it): the window's first frame needs Qt only; the
database, the pages and the icons come after; the migrations check skips Alembic when the
database is already at the newest schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from ctgdesk.db import open_database
from ctgdesk.db.migrate import head_revision
from ctgdesk.db.schema_head import head_from_files, is_at_head
from ctgdesk.services.referential import ensure_referential
from ctgdesk.ui import app as app_module
from ctgdesk.ui.context import UiContext
from ctgdesk.ui.main_window import MainWindow
from ctgdesk.ui.pages import PAGES

ROOT = Path(__file__).resolve().parents[2]
PROBE = ROOT / "bench" / "probe.py"


@pytest.fixture
def ready_db(tmp_path):
    path = tmp_path / "ready.sqlite"
    database = open_database(path)
    with database.transaction() as session:
        ensure_referential(session)
    database.dispose()
    return path


def test_head_is_read_from_the_version_files_as_alembic_reads_it(tmp_path):
    assert head_from_files() == head_revision()
    (tmp_path / "a.py").write_text('revision = "a"\ndown_revision = None\n')
    (tmp_path / "b.py").write_text("revision = 'b'\ndown_revision = 'a'\n")
    assert head_from_files(tmp_path) == "b"
    (tmp_path / "c.py").write_text("revision = 'c'\ndown_revision = 'a'\n")  # two heads
    assert head_from_files(tmp_path) is None
    (tmp_path / "c.py").write_text("revision = 'c'\ndown_revision = ('a', 'b')\n")  # a merge: not sure
    assert head_from_files(tmp_path) is None


def test_is_at_head_only_when_the_recorded_revision_is_the_head(tmp_path, ready_db):
    from ctgdesk.db.engine import make_engine

    empty = make_engine(tmp_path / "empty.sqlite")
    assert not is_at_head(empty)  # no alembic_version table
    empty.dispose()
    engine = make_engine(ready_db)
    assert is_at_head(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    assert not is_at_head(engine)
    engine.dispose()


def test_opening_an_up_to_date_database_does_not_load_alembic(ready_db):
    code = ("import sys; from ctgdesk.db import open_database; "
            f"open_database({str(ready_db)!r}).dispose(); print('alembic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def _probe(mode: str, db: Path, tmp_path: Path) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, str(PROBE), mode, str(db)], capture_output=True, text=True,
                          timeout=120, env=env, cwd=ROOT)
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    assert lines, done.stderr[-2000:]
    return json.loads(lines[0][len("BENCH "):])


def test_the_real_start_shows_the_window_before_the_orm_then_fills_the_dashboard(ready_db, tmp_path):
    first_frame = _probe("window", ready_db, tmp_path)
    assert not first_frame.get("timeout")
    assert first_frame["loaded"] == []  # no SQLAlchemy, Alembic, qtawesome or models before the window
    filled = _probe("dashboard", ready_db, tmp_path)
    assert not filled.get("timeout")
    assert "sqlalchemy" in filled["loaded"] and "alembic" not in filled["loaded"]
    assert "qtawesome" not in filled["loaded"]  # icons are drawn once the dashboard is filled


FIRST_FRAME = """
import sys
from ctgdesk import cli
from ctgdesk.ui import app
from ctgdesk.ui.lazy_qt import qt_namespace_built


def first_frame_done(application, window, db_path):  # what app.run_gui calls after the first frame
    import PySide6.QtWidgets

    print("Qt built" if qt_namespace_built() else "Qt not built", flush=True)
    built = "QStyle" in vars(PySide6.QtWidgets)
    application.setStyleSheet("")  # style() is then the style itself, not the style sheet's
    print(f"QStyle type built: {built}; style: {application.style().name()}")
    print(",".join(m for m in sys.argv[2:] if m in sys.modules), flush=True)
    application.exit(0)


app._open_and_fill = first_frame_done
sys.exit(cli.main(["--db", sys.argv[1]]))
"""


def test_the_first_frame_does_not_build_pysides_qt_namespace_nor_load_the_safety_code(ready_db, tmp_path):
    """PySide6 builds all of `Qt`, or its QStyle type, the first time it is touched
    (ctgdesk/ui/lazy_qt.py, ui/widgets/style.py); the lock, the checks and the backups come
    after the first frame (ctgdesk/ui/safety_menu.py)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path)}
    watched = ["ctgdesk.ui.startup_safety", "ctgdesk.db.health", "ctgdesk.db.lock", "sqlalchemy", "ctgdesk.ui.context"]
    done = subprocess.run([sys.executable, "-c", FIRST_FRAME, str(ready_db), *watched], capture_output=True,
                          text=True, timeout=120, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == ["Qt not built", "QStyle type built: False; style: fusion",
                                        "ctgdesk.ui.context"]


FILLED = """
import sys
from ctgdesk import cli
from ctgdesk.ui import app


def start_over(window):  # what app._open_and_fill calls once the page in front is filled
    print(",".join(m for m in sys.argv[2:] if m in sys.modules), flush=True)
    app.QApplication.instance().exit(0)


app._finish_start = start_over
sys.exit(cli.main(["--db", sys.argv[1]]))
"""


def test_opening_a_sound_base_loads_no_backup_code_before_the_page_is_filled(ready_db, tmp_path):
    """Backups (hashlib, OpenSSL), Alembic and the icons wait: the page in front comes first."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path)}
    watched = ["ctgdesk.db.backup", "alembic", "qtawesome", "ctgdesk.models", "ctgdesk.db.preflight"]
    done = subprocess.run([sys.executable, "-c", FILLED, str(ready_db), *watched], capture_output=True,
                          text=True, timeout=120, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ctgdesk.models,ctgdesk.db.preflight"


def test_the_lazy_qt_namespace_is_the_real_one():
    from PySide6.QtCore import Qt as real

    from ctgdesk.ui.lazy_qt import Qt as lazy, qt_namespace_built

    assert lazy.ItemDataRole.UserRole is real.ItemDataRole.UserRole
    assert lazy.FocusPolicy is real.FocusPolicy
    assert qt_namespace_built()
    with pytest.raises(AttributeError):
        lazy.NoSuchEnum  # noqa: B018


def test_the_window_built_without_qt_enums_looks_as_asked(qtbot, tmp_path):
    from PySide6.QtGui import QKeySequence

    window = MainWindow(UiContext(db=None), QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),  # type: ignore[arg-type]
                        db_path=tmp_path / "base.sqlite")
    qtbot.addWidget(window)
    assert window.toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
    assert window.toolBarArea(window.toolbar) == Qt.ToolBarArea.TopToolBarArea
    assert window.navigation.focusPolicy() == Qt.FocusPolicy.StrongFocus
    assert window.undo_action.shortcuts() == [QKeySequence(QKeySequence.StandardKey.Undo)]
    assert window.import_action.shortcut() == QKeySequence("Ctrl+I")


def test_deferred_window_gets_its_pages_then_its_icons(ready_db, qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    ctx = UiContext(db=None)  # type: ignore[arg-type]
    window = MainWindow(ctx, settings, db_path=ready_db)
    qtbot.addWidget(window)
    window.show()
    assert window.pages == {} and window.navigation.count() == 0
    assert window.windowTitle() == f"ctgdesk — {ready_db.name}"
    database = app_module.open_for_gui(ready_db)
    try:
        window.attach_database(database, front_page_only=True)
        assert list(window.pages) == ["dashboard"] and window.navigation.count() == 1
        window.load()
        assert window.current_key() == "dashboard" and "dashboard" not in window._stale
        window.attach_other_pages()
        keys = [window.navigation.item(n).data(Qt.ItemDataRole.UserRole) for n in range(window.navigation.count())]
        assert keys == [spec.key for spec in PAGES if spec.key in window.pages] and len(keys) > 3
        assert window.current_key() == "dashboard" and "dashboard" not in window._stale  # not reloaded
        assert set(keys) - {"dashboard"} <= window._stale  # the others load when first shown
        # "Coordination && ETP": a plain "&" shown, not a mnemonic under the E
        page_actions = [a.text().replace("&&", "&") for a in window.view_menu.actions()][:len(keys)]
        assert page_actions == [window.pages[k].title for k in keys]
        assert window.navigation.item(0).icon().isNull()
        window.apply_icons()
        assert not window.navigation.item(0).icon().isNull() and not window.windowIcon().isNull()
    finally:
        window.close()
        database.dispose()


def test_a_database_that_cannot_open_is_said_in_french(tmp_path, qtbot, monkeypatch):
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("ceci n'est pas une base")
    said, exits = [], []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: said.append(text))
    application = app_module.create_application([])
    monkeypatch.setattr(application, "exit", lambda code=0: exits.append(code))
    window = MainWindow(UiContext(db=None), QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),  # type: ignore[arg-type]
                        db_path=bogus)
    qtbot.addWidget(window)
    app_module._open_and_fill(application, window, bogus)
    assert exits == [1] and said and said[0].startswith(f"Le fichier « {bogus} » n'est pas une base de données ctgdesk")
    assert window.pages == {}


def test_the_page_in_front_is_painted_once_filled_not_empty_before(ready_db, qtbot, tmp_path, monkeypatch):
    """While its data loads (in the worker), the empty front page is not painted: that paint
    only delayed the worker (bench/run); the filled page is painted at once."""
    from PySide6.QtCore import QEvent, QObject

    monkeypatch.setattr(app_module, "_finish_start", lambda window: None)  # no other pages, no backup
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    ctx = UiContext(db=None, background_loads=True)  # type: ignore[arg-type]
    window = MainWindow(ctx, settings, db_path=ready_db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    painted_boards: list[object] = []

    class PaintWatch(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt name)
            if event.type() == QEvent.Type.Paint:
                painted_boards.append(window.pages["dashboard"].board)
            return False

    watch = PaintWatch()
    real_attach = window.attach_database

    def attach_and_watch(database, **kwargs):
        real_attach(database, **kwargs)
        window.pages["dashboard"].header.installEventFilter(watch)  # the page has no paint of its own

    monkeypatch.setattr(window, "attach_database", attach_and_watch)
    app_module._open_and_fill(app_module.QApplication.instance(), window, ready_db)
    try:
        qtbot.waitUntil(lambda: window.pages["dashboard"].board is not None and bool(painted_boards), timeout=10_000)
        assert window.stack.updatesEnabled()
        assert painted_boards and None not in painted_boards  # never painted empty
        assert painted_boards[0] is window.pages["dashboard"].board
    finally:
        window.ctx.wait_for_loads()
        window.close()
        if ctx.db is not None:
            ctx.db.dispose()
