from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from interviews import services
from interviews.selectors import interviews_upcoming
from interviews.tests.factories import ContactFactory, make_interview

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _pks(response) -> list[int]:
    """The interviews a list page shows, in order (its rows are values, not model instances)."""
    return [row.pk for row in response.context["interviews"]]


def _fill(workspace, owners, count):
    for index in range(count):
        owner = owners[index % len(owners)]
        interview = make_interview(
            workspace=workspace,
            owner=owner,
            contact=ContactFactory(workspace=workspace),
            starts_in=timedelta(days=index + 1),
        )
        services.prep_item_toggle(item=interview.prep_items.first())
        services.objective_add(interview=interview, text="Learn")


@pytest.mark.parametrize("when", ["upcoming", "past", "all"])
def test_the_list_costs_the_same_at_any_size(client, alice, bob, workspace_a, url, when):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(alice)
    client.get(url("list"))  # the first visit of a workspace remembers it as the last one
    filtered = {"when": when, "status": "scheduled", "owner": bob.pk}
    counts = []
    for size in (2, 12):
        _fill(workspace_a, [alice, bob], size)
        sizes = []
        for params in ({"when": when}, filtered):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url("list"), params)
            assert response.status_code == 200
            sizes.append(len(queries))
        counts.append(sizes)
    assert counts[0] == counts[1]
    # 8 -> 7: the rows' readiness is counted in the page's own statement, not a query of its own.
    assert counts[1][0] <= 7


def test_the_upcoming_list_shows_readiness_soonest_first(client, alice, workspace_a, url):
    later = make_interview(workspace=workspace_a, owner=alice, starts_in=timedelta(days=5))
    sooner = make_interview(workspace=workspace_a, owner=alice, starts_in=timedelta(days=1))
    undated = make_interview(workspace=workspace_a, owner=alice, starts_in=None)
    past = make_interview(workspace=workspace_a, owner=alice, starts_in=-timedelta(days=3))
    services.prep_item_toggle(item=sooner.prep_items.first())
    client.force_login(alice)
    response = client.get(url("list"))
    shown = _pks(response)
    assert shown == [sooner.pk, later.pk, undated.pk]
    assert "Ready 1/11" in response.text
    assert "Ready 0/11" in response.text
    assert _pks(client.get(url("list"), {"when": "past"})) == [past.pk]


def test_the_lists_filter_by_status_owner_contact_and_dates(client, alice, bob, workspace_a, url):
    mine = make_interview(workspace=workspace_a, owner=alice, starts_in=timedelta(days=1))
    bobs = make_interview(workspace=workspace_a, owner=bob, starts_in=timedelta(days=3))
    done = make_interview(workspace=workspace_a, owner=bob, starts_in=-timedelta(days=3))
    services.interview_complete(interview=done, completed_at=timezone.now())
    client.force_login(alice)

    def shown(**params):
        return _pks(client.get(url("list"), {"when": "all", **params}))

    assert shown(owner=bob.pk) == [bobs.pk, done.pk]
    assert shown(status="completed") == [done.pk]
    assert shown(contact=mine.contact.pk) == [mine.pk]
    day = timezone.localdate(bobs.starts_at).isoformat()
    assert shown(date_from=day, date_to=day) == [bobs.pk]
    assert shown(date_to=timezone.localdate().isoformat()) == [done.pk]


def test_a_filter_of_another_workspace_is_refused(client, alice, charlie, workspace_a, url):
    make_interview(workspace=workspace_a, owner=alice)
    client.force_login(alice)
    response = client.get(url("list"), {"owner": charlie.pk})
    assert response.status_code == 400
    assert _pks(response)  # the page still works, unfiltered


def test_other_workspaces_never_show(client, alice, charlie, workspace_b, url):
    theirs = make_interview(workspace=workspace_b, owner=charlie)
    client.force_login(alice)
    response = client.get(url("list"), {"when": "all"})
    assert theirs.pk not in _pks(response)


def test_upcoming_selector_for_the_dashboard(alice, bob, workspace_a):
    make_interview(workspace=workspace_a, owner=bob)
    mine = make_interview(workspace=workspace_a, owner=alice)
    [row] = interviews_upcoming(workspace=workspace_a, owner=alice)
    assert row == mine
    assert (row.prep_done, row.prep_total) == (0, 11)


def test_overlaps_ignore_closed_interviews(alice, workspace_a):
    from interviews.selectors import interview_overlaps

    start = datetime(2026, 12, 1, 10, tzinfo=UTC)
    first = make_interview(workspace=workspace_a, owner=alice)
    first.starts_at = start
    first.save()
    assert list(interview_overlaps(owner=alice, starts_at=start, duration_minutes=30)) == [first]
    after = start + timedelta(minutes=30)
    assert not interview_overlaps(owner=alice, starts_at=after, duration_minutes=30).exists()
    services.interview_cancel(interview=first)
    assert not interview_overlaps(owner=alice, starts_at=start, duration_minutes=30).exists()


@pytest.mark.parametrize("page", ["detail", "conversation"])
def test_the_interview_pages_cost_the_same_however_full(client, alice, interview, url, page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(alice)
    client.get(url("list"))
    counts = []
    for size in (1, 8):
        for index in range(size):
            objective = services.objective_add(interview=interview, text=f"Goal {size}-{index}")
            services.question_add_one_off(interview=interview, text=f"Q {size}-{index}")
            services.note_add(
                interview=interview, author=alice, kind="insight", body="x", objective=objective
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(page, pk=interview.pk)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_long_list_pages_by_fifty_and_keeps_its_filters(client, alice, bob, workspace_a, url):
    """Keyset pages: Next starts after the last row shown, so a row added meanwhile on an
    earlier page neither repeats a row nor hides one; Previous comes back; the filters stay."""
    import re
    from html import unescape

    from interviews.views.interviews import PAGE_SIZE

    contact = ContactFactory(workspace=workspace_a)
    for index in range(PAGE_SIZE + 5):
        make_interview(
            workspace=workspace_a,
            owner=bob,
            contact=contact,
            starts_in=timedelta(days=index + 2),
        )
    client.force_login(alice)

    def link(response, rel):
        found = re.search(rf'rel="{rel}" href="([^"]+)"', response.text)
        return unescape(found.group(1)) if found else None

    first = client.get(url("list"), {"owner": bob.pk})
    shown_first = _pks(first)
    assert len(shown_first) == PAGE_SIZE
    assert link(first, "prev") is None
    following = link(first, "next")
    assert following.startswith(f"?owner={bob.pk}&after=")
    # Someone plans an interview that sorts onto the first page before the reader goes on.
    make_interview(workspace=workspace_a, owner=bob, contact=contact, starts_in=timedelta(days=1))
    second = client.get(url("list") + following)
    shown_second = _pks(second)
    assert len(shown_second) == 5
    assert not set(shown_first) & set(shown_second)
    assert link(second, "next") is None
    back = client.get(url("list") + link(second, "prev"))
    assert _pks(back) == shown_first
    assert client.get(url("list"), {"page": "nonsense"}).status_code == 200


def test_a_damaged_page_link_is_a_clear_400(client, alice, url):
    client.force_login(alice)
    response = client.get(url("list"), {"after": "WyIyMDI2Il0:forged"})
    assert response.status_code == 400
    assert "page link is damaged" in response.text


def test_the_past_list_pages_latest_first_and_back(client, alice, workspace_a, url):
    """The past tab sorts the other way (latest first, the undated ones last): Next and
    Previous walk it in that order too, with readiness on every page."""
    import re
    from html import unescape

    from interviews.views.interviews import PAGE_SIZE

    contact = ContactFactory(workspace=workspace_a)
    made = [
        make_interview(
            workspace=workspace_a, owner=alice, contact=contact, starts_in=-timedelta(days=i + 1)
        )
        for i in range(PAGE_SIZE + 3)
    ]
    client.force_login(alice)

    def link(response, rel):
        return unescape(re.search(rf'rel="{rel}" href="([^"]+)"', response.text).group(1))

    first = client.get(url("list"), {"when": "past"})
    assert _pks(first) == [interview.pk for interview in made[:PAGE_SIZE]]
    second = client.get(url("list") + link(first, "next"))
    assert _pks(second) == [interview.pk for interview in made[PAGE_SIZE:]]
    assert second.text.count("Ready 0/11") == 3
    assert _pks(client.get(url("list") + link(second, "prev"))) == _pks(first)


def test_the_owner_menu_lists_the_members_by_name_and_a_nameless_one_by_email(
    client, alice, bob, workspace_a, url
):
    from accounts.models import Membership, User

    nameless = User.objects.create_user(email="zed@example.test", password="x" * 12, name="")
    Membership.objects.create(user=nameless, workspace=workspace_a, role="recruiter")
    client.force_login(alice)
    menu = client.get(url("list")).text.split('name="owner"')[1].split("</select>")[0]
    assert menu.index(">Anyone<") < menu.index(">zed@example.test<")
    assert menu.index(">zed@example.test<") < menu.index(">Alice Admin<")
    assert menu.index(">Alice Admin<") < menu.index(">Bob Recruiter<")
    assert f'value="{nameless.pk}"' in menu
