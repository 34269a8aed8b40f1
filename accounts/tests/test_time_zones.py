from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from accounts.models import TIME_ZONE_CHOICES, User, validate_time_zone

BASE_DIR = Path(__file__).resolve().parents[2]


def test_it_accepts_the_names_of_the_tz_database():
    validate_time_zone("Europe/London")
    validate_time_zone("America/Argentina/Buenos_Aires")


def test_it_refuses_a_name_that_is_not_a_time_zone():
    with pytest.raises(ValidationError):
        validate_time_zone("Mars/Olympus")


def test_the_model_field_validates_instead_of_listing_choices():
    field = User._meta.get_field("time_zone")
    assert not field.choices
    assert validate_time_zone in field.validators
    assert ("Asia/Tokyo", "Asia/Tokyo") in TIME_ZONE_CHOICES  # what the forms offer


def test_no_migration_freezes_the_machines_time_zone_list():
    for migration in BASE_DIR.glob("*/migrations/*.py"):
        assert "Africa/Abidjan" not in migration.read_text(), migration


@pytest.mark.django_db
def test_the_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
