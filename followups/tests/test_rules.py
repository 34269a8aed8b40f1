import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from followups import services
from followups.models import FollowUp, Reminder
from followups.tests.factories import ContactFactory, FollowUpFactory, InterviewFactory
from followups.views import SECTION_PAGE, SECTION_ROWS
from interviews.models import Interview

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def _complete(interview, at):
    from interviews.services import interview_complete

    return interview_complete(interview=interview, completed_at=at)


def test_it_opens_a_thank_you_when_an_interview_completes(alice, workspace_a):
    contact = ContactFactory(workspace=workspace_a, owner=alice)
    interview = InterviewFactory(contact=contact, owner=alice, status=Interview.Status.SCHEDULED)
    at = timezone.now() - timedelta(minutes=5)

    _complete(interview, at)

    thank_you = FollowUp.objects.get(interview=interview)
    assert thank_you.kind == FollowUp.Kind.THANK_YOU
    assert thank_you.due_at == interview.ends_at + timedelta(hours=24)  # after the conversation
    keep_in_touch = FollowUp.objects.get(contact=contact, kind=FollowUp.Kind.KEEP_IN_TOUCH)
    assert keep_in_touch.due_at == at + timedelta(days=contact.cadence_days)


def test_a_done_followup_resets_the_cadence(alice, workspace_a):
    contact = ContactFactory(workspace=workspace_a, owner=alice, cadence_days=30)
    contact.last_interaction_at = timezone.now() - timedelta(days=40)
    contact.save()
    keep = services.keep_in_touch_reschedule(contact=contact)
    assert keep.due_at < timezone.now()
    update = FollowUpFactory(contact=contact, owner=alice, kind=FollowUp.Kind.UPDATE)

    done_at = timezone.now()
    services.followup_done(followup=update, at=done_at, channel=FollowUp.Channel.PHONE)

    keep.refresh_from_db()
    assert keep.due_at == done_at + timedelta(days=30)
    assert Contact.objects.get(pk=contact.pk).last_interaction_at == done_at


def test_doing_the_keep_in_touch_opens_the_next_one(alice, workspace_a):
    contact = ContactFactory(workspace=workspace_a, owner=alice, cadence_days=90)
    keep = services.keep_in_touch_reschedule(contact=contact)

    services.followup_done(followup=keep)

    pending = FollowUp.objects.filter(contact=contact, kind="keep_in_touch", status="open")
    assert pending.count() == 1
    assert pending.get().pk != keep.pk


def test_snoozing_a_thank_you_moves_its_reminder_and_done_cancels_it(alice, workspace_a):
    contact = ContactFactory(workspace=workspace_a, owner=alice)
    interview = InterviewFactory(
        contact=contact, owner=alice, status="completed", completed_at=timezone.now()
    )
    thank_you = services.followup_open_thank_you(interview=interview)
    until = timezone.now() + timedelta(days=3)

    services.followup_snooze(followup=thank_you, until=until)
    states = dict(Reminder.objects.filter(followup=thank_you).values_list("due_at", "state"))
    assert states == {thank_you.due_at: "cancelled", until: "pending"}

    services.followup_done(followup=thank_you)
    assert not Reminder.objects.filter(followup=thank_you, state="pending").exists()


def test_skipping_a_keep_in_touch_brings_it_back_one_cadence_later(alice, workspace_a):
    contact = ContactFactory(workspace=workspace_a, owner=alice, cadence_days=30)
    keep = services.keep_in_touch_reschedule(contact=contact)

    services.followup_skip(followup=keep)

    following = FollowUp.objects.get(contact=contact, kind="keep_in_touch", status="open")
    assert following.due_at > timezone.now() + timedelta(days=29)


# --- pages ----------------------------------------------------------------------------------


def _rows(alice, workspace, n):
    now = timezone.now()
    for i in range(n):
        contact = ContactFactory(workspace=workspace, owner=alice)
        FollowUpFactory(contact=contact, owner=alice, due_at=now - timedelta(days=2, minutes=i))
        FollowUpFactory(contact=contact, owner=alice, due_at=now + timedelta(days=3))


def test_the_list_shows_overdue_today_this_week_and_later(client, alice, workspace_a):
    contact = ContactFactory(workspace=workspace_a, owner=alice, first_name="Priya")
    now = timezone.localtime()
    FollowUpFactory(contact=contact, owner=alice, due_at=now - timedelta(days=3), title="Late one")
    FollowUpFactory(contact=contact, owner=alice, due_at=now + timedelta(days=4), title="Later")
    FollowUpFactory(contact=contact, owner=alice, due_at=now + timedelta(days=30), title="Far")
    client.force_login(alice)

    response = client.get(reverse("followups:list", kwargs={"ws": "acme"}))

    sections = {s.key: [f.title for f in s.rows] for s in response.context["sections"]}
    assert sections["overdue"] == ["Late one"]
    assert sections["week"] == ["Later"]
    assert sections["later"] == ["Far"]


def test_the_list_leaves_out_archived_people_and_places_a_snooze_by_its_end(
    client, alice, workspace_a
):
    kept = ContactFactory(workspace=workspace_a, owner=alice)
    archived = ContactFactory(workspace=workspace_a, owner=alice, archived_at=timezone.now())
    now = timezone.localtime()
    late = now - timedelta(days=3)
    FollowUpFactory(contact=kept, owner=alice, due_at=late, title="Late")
    FollowUpFactory(contact=archived, owner=alice, due_at=late, title="Archived person's")
    FollowUpFactory(
        contact=kept,
        owner=alice,
        due_at=late,
        title="Snoozed",
        status=FollowUp.Status.SNOOZED,
        snoozed_until=now + timedelta(days=30),
    )
    client.force_login(alice)
    url = reverse("followups:list", kwargs={"ws": "acme"})

    def shown(response):
        return {s.key: ([f.title for f in s.rows], s.total) for s in response.context["sections"]}

    overview = shown(client.get(url))
    assert overview["overdue"] == (["Late"], 1)
    assert overview["later"] == (["Snoozed"], 1)
    for key, titles in [("overdue", ["Late"]), ("later", ["Snoozed"])]:
        assert shown(client.get(url, {"section": key})) == {key: (titles, 1)}
        assert shown(client.get(url, {"section": key, "who": "all"})) == {key: (titles, 1)}


def test_my_list_leaves_out_others_follow_ups_and_everyones_shows_them(
    client, alice, bob, workspace_a
):
    contact = ContactFactory(workspace=workspace_a, owner=alice, first_name="Priya")
    late = timezone.localtime() - timedelta(days=3)
    FollowUpFactory(contact=contact, owner=alice, due_at=late, title="Mine")
    FollowUpFactory(contact=contact, owner=bob, due_at=late - timedelta(hours=1), title="Bob's")
    FollowUpFactory(contact=contact, owner=None, due_at=late + timedelta(hours=1), title="Nobody's")
    client.force_login(alice)
    url = reverse("followups:list", kwargs={"ws": "acme"})

    def shown(**params):
        [section] = client.get(url, {"section": "overdue", **params}).context["sections"]
        return [(f.title, f.owner_name) for f in section.rows], section.total

    assert shown() == ([("Mine", str(alice))], 1)
    assert shown(who="all") == (
        [("Bob's", str(bob)), ("Mine", str(alice)), ("Nobody's", "")],
        3,
    )


@pytest.mark.parametrize("size", [10, 500])
def test_the_list_takes_the_same_queries_at_any_size(
    client, alice, workspace_a, django_assert_max_num_queries, size
):
    _rows(alice, workspace_a, size)
    client.force_login(alice)
    url = reverse("followups:list", kwargs={"ws": "acme"})
    # The request's few (user, memberships, the last workspace; the session comes from the
    # shared cache), then the four sections' first rows and totals in two queries.
    with django_assert_max_num_queries(5):
        response = client.get(url)
    assert response.status_code == 200
    shown = min(size, SECTION_ROWS)
    assert [(s.key, len(s.rows), s.total) for s in response.context["sections"]] == [
        ("overdue", shown, size),
        ("today", 0, 0),
        ("week", shown, size),
        ("later", 0, 0),
    ]
    with django_assert_max_num_queries(6):  # "Show all", a page of one section and its count
        response = client.get(url, {"section": "overdue", "who": "all"})
    assert response.status_code == 200


def test_a_long_section_shows_its_first_rows_and_pages_through_the_rest(client, alice, workspace_a):
    total = SECTION_PAGE + 10
    _rows(alice, workspace_a, total)
    client.force_login(alice)
    url = reverse("followups:list", kwargs={"ws": "acme"})

    overview = client.get(url)
    overdue = overview.context["sections"][0]
    assert (overdue.key, len(overdue.rows), overdue.total) == ("overdue", SECTION_ROWS, total)
    assert f"Show all {total} ({total - SECTION_ROWS} more)" in overview.content.decode()
    assert "?section=overdue" in overview.content.decode()

    first = client.get(url, {"section": "overdue"})
    [section] = first.context["sections"]
    assert (section.key, len(section.rows), section.total) == ("overdue", SECTION_PAGE, total)
    following = re.search(r'rel="next" href="([^"]+)"', first.content.decode()).group(1)
    assert following.startswith("?section=overdue&amp;after=")
    second = client.get(url + unescape(following))
    [rest] = second.context["sections"]
    assert len(rest.rows) == 10
    assert not {f.pk for f in rest.rows} & {f.pk for f in section.rows}
    assert 'rel="next"' not in second.content.decode()
    previous = re.search(r'rel="prev" href="([^"]+)"', second.content.decode()).group(1)
    back = client.get(url + unescape(previous))
    assert [f.pk for f in back.context["sections"][0].rows] == [f.pk for f in section.rows]
    assert client.get(url, {"section": "overdue", "after": "forged"}).status_code == 400


def test_an_unknown_section_or_page_falls_back_instead_of_failing(client, alice, workspace_a):
    _rows(alice, workspace_a, 3)
    client.force_login(alice)
    url = reverse("followups:list", kwargs={"ws": "acme"})
    assert len(client.get(url, {"section": "nonsense"}).context["sections"]) == 4
    response = client.get(url, {"section": "week", "page": "abc"})
    assert response.status_code == 200
    assert len(response.context["sections"][0].rows) == 3


def test_done_skip_and_snooze_are_one_htmx_click(client, alice, workspace_a):
    contact = ContactFactory(workspace=workspace_a, owner=alice)
    rows = [FollowUpFactory(contact=contact, owner=alice) for _ in range(3)]
    client.force_login(alice)
    headers = {"HX-Request": "true"}

    for followup, action, data in zip(
        rows, ["done", "skip", "snooze"], [{}, {}, {"days": 7}], strict=True
    ):
        url = reverse(f"followups:{action}", kwargs={"ws": "acme", "pk": followup.pk})
        response = client.post(url, data, headers=headers)
        assert response.status_code == 200
        assert f'id="followup-{followup.pk}"' in response.content.decode()
        assert "<html" not in response.content.decode()

    assert [FollowUp.objects.get(pk=f.pk).status for f in rows] == ["done", "skipped", "snoozed"]


def test_a_row_of_everyones_list_keeps_its_owner_column_after_an_action(client, alice, workspace_a):
    followup = FollowUpFactory(
        contact=ContactFactory(workspace=workspace_a, owner=alice),
        owner=alice,
        title="Call",
        due_at=timezone.now() - timedelta(days=2),
    )
    client.force_login(alice)
    url = reverse("followups:list", kwargs={"ws": "acme"})
    page = client.get(url, {"section": "overdue", "who": "all"}).content.decode()
    row = re.search(rf'<tr id="followup-{followup.pk}">.*?</tr>', page, re.S).group(0)
    # What the row's form sends, as the browser would (htmx posts the form's fields).
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', row))
    done = reverse("followups:done", kwargs={"ws": "acme", "pk": followup.pk})
    after = client.post(done, fields, headers={"HX-Request": "true"}).content.decode()
    assert after.count("<td") == row.count("<td")
    assert f"<td>{alice.name}</td>" in after
    # Without JavaScript, the form leads back to everyone's list.
    response = client.post(
        reverse("followups:reopen", kwargs={"ws": "acme", "pk": followup.pk}), fields
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?who=all")


def test_a_bad_snooze_is_a_400(client, alice, workspace_a):
    followup = FollowUpFactory(contact=ContactFactory(workspace=workspace_a), owner=alice)
    client.force_login(alice)
    url = reverse("followups:snooze", kwargs={"ws": "acme", "pk": followup.pk})
    assert client.post(url, {"days": "forever"}).status_code == 400


def test_an_invalid_new_followup_is_a_400(client, alice, workspace_a, workspace_b):
    outsider = ContactFactory(workspace=workspace_b)
    client.force_login(alice)
    url = reverse("followups:create", kwargs={"ws": "acme"})
    response = client.post(url, {"contact": outsider.pk, "kind": "update", "due_at": "soon"})
    assert response.status_code == 400
    assert not FollowUp.objects.filter(contact=outsider).exists()


def test_the_timeline_lists_followups(alice, workspace_a):
    from followups.timeline import entries_for

    contact = ContactFactory(workspace=workspace_a, owner=alice)
    done = FollowUpFactory(contact=contact, owner=alice, title="Sent notes")
    services.followup_done(followup=done, channel="linkedin")
    entries = entries_for(contact)
    kinds = sorted(e.kind for e in entries)
    assert kinds == ["followup_done", "followup_due"]  # the done one, and the next keep-in-touch


@pytest.mark.parametrize("size", [2, 20])
def test_a_contacts_followups_page_takes_the_same_queries_at_any_size(
    client, alice, workspace_a, django_assert_max_num_queries, size
):
    contact = ContactFactory(workspace=workspace_a, owner=alice)
    for _ in range(size):
        FollowUpFactory(contact=contact, owner=alice)
    client.force_login(alice)
    url = reverse("followups:contact", kwargs={"ws": "acme", "pk": contact.pk})
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="list-group-item') == size


def test_undo_reopens_a_followup_done_by_mistake(client, alice, workspace_a):
    followup = FollowUpFactory(contact=ContactFactory(workspace=workspace_a), owner=alice)
    services.followup_done(followup=followup)
    client.force_login(alice)
    url = reverse("followups:reopen", kwargs={"ws": "acme", "pk": followup.pk})
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    followup.refresh_from_db()
    assert (followup.status, followup.done_at) == ("open", None)


def test_show_all_counts_again_after_a_follow_up_is_added_done_or_its_person_archived(
    client, alice, workspace_a
):
    # "Show all"'s total is kept in the cache (selectors.followups_section_total) until the
    # workspace's data changes: each write below must be seen by the next page.
    _rows(alice, workspace_a, 3)
    client.force_login(alice)
    url = reverse("followups:list", kwargs={"ws": "acme"})

    def overdue_total():
        response = client.get(url, {"section": "overdue", "who": "all"})
        [section] = response.context["sections"]
        return section.total

    assert overdue_total() == 3
    contact = ContactFactory(workspace=workspace_a, owner=alice)
    due = (timezone.localtime() - timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    created = client.post(
        reverse("followups:create", kwargs={"ws": "acme"}),
        {"contact": contact.pk, "kind": FollowUp.Kind.UPDATE, "title": "Late", "due_at": due},
    )
    assert created.status_code == 302
    assert overdue_total() == 4

    late = FollowUp.objects.get(contact=contact)
    done = client.post(reverse("followups:done", kwargs={"ws": "acme", "pk": late.pk}))
    assert done.status_code < 400
    assert overdue_total() == 3

    archived = FollowUp.objects.filter(workspace=workspace_a, due_at__lt=timezone.now())
    person = archived.exclude(pk=late.pk).first().contact
    archive = client.post(reverse("contacts:archive", kwargs={"ws": "acme", "pk": person.pk}))
    assert archive.status_code < 400
    assert overdue_total() == 2
