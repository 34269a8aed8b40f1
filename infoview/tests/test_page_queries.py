"""Every key page runs the same number of SQL queries with 10 rows as with 500 (issue 17).

Each page's rows grow together: the contacts of the lists and pickers, the interviews, notes,
follow-ups and referrals on one person's timeline, the objectives, questions, notes and prep
items of one conversation, the follow-ups of each section. The counts are pinned: a page that
starts querying per row fails here first, and a page that needs a new query says so here.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from contacts.services import contacts_refresh_search
from followups.models import FollowUp
from interviews.models import Interview, InterviewQuestion, Note, Objective, PrepItem

# page name -> (URL name, query string, the most queries it may run)
PAGES = {
    "contact list": ("contacts:list", "", 8),
    "contact search": ("contacts:list", "q=person", 9),
    "contact typo search": ("contacts:list", "q=persn", 9),
    "contact page": ("contacts:detail", "", 10),
    # 6 -> 5: the rows' readiness is counted in the page's own statement (interviews.selectors).
    "interview list, upcoming": ("interviews:list", "", 5),
    "interview list, past": ("interviews:list", "when=past", 5),
    "interview page": ("interviews:detail", "", 8),
    "conversation view": ("interviews:conversation", "", 7),
    "new interview": ("interviews:create", "", 3),
    "follow-up list": ("followups:list", "", 4),
    "follow-up list, show all": ("followups:list", "section=overdue&who=all", 5),
    "new follow-up": ("followups:create", "", 3),
}


class World:
    def __init__(self, workspace, user):
        self.workspace, self.user = workspace, user
        self.contact = Contact.objects.create(
            workspace=workspace, first_name="Main", last_name="Person", owner=user
        )
        self.interview = Interview.objects.create(
            workspace=workspace, contact=self.contact, owner=user, starts_at=timezone.now()
        )
        self.size = 0

    def grow_to(self, size: int) -> None:
        now = timezone.now()
        ws, user, added = self.workspace, self.user, range(self.size, size)
        people = Contact.objects.bulk_create(
            Contact(
                workspace=ws,
                first_name=f"P{i}",
                last_name="Person",
                owner=user,
                introduced_by=self.contact,
            )
            for i in added
        )
        contacts_refresh_search(contact_ids=[c.pk for c in people])
        Interview.objects.bulk_create(
            Interview(
                workspace=ws,
                contact=self.contact,
                owner=user,
                starts_at=now + timedelta(days=(i % 20) - 10, minutes=i),
                status="scheduled" if i % 2 else "completed",
            )
            for i in added
        )
        objectives = Objective.objects.bulk_create(
            Objective(workspace=ws, interview=self.interview, position=i, text=f"Goal {i}")
            for i in added
        )
        InterviewQuestion.objects.bulk_create(
            InterviewQuestion(workspace=ws, interview=self.interview, position=i, text=f"Q {i}")
            for i in added
        )
        PrepItem.objects.bulk_create(
            PrepItem(workspace=ws, interview=self.interview, position=i, text=f"Item {i}")
            for i in added
        )
        Note.objects.bulk_create(
            Note(
                workspace=ws,
                interview=self.interview,
                objective=objectives[0] if objectives else None,
                author=user,
                kind="insight",
                body=f"Note {i}",
                body_html=f"<p>Note {i}</p>",
            )
            for i in added
        )
        FollowUp.objects.bulk_create(
            FollowUp(
                workspace=ws,
                contact=self.contact,
                owner=user,
                kind="update",
                title=f"Follow-up {i}",
                due_at=now + timedelta(days=(i % 30) - 10),
            )
            for i in added
        )
        self.size = size

    def url(self, name: str, query: str) -> str:
        kwargs = {"ws": self.workspace.slug}
        if name == "contacts:detail":
            kwargs["pk"] = self.contact.pk
        elif name in {"interviews:detail", "interviews:conversation"}:
            kwargs["pk"] = self.interview.pk
        return reverse(name, kwargs=kwargs) + (f"?{query}" if query else "")


@pytest.mark.parametrize("page", list(PAGES))
def test_the_page_runs_the_same_queries_with_10_rows_and_with_500(
    client, alice, workspace_a, page, frozen_clock
):
    name, query, most = PAGES[page]
    world = World(workspace_a, alice)
    client.force_login(alice)
    url = world.url(name, query)
    counts = []
    for size in (10, 500):
        world.grow_to(size)
        client.get(url)  # the session's first writes (the last workspace) out of the way
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, page
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries with 10 rows, {counts[1]} with 500"
    assert counts[1] <= most, f"{page}: {counts[1]} queries, pinned at {most}"
