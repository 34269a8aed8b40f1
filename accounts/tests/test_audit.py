"""The audit log: ids only, team workspaces only, append-only in Python and in the database."""

import pytest
from django.db import connection, transaction
from django.db.utils import InternalError

from accounts import audit
from accounts.models import AuditEvent, AuditLogIsAppendOnly, Workspace


class TestAuditLog:
    def test_it_records_nothing_in_a_personal_workspace(self, alice):
        personal = Workspace.objects.get(membership__user=alice, kind="personal")
        assert (
            audit.audit_record(workspace=personal, actor=alice, action="viewed", obj=alice) is None
        )

    def test_it_refuses_an_unknown_action(self, workspace_a, alice):
        with pytest.raises(ValueError):
            audit.audit_record(workspace=workspace_a, actor=alice, action="peeked", obj=alice)

    def test_the_model_refuses_changes_and_deletes(self, workspace_a, alice):
        event = audit.audit_record(workspace=workspace_a, actor=alice, action="viewed", obj=alice)
        event.action = "deleted"
        with pytest.raises(AuditLogIsAppendOnly):
            event.save()
        with pytest.raises(AuditLogIsAppendOnly):
            event.delete()
        with pytest.raises(AuditLogIsAppendOnly):
            AuditEvent.objects.filter(pk=event.pk).update(action="deleted")
        with pytest.raises(AuditLogIsAppendOnly):
            AuditEvent.objects.all().delete()

    def test_the_database_refuses_changes_and_deletes_too(self, workspace_a, alice):
        event = audit.audit_record(workspace=workspace_a, actor=alice, action="viewed", obj=alice)
        for sql in (
            "UPDATE accounts_auditevent SET action = 'deleted' WHERE id = %s",
            "DELETE FROM accounts_auditevent WHERE id = %s",
        ):
            with (
                pytest.raises(InternalError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql, [event.pk])
        assert AuditEvent.objects.get(pk=event.pk).action == "viewed"
