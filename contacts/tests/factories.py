import factory

from accounts.tests.factories import WorkspaceFactory
from contacts.models import Company, Contact, Tag


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Company {n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"tag{n}")


class ContactFactory(factory.django.DjangoModelFactory):
    """A saved contact with its search columns filled, as the services would leave it."""

    class Meta:
        model = Contact
        skip_postgeneration_save = True

    workspace = factory.SubFactory(WorkspaceFactory)
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    emails = factory.LazyAttributeSequence(
        lambda c, n: [f"{c.first_name}.{c.last_name}.{n}@example.test".lower()]
    )

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.set(extracted)

    @factory.post_generation
    def _search(obj, create, extracted, **kwargs):
        if create:
            from contacts.services import contacts_refresh_search

            contacts_refresh_search(contact_ids=[obj.pk])
