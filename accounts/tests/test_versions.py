"""Data versions: a write bumps now and once more when its transaction commits."""

import pytest
from django.db import IntegrityError, transaction

from accounts.versions import data_changed, data_version

pytestmark = pytest.mark.django_db


def test_a_transaction_that_changes_the_data_twice_bumps_once_at_commit(
    workspace_a, django_capture_on_commit_callbacks
):
    before = data_version(workspace_id=workspace_a.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        data_changed(workspace_id=workspace_a.pk)
        data_changed(workspace_id=workspace_a.pk)
        in_transaction = data_version(workspace_id=workspace_a.pk)
        # Another workspace, or another scope, is its own bump.
        data_changed(workspace_id=workspace_a.pk, scopes=("contacts",))
    assert in_transaction != before
    assert len(callbacks) == 2
    assert data_version(workspace_id=workspace_a.pk) not in (before, in_transaction)


def test_a_bump_owed_by_a_savepoint_rolled_back_is_owed_again(
    workspace_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        try:
            with transaction.atomic():
                data_changed(workspace_id=workspace_a.pk)
                raise IntegrityError("the row was taken meanwhile")
        except IntegrityError:
            pass
        data_changed(workspace_id=workspace_a.pk)
        in_transaction = data_version(workspace_id=workspace_a.pk)
    assert len(callbacks) == 1
    assert data_version(workspace_id=workspace_a.pk) != in_transaction
