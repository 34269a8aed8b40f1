from django.core.management import call_command

from contacts.models import Contact


def test_it_seeds_demo_people_once(db):
    call_command("seed_demo", verbosity=0)
    count = Contact.objects.count()
    assert count >= 11
    assert Contact.objects.filter(introduced_by__isnull=False).exists()
    call_command("seed_demo", verbosity=0)
    assert Contact.objects.count() == count
