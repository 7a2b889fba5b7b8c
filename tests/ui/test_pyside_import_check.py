"""ctgdesk.ui.pyside_import_check answers as PySide6's own check does, for less."""

from __future__ import annotations

import sys
import types

import PySide6.QtCore  # noqa: F401  (loads shibokensupport.feature)
import pytest

from ctgdesk.ui.pyside_import_check import FEATURE_MODULE, faster_pyside_import_check, uses_pyside_from_bytes


def pysides_check():
    """PySide6's own `_mod_uses_pyside`, whether or not ours is installed."""
    check = sys.modules[FEATURE_MODULE]._mod_uses_pyside
    return getattr(check, "original", check)


def _module(path) -> types.ModuleType:
    module = types.ModuleType(path.stem)
    module.__file__ = str(path)
    return module


def test_same_answer_as_pyside_for_every_loaded_module():
    import sqlalchemy.orm  # noqa: F401
    import ctgdesk.ui.app  # noqa: F401

    original = pysides_check()
    modules = [m for m in list(sys.modules.values()) if isinstance(getattr(m, "__file__", None), str)]
    answers = {m.__name__: uses_pyside_from_bytes(m, original) for m in modules}
    assert answers == {m.__name__: original(m) for m in modules}
    assert answers["ctgdesk.ui.app"] is True and answers["ctgdesk.ui.main_window"] is True
    assert answers["sqlalchemy.orm"] is False and answers["ctgdesk.models"] is False
    assert len(answers) > 300


@pytest.mark.parametrize(("text", "encoding", "expected"), [
    ("from PySide6.QtCore import QObject\n", "utf-8", True),
    ("# -*- coding: latin-1 -*-\n# Réunions été\nimport PySide6\n", "latin-1", True),
    ("# -*- coding: cp1252 -*-\n# « Comité » — pas de Qt\n", "cp1252", False),
    ("", "utf-8", False),  # inspect cannot read an empty file: PySide6 says False
])
def test_same_answer_for_sources_in_any_encoding(tmp_path, text, encoding, expected):
    path = tmp_path / "some_module.py"
    path.write_bytes(text.encode(encoding))
    module = _module(path)
    assert uses_pyside_from_bytes(module, pysides_check()) is expected
    assert pysides_check()(module) is expected


def test_modules_without_a_source_file_go_to_pysides_check(tmp_path):
    asked = []

    def fallback(module):
        asked.append(module.__name__)
        return False

    assert uses_pyside_from_bytes(sys, fallback) is False  # built in
    assert uses_pyside_from_bytes(_module(tmp_path / "gone.py"), fallback) is False  # unreadable
    assert asked == ["sys", "gone"]


def test_installed_once_and_only_where_pyside_has_the_check(monkeypatch):
    feature = sys.modules[FEATURE_MODULE]
    monkeypatch.setattr(feature, "_mod_uses_pyside", pysides_check())
    assert faster_pyside_import_check() is True
    installed = feature._mod_uses_pyside
    assert installed.from_bytes and installed.original is pysides_check()
    assert faster_pyside_import_check() is True and feature._mod_uses_pyside is installed  # not wrapped twice

    monkeypatch.setitem(sys.modules, FEATURE_MODULE, types.ModuleType("feature"))  # a PySide6 without it
    assert faster_pyside_import_check() is False
    assert not hasattr(sys.modules[FEATURE_MODULE], "_mod_uses_pyside")


def test_the_application_installs_it_before_its_own_modules():
    import ctgdesk.ui.app  # noqa: F401  (installs it on import)

    assert getattr(sys.modules[FEATURE_MODULE]._mod_uses_pyside, "from_bytes", False)
