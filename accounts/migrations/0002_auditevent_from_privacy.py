"""The audit log moves from privacy to accounts, rows and all.

The table is renamed, not copied: its rows cannot be deleted (a trigger refuses), and they are
history that must survive. The append-only trigger moves with it under accounts' names.
"""

import django.db.models.deletion
from django.db import migrations, models

FORWARD = """
ALTER TABLE privacy_auditevent RENAME TO accounts_auditevent;
ALTER SEQUENCE privacy_auditevent_id_seq RENAME TO accounts_auditevent_id_seq;
ALTER INDEX privacy_auditevent_pkey RENAME TO accounts_auditevent_pkey;
ALTER INDEX privacy_audit_ws_at_idx RENAME TO accounts_audit_ws_at_idx;
ALTER INDEX privacy_audit_obj_idx RENAME TO accounts_audit_obj_idx;

DROP TRIGGER privacy_auditevent_append_only ON accounts_auditevent;
DROP FUNCTION privacy_auditevent_refuse();

-- The audit log is append-only in the database too: whatever code runs, UPDATE and DELETE on
-- its rows fail. (TRUNCATE, used only by test teardown, is a different statement.)
CREATE FUNCTION accounts_auditevent_refuse() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'accounts_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER accounts_auditevent_append_only
BEFORE UPDATE OR DELETE ON accounts_auditevent
FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_refuse();
"""

BACKWARD = """
DROP TRIGGER accounts_auditevent_append_only ON accounts_auditevent;
DROP FUNCTION accounts_auditevent_refuse();

CREATE FUNCTION privacy_auditevent_refuse() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'privacy_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER privacy_auditevent_append_only
BEFORE UPDATE OR DELETE ON accounts_auditevent
FOR EACH ROW EXECUTE FUNCTION privacy_auditevent_refuse();

ALTER INDEX accounts_audit_obj_idx RENAME TO privacy_audit_obj_idx;
ALTER INDEX accounts_audit_ws_at_idx RENAME TO privacy_audit_ws_at_idx;
ALTER INDEX accounts_auditevent_pkey RENAME TO privacy_auditevent_pkey;
ALTER SEQUENCE accounts_auditevent_id_seq RENAME TO privacy_auditevent_id_seq;
ALTER TABLE accounts_auditevent RENAME TO privacy_auditevent;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        # The table (and its trigger) were made there; privacy 0004 forgets the model.
        ("privacy", "0003_merge_safe"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(FORWARD, BACKWARD)],
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
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
                        ("actor_id", models.BigIntegerField(blank=True, null=True)),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("viewed", "Viewed"),
                                    ("exported", "Exported"),
                                    ("changed", "Changed"),
                                    ("merged", "Merged"),
                                    ("anonymised", "Anonymised"),
                                    ("deleted", "Deleted"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("object_type", models.CharField(max_length=64)),
                        ("object_id", models.BigIntegerField()),
                        ("at", models.DateTimeField(db_index=True)),
                        (
                            "workspace",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="accounts.workspace",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-at", "-pk"],
                        "indexes": [
                            models.Index(
                                fields=["workspace", "-at"], name="accounts_audit_ws_at_idx"
                            ),
                            models.Index(
                                fields=["workspace", "object_type", "object_id"],
                                name="accounts_audit_obj_idx",
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
