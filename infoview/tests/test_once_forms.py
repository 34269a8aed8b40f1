"""Every form whose POST has an outside effect (an email) sends once: it carries ``data-once``
(its buttons disable themselves while the request runs, static/js/app.js) and the one-time
token ``{% idempotency_field %}`` (a second request with it shows the first one's result)."""

import re
from pathlib import Path

from django.conf import settings

# URL names whose POST queues an email, and what their form must carry.
BOTH = {"data-once", "{% idempotency_field %}"}
EFFECTS = {
    "followups:send": BOTH,  # a follow-up's email (a thank-you among them)
    "interviews:invite": BOTH,  # the invitation to the contact
    "workspace:invite": BOTH,  # an invitation to the workspace
    # Cancelling is a conditional state change taken under the interview's row lock, in the
    # same transaction as its email (keyed by the interview's sequence): a second request finds
    # it cancelled and says so, so the form needs no one-time token.
    "interviews:cancel": {"data-once"},
}
FORM = re.compile(r"<form\b(?P<tag>[^>]*)>(?P<body>.*?)</form>", re.S)
ACTION = re.compile(r"""action="\{% url '(?P<name>[\w:]+)'""")


def _forms():
    root = Path(settings.BASE_DIR) / "templates"
    for path in sorted(root.rglob("*.html")):
        for match in FORM.finditer(path.read_text()):
            action = ACTION.search(match["tag"])
            if action:
                yield path.relative_to(root), action["name"], match["tag"], match["body"]


def test_every_form_with_an_outside_effect_sends_once():
    found = set()
    missing = []
    for path, name, tag, body in _forms():
        for needed in EFFECTS.get(name, ()):
            where = tag if needed == "data-once" else body
            if needed not in where:
                missing.append(f"{path}: the form posting to {name} lacks {needed}")
        found.add(name)
    assert not missing
    assert set(EFFECTS) <= found  # each is still found where it was
