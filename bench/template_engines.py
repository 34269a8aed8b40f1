"""Is the template engine the floor of the contact list? ``python -m bench.template_engines``.

Renders the 50 rows of the contact list's first page (the scale workspace of ``seed_scale``,
rows worked out by the view's own ``_rows``) with the Django template language, as the page
does, and with Jinja2, the same markup, and prints the CPU time per render of each, beside
the whole page's. Jinja2 is not a dependency of the app: install it apart to run this, e.g.
``pip install --target /tmp/jinja jinja2`` and ``PYTHONPATH=/tmp/jinja``.
"""

# ruff: noqa: E402

import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infoview.settings")
django.setup()

import jinja2
from django.template import engines
from django.test import RequestFactory

from accounts.models import Membership, User
from contacts import selectors
from contacts.views.people import PAGE_SIZE, _rows
from infoview.management.commands.seed_scale import ADMIN_EMAIL, SLUG

DJANGO_ROWS = (
    '{% for c in rows %}<tr><td><input class="form-check-input" type="checkbox" name="ids" '
    'value="{{ c.pk }}" aria-labelledby="select-label c{{ c.pk }}"></td><td><a href="{{ c.url }}" '
    'id="c{{ c.pk }}" class="contact-name">{{ c.full_name }}</a>{% if c.title %}<div class="small '
    'text-body-secondary">{{ c.title }}</div>{% endif %}</td><td>{% if c.company_url %}<a href="'
    '{{ c.company_url }}">{{ c.company_name }}</a>{% endif %}</td><td>{% for tag in c.tag_names %}'
    '<span class="badge tag">{{ tag }}</span>{% endfor %}</td>{% if team %}<td>{{ c.stage_label }}'
    "</td>{% endif %}<td>{{ c.owner_name }}</td><td>{% if c.seen %}{{ c.seen }}{% else %}<span "
    'class="text-body-secondary">{{ never }}</span>{% endif %}</td></tr>\n{% endfor %}'
)
# The same markup in Jinja2's syntax (the two languages differ only in `{% endfor %}`-free parts).
JINJA_ROWS = DJANGO_ROWS


def cpu_ms(render, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        render()
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    user = User.objects.get(email=ADMIN_EMAIL)
    membership = Membership.objects.select_related("workspace").get(user=user, workspace__slug=SLUG)
    request = RequestFactory().get("/")
    request.user, request.workspace, request.membership = user, membership.workspace, membership
    contacts = selectors.contact_list_screen_rows(
        selectors.contact_list(workspace=membership.workspace)
    )[:PAGE_SIZE]
    rows = _rows(request, contacts)
    context = {"rows": rows, "team": True, "never": "never"}

    django_template = engines["django"].from_string(DJANGO_ROWS)
    jinja_template = jinja2.Environment(autoescape=True).from_string(JINJA_ROWS)
    django_html = django_template.render(context)
    jinja_html = jinja_template.render(context)
    # The same markup; the two escape an apostrophe differently (&#x27; and &#39;).
    assert django_html == jinja_html.replace("&#39;", "&#x27;"), "not the same markup"

    repeat = 300
    d = cpu_ms(lambda: django_template.render(context), repeat)
    j = cpu_ms(lambda: jinja_template.render(context), repeat)
    print(f"{len(rows)} contact rows, {len(django_html) / 1024:.1f} KB, median of {repeat}:")
    print(f"  Django templates  {d:6.2f} ms CPU ({d / len(rows) * 1000:5.0f} us a row)")
    print(f"  Jinja2            {j:6.2f} ms CPU ({j / len(rows) * 1000:5.0f} us a row)")
    print(f"  Jinja2 saves      {d - j:6.2f} ms a page ({d / j:.1f}x faster on the rows)")


if __name__ == "__main__":
    main()
