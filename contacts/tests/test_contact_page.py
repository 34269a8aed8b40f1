"""The contact page's timeline: written in Python (contacts.timeline.timeline_html) with the
template loop's markup, and read in the same queries whatever the person's history."""

from datetime import timedelta

import pytest
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from contacts.models import Contact, StageChange
from contacts.tests.factories import CompanyFactory, ContactFactory
from contacts.timeline import Entry, timeline_html

pytestmark = pytest.mark.usefixtures("frozen_clock")

# The loop as contacts/contact_detail.html wrote it before (the view set ``iso`` and ``when``).
_LOOP = """{% for entry in timeline %}
      <li class="timeline-entry timeline-{{ entry.kind }} border-start ps-3 pb-3">
        <div class="small text-body-secondary"><time datetime="{{ entry.iso }}">{{ entry.when }}</time></div>
        <div class="fw-semibold">{% if entry.url %}<a href="{{ entry.url }}">{{ entry.title }}</a>{% else %}{{ entry.title }}{% endif %}</div>
        {% if entry.body %}<div class="small">{{ entry.body|linebreaksbr }}</div>{% endif %}
      </li>
      {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["en-gb", "fr"])
def test_it_writes_the_timeline_as_the_template_loop_did(language, settings):
    settings.TIME_ZONE = "America/New_York"
    now = timezone.now()
    entries = [
        Entry(at=now, kind="email", title='Emailed “<b>Hi</b> & "you"”', body="One\r\ntwo <x>"),
        Entry(at=now - timedelta(days=400), kind="created", title="Added to contacts"),
        Entry(
            at=now - timedelta(days=3, hours=5),
            kind="note_advice",
            title="Note: Advice",
            body="A & B\nC",
            url="/w/acme/interviews/7/?a=1&b=2#notes",
        ),
    ]
    with translation.override(language):
        for entry in entries:
            entry.iso = (
                engines["django"]
                .from_string("{{ at|date:'Y-m-d\\TH:i:sO' }}")
                .render({"at": entry.at})
            )
            entry.when = (
                engines["django"].from_string('{{ at|date:"j M Y, H:i" }}').render({"at": entry.at})
            )
        expected = engines["django"].from_string(_LOOP).render({"timeline": entries})
        written = timeline_html(entries)
    assert written == expected
    assert "One<br>two &lt;x&gt;" in written
    assert timeline_html([]) == ""


def _page(client, contact):
    path = reverse("contacts:detail", kwargs={"ws": contact.workspace.slug, "pk": contact.pk})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response.text


def _history(contact, alice, start, end):
    """``end - start`` of each kind of entry: interviews (every third cancelled) with a note
    each, logged emails, follow-ups, people introduced and stage changes."""
    from followups.models import FollowUp
    from inbound.models import InboundMessage
    from interviews.models import Interview, Note

    workspace, now = contact.workspace, timezone.now()
    interviews = Interview.objects.bulk_create(
        Interview(
            workspace=workspace,
            contact=contact,
            owner=alice,
            starts_at=now - timedelta(days=i),
            purpose=f"Purpose {i}",
            status="cancelled" if i % 3 == 0 else "completed",
            cancelled_at=now - timedelta(days=i, hours=-1) if i % 3 == 0 else None,
            status_reason=f"Reason {i}" if i % 3 == 0 else "",
        )
        for i in range(start, end)
    )
    Note.objects.bulk_create(
        Note(
            workspace=workspace,
            interview=interview,
            author=alice,
            kind="advice",
            body=f"Note *{i}*",
            body_html=f"<p>Note <em>{i}</em></p>",
        )
        for i, interview in zip(range(start, end), interviews, strict=True)
    )
    for i in range(start, end):
        message = InboundMessage.objects.create(
            workspace=workspace,
            user=alice,
            message_id=f"<{i}@example.test>",
            subject=f"Subject <{i}>",
            sent_at=now - timedelta(days=i, hours=2),
            excerpt=f"Line {i}\nnext",
            channel="bcc",
        )
        message.contacts.add(contact)
    FollowUp.objects.bulk_create(
        FollowUp(workspace=workspace, contact=contact, kind="advice", due_at=now + timedelta(i))
        for i in range(start, end)
    )
    Contact.objects.bulk_create(
        Contact(
            workspace=workspace, first_name=f"Friend{i}", last_name="Of Ada", introduced_by=contact
        )
        for i in range(start, end)
    )
    StageChange.objects.bulk_create(
        StageChange(
            workspace=workspace,
            contact=contact,
            from_stage="new",
            to_stage="engaged",
            changed_by=alice,
            changed_at=now - timedelta(days=i, hours=3),
        )
        for i in range(start, end)
    )


def test_it_shows_the_timeline_in_the_same_queries_at_10_and_500(client, alice, contact):
    client.force_login(alice)
    client.get(reverse("contacts:list", kwargs={"ws": contact.workspace.slug}))
    counts = []
    made = 0
    for size in (10, 500):
        _history(contact, alice, made, size)
        made = size
        count, page = _page(client, contact)
        counts.append(count)
        assert page.count('class="timeline-entry timeline-interview ') == size
        assert page.count("timeline-interview_cancelled") == len(range(0, size, 3))
        assert page.count("timeline-note_advice") == size
        assert f"Note {size - 1}</div>" in page  # the note as plain text
        assert f"Emailed “Subject &lt;{size - 1}&gt;”" in page
        assert f"Line {size - 1}<br>next" in page
        assert page.count("timeline-followup") == size
        assert page.count("timeline-referral_made") == size
    assert counts[0] == counts[1]
    # The contact, the audit row, the page's rows (tags, merge undo, people introduced, stage
    # changes), the interviews with their notes, the follow-ups, the logged emails; and the
    # user and memberships of every page (the session comes from the shared cache).
    assert counts[1] <= 8


def test_it_shows_only_the_workspace_rows_on_the_timeline(client, alice, contact, workspace_b):
    from inbound.models import InboundMessage
    from interviews.models import Interview

    other = Contact.objects.create(workspace=workspace_b, first_name="Ada", last_name="Elsewhere")
    Interview.objects.create(workspace=workspace_b, contact=contact, purpose="Not ours")
    message = InboundMessage.objects.create(
        workspace=workspace_b,
        message_id="<x@example.test>",
        subject="Foreign",
        sent_at=timezone.now(),
        channel="bcc",
    )
    message.contacts.add(contact, other)
    client.force_login(alice)
    _count, page = _page(client, contact)
    assert "Not ours" not in page and "Foreign" not in page


def test_it_hides_another_workspaces_contact_behind_ones_own(client, charlie, workspace_b, contact):
    """The page's hand-written lookup (contacts.selectors.contact_page_row) is scoped too:
    Charlie asks for Alice's contact through his own workspace's address."""
    client.force_login(charlie)
    url = reverse("contacts:detail", kwargs={"ws": workspace_b.slug, "pk": contact.pk})
    assert client.get(url).status_code == 404


def test_it_shows_the_company_owner_and_introducer_it_read_with_the_contact(
    client, alice, workspace_a, contact
):
    company = CompanyFactory(workspace=workspace_a, name="Analytical Engines")
    introducer = ContactFactory(workspace=workspace_a, first_name="Charles", last_name="Babbage")
    Contact.objects.filter(pk=contact.pk).update(company=company, introduced_by=introducer)
    client.force_login(alice)
    page = client.get(contact.get_absolute_url()).text
    assert f'<a href="{company.get_absolute_url()}">Analytical Engines</a>' in page
    assert f"<dd>{alice}</dd>" in page
    assert f'<a href="{introducer.get_absolute_url()}">Introduced by Charles Babbage</a>' in page
