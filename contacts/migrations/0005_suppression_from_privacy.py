"""Suppression moves from privacy to contacts, rows and all (the table is renamed, not copied)."""

import django.db.models.deletion
from django.db import migrations, models

FORWARD = """
ALTER TABLE privacy_suppression RENAME TO contacts_suppression;
ALTER SEQUENCE privacy_suppression_id_seq RENAME TO contacts_suppression_id_seq;
ALTER INDEX privacy_suppression_pkey RENAME TO contacts_suppression_pkey;
ALTER TABLE contacts_suppression
    RENAME CONSTRAINT privacy_suppression_unique TO contacts_suppression_unique;
"""

BACKWARD = """
ALTER TABLE contacts_suppression
    RENAME CONSTRAINT contacts_suppression_unique TO privacy_suppression_unique;
ALTER INDEX contacts_suppression_pkey RENAME TO privacy_suppression_pkey;
ALTER SEQUENCE contacts_suppression_id_seq RENAME TO privacy_suppression_id_seq;
ALTER TABLE contacts_suppression RENAME TO privacy_suppression;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("contacts", "0004_search_words"),
        # The table was made there; privacy 0004 forgets the model.
        ("privacy", "0003_merge_safe"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(FORWARD, BACKWARD)],
            state_operations=[
                migrations.CreateModel(
                    name="Suppression",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[("email", "Email address"), ("linkedin", "LinkedIn URL")],
                                max_length=16,
                            ),
                        ),
                        ("value_hash", models.CharField(max_length=64)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "workspace",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="accounts.workspace",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("workspace", "kind", "value_hash"),
                                name="contacts_suppression_unique",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
