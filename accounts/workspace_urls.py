"""URLs inside one workspace: /w/<ws>/..."""

from django.urls import path

from accounts import views
from infoview.ratelimit import ratelimit, user_or_address

app_name = "workspace"

urlpatterns = [
    path("members/", views.team_members, name="members"),
    path(
        "members/invite/",
        ratelimit("invitation", key=user_or_address)(views.team_invite),
        name="invite",
    ),
    path("members/<int:pk>/role/", views.team_member_role, name="member_role"),
    path("members/<int:pk>/remove/", views.team_member_remove, name="member_remove"),
    path("invitations/<int:pk>/revoke/", views.team_invitation_revoke, name="invitation_revoke"),
    path("settings/", views.workspace_settings, name="settings"),
    path("outbox/", views.outbox_list, name="outbox"),
]
