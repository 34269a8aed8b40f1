"""The new follow-up page: the contact is picked by search, not from a list of everyone."""

from django.urls import reverse

from contacts.models import Contact
from followups.models import FollowUp


def test_it_picks_the_contact_by_search_not_from_a_list_of_everyone(
    client, alice, workspace_a, django_assert_max_num_queries
):
    Contact.objects.bulk_create(
        Contact(workspace=workspace_a, first_name=f"Many{i}", last_name="Person")
        for i in range(500)
    )
    client.force_login(alice)
    url = reverse("followups:create", kwargs={"ws": "acme"})
    client.get(url)
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert "Many499" not in response.text
    assert "data-contact-picker" in response.text


def test_it_adds_a_followup_for_the_picked_contact(client, alice, workspace_a):
    picked = Contact.objects.create(workspace=workspace_a, first_name="Grace", last_name="Hopper")
    client.force_login(alice)
    url = reverse("followups:create", kwargs={"ws": "acme"})
    response = client.post(
        url, {"contact": picked.pk, "kind": "update", "title": "Ask", "due_at": "2030-01-02T10:00"}
    )
    assert response.status_code == 302
    assert FollowUp.objects.get(workspace=workspace_a, title="Ask").contact == picked


def test_it_refuses_a_contact_of_another_workspace(client, alice, charlie, workspace_b):
    foreign = Contact.objects.create(workspace=workspace_b, first_name="Eve", last_name="Other")
    client.force_login(alice)
    url = reverse("followups:create", kwargs={"ws": "acme"})
    response = client.post(
        url, {"contact": foreign.pk, "kind": "update", "title": "Ask", "due_at": "2030-01-02T10:00"}
    )
    assert response.status_code == 400
    assert not FollowUp.objects.filter(contact=foreign).exists()
