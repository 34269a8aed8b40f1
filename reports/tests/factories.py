"""Rows for the reports' fixtures, written directly so every timestamp is the test's choice."""

from datetime import datetime

import factory

from contacts.models import Company, Contact, StageChange
from followups.models import FollowUp
from interviews.models import Assessment, Interview, Note


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    first_name = factory.Sequence(lambda n: f"Person{n}")
    last_name = "Example"
    emails = factory.Sequence(lambda n: [f"person{n}@example.test"])


class InterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interview

    workspace = factory.SelfAttribute("contact.workspace")
    status = Interview.Status.COMPLETED


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    workspace = factory.SelfAttribute("contact.workspace")
    kind = FollowUp.Kind.UPDATE


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    workspace = factory.SelfAttribute("interview.workspace")
    passion = 3
    motivation = 3
    cultural_fit = 3


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    workspace = factory.SelfAttribute("interview.workspace")
    kind = Note.Kind.INSIGHT
    body = "An insight"


class StageChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StageChange

    workspace = factory.SelfAttribute("contact.workspace")


def set_created(obj, when: datetime) -> None:
    """``created_at`` is auto_now_add: move it with an UPDATE, as a fixture needs it."""
    type(obj).objects.filter(pk=obj.pk).update(created_at=when)
    obj.created_at = when
