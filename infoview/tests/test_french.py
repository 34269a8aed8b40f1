"""Infoview in French, complete: the catalogue, every page, the emails and the exports.

The page walk uses Django's test client (no browser): it logs in as each demo user, with French
chosen in their account settings, follows same-site links breadth-first (one page per route,
as infoview/testing/crawl.py does in Chromium) and looks, in each page's visible text, for the
English of any catalogue entry. User data (the demo's English names, notes and templates) is
taken out of the text first: only the interface has to be French.
"""

import html
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import polib
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.utils import timezone, translation

from accounts.models import User
from infoview import messages
from infoview.demo_logins import DEMO_PEOPLE
from infoview.testing.crawl import _wanted, route_of
from interviews.markup import markdown_to_text

PO = Path(messages.LOCALE_DIR) / "fr" / "LC_MESSAGES" / "django.po"
OUR_APPS = {"accounts", "contacts", "interviews", "followups", "reports", "privacy"}
# Placeholders and markup split a message into the literal runs a reader sees.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}|\{%.*?%\}|<[^>]+>")
# Attributes whose text a person reads or hears.
VISIBLE_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "data-confirm", "data-none"}


# --- the catalogue ---------------------------------------------------------------------------


def test_the_french_catalogue_has_no_untranslated_or_fuzzy_entry():
    catalogue = polib.pofile(str(PO))
    assert len(catalogue) > 500
    assert messages.problems(PO) == []
    assert catalogue.metadata["Language"] == "fr"


def test_the_french_catalogue_keeps_every_placeholder():
    """A translation that drops or renames %(name)s or {{ x }} breaks at run time."""
    catalogue = polib.pofile(str(PO))
    wrong = []
    for entry in catalogue.translated_entries():
        pairs = [(entry.msgid, entry.msgstr)]
        if entry.msgid_plural:
            pairs = [(entry.msgid, entry.msgstr_plural[0])] + [
                (entry.msgid_plural, text) for index, text in entry.msgstr_plural.items() if index
            ]
        for source, translation_ in pairs:
            wanted = set(re.findall(r"%\(\w+\)[sd]", source))
            found = set(re.findall(r"%\(\w+\)[sd]", translation_))
            # A singular may spell out its one ("in a minute") rather than print the count.
            if found != wanted and not (entry.msgid_plural and found < wanted):
                wrong.append((source, translation_))
            if "{{" in source or "{%" in source:
                names = set(re.findall(r"\{\{\s*(\w+)", source))
                if names - set(re.findall(r"\{\{\s*(\w+)", translation_)):
                    wrong.append((source, translation_))
    assert wrong == []


def test_the_compiled_catalogue_is_the_one_in_use():
    messages.compile_stale()
    with translation.override("fr"):
        assert translation.gettext("Account settings") == "Réglages du compte"
        one, many = "You met %(n)s person in this period.", "You met %(n)s people in this period."
        assert translation.ngettext(one, many, 1) == (
            "Vous avez rencontré %(n)s personne sur cette période."
        )
        assert translation.ngettext(one, many, 4) == (
            "Vous avez rencontré %(n)s personnes sur cette période."
        )


# --- every page --------------------------------------------------------------------------------


def _english_fragments() -> list[tuple[str, re.Pattern]]:
    """The English runs of text of every entry whose French differs, as word-bounded patterns."""
    catalogue = polib.pofile(str(PO))
    fragments = {}
    # Every entry, translated or not: one left empty shows its English, and that is what to find.
    for entry in catalogue:
        if entry.obsolete:
            continue
        sources = [(entry.msgid, entry.msgstr)]
        if entry.msgid_plural:
            plural = entry.msgstr_plural or {0: ""}
            sources = [
                (entry.msgid, plural.get(0, "")),
                (entry.msgid_plural, plural[max(plural)]),
            ]
        for source, french in sources:
            if source == french:
                continue
            for run in PLACEHOLDER.split(html.unescape(source)):
                run = " ".join(run.split()).strip(" .,:;·()")
                # Short runs ("by", "of") and runs that read the same in French prove nothing.
                if len(run) < 4 or not re.search(r"[A-Za-z]{3}", run) or run in french:
                    continue
                fragments[run] = re.compile(r"(?<![\w-])" + re.escape(run) + r"(?![\w-])")
    return sorted(fragments.items())


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.images: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"script", "style", "template"}:
            self._hidden += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])
        for name, value in attrs.items():
            if value and name in VISIBLE_ATTRIBUTES:
                self.parts.append(value)
        if tag == "input" and attrs.get("type") in {"submit", "button", "reset"}:
            self.parts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"} and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def _visible(content: str) -> _VisibleText:
    parser = _VisibleText()
    parser.feed(content)
    return parser


def _user_data() -> list[str]:
    """Every text the demo users typed or imported: it stays in the language they wrote it in."""
    values = set()
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            for value in row:
                if not isinstance(value, str):
                    continue
                # Stored email templates show up filled in: their literal runs are theirs too.
                # Notes are Markdown, shown rendered or as plain text (excerpts, the home page).
                plain = markdown_to_text(value)
                for line in [*value.splitlines(), *PLACEHOLDER.split(value), *plain.splitlines()]:
                    line = " ".join(line.split())
                    if len(line) >= 4:
                        values.add(line)
    return sorted(values, key=len, reverse=True)


def _without_user_data(text: str, user_data: list[str]) -> str:
    text = " ".join(text.split())
    for value in user_data:
        if value in text:
            text = text.replace(value, " ¦ ")
    return text


def _walk(client, start: list[str], limit: int = 150) -> dict[str, str]:
    """Visible text of one page per route reachable from ``start``, by URL."""
    queue, seen, pages = list(start), set(), {}
    while queue and len(pages) < limit:
        path = queue.pop(0)
        route = route_of(urlsplit(path).path)
        if route is None or route in seen or not _wanted(path):
            continue
        seen.add(route)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parsed = _visible(response.content.decode())
        pages[path] = " ".join(parsed.parts)
        for src in parsed.images:
            if src.startswith("/") and "chart.svg" in src:
                # Charts are pages too: their titles, legends and axes are read.
                chart = client.get(src)
                if chart.status_code == 200:
                    pages[src] = " ".join(_visible(chart.content.decode()).parts)
        for href in parsed.links:
            href, _fragment = urldefrag(html.unescape(href))
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith("/"):
                continue
            if route_of(parts.path) not in seen:
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pages


def _english_in(pages: dict[str, str], user_data: list[str]) -> list[str]:
    fragments = _english_fragments()
    found = []
    for url, text in pages.items():
        text = _without_user_data(text, user_data)
        for run, pattern in fragments:
            if pattern.search(text):
                found.append(f"{url}: {run!r}")
    return found


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def test_every_page_reads_in_french_for_each_demo_user(client, demo):
    User.objects.filter(email__in=[p[0] for p in DEMO_PEOPLE.values()]).update(language="fr")
    user_data = _user_data()
    problems, routes = [], {}
    anonymous = _walk(
        client, ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
    )
    # Nobody logged in: the browser's Accept-Language decides.
    assert anonymous
    problems += _english_in(anonymous, user_data)
    for role in ["candidate", "admin", "recruiter1"]:
        client.force_login(User.objects.get(email=DEMO_PEOPLE[role][0]))
        pages = _walk(client, ["/", "/help/", "/accounts/settings/"])
        routes[role] = pages
        problems += _english_in(pages, user_data)
        client.logout()
    for role, pages in routes.items():
        assert len(pages) >= 15, (role, sorted(pages))
    assert any("chart.svg" in url for url in routes["admin"]), "the charts were not reached"
    assert not problems, "English left on French pages:\n" + "\n".join(sorted(set(problems)))


@pytest.fixture
def client(client):
    """The browser of a French speaker: Accept-Language says so on every request."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    return client


def test_the_walk_would_see_english_left_on_a_page(client, alice):
    """The check itself: an English user's pages are full of catalogue text."""
    alice.language = "en-gb"
    alice.save(update_fields=["language"])
    client.force_login(alice)
    pages = _walk(client, ["/accounts/settings/"], limit=1)
    assert any("'Account settings'" in line for line in _english_in(pages, []))


# --- choosing the language ---------------------------------------------------------------------


def test_the_browser_language_decides_until_the_user_chooses(client, alice):
    client.force_login(alice)
    assert "Réglages du compte" in client.get("/accounts/settings/").content.decode()
    assert client.get("/accounts/settings/").headers["Content-Language"] == "fr"

    response = client.post(
        "/accounts/settings/",
        {
            "name": alice.name,
            "language": "en-gb",
            "time_zone": alice.time_zone,
            "reminder_preference": alice.reminder_preference,
            "color_mode": "auto",
        },
        follow=True,
    )
    page = response.content.decode()
    assert 'lang="en-gb"' in page
    assert "Your settings are saved." in page
    alice.refresh_from_db()
    assert alice.language == "en-gb"


def test_a_logged_out_visitor_gets_the_site_default_without_accept_language(db):
    from django.test import Client

    page = Client().get("/accounts/login/").content.decode()
    assert 'lang="en-gb"' in page
    assert "Log in to Infoview" in page


# --- emails and exports --------------------------------------------------------------------


@pytest.mark.usefixtures("frozen_clock")
def test_a_french_user_gets_their_reminder_email_in_french(smtp_server, alice, workspace_a):
    from followups import reminders, services
    from followups.tests.factories import ContactFactory, InterviewFactory

    alice.language = "fr"
    alice.save(update_fields=["language"])
    contact = ContactFactory(workspace=workspace_a, owner=alice, first_name="Ada")
    interview = InterviewFactory(
        contact=contact,
        owner=alice,
        status="completed",
        completed_at=timezone.now() - timedelta(hours=25),
    )
    services.followup_open_thank_you(interview=interview)
    # Sent from the worker, where nothing but the user's setting says which language.
    with translation.override("en-gb"):
        assert reminders.reminders_deliver(reminder_ids=reminders.reminders_claim_due()) == 1

    [message] = smtp_server.messages
    assert message["Subject"] == f"Il est temps de remercier {contact.full_name}"
    text = message.get_body(("plain",)).get_content()
    assert "Bonjour Alice," in text
    assert "Le rédiger dans Infoview" in text
    assert "Draft it" not in text


@pytest.mark.usefixtures("frozen_clock")
def test_an_english_user_still_gets_english(smtp_server, alice, workspace_a):
    from followups import reminders, services
    from followups.tests.factories import ContactFactory, InterviewFactory

    contact = ContactFactory(workspace=workspace_a, owner=alice, first_name="Ada")
    interview = InterviewFactory(
        contact=contact,
        owner=alice,
        status="completed",
        completed_at=timezone.now() - timedelta(hours=25),
    )
    services.followup_open_thank_you(interview=interview)
    with translation.override("fr"):
        reminders.reminders_deliver(reminder_ids=reminders.reminders_claim_due())
    [message] = smtp_server.messages
    assert message["Subject"] == f"Time to thank {contact.full_name}"


def test_a_password_reset_goes_out_in_the_accounts_language(
    client, alice, smtp_server, outbox_worker
):
    alice.language = "fr"
    alice.save(update_fields=["language"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en-GB"
    client.post("/accounts/password/reset/", {"email": alice.email})
    assert outbox_worker() == {"sent": 1}
    [message] = smtp_server.messages
    assert message["Subject"] == "Réinitialisez votre mot de passe Infoview"
    assert "choisissez un nouveau mot de passe" in message.get_body(("plain",)).get_content()


def test_the_contact_export_has_french_column_headings(client, alice, workspace_a):
    alice.language = "fr"
    alice.save(update_fields=["language"])
    client.force_login(alice)
    response = client.get(f"/w/{workspace_a.slug}/contacts/export.csv")
    assert response.status_code == 200
    first_line = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert first_line.startswith("Prénom,Nom de famille,Adresses e-mail,Téléphone,Poste")
