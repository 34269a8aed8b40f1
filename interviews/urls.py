from django.urls import path

from interviews.views import (
    assessment,
    bank,
    calendar,
    conversation,
    interviews,
    notes,
    preparation,
    status,
)

app_name = "interviews"

urlpatterns = [
    path("", interviews.interview_list, name="list"),
    path("new/", interviews.interview_create, name="create"),
    path("<int:pk>/", interviews.interview_detail, name="detail"),
    path("<int:pk>/edit/", interviews.interview_edit, name="edit"),
    path("<int:pk>/conversation/", interviews.interview_conversation, name="conversation"),
    path("<int:pk>/complete/", status.interview_complete, name="complete"),
    path("<int:pk>/cancel/", status.interview_cancel, name="cancel"),
    path("<int:pk>/no-show/", status.interview_no_show, name="no_show"),
    path("<int:pk>/text/<slug:field>/", conversation.interview_text_save, name="text_save"),
    path("<int:pk>/objectives/add/", preparation.objective_add, name="objective_add"),
    path("<int:pk>/questions/pick/", preparation.questions_pick, name="questions_pick"),
    path("<int:pk>/questions/add/", preparation.question_add, name="question_add"),
    path("<int:pk>/notes/add/", notes.note_add, name="note_add"),
    path("<int:pk>/people/add/", notes.person_add, name="person_add"),
    path("<int:pk>/assessment/", assessment.assessment_edit, name="assessment"),
    path("<int:pk>/interview.ics", calendar.interview_ics, name="ics"),
    path("<int:pk>/invite/", calendar.interview_invite, name="invite"),
    path("objectives/<int:pk>/edit/", preparation.objective_edit, name="objective_edit"),
    path("objectives/<int:pk>/toggle/", preparation.objective_toggle, name="objective_toggle"),
    path(
        "objectives/<int:pk>/move/<slug:direction>/",
        preparation.objective_move,
        name="objective_move",
    ),
    path("objectives/<int:pk>/delete/", preparation.objective_delete, name="objective_delete"),
    path("objectives/<int:pk>/insight/", conversation.objective_insight, name="objective_insight"),
    path("questions/<int:pk>/answer/", conversation.question_answer, name="question_answer"),
    path("questions/<int:pk>/remove/", preparation.question_remove, name="question_remove"),
    path("prep/<int:pk>/toggle/", preparation.prep_item_toggle, name="prep_item_toggle"),
    path("notes/<int:pk>/delete/", notes.note_delete, name="note_delete"),
    path("bank/", bank.bank, name="bank"),
    path("bank/add/", bank.bank_question_add, name="bank_add"),
    path("bank/<int:pk>/delete/", bank.bank_question_delete, name="bank_delete"),
    path("prep-template/", bank.prep_template, name="prep_template"),
    path(
        "prep-template/<int:pk>/delete/",
        bank.prep_template_item_delete,
        name="prep_template_delete",
    ),
    path("calendar/", calendar.calendar_settings, name="calendar"),
    path("calendar/regenerate/", calendar.calendar_regenerate, name="calendar_regenerate"),
    path("calendar/revoke/", calendar.calendar_revoke, name="calendar_revoke"),
]
