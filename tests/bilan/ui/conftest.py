"""The UI fixtures of tests/ui (a UiContext over the demo territory, settings in a file, no
unanswered message box), for the Bilans page tests."""

import pytest

from tests.ui.conftest import (  # noqa: F401 - fixtures re-exported for pytest
    accept_questions,
    demo_ctx,
    forgotten_message_boxes,
    settings,
    warnings_shown,
)


def pytest_collection_modifyitems(items):
    """As in tests/ui: the offscreen platform's warning about window-manager size hints says
    nothing about the application."""
    marker = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
    for item in items:
        if "tests/bilan/ui/" in item.nodeid.replace("\\", "/"):
            item.add_marker(marker)
