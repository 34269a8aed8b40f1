from django.urls import path

from followups import views

app_name = "followups"

urlpatterns = [
    path("", views.followup_list, name="list"),
    path("new/", views.followup_create, name="create"),
    path("<int:pk>/", views.followup_detail, name="detail"),
    path("<int:pk>/send/", views.followup_send, name="send"),
    path("<int:pk>/done/", views.followup_done, name="done"),
    path("<int:pk>/skip/", views.followup_skip, name="skip"),
    path("<int:pk>/snooze/", views.followup_snooze, name="snooze"),
    path("<int:pk>/reopen/", views.followup_reopen, name="reopen"),
    path("contact/<int:pk>/", views.contact_followups, name="contact"),
    path("templates/", views.template_list, name="templates"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("signature/", views.signature_save, name="signature"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
