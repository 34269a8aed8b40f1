"""Facts the apps above contacts add to a person's page (the next keep-in-touch, say).

A registry, filled from the higher apps' ``AppConfig.ready()``: ``register_provider(fn)`` where
``fn(contact) -> list[Fact]`` answers in a bounded number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass
class Fact:
    label: str
    value: str
    at: datetime | None = None  # shown in a <time> element when set
    url: str = ""


_providers: list[Callable] = []


def register_provider(provider: Callable) -> None:
    if provider not in _providers:
        _providers.append(provider)


def facts_for(contact) -> list[Fact]:
    facts = []
    for provider in _providers:
        facts.extend(provider(contact))
    return facts
