from datetime import timedelta

import factory
from django.utils import timezone

from contacts.models import Contact
from followups.models import FollowUp
from interviews.models import Interview


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    emails = factory.Sequence(lambda n: [f"contact{n}@example.test"])
    cadence_days = 90


class InterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interview

    workspace = factory.SelfAttribute("contact.workspace")
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    workspace = factory.SelfAttribute("contact.workspace")
    kind = FollowUp.Kind.UPDATE
    due_at = factory.LazyFunction(timezone.now)
