"""The indexes the reports (and the workspace home) read their rows through (issue 17).

They are the reports' own: each covers one report query (an index-only scan of the period's
rows instead of the table's pages), so they are made here, beside the queries, rather than in
the models of the apps whose tables they index.
"""

from django.db import migrations

INDEXES = {
    # Conversations per recruiter and week; the interviews behind the assessment scores.
    "reports_interview_period_idx": (
        "interviews_interview (workspace_id, starts_at) INCLUDE (id, status, owner_id)"
    ),
    # Contacts added in the period: sources and referrals, entries into the pipeline.
    "reports_contact_created_idx": (
        "contacts_contact (workspace_id, created_at)"
        " INCLUDE (id, owner_id, stage, source, introduced_by_id)"
    ),
    # Stages reached in the period.
    "reports_stagechange_period_idx": (
        "contacts_stagechange (workspace_id, changed_at) INCLUDE (to_stage, contact_id)"
    ),
    # The people who are not archived, by owner: the contacts by stage now (reports), and the
    # workspace home's people to get back in touch with (their due date and name are made of
    # these columns). One index for both: each one more slows every write of a contact.
    "reports_contact_active_idx": (
        "contacts_contact (workspace_id, owner_id) INCLUDE"
        " (id, stage, last_interaction_at, created_at, cadence_days, first_name, last_name)"
        " WHERE archived_at IS NULL"
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("contacts", "0010_import_heartbeat"),
        ("interviews", "0006_interview_owner_feed_index"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON {definition}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, definition in INDEXES.items()
    ]
