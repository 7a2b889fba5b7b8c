"""The page in front at start-up is filled before SQLAlchemy configures its mappers.

A statement naming ORM attributes makes SQLAlchemy configure every mapper first (the 70-odd
relationships: about 75 ms of the cold start to the dashboard, bench/run). The start-up path —
the referential check, the dashboard — names table columns (ctgdesk.models.base.table); the
mappers are configured in the worker thread once the dashboard is on screen.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from ctgdesk.db import open_database
from ctgdesk.services.demo import build_demo
from ctgdesk.services.referential import ensure_referential

ROOT = Path(__file__).resolve().parents[2]

START = """
import sys
from sqlalchemy.orm import mapperlib
from ctgdesk import cli
from ctgdesk.ui import app


def configured():
    return not any(registry._new_mappers for registry in mapperlib._all_registries())


finish = app._finish_start


def watch(window):  # what app._open_and_fill calls once the page in front is filled
    board = window.pages["dashboard"]
    print(f"filled: {board.isVisible()}, instances: {board.instances_model.rowCount()}, "
          f"configured: {configured()}", flush=True)
    finish(window)
    window.ctx.wait_for_loads()
    print(f"after start, configured: {configured()}", flush=True)
    app.QApplication.instance().exit(0)


app._finish_start = watch
sys.exit(cli.main(["--db", sys.argv[1]]))
"""


@pytest.fixture
def demo_db(tmp_path):
    path = tmp_path / "demo.sqlite"
    database = open_database(path)
    with database.transaction() as session:
        ensure_referential(session)
        build_demo(session, today=date.today())
    database.dispose()
    return path


def test_the_dashboard_is_filled_before_the_mappers_are_configured(demo_db, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", START, str(demo_db)], capture_output=True, text=True,
                          timeout=120, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    filled, after = done.stdout.splitlines()
    assert filled.startswith("filled: True, instances: ") and filled.endswith("configured: False")
    assert int(filled.split("instances: ")[1].split(",")[0]) > 0  # the demo's instances are on screen
    assert after == "after start, configured: True"
