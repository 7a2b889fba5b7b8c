"""One cold start, in its own process: prints when the first frame is painted, then exits.

    python bench/probe.py bare                      # a bare QMainWindow (the baseline)
    python bench/probe.py bare-orm                  # the same after `import sqlalchemy.orm`
    python bench/probe.py window DB                 # ctgdesk (`python -m ctgdesk --db DB`): main window shown
    python bench/probe.py dashboard DB              # ctgdesk: dashboard filled from the database

Runs as a plain script (no bench/ctgdesk import before the measured code) and prints one
line `BENCH {"frame": <time.monotonic()>, "maxrss_kb": …}`; the parent takes time.monotonic()
just before starting the process (CLOCK_MONOTONIC is system-wide), so each figure runs from
process start (interpreter start-up included) to the first frame.

"Shown": the first QEvent.Paint delivered to the QMainWindow (an event filter on that window
only), stamped once that paint pass is over (a zero timer). "Dashboard filled": the same, for the
first paint after `DashboardPage.show_board()` — which puts the figures computed by
`services.dashboard.dashboard()` (in the worker thread) into the widgets — has returned.
The line also says which heavy modules were loaded at that moment.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time

from peak_memory import peak_rss_kb  # bench/, beside this script (run as a plain script)


MODE = sys.argv[1]
if MODE == "bare-orm":
    import sqlalchemy.orm  # noqa: F401  (the baseline pays what the ORM costs)

from PySide6 import QtCore, QtWidgets  # noqa: E402  (the app imports them as well)

_state = {"data_ready": MODE != "dashboard", "reported": False, "armed": False}
TIMEOUT_S = float(os.environ.get("BENCH_PROBE_TIMEOUT", "60"))


def _report(**extra) -> None:
    if _state["reported"]:
        return
    _state["reported"] = True
    loaded = [m for m in ("sqlalchemy", "alembic", "qtawesome", "ctgdesk.models") if m in sys.modules]
    line = {"frame": time.monotonic(), "maxrss_kb": peak_rss_kb(),
            "loaded": loaded, **extra}
    sys.stdout.write("BENCH " + json.dumps(line) + "\n")
    sys.stdout.flush()
    os._exit(0)


def _finish() -> None:
    _report()


class _FirstFrame(QtCore.QObject):
    """Watches the main window only. (An application-wide event filter would make PySide build
    a Python type for every Qt-internal object an event reaches — gesture manager, style
    helpers —, 35–45 ms that a bare window never pays: measured this session.)"""

    def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
        if event.type() == QtCore.QEvent.Type.Paint and _state["data_ready"] and not _state["armed"]:
            _state["armed"] = True
            QtCore.QTimer.singleShot(0, _finish)
        return False


_filter = _FirstFrame()
_timeout = threading.Timer(TIMEOUT_S, lambda: _report(timeout=True))
_timeout.daemon = True
_timeout.start()


class _AfterImport:
    """Import hook: once module `name` is executed, `patch(module)` is called."""

    def __init__(self, name: str, patch):
        self.name, self.patch = name, patch

    def find_spec(self, fullname, path, target=None):
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        import importlib.util

        spec = importlib.util.find_spec(fullname)
        original_exec = spec.loader.exec_module

        def exec_module(module):
            original_exec(module)
            self.patch(module)

        spec.loader.exec_module = exec_module
        return spec


def _watch_main_window(module) -> None:
    """ctgdesk's MainWindow gets the filter as soon as it is built."""
    init = module.MainWindow.__init__

    def __init__(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.installEventFilter(_filter)

    module.MainWindow.__init__ = __init__


def _watch_dashboard(module) -> None:
    """Data ready once DashboardPage.show_board has put the figures into the widgets."""
    show_board = module.DashboardPage.show_board

    def filled(self, *args, **kwargs):
        result = show_board(self, *args, **kwargs)
        _state["data_ready"] = True
        _state["armed"] = False
        return result

    module.DashboardPage.show_board = filled


if MODE in ("bare", "bare-orm"):
    app = QtWidgets.QApplication(sys.argv[:1])
    window = QtWidgets.QMainWindow()
    window.setWindowTitle("bare")
    window.resize(1200, 800)
    window.installEventFilter(_filter)
    window.show()
    sys.exit(app.exec())
elif MODE in ("window", "dashboard"):
    sys.meta_path.insert(0, _AfterImport("ctgdesk.ui.main_window", _watch_main_window))
    if MODE == "dashboard":
        sys.meta_path.insert(0, _AfterImport("ctgdesk.ui.pages.dashboard", _watch_dashboard))
    import runpy

    sys.argv = ["ctgdesk", "--db", sys.argv[2], *sys.argv[3:]]
    runpy.run_module("ctgdesk", run_name="__main__", alter_sys=True)
else:
    raise SystemExit(f"unknown mode {MODE}")
