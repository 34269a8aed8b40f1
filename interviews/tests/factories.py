from datetime import timedelta

import factory
from django.utils import timezone

from accounts.tests.factories import WorkspaceFactory
from contacts.models import Contact
from interviews import services
from interviews.models import Interview


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    workspace = factory.SubFactory(WorkspaceFactory)
    first_name = factory.Sequence(lambda n: f"Person{n}")
    last_name = "Smith"
    emails = factory.LazyAttributeSequence(lambda c, n: [f"person{n}@example.test"])


def make_interview(*, workspace, owner, contact=None, starts_in=timedelta(days=2), **fields):
    """An interview made the way the app makes them (prep checklist copied in)."""
    contact = contact or ContactFactory(workspace=workspace, owner=owner)
    starts_at = None if starts_in is None else timezone.now() + starts_in
    fields.setdefault("time_zone", "Europe/London")
    return services.interview_create(
        workspace=workspace, owner=owner, contact=contact, starts_at=starts_at, **fields
    )


def interview_for(world) -> Interview:
    return world.once("interview", lambda w: make_interview(workspace=w.workspace, owner=w.alice))
