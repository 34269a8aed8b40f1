"""Every figure checked against values worked out by hand, in a zone 14 hours ahead of UTC."""

from datetime import timedelta

import pytest

from followups.models import FollowUp
from interviews.models import Interview
from reports.tests.conftest import at
from reports.tests.factories import (
    AssessmentFactory,
    CompanyFactory,
    ContactFactory,
    FollowUpFactory,
    InterviewFactory,
    StageChangeFactory,
    set_created,
)
from reports.tests.helpers import csv_rows, page_tables, report_url

pytestmark = pytest.mark.django_db


def _get(client, user, ws, slug, **params):
    client.force_login(user)
    return client.get(report_url(ws, slug), params)


def _talk(ws, owner, when, status=Interview.Status.COMPLETED, contact=None):
    contact = contact or ContactFactory(workspace=ws, owner=owner)
    return InterviewFactory(contact=contact, owner=owner, starts_at=when, status=status)


@pytest.fixture
def conversations(team, alice, bob, charlie, workspace_b):
    _talk(team, alice, at(2026, 3, 1, 23, 59))  # the evening before the period
    _talk(team, alice, at(2026, 3, 2, 0, 0))  # first minute of the period
    _talk(team, alice, at(2026, 3, 8, 23, 59))  # last minute of week one
    _talk(team, alice, at(2026, 3, 9, 0, 0))
    _talk(team, alice, at(2026, 3, 15, 23, 59))  # last minute of the period
    _talk(team, alice, at(2026, 3, 16, 0, 0))  # after it
    _talk(team, bob, at(2026, 3, 10, 12, 0))
    _talk(team, bob, at(2026, 3, 11, 12, 0), status=Interview.Status.CANCELLED)
    _talk(workspace_b, charlie, at(2026, 3, 10, 12, 0))


def test_it_counts_conversations_per_recruiter_per_local_week(client, alice, team, conversations):
    response = _get(client, alice, team, "conversations", start="2026-03-02", end="2026-03-15")
    assert response.status_code == 200
    assert page_tables(response)["conversations"] == [
        ["Week starting", "Alice Admin", "Bob Recruiter", "All"],
        ["2 Mar 2026", "2", "0", "2"],
        ["9 Mar 2026", "2", "1", "3"],
        ["Total", "4", "1", "5"],
    ]


def test_it_shows_empty_months_as_zero(client, alice, team, conversations):
    response = _get(
        client, alice, team, "conversations", start="2026-01-01", end="2026-03-31", group="month"
    )
    assert page_tables(response)["conversations"] == [
        ["Month", "Alice Admin", "Bob Recruiter", "All"],
        ["Jan 2026", "0", "0", "0"],
        ["Feb 2026", "0", "0", "0"],
        ["Mar 2026", "6", "1", "7"],
        ["Total", "6", "1", "7"],
    ]


def test_it_shows_an_empty_period(client, alice, team, conversations):
    response = _get(client, alice, team, "conversations", start="2025-01-06", end="2025-01-12")
    assert page_tables(response)["conversations"] == [
        ["Week starting", "All"],
        ["6 Jan 2025", "0"],
        ["Total", "0"],
    ]


def test_it_shows_a_recruiter_only_their_own_conversations(client, bob, team, conversations):
    response = _get(client, bob, team, "conversations", start="2026-03-02", end="2026-03-15")
    assert page_tables(response)["conversations"] == [
        ["Week starting", "Bob Recruiter", "All"],
        ["2 Mar 2026", "0", "0"],
        ["9 Mar 2026", "1", "1"],
        ["Total", "1", "1"],
    ]


def test_an_admin_can_filter_by_recruiter(client, alice, bob, team, conversations):
    response = _get(
        client, alice, team, "conversations", start="2026-03-02", end="2026-03-15", recruiter=bob.pk
    )
    assert page_tables(response)["conversations"][-1] == ["Total", "1", "1"]


def test_the_csv_is_the_table(client, alice, team, conversations):
    params = {"start": "2026-03-02", "end": "2026-03-15"}
    page = _get(client, alice, team, "conversations", **params)
    export = client.get(report_url(team, "conversations", "csv"), params)
    assert export["Content-Type"].startswith("text/csv")
    assert csv_rows(export) == page_tables(page)["conversations"]


def test_the_csv_defuses_formulas(client, alice, bob, team, conversations):
    bob.name = '=HYPERLINK("http://evil")'
    bob.save(update_fields=["name"])
    client.force_login(alice)
    export = client.get(
        report_url(team, "conversations", "csv"), {"start": "2026-03-02", "end": "2026-03-15"}
    )
    assert csv_rows(export)[0][1] == '\'=HYPERLINK("http://evil")'


def _thank_you(ws, owner, completed_at, done_after=None, status=FollowUp.Status.DONE):
    interview = _talk(ws, owner, completed_at - timedelta(hours=1))
    Interview.objects.filter(pk=interview.pk).update(completed_at=completed_at)
    done_at = completed_at + done_after if done_after is not None else None
    return FollowUpFactory(
        contact=interview.contact,
        interview=interview,
        owner=owner,
        kind=FollowUp.Kind.THANK_YOU,
        due_at=completed_at + timedelta(hours=24),
        status=status if done_after is not None else FollowUp.Status.OPEN,
        done_at=done_at,
    )


def test_it_measures_thank_you_discipline(client, alice, bob, team):
    _thank_you(team, alice, at(2026, 3, 1, 0, 0), timedelta(hours=23))
    _thank_you(team, alice, at(2026, 3, 31, 23, 59), timedelta(hours=30))
    _thank_you(team, alice, at(2026, 3, 10, 9, 0))  # still open
    _thank_you(team, alice, at(2026, 4, 1, 0, 0), timedelta(hours=1))  # next period
    _thank_you(team, bob, at(2026, 3, 5, 9, 0), timedelta(hours=50))
    _thank_you(team, bob, at(2026, 3, 6, 9, 0), timedelta(hours=2), FollowUp.Status.SKIPPED)
    response = _get(client, alice, team, "discipline", start="2026-03-01", end="2026-03-31")
    assert page_tables(response)["discipline"] == [
        ["Recruiter", "Thank-yous", "Done", "Within 24 h", "Within 48 h", "Median delay (hours)"],
        ["Alice Admin", "3", "2", "33.3%", "66.7%", "26.5"],
        ["Bob Recruiter", "2", "1", "0.0%", "0.0%", "50.0"],
        ["All", "5", "3", "20.0%", "40.0%", "30.0"],
    ]
    response = _get(client, bob, team, "discipline", start="2026-03-01", end="2026-03-31")
    assert page_tables(response)["discipline"][1:] == [
        ["Bob Recruiter", "2", "1", "0.0%", "0.0%", "50.0"],
        ["All", "2", "1", "0.0%", "0.0%", "50.0"],
    ]


def test_it_counts_stages_and_conversion(client, alice, team):
    march = [ContactFactory(workspace=team, owner=alice, stage="new") for _ in range(4)]
    march[0].stage = "promising"
    march[1].stage = march[2].stage = "engaged"
    for c in march:
        c.save(update_fields=["stage"])
    set_created(march[0], at(2026, 3, 1, 0, 0))
    for c in march[1:]:
        set_created(c, at(2026, 3, 15, 12, 0))
    before = ContactFactory(workspace=team, owner=alice, stage="new")
    set_created(before, at(2026, 2, 28, 23, 59))
    for c, when in [
        (march[0], at(2026, 3, 1, 0, 0)),
        (march[1], at(2026, 3, 20)),
        (march[2], at(2026, 3, 31, 23, 59)),
    ]:
        StageChangeFactory(contact=c, from_stage="new", to_stage="engaged", changed_at=when)
    StageChangeFactory(
        contact=march[0], from_stage="engaged", to_stage="promising", changed_at=at(2026, 3, 2)
    )
    StageChangeFactory(
        contact=before, from_stage="new", to_stage="engaged", changed_at=at(2026, 4, 1, 0, 0)
    )
    response = _get(client, alice, team, "stages", start="2026-03-01", end="2026-03-31")
    rows = page_tables(response)["stages"]
    assert rows[0] == [
        "Stage",
        "Contacts now",
        "Reached in period",
        "Conversion from previous stage",
    ]
    assert rows[1:5] == [
        ["New", "2", "4", "\u2014"],
        ["Engaged", "2", "3", "75.0%"],
        ["Promising", "1", "1", "33.3%"],
        ["Nurturing", "0", "0", "0.0%"],
    ]
    assert rows[5] == ["Referred", "0", "0", "\u2014"]
    assert rows[-1] == ["Not a fit", "0", "0", "\u2014"]


def test_a_recruiters_stages_are_those_of_the_people_they_own(client, alice, bob, team):
    mine = [ContactFactory(workspace=team, owner=bob, stage="engaged") for _ in range(2)]
    theirs = ContactFactory(workspace=team, owner=alice, stage="engaged")
    for c in [*mine, theirs]:
        set_created(c, at(2026, 3, 5))
        StageChangeFactory(
            contact=c, from_stage="new", to_stage="engaged", changed_at=at(2026, 3, 6)
        )
    # A change of Bob's person before the period, and one of Alice's: neither counts for him.
    StageChangeFactory(contact=mine[0], from_stage="new", to_stage="new", changed_at=at(2026, 2, 1))
    StageChangeFactory(
        contact=theirs, from_stage="engaged", to_stage="hired", changed_at=at(2026, 3, 7)
    )
    response = _get(client, bob, team, "stages", start="2026-03-01", end="2026-03-31")
    rows = page_tables(response)["stages"]
    assert rows[1:3] == [["New", "0", "2", "\u2014"], ["Engaged", "2", "2", "100.0%"]]
    assert next(r for r in rows if r[0] == "Hired")[1:3] == ["0", "0"]
    response = _get(client, alice, team, "stages", start="2026-03-01", end="2026-03-31")
    rows = page_tables(response)["stages"]
    assert rows[1:3] == [["New", "0", "3", "\u2014"], ["Engaged", "3", "3", "100.0%"]]
    assert next(r for r in rows if r[0] == "Hired")[1:3] == ["0", "1"]


def test_it_counts_sources_hires_and_referral_chains(client, alice, team):
    root = ContactFactory(
        workspace=team, owner=alice, first_name="Rita", last_name="Root", source="event"
    )
    set_created(root, at(2026, 2, 1))
    ann = ContactFactory(
        workspace=team,
        owner=alice,
        first_name="Ann",
        last_name="Two",
        source="referral",
        introduced_by=root,
        stage="hired",
    )
    ben = ContactFactory(
        workspace=team,
        owner=alice,
        first_name="Ben",
        last_name="Three",
        source="referral",
        introduced_by=ann,
    )
    eve = ContactFactory(workspace=team, owner=alice, source="event", stage="hired")
    nil = ContactFactory(workspace=team, owner=alice)
    set_created(ann, at(2026, 3, 1, 0, 0))
    set_created(ben, at(2026, 3, 31, 23, 59))
    set_created(eve, at(2026, 3, 10))
    set_created(nil, at(2026, 3, 10))
    response = _get(client, alice, team, "sources", start="2026-03-01", end="2026-03-31")
    tables = page_tables(response)
    assert tables["sources"] == [
        ["Source", "Contacts", "Introduced by a contact", "Hired", "Hire rate"],
        ["Referral", "2", "2", "1", "50.0%"],
        ["Not recorded", "1", "0", "0", "0.0%"],
        ["Event", "1", "0", "1", "100.0%"],
        ["All", "4", "2", "2", "50.0%"],
    ]
    assert tables["chains"] == [["People", "Chain"], ["3", "Rita Root → Ann Two → Ben Three"]]
    assert "2 of 4 contacts came through a referral." in response.content.decode()


def test_sources_are_for_admins_only(client, bob, team):
    assert _get(client, bob, team, "sources").status_code == 403


def test_it_counts_assessment_scores(client, alice, bob, team):
    for scores, when in [
        ((5, 4, 3), at(2026, 3, 1, 0, 0)),
        ((5, 3, 3), at(2026, 3, 31, 23, 59)),
        ((1, 4, 2), at(2026, 3, 15)),
        ((2, 2, 2), at(2026, 4, 1, 0, 0)),
    ]:
        interview = _talk(team, bob, when)
        AssessmentFactory(
            interview=interview, passion=scores[0], motivation=scores[1], cultural_fit=scores[2]
        )
    response = _get(client, alice, team, "scores", start="2026-03-01", end="2026-03-31")
    assert page_tables(response)["scores"] == [
        ["Score", "Passion", "Motivation", "Cultural fit"],
        ["1", "1", "0", "0"],
        ["2", "0", "0", "1"],
        ["3", "0", "1", "2"],
        ["4", "0", "2", "0"],
        ["5", "2", "0", "0"],
    ]
    response = _get(
        client, alice, team, "scores", start="2026-03-01", end="2026-03-31", recruiter=alice.pk
    )
    assert all(row[1:] == ["0", "0", "0"] for row in page_tables(response)["scores"][1:])


def test_it_reports_a_candidates_network(client, alice, personal):
    fintech = CompanyFactory(workspace=personal, name="Monzo", industry="Fintech")
    xena = ContactFactory(workspace=personal, owner=alice, company=fintech)
    yuri = ContactFactory(workspace=personal, owner=alice)
    for c in (xena, yuri):
        set_created(c, at(2026, 1, 1, 0, 0))
    _talk(personal, alice, at(2026, 1, 1, 0, 0), contact=xena)
    _talk(personal, alice, at(2026, 1, 31, 23, 59), contact=xena)
    _talk(personal, alice, at(2026, 1, 15), contact=yuri)
    _talk(personal, alice, at(2026, 3, 1), contact=yuri)
    _talk(personal, alice, at(2026, 3, 2), contact=yuri, status=Interview.Status.PLANNED)
    due = at(2026, 1, 20)
    FollowUpFactory(contact=xena, owner=alice, due_at=due, status="done", done_at=due)
    FollowUpFactory(
        contact=yuri, owner=alice, due_at=due, status="done", done_at=due + timedelta(minutes=1)
    )
    response = _get(client, alice, personal, "network", start="2026-01-01", end="2026-03-31")
    tables = page_tables(response)
    assert tables["months"] == [
        [
            "Month",
            "People met",
            "Conversations",
            "Contacts added",
            "Follow-ups due",
            "Kept on time",
            "On-time rate",
        ],
        ["Jan 2026", "2", "3", "2", "2", "1", "50.0%"],
        ["Feb 2026", "0", "0", "0", "0", "0", "\u2014"],
        ["Mar 2026", "1", "1", "0", "0", "0", "\u2014"],
    ]
    assert tables["industries"] == [
        ["Industry", "People met", "Companies"],
        ["Fintech", "1", "1"],
        ["Not recorded", "1", "0"],
    ]
    export = client.get(
        report_url(personal, "network", "csv"),
        {"start": "2026-01-01", "end": "2026-03-31", "table": "industries"},
    )
    assert csv_rows(export) == tables["industries"]


def test_pipeline_and_network_reports_live_in_their_own_kind_of_workspace(
    client, alice, team, personal
):
    assert _get(client, alice, personal, "conversations").status_code == 404
    assert _get(client, alice, team, "network").status_code == 404
    assert _get(client, alice, team, "nonsense").status_code == 404
    assert _get(client, alice, team, "stages").status_code == 200
    assert _get(client, alice, personal, "network").status_code == 200
