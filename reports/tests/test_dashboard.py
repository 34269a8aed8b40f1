import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.versions import data_changed
from contacts.models import Contact
from followups.models import FollowUp
from interviews.models import Interview, Objective, PrepItem
from reports.dashboard import dashboard_data
from reports.tests.factories import (
    ContactFactory,
    FollowUpFactory,
    InterviewFactory,
    NoteFactory,
    set_created,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
AUCKLAND = ZoneInfo("Pacific/Auckland")


def _pks(rows):
    return [row.pk for row in rows]


def _url(ws):
    return reverse("workspace_home", kwargs={"ws": ws.slug})


def test_it_tells_a_new_workspace_what_to_do_first(client, alice, workspace_a):
    client.force_login(alice)
    response = client.get(_url(workspace_a))
    assert response.status_code == 200
    assert b"Add your first contact" in response.content
    assert b"No interviews today." in response.content
    assert b"no follow-ups due" in response.content


def test_it_asks_for_a_first_interview_once_there_are_contacts(client, alice, workspace_a):
    ContactFactory(workspace=workspace_a, owner=alice)
    client.force_login(alice)
    response = client.get(_url(workspace_a))
    assert b"Plan your first conversation" in response.content
    assert b"Add your first contact" not in response.content


def test_it_splits_today_from_the_rest_of_the_week_at_local_midnight(alice, bob, workspace_a):
    # Wednesday 11 March 2026, 10:00 in Auckland; the week ends at Monday 16 March 00:00 there.
    now = datetime(2026, 3, 11, 10, 0, tzinfo=AUCKLAND)
    contact = ContactFactory(workspace=workspace_a, owner=alice)

    def at(*args, **fields):
        fields.setdefault("status", Interview.Status.SCHEDULED)
        fields.setdefault("owner", alice)
        return InterviewFactory(
            contact=contact, starts_at=datetime(*args, tzinfo=AUCKLAND), **fields
        )

    at(2026, 3, 10, 23, 59)  # yesterday
    first = at(2026, 3, 11, 0, 0)  # today, at midnight
    last_today = at(2026, 3, 11, 23, 59)
    tomorrow = at(2026, 3, 12, 0, 0)
    sunday = at(2026, 3, 15, 23, 59)
    at(2026, 3, 16, 0, 0)  # next week
    at(2026, 3, 11, 12, 0, status=Interview.Status.CANCELLED)
    at(2026, 3, 11, 13, 0, owner=bob)  # Bob's, not Alice's
    PrepItem.objects.create(workspace=workspace_a, interview=first, text="a", done_at=now)
    PrepItem.objects.create(workspace=workspace_a, interview=first, text="b")

    with timezone.override(AUCKLAND):
        data = dashboard_data(workspace=workspace_a, user=alice, now=now)

    assert _pks(data["interviews_today"]) == _pks([first, last_today])
    assert _pks(data["interviews_week"]) == _pks([tomorrow, sunday])
    assert (data["interviews_today"][0].prep_done, data["interviews_today"][0].prep_total) == (1, 2)


def test_it_lists_overdue_and_due_today_follow_ups(alice, bob, workspace_a):
    now = datetime(2026, 3, 11, 10, 0, tzinfo=AUCKLAND)
    contact = ContactFactory(workspace=workspace_a, owner=alice)

    def due(*args, **fields):
        fields.setdefault("owner", alice)
        return FollowUpFactory(contact=contact, due_at=datetime(*args, tzinfo=AUCKLAND), **fields)

    overdue = due(2026, 3, 1, 9, 0)
    due_earlier_today = due(2026, 3, 11, 9, 59)
    later_today = due(2026, 3, 11, 23, 59)
    due(2026, 3, 12, 0, 0)  # tomorrow
    due(2026, 3, 1, 9, 0, status=FollowUp.Status.DONE)
    due(2026, 3, 1, 9, 0, owner=bob)
    snoozed = due(
        2026,
        3,
        1,
        9,
        0,
        status=FollowUp.Status.SNOOZED,
        snoozed_until=datetime(2026, 3, 11, 18, 0, tzinfo=AUCKLAND),
    )

    with timezone.override(AUCKLAND):
        data = dashboard_data(workspace=workspace_a, user=alice, now=now)

    assert _pks(data["followups_overdue"]) == _pks([overdue, due_earlier_today])
    assert _pks(data["followups_today"]) == _pks([snoozed, later_today])


def test_it_lists_contacts_overdue_for_keeping_in_touch(alice, bob, workspace_a):
    now = timezone.now()
    late = ContactFactory(
        workspace=workspace_a,
        owner=alice,
        cadence_days=30,
        last_interaction_at=now - timedelta(days=31),
    )
    ContactFactory(
        workspace=workspace_a,
        owner=alice,
        cadence_days=30,
        last_interaction_at=now - timedelta(days=29),
    )
    never = ContactFactory(workspace=workspace_a, owner=alice, cadence_days=90)
    set_created(never, now - timedelta(days=100))
    ContactFactory(
        workspace=workspace_a,
        owner=alice,
        cadence_days=30,
        last_interaction_at=now - timedelta(days=60),
        archived_at=now,
    )
    ContactFactory(
        workspace=workspace_a,
        owner=bob,
        cadence_days=30,
        last_interaction_at=now - timedelta(days=60),
    )

    data = dashboard_data(workspace=workspace_a, user=alice, now=now)

    assert _pks(data["overdue_contacts"]) == _pks([never, late])
    assert data["overdue_contacts_total"] == 2


def test_it_links_each_overdue_person_with_how_long_they_have_been_due(client, alice, workspace_a):
    now = timezone.now()
    late = ContactFactory(
        workspace=workspace_a,
        owner=alice,
        first_name="Ada <b>",
        last_name="Lovelace",
        cadence_days=30,
        last_interaction_at=now - timedelta(days=33),
    )
    client.force_login(alice)

    page = client.get(_url(workspace_a)).content.decode()

    link = reverse("contacts:detail", kwargs={"ws": workspace_a.slug, "pk": late.pk})
    assert f'<a href="{link}">Ada &lt;b&gt; Lovelace</a>' in page
    assert "due 3\xa0days ago</span>" in page
    alice.language = "fr"
    alice.save(update_fields=["language"])
    assert "à faire depuis 3\xa0jours</span>" in client.get(_url(workspace_a)).content.decode()


def test_a_personal_workspace_lists_everything_in_it_whoever_owns_it(alice, personal):
    # Only team workspaces split the work by owner: a personal workspace's people and
    # conversations are all its member's, an owner or none.
    now = timezone.now()
    nobodys = ContactFactory(
        workspace=personal,
        owner=None,
        cadence_days=30,
        last_interaction_at=now - timedelta(days=40),
    )
    interview = InterviewFactory(
        contact=nobodys, owner=None, status=Interview.Status.SCHEDULED, starts_at=now
    )
    followup = FollowUpFactory(contact=nobodys, owner=None, due_at=now - timedelta(hours=1))

    with timezone.override(ZoneInfo(personal.time_zone)):
        data = dashboard_data(workspace=personal, user=alice, now=now)

    assert _pks(data["interviews_today"]) == [interview.pk]
    assert _pks(data["followups_overdue"]) == [followup.pk]
    assert _pks(data["overdue_contacts"]) == [nobodys.pk]


def test_the_people_due_are_a_range_of_their_index(alice, workspace_a):
    # The home's statement must write the keep-in-touch date exactly as the key of
    # reports_contact_due_idx (reports/migrations/0003), or PostgreSQL computes it for each of
    # the member's people and sorts them all. Sequential scans are priced out: with a handful
    # of rows one would win, and the question is whether the index can serve.
    ContactFactory(workspace=workspace_a, owner=alice, last_interaction_at=timezone.now())
    # Enough people not yet due, and their statistics, that the range is plainly the cheaper
    # plan: with one row every index of the workspace costs the same, and the planner once took
    # another (contacts_linkedin_idx, the date as a filter) on a busy run.
    Contact.objects.bulk_create(
        ContactFactory.build(workspace=workspace_a, owner=alice, last_interaction_at=timezone.now())
        for _ in range(300)
    )
    with CaptureQueriesContext(connection) as statements:
        dashboard_data(workspace=workspace_a, user=alice, insights=[])
    (lists,) = [q["sql"] for q in statements.captured_queries if "'contact'" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE contacts_contact")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + lists)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The date bounds the index range (an Index Cond), not a filter on each of the rows.
    assert re.search(
        r"Index Only Scan using reports_contact_due_idx.*\n.*Index Cond: .*cadence", plan
    ), plan


def test_it_shows_the_latest_insights_of_the_workspace(client, alice, workspace_a):
    contact = ContactFactory(workspace=workspace_a, owner=alice)
    interview = InterviewFactory(contact=contact, owner=alice, starts_at=timezone.now())
    NoteFactory(interview=interview, author=alice, body="Fintech hires generalists")
    NoteFactory(interview=interview, author=alice, body="Next step: call", kind="next_step")
    client.force_login(alice)
    response = client.get(_url(workspace_a))
    assert b"Fintech hires generalists" in response.content
    assert b"Next step: call" not in response.content


def test_insights_include_advice_and_what_objectives_taught_without_markdown(
    client, alice, workspace_a
):
    contact = ContactFactory(workspace=workspace_a, owner=alice, first_name="Ada")
    held = timezone.now() - timedelta(days=1)
    interview = InterviewFactory(
        contact=contact,
        owner=alice,
        starts_at=held,
        status=Interview.Status.COMPLETED,
        completed_at=held,
    )
    NoteFactory(
        interview=interview,
        author=alice,
        kind="advice",
        body="**Learn SQL** first: [a guide](https://example.test/sql)",
    )
    Objective.objects.create(
        workspace=workspace_a,
        interview=interview,
        text="Career path",
        insight="Most moves are internal",
    )
    client.force_login(alice)
    page = client.get(_url(workspace_a)).content.decode()
    assert "Learn SQL first: a guide (https://example.test/sql)" in page
    assert "**Learn SQL**" not in page
    assert "Most moves are internal" in page


def _fill(workspace, owner, n):
    now = timezone.now()
    for i in range(n):
        contact = ContactFactory(
            workspace=workspace,
            owner=owner,
            cadence_days=30,
            last_interaction_at=now - timedelta(days=40),
        )
        interview = InterviewFactory(
            contact=contact,
            owner=owner,
            status=Interview.Status.SCHEDULED,
            starts_at=now + timedelta(minutes=10 + i),
        )
        PrepItem.objects.create(workspace=workspace, interview=interview, text="x")
        FollowUpFactory(contact=contact, owner=owner, due_at=now - timedelta(hours=i + 1))
        NoteFactory(interview=interview, author=owner)


@pytest.mark.parametrize("size", [10, 500])
def test_it_renders_in_a_fixed_number_of_queries(
    client, alice, workspace_a, size, django_assert_num_queries
):
    _fill(workspace_a, alice, size)
    client.force_login(alice)
    client.get(_url(workspace_a))  # warm the session and the last workspace
    # After a write to the workspace everything is made again: the interviews, follow-ups and
    # people due, and whether the workspace has any interview or person (one statement), and the
    # recent insights (one: the insight notes, the advice notes, each down its index, and the
    # objectives' insights).
    data_changed(workspace_id=workspace_a.pk)
    with django_assert_num_queries(2 + 1 + 1):
        made = client.get(_url(workspace_a))
    assert made.status_code == 200
    # Until the next write or the next minute, both come from the shared cache: the user and
    # the membership are the only queries (the session is read from the cache too), and the
    # page is the same.
    with django_assert_num_queries(2):
        kept = client.get(_url(workspace_a))
    assert _squeezed(kept) == _squeezed(made)
    assert b'data-testid="followups-overdue"' in kept.content


def _squeezed(response) -> bytes:
    """The page without its per-request tokens (CSRF, CSP nonce)."""
    return re.sub(
        rb'(nonce="|X-CSRFToken": "|csrfmiddlewaretoken" value=")[^"]+', rb"\1", response.content
    )


def test_a_new_or_deleted_insight_shows_at_once_and_only_in_its_workspace(
    client, alice, charlie, workspace_a, workspace_b
):
    # No keep-in-touch cadence: the note's own write is what must make the home new.
    contact = ContactFactory(workspace=workspace_a, owner=alice, cadence_days=0)
    interview = InterviewFactory(contact=contact, owner=alice, starts_at=timezone.now())
    client.force_login(alice)
    assert b"Fintech hires generalists" not in client.get(_url(workspace_a)).content
    client.post(
        reverse("interviews:note_add", kwargs={"ws": workspace_a.slug, "pk": interview.pk}),
        {"kind": "insight", "body": "Fintech hires generalists"},
    )
    assert b"Fintech hires generalists" in client.get(_url(workspace_a)).content
    client.force_login(charlie)
    assert b"Fintech hires generalists" not in client.get(_url(workspace_b)).content
    client.force_login(alice)
    note = interview.notes.get()
    client.post(reverse("interviews:note_delete", kwargs={"ws": workspace_a.slug, "pk": note.pk}))
    assert b"Fintech hires generalists" not in client.get(_url(workspace_a)).content


# The lists are kept in the shared cache for the minute they were made in, under the
# workspace's data version (reports/views/dashboard.py): each test reads the home once to
# fill it, changes something as a user does, and reads it again.


def test_a_ticked_prep_item_shows_on_the_home_at_once(client, alice, workspace_a):
    contact = ContactFactory(workspace=workspace_a, owner=alice, first_name="Grace")
    interview = InterviewFactory(
        contact=contact,
        owner=alice,
        status=Interview.Status.SCHEDULED,
        starts_at=timezone.now() + timedelta(hours=1),
    )
    item = PrepItem.objects.create(workspace=workspace_a, interview=interview, text="Read up")
    client.force_login(alice)
    assert "Ready 0/1" in client.get(_url(workspace_a)).content.decode()

    toggle = reverse("interviews:prep_item_toggle", kwargs={"ws": workspace_a.slug, "pk": item.pk})
    assert client.post(toggle).status_code == 302

    assert "Ready 1/1" in client.get(_url(workspace_a)).content.decode()


def test_a_new_follow_up_and_a_done_one_show_on_the_home_at_once(client, alice, workspace_a):
    contact = ContactFactory(workspace=workspace_a, owner=alice, first_name="Ada")
    client.force_login(alice)
    assert "Send the deck" not in client.get(_url(workspace_a)).content.decode()

    response = client.post(
        reverse("followups:create", kwargs={"ws": workspace_a.slug}),
        {
            "contact": contact.pk,
            "kind": "custom",
            "title": "Send the deck",
            "due_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302, response.content
    assert "Send the deck" in client.get(_url(workspace_a)).content.decode()

    followup = FollowUp.objects.get(title="Send the deck")
    done = reverse("followups:done", kwargs={"ws": workspace_a.slug, "pk": followup.pk})
    assert client.post(done).status_code == 302
    assert "Send the deck" not in client.get(_url(workspace_a)).content.decode()


def test_each_member_reads_their_own_lists(client, alice, bob, workspace_a):
    contact = ContactFactory(workspace=workspace_a, owner=alice)
    FollowUpFactory(contact=contact, owner=alice, title="Alice's call", due_at=timezone.now())
    FollowUpFactory(contact=contact, owner=bob, title="Bob's call", due_at=timezone.now())
    client.force_login(alice)
    mine = client.get(_url(workspace_a)).content.decode()
    client.force_login(bob)
    theirs = client.get(_url(workspace_a)).content.decode()
    assert "Alice&#x27;s call" in mine and "Bob&#x27;s call" not in mine
    assert "Bob&#x27;s call" in theirs and "Alice&#x27;s call" not in theirs


def test_a_follow_up_falls_overdue_with_the_clock_within_a_minute(client, alice, workspace_a):
    contact = ContactFactory(workspace=workspace_a, owner=alice)
    start = datetime(2026, 3, 4, 12, 0, 10, tzinfo=ZoneInfo("UTC"))
    FollowUpFactory(
        contact=contact, owner=alice, title="Call back", due_at=start + timedelta(seconds=20)
    )
    client.force_login(alice)

    def section(at):
        with time_machine.travel(at, tick=False):
            page = client.get(_url(workspace_a)).content.decode()
        return "overdue" if 'data-testid="followups-overdue"' in page else "today"

    assert section(start) == "today"
    assert section(start + timedelta(seconds=30)) == "today"  # the minute's lists, kept
    assert section(start + timedelta(seconds=55)) == "overdue"  # the next minute's
