"""Four single-column indexes dropped, each the first column of another index of its table.

Only the indexes go: Django's own AlterField would also drop and re-add each foreign key,
checking every row again under a lock, for a constraint that does not change.
"""

import django.db.models.deletion
from django.db import migrations, models

# (table, column, index), as Django named them when it made them.
DROPPED = [
    ("contacts_company", "workspace_id", "contacts_company_workspace_id_70c9264b"),
    ("contacts_contact", "workspace_id", "contacts_contact_workspace_id_c425fb7f"),
    ("contacts_searchword", "workspace_id", "contacts_searchword_workspace_id_bda6544f"),
    ("contacts_stagechange", "contact_id", "contacts_stagechange_contact_id_17eb0b38"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0011_archived_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
                )
                for table, column, index in DROPPED
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="company",
                    name="workspace",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="accounts.workspace",
                    ),
                ),
                migrations.AlterField(
                    model_name="contact",
                    name="workspace",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="accounts.workspace",
                    ),
                ),
                migrations.AlterField(
                    model_name="searchword",
                    name="workspace",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="accounts.workspace",
                    ),
                ),
                migrations.AlterField(
                    model_name="stagechange",
                    name="contact",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="stage_changes",
                        to="contacts.contact",
                    ),
                ),
            ],
        ),
    ]
