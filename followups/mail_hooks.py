"""Footers that apps above follow-ups add to the emails it sends (the privacy notice).

An app registers a provider in its ``AppConfig.ready()``. A provider has
``footer_for(contact) -> str`` ("" for none), asked before the email is built, and
``mark_sent(contact)``, called only once the SMTP server has accepted the email.
"""

from typing import Protocol

from contacts.models import Contact


class FooterProvider(Protocol):
    def footer_for(self, contact: Contact) -> str: ...

    def mark_sent(self, contact: Contact) -> None: ...


_providers: list[FooterProvider] = []


def register_footer(provider: FooterProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def footers_for(contact: Contact) -> list[tuple[FooterProvider, str]]:
    """(provider, text) for each provider that has a footer for this email."""
    found = [(provider, provider.footer_for(contact)) for provider in _providers]
    return [(provider, text) for provider, text in found if text]


def footers_mark_sent(footers: list[tuple[FooterProvider, str]], contact: Contact) -> None:
    for provider, _text in footers:
        provider.mark_sent(contact)
