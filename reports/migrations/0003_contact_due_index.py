"""The active contacts' index of 0002, now ordered by when each person is due for keeping in touch.

The workspace home lists a member's people whose keep-in-touch date has passed, soonest first,
with their number. That date is ``COALESCE(last_interaction_at, created_at) + cadence_days
days``; as ``timestamptz + interval`` it is not immutable (the result depends on the session's
time zone), so no index can hold it, and PostgreSQL computed it for each of the member's
~2,800 people and sorted them (7 ms of a 10 ms statement at the scale data). Written in UTC
(``timestamp + interval`` is immutable, and Django's sessions run in UTC, so the dates are the
same), it is an index key: the people due are a range of this index, already in order.

It replaces ``reports_contact_active_idx`` (same rows, the same columns held): the stages
report's "contacts by stage now" reads it as before, and a contact's writes keep one index.
"""

from django.db import migrations

# reports.dashboard.HOME_LISTS_SQL writes this expression exactly (the planner matches it).
DUE = "(COALESCE(last_interaction_at, created_at) AT TIME ZONE 'UTC') + cadence_days * interval '1 day'"

CREATE_DUE = (
    "CREATE INDEX IF NOT EXISTS reports_contact_due_idx ON contacts_contact"
    f" (workspace_id, owner_id, ({DUE}), id)"
    " INCLUDE (stage, last_interaction_at, created_at, cadence_days, first_name, last_name)"
    " WHERE archived_at IS NULL"
)
CREATE_ACTIVE = (
    "CREATE INDEX IF NOT EXISTS reports_contact_active_idx ON contacts_contact"
    " (workspace_id, owner_id) INCLUDE"
    " (id, stage, last_interaction_at, created_at, cadence_days, first_name, last_name)"
    " WHERE archived_at IS NULL"
)


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_report_indexes")]

    operations = [
        migrations.RunSQL(CREATE_DUE, reverse_sql="DROP INDEX IF EXISTS reports_contact_due_idx"),
        migrations.RunSQL(
            "DROP INDEX IF EXISTS reports_contact_active_idx", reverse_sql=CREATE_ACTIVE
        ),
    ]
