"""Loaded with ``-p`` (pytest.ini), so it runs before pytest-django reads the settings.

The root conftest.py is read only after pytest-django has set Django up, too late to start the
private PostgreSQL that the settings name when DATABASE_URL is not set.
"""

import pytest

from infoview import local


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    local.prepare()
