"""Removing things goes through the services, from the pages that offer it."""

from django.core.exceptions import ValidationError

from contacts.models import Contact
from interviews import services
from interviews.models import Interview, InterviewQuestion, PrepTemplateItem, Question
from interviews.tests.test_scheduling import _form


def test_it_removes_a_question_from_the_interview(client, alice, interview, url):
    question = services.question_add_one_off(interview=interview, text="What surprised you?")
    client.force_login(alice)
    response = client.post(url("question_remove", pk=question.pk))
    assert response.status_code == 302
    assert response.url == f"{interview.get_absolute_url()}#questions"
    assert not InterviewQuestion.objects.filter(pk=question.pk).exists()


def test_a_question_out_of_the_bank_stays_in_the_interviews_that_picked_it(
    client, alice, interview, url, workspace_a
):
    bank_question = services.bank_question_add(
        workspace=workspace_a, category=Question.objects.first().category, text="Why this field?"
    )
    [picked] = services.questions_pick(interview=interview, questions=[bank_question])
    client.force_login(alice)
    assert client.post(url("bank_delete", pk=bank_question.pk)).status_code == 302
    assert not Question.objects.filter(pk=bank_question.pk).exists()
    picked.refresh_from_db()
    assert (picked.text, picked.source) == ("Why this field?", None)


def test_an_item_out_of_the_prep_template_stays_in_existing_checklists(
    client, alice, interview, url, workspace_a
):
    item = PrepTemplateItem.objects.filter(workspace=workspace_a).first()
    before = interview.prep_items.count()
    client.force_login(alice)
    assert client.post(url("prep_template_delete", pk=item.pk)).status_code == 302
    assert not PrepTemplateItem.objects.filter(pk=item.pk).exists()
    assert interview.prep_items.count() == before


def test_an_inline_contact_is_not_kept_when_the_interview_is_refused(
    client, alice, url, monkeypatch
):
    def refuse(**kwargs):
        raise ValidationError("Refused.")

    monkeypatch.setattr(services, "interview_create", refuse)
    client.force_login(alice)
    data = _form(None, new_contact_first_name="Ravi", new_contact_last_name="Patel")
    response = client.post(url("create"), data)
    assert response.status_code == 400
    assert "Refused." in response.text
    assert not Contact.objects.filter(first_name="Ravi").exists()
    assert not Interview.objects.exists()
