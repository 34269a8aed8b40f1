"""Sections that apps above accounts add to the Account settings page.

An app registers ``section(request) -> str`` (rendered HTML) in its AppConfig.ready(); the
page shows them in order, below its own form.
"""

_sections = []


def register(section) -> None:
    if section not in _sections:
        _sections.append(section)


def render_all(request) -> list[str]:
    return [section(request) for section in _sections]
