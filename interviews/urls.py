from django.urls import path

from interviews import views

app_name = "interviews"

urlpatterns = [
    path("", views.interview_list, name="list"),
    path("new/", views.interview_create, name="create"),
    path("<int:pk>/", views.interview_detail, name="detail"),
    path("<int:pk>/edit/", views.interview_edit, name="edit"),
    path("<int:pk>/conversation/", views.interview_conversation, name="conversation"),
    path("<int:pk>/complete/", views.interview_complete, name="complete"),
    path("<int:pk>/cancel/", views.interview_cancel, name="cancel"),
    path("<int:pk>/no-show/", views.interview_no_show, name="no_show"),
    path("<int:pk>/text/<slug:field>/", views.interview_text_save, name="text_save"),
    path("<int:pk>/objectives/add/", views.objective_add, name="objective_add"),
    path("<int:pk>/questions/pick/", views.questions_pick, name="questions_pick"),
    path("<int:pk>/questions/add/", views.question_add, name="question_add"),
    path("<int:pk>/notes/add/", views.note_add, name="note_add"),
    path("<int:pk>/people/add/", views.person_add, name="person_add"),
    path("<int:pk>/assessment/", views.assessment_edit, name="assessment"),
    path("<int:pk>/interview.ics", views.interview_ics, name="ics"),
    path("<int:pk>/invite/", views.interview_invite, name="invite"),
    path("objectives/<int:pk>/edit/", views.objective_edit, name="objective_edit"),
    path("objectives/<int:pk>/toggle/", views.objective_toggle, name="objective_toggle"),
    path("objectives/<int:pk>/move/<slug:direction>/", views.objective_move, name="objective_move"),
    path("objectives/<int:pk>/delete/", views.objective_delete, name="objective_delete"),
    path("objectives/<int:pk>/insight/", views.objective_insight, name="objective_insight"),
    path("questions/<int:pk>/answer/", views.question_answer, name="question_answer"),
    path("questions/<int:pk>/remove/", views.question_remove, name="question_remove"),
    path("prep/<int:pk>/toggle/", views.prep_item_toggle, name="prep_item_toggle"),
    path("notes/<int:pk>/delete/", views.note_delete, name="note_delete"),
    path("bank/", views.bank, name="bank"),
    path("bank/add/", views.bank_question_add, name="bank_add"),
    path("bank/<int:pk>/delete/", views.bank_question_delete, name="bank_delete"),
    path("prep-template/", views.prep_template, name="prep_template"),
    path(
        "prep-template/<int:pk>/delete/",
        views.prep_template_item_delete,
        name="prep_template_delete",
    ),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/regenerate/", views.calendar_regenerate, name="calendar_regenerate"),
    path("calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
]
