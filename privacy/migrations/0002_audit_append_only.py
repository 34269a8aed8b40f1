from django.db import migrations

# The audit log is append-only in the database too: whatever code runs, UPDATE and DELETE on
# its rows fail. (TRUNCATE, used only by test teardown, is a different statement.)
FORWARD = """
CREATE FUNCTION privacy_auditevent_refuse() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'privacy_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER privacy_auditevent_append_only
BEFORE UPDATE OR DELETE ON privacy_auditevent
FOR EACH ROW EXECUTE FUNCTION privacy_auditevent_refuse();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS privacy_auditevent_append_only ON privacy_auditevent;
DROP FUNCTION IF EXISTS privacy_auditevent_refuse();
"""


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
