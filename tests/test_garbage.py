"""ctgdesk runs Python's garbage collector less often on young objects (ctgdesk.garbage)."""

from __future__ import annotations

import gc

import pytest

from ctgdesk import cli
from ctgdesk.garbage import YOUNG_OBJECTS_PER_SCAN, collect_less_often


@pytest.fixture
def threshold():
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # Python's default
    yield
    gc.set_threshold(*saved)


def test_young_objects_are_scanned_less_often_the_rest_as_python_does(threshold):
    collect_less_often()
    assert gc.get_threshold() == (YOUNG_OBJECTS_PER_SCAN, 10, 10) == (10_000, 10, 10)
    assert gc.isenabled()


def test_every_command_and_the_window_start_with_it(threshold, capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])  # main() sets it before anything else
    assert "ctgdesk" in capsys.readouterr().out
    assert gc.get_threshold()[0] == YOUNG_OBJECTS_PER_SCAN
