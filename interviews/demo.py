"""Demo conversations for ``manage.py seed_demo``: found by contact and purpose, never doubled."""

import zoneinfo
from datetime import datetime, time, timedelta

from django.utils import timezone

from contacts.models import Contact
from contacts.services import contact_create
from interviews import services
from interviews.models import Interview, Question

PERSONAL = [
    # first, last, title, days from now, purpose, objectives, status
    (
        "Eleanor",
        "Hughes",
        "Head of Data, Brightwell Energy",
        3,
        "Learn how data teams work in the energy sector",
        ["Understand a data engineer's week", "Hear which skills matter in five years"],
        "scheduled",
    ),
    (
        "Tom",
        "Clarke",
        "Product Manager, Fernhill Health",
        -6,
        "Understand the move from analysis into product management",
        ["Learn his career path", "Ask whom else I should meet"],
        "completed",
    ),
    (
        "Amara",
        "Obi",
        "UX Researcher, Larchmont",
        None,
        "Explore user research as a career",
        ["Find out how research shapes the roadmap"],
        "planned",
    ),
]
TEAM = [
    (
        "Lucas",
        "Meyer",
        "Backend developer",
        2,
        "Early conversation about our platform team",
        ["Gauge motivation for platform work"],
        "scheduled",
    ),
    (
        "Sofia",
        "Rossi",
        "Data analyst",
        -4,
        "Talent pipeline: analytics",
        ["Understand her aspirations", "Judge cultural fit"],
        "completed",
    ),
    (
        "Kwame",
        "Asante",
        "Site reliability engineer",
        -10,
        "Coffee chat at the meetup",
        ["Hear what keeps him energised"],
        "cancelled",
    ),
]


def _contact(workspace, owner, first, last, title):
    contact = Contact.objects.filter(workspace=workspace, first_name=first, last_name=last).first()
    if contact is None:
        email = f"{first}.{last}@example.org".lower()
        contact = contact_create(
            workspace=workspace,
            owner=owner,
            first_name=first,
            last_name=last,
            title=title,
            emails=[email],
        )
    return contact


def _at_ten(days, time_zone):
    """Ten in the morning on the owner's clocks, ``days`` from today."""
    zone = zoneinfo.ZoneInfo(time_zone)
    day = timezone.now().astimezone(zone).date() + timedelta(days=days)
    return datetime.combine(day, time(10, 0), tzinfo=zone)


def _seed(workspace, owners, rows):
    for index, (first, last, title, days, purpose, objectives, status) in enumerate(rows):
        owner = owners[index % len(owners)]
        contact = _contact(workspace, owner, first, last, title)
        if Interview.objects.filter(workspace=workspace, contact=contact, purpose=purpose).exists():
            continue
        starts_at = None if days is None else _at_ten(days, owner.time_zone)
        interview = services.interview_create(
            workspace=workspace,
            owner=owner,
            contact=contact,
            starts_at=starts_at,
            time_zone=owner.time_zone,
            duration_minutes=30,
            mode=Interview.Mode.VIDEO,
            meeting_url="https://meet.example.org/infoview-demo",
            purpose=purpose,
        )
        for text in objectives:
            services.objective_add(interview=interview, text=text)
        services.questions_pick(
            interview=interview, questions=Question.objects.filter(workspace=workspace)[:4]
        )
        for item in interview.prep_items.all()[:4]:
            services.prep_item_toggle(item=item)
        services.interview_text_save(
            interview=interview,
            field="research",
            value=f"{contact.full_name}: {title}. Read the organisation's latest annual report.",
        )
        if status == "completed":
            _complete(interview, owner, starts_at)
        elif status == "cancelled":
            services.interview_cancel(interview=interview, reason="They changed jobs.")


def _complete(interview, owner, starts_at):
    first = interview.objectives.first()
    first.insight = "Mentoring and side projects opened the door more than courses did."
    first.save(update_fields=["insight"])
    services.objective_toggle_met(objective=first)
    services.note_add(
        interview=interview,
        author=owner,
        kind="advice",
        body="Join the **local meetup** and write up one project a quarter.",
        objective=first,
    )
    services.note_add(
        interview=interview,
        author=owner,
        kind="trend",
        body="Teams are moving reporting into the product itself.",
    )
    services.interview_complete(interview=interview, completed_at=starts_at + timedelta(hours=1))
    if interview.workspace.is_team:
        services.assessment_save(
            interview=interview,
            assessed_by=owner,
            passion=4,
            motivation=5,
            cultural_fit=4,
            skills=["sql", "python", "stakeholder management"],
            consider_for_future=True,
            roles_in_mind="Senior analyst, analytics engineer",
            availability="Three months' notice",
        )


def seed(*, demo) -> None:
    _seed(demo.personal, [demo.candidate], PERSONAL)
    _seed(demo.team, [demo.admin, *demo.recruiters], TEAM)
