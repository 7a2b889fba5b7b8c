"""What the window needs before it shows must not load SQLAlchemy or Alembic (bench/run measures
the cold start; these keep the cheap path cheap)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ctgdesk import cli

CHECK = """
import sys
from ctgdesk import cli
gui = cli._gui_arguments({argv!r})
assert gui is not None
cli.db_path(gui[0])
import ctgdesk.db, ctgdesk.ui.context
heavy = sorted(m for m in ("sqlalchemy", "alembic", "ctgdesk.models", "ctgdesk.commands.basics") if m in sys.modules)
print(",".join(heavy))
"""


@pytest.mark.parametrize("argv", [[], ["--db", "x.sqlite"], ["--db=x.sqlite", "-reverse"]])
def test_the_gui_path_loads_no_orm_and_no_command(argv):
    done = subprocess.run([sys.executable, "-c", CHECK.format(argv=argv)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


@pytest.mark.parametrize("argv", [["info"], ["--db", "x.sqlite", "check"], ["--help"], ["-h"]])
def test_a_command_or_help_goes_to_the_full_parser(argv):
    assert cli._gui_arguments(argv) is None


def test_the_database_is_opened_lazily_but_fully(tmp_path):
    from ctgdesk.db import Database, head_revision, open_database, transaction

    database = open_database(tmp_path / "lazy.sqlite")
    try:
        assert isinstance(database, Database) and callable(transaction)
        assert database.schema_revision() == head_revision()
    finally:
        database.dispose()
