"""The audit log moved to accounts and suppression to contacts; their tables went with them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0003_merge_safe"),
        ("accounts", "0002_auditevent_from_privacy"),
        ("contacts", "0005_suppression_from_privacy"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AuditEvent"),
                migrations.DeleteModel(name="Suppression"),
            ],
        ),
    ]
