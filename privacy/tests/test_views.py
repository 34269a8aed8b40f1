import csv
import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Workspace
from contacts import suppression
from contacts.models import Contact
from contacts.services import contact_create
from privacy.models import ContactPrivacy, RetentionPolicy
from privacy.services import retention

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def url(name, ws="acme", **kwargs):
    return reverse(f"privacy:{name}", kwargs={"ws": ws, **kwargs})


@pytest.fixture
def grace(workspace_a, alice):
    return contact_create(
        workspace=workspace_a,
        owner=alice,
        first_name="Grace",
        last_name="Hopper",
        emails=["grace@example.test"],
    )


class TestSettings:
    def test_an_admin_sets_the_retention_and_the_notice_link(self, client, alice, workspace_a):
        client.force_login(alice)
        assert client.get(url("settings")).status_code == 200
        response = client.post(
            url("settings"),
            {"enabled": "on", "months": "18", "privacy_notice_url": "https://acme.example/p"},
        )
        assert response.status_code == 302
        policy = RetentionPolicy.objects.get(workspace=workspace_a)
        assert (policy.enabled, policy.months, policy.privacy_notice_url) == (
            True,
            18,
            "https://acme.example/p",
        )

    @pytest.mark.parametrize(
        "data",
        [
            {"months": "0"},
            {"months": "9999"},
            {"months": "abc"},
            {"months": "12", "privacy_notice_url": "javascript:alert(1)"},
        ],
    )
    def test_bad_input_is_refused_with_400(self, client, alice, workspace_a, data):
        client.force_login(alice)
        assert client.post(url("settings"), data).status_code == 400
        assert not RetentionPolicy.objects.filter(workspace=workspace_a).exclude(months=24)

    def test_a_personal_workspace_has_no_privacy_pages(self, client, alice):
        client.force_login(alice)
        personal = Workspace.objects.get(membership__user=alice, kind="personal")
        assert client.get(url("settings", ws=personal.slug)).status_code == 404


class TestContactPanel:
    def test_viewing_it_is_audited(self, client, alice, grace):
        client.force_login(alice)
        response = client.get(url("contact", pk=grace.pk))
        assert response.status_code == 200
        assert b"Grace Hopper" in response.content
        event = AuditEvent.objects.get()
        assert (event.action, event.actor_id, event.object_id) == ("viewed", alice.pk, grace.pk)

    def test_a_recruiter_records_the_lawful_basis_but_cannot_export(self, client, bob, grace):
        client.force_login(bob)
        page = client.get(url("contact", pk=grace.pk))
        assert b"export-json" not in page.content
        response = client.post(
            url("contact_basis", pk=grace.pk),
            {"lawful_basis": "consent", "consent_at": "2026-11-01T10:30"},
        )
        assert response.status_code == 302
        privacy = ContactPrivacy.objects.get(contact=grace)
        assert privacy.lawful_basis == "consent" and privacy.consent_at.day == 1
        assert client.get(url("contact_export_json", pk=grace.pk)).status_code == 403
        assert client.post(url("contact_erase", pk=grace.pk)).status_code == 403
        assert Contact.objects.filter(pk=grace.pk).exists()

    @pytest.mark.parametrize(
        "data",
        [
            {"lawful_basis": "consent"},
            {"lawful_basis": "because"},
            {"lawful_basis": "consent", "consent_at": "yesterday"},
        ],
    )
    def test_bad_input_is_refused_with_400(self, client, alice, grace, data):
        client.force_login(alice)
        assert client.post(url("contact_basis", pk=grace.pk), data).status_code == 400
        assert not ContactPrivacy.objects.exclude(lawful_basis="").exists()

    def test_another_workspaces_contact_is_404_even_for_an_admin(
        self, client, alice, workspace_b, charlie
    ):
        theirs = contact_create(workspace=workspace_b, owner=charlie, first_name="Theirs")
        client.force_login(alice)
        for name in ("contact", "contact_export_json", "contact_anonymise", "contact_erase"):
            assert client.get(url(name, pk=theirs.pk)).status_code == 404
        assert client.post(url("contact_erase", pk=theirs.pk)).status_code == 404
        assert Contact.objects.filter(pk=theirs.pk).exists()


class TestExportAnonymiseErase:
    def test_json_and_csv_downloads(self, client, alice, grace):
        client.force_login(alice)
        response = client.get(url("contact_export_json", pk=grace.pk))
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Cache-Control"] == "no-store"
        data = json.loads(response.content)
        assert data["contact"]["emails"] == ["grace@example.test"]
        response = client.get(url("contact_export_csv", pk=grace.pk))
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert ["contacts.contact", str(grace.pk), "last_name", "Hopper"] in rows
        assert list(AuditEvent.objects.values_list("action", flat=True)) == [
            "exported",
            "exported",
        ]

    def test_anonymise_asks_first(self, client, alice, grace):
        client.force_login(alice)
        page = client.get(url("contact_anonymise", pk=grace.pk))
        assert page.status_code == 200 and b"Anonymise Grace Hopper?" in page.content
        grace.refresh_from_db()
        assert grace.first_name == "Grace"
        response = client.post(url("contact_anonymise", pk=grace.pk))
        assert response.status_code == 302
        grace.refresh_from_db()
        assert grace.first_name == "Anonymised"

    def test_erase_asks_first_then_deletes_and_suppresses(self, client, alice, grace, workspace_a):
        client.force_login(alice)
        assert client.get(url("contact_erase", pk=grace.pk)).status_code == 200
        assert Contact.objects.filter(pk=grace.pk).exists()
        response = client.post(url("contact_erase", pk=grace.pk), follow=True)
        assert not Contact.objects.filter(pk=grace.pk).exists()
        assert b"Grace" not in response.content
        assert suppression.is_suppressed(workspace_a, email="GRACE@example.test")

    def test_writes_need_post(self, client, alice, grace):
        client.force_login(alice)
        assert client.get(url("contact_basis", pk=grace.pk)).status_code == 405


class TestAuditLog:
    def _events(self, workspace, actor, count, contact_id=1):
        for index in range(count):
            AuditEvent.objects.create(
                workspace=workspace,
                actor_id=actor.pk,
                action="viewed" if index % 2 else "exported",
                object_type="contacts.contact",
                object_id=contact_id + index,
                at=timezone.now() - timedelta(minutes=index),
            )

    def test_admins_filter_it_by_action_person_and_record(self, client, alice, bob, workspace_a):
        self._events(workspace_a, alice, 4)
        self._events(workspace_a, bob, 3, contact_id=100)
        client.force_login(alice)
        response = client.get(url("audit"), {"action": "exported"})
        assert len(response.context["rows"]) == 4
        response = client.get(url("audit"), {"actor": bob.pk})
        assert {actor for _e, actor, _r in response.context["rows"]} == {"Bob Recruiter"}
        response = client.get(url("audit"), {"object_id": 101})
        assert [e.object_id for e, _a, _r in response.context["rows"]] == [101]
        assert client.get(url("audit")).context["page"].paginator.count == 7

    def test_it_shows_nothing_of_another_workspace_and_refuses_its_people(
        self, client, alice, charlie, workspace_a, workspace_b
    ):
        self._events(workspace_b, charlie, 3)
        client.force_login(alice)
        assert client.get(url("audit")).context["page"].paginator.count == 0
        self._events(workspace_a, alice, 2)
        response = client.get(url("audit"), {"actor": charlie.pk})
        assert response.status_code == 400
        assert response.context["page"].paginator.count == 0

    def test_htmx_gets_the_results_only(self, client, alice, workspace_a):
        self._events(workspace_a, alice, 2)
        client.force_login(alice)
        response = client.get(url("audit"), HTTP_HX_REQUEST="true")
        assert b"audit-count" in response.content and b"<html" not in response.content

    @pytest.mark.parametrize("size", [3, 160])
    def test_it_runs_a_fixed_number_of_queries_whatever_its_size(
        self, client, alice, bob, workspace_a, django_assert_num_queries, size
    ):
        self._events(workspace_a, alice, size)
        self._events(workspace_a, bob, size)
        client.force_login(alice)
        client.get(url("audit"))  # warm the session and last_workspace
        # user, membership (the session comes from the shared cache), members for the filter,
        # count, page, the people's names, context processor
        with django_assert_num_queries(6):
            response = client.get(url("audit"), {"page": 2 if size > 50 else 1})
        assert response.status_code == 200
        assert len(response.context["rows"]) == min(2 * size, 50)

    def test_it_names_the_people_still_held_and_only_an_id_for_the_erased(
        self, client, alice, grace, workspace_a
    ):
        self._events(workspace_a, alice, 1, contact_id=grace.pk)
        self._events(workspace_a, alice, 1, contact_id=grace.pk + 1000)
        client.force_login(alice)
        page = client.get(url("audit")).content.decode()
        assert f'href="{url("contact", pk=grace.pk)}">Grace Hopper</a>' in page
        assert f"Person #{grace.pk + 1000} (no longer held)" in page
        assert "contacts.contact #" not in page

    def test_a_recruiter_gets_403(self, client, bob):
        client.force_login(bob)
        assert client.get(url("audit")).status_code == 403


def test_the_panel_says_when_the_contact_will_be_anonymised(client, alice, grace, workspace_a):
    from dateutil.relativedelta import relativedelta

    Contact.objects.filter(pk=grace.pk).update(last_interaction_at=timezone.now())
    client.force_login(alice)
    due = (timezone.now() + relativedelta(months=24)).date()
    page = client.get(url("contact", pk=grace.pk)).content.decode()
    assert f"Anonymised automatically on {due.day} {due:%B %Y}" in page
    retention.retention_policy_update(
        workspace=workspace_a, enabled=False, months=24, privacy_notice_url=""
    )
    page = client.get(url("contact", pk=grace.pk)).content.decode()
    assert "does not anonymise contacts automatically" in page


class TestContactPagesAudit:
    """The contact pages of the contacts app write the audit log of team workspaces."""

    @staticmethod
    def _events(workspace, contact_id=None):
        events = AuditEvent.objects.filter(workspace=workspace, object_type="contacts.contact")
        if contact_id is not None:
            events = events.filter(object_id=contact_id)
        return list(events.order_by("pk").values_list("action", "object_id", "actor_id"))

    @staticmethod
    def _contacts(name, **kwargs):
        return reverse(f"contacts:{name}", kwargs={"ws": "acme", **kwargs})

    def test_viewing_editing_archiving_and_deleting(self, client, alice, grace, workspace_a):
        client.force_login(alice)
        assert client.get(self._contacts("detail", pk=grace.pk)).status_code == 200
        response = client.post(
            self._contacts("edit", pk=grace.pk),
            {
                "first_name": "Grace",
                "last_name": "Hopper",
                "emails": "grace@example.test",
                "cadence_days": "90",
                "stage": "new",
                "owner": alice.pk,
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        client.post(self._contacts("archive", pk=grace.pk))
        client.post(self._contacts("delete", pk=grace.pk))

        assert self._events(workspace_a, grace.pk) == [
            ("viewed", grace.pk, alice.pk),
            ("changed", grace.pk, alice.pk),
            ("changed", grace.pk, alice.pk),
            ("deleted", grace.pk, alice.pk),
        ]

    def test_an_export_records_every_exported_person_and_nobody_else(
        self, client, alice, grace, workspace_a
    ):
        ada = contact_create(workspace=workspace_a, owner=alice, first_name="Ada")
        client.force_login(alice)
        response = client.get(self._contacts("export_csv"), {"q": "Grace"})
        b"".join(response.streaming_content)

        assert self._events(workspace_a) == [("exported", grace.pk, alice.pk)]
        assert self._events(workspace_a, ada.pk) == []

    def test_a_bulk_change_and_a_merge(self, client, alice, grace, workspace_a):
        twin = contact_create(
            workspace=workspace_a, owner=alice, first_name="Grace", last_name="Hopper"
        )
        client.force_login(alice)
        client.post(self._contacts("bulk_archive"), {"ids": [grace.pk, twin.pk]})
        client.post(self._contacts("merge"), {"keep": grace.pk, "other": twin.pk})

        assert sorted(self._events(workspace_a)) == sorted(
            [
                ("changed", grace.pk, alice.pk),
                ("changed", twin.pk, alice.pk),
                ("merged", grace.pk, alice.pk),
                ("merged", twin.pk, alice.pk),
            ]
        )

    def test_a_personal_workspace_keeps_no_log(self, client, alice):
        personal = Workspace.objects.get(membership__user=alice, kind=Workspace.Kind.PERSONAL)
        mine = contact_create(workspace=personal, owner=alice, first_name="Linus")
        client.force_login(alice)
        response = client.get(
            reverse("contacts:detail", kwargs={"ws": personal.slug, "pk": mine.pk})
        )
        assert response.status_code == 200
        assert not AuditEvent.objects.filter(workspace=personal).exists()


def test_opening_a_conversation_is_a_view_of_the_persons_record(client, alice, grace):
    from interviews.tests.factories import make_interview

    interview = make_interview(workspace=grace.workspace, owner=alice, contact=grace)
    client.force_login(alice)
    for name in ("detail", "conversation"):
        page = reverse(f"interviews:{name}", kwargs={"ws": "acme", "pk": interview.pk})
        assert client.get(page).status_code == 200

    events = AuditEvent.objects.filter(object_type="contacts.contact", object_id=grace.pk)
    assert list(events.values_list("action", "actor_id")) == [("viewed", alice.pk)] * 2
