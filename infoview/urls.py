from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from infoview import metrics, views
from reports import views as report_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("manifest.webmanifest", views.web_manifest, name="web_manifest"),
    path("help/", views.help_page, name="help"),
    path("metrics", metrics.metrics, name="metrics"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("privacy.account_urls")),
    path("workspaces/new/", account_views.workspace_create, name="workspace_create"),
    path("w/<slug:ws>/", report_views.dashboard, name="workspace_home"),
    path("w/<slug:ws>/", include("accounts.workspace_urls")),
    # Each feature app mounts its pages inside the workspace, so every object URL is scoped.
    path("w/<slug:ws>/contacts/", include("contacts.urls")),
    path("w/<slug:ws>/interviews/", include("interviews.urls")),
    path("w/<slug:ws>/follow-ups/", include("followups.urls")),
    path("w/<slug:ws>/reports/", include("reports.urls")),
    path("w/<slug:ws>/privacy/", include("privacy.urls")),
    path("w/<slug:ws>/webhooks/", include("webhooks.urls")),
    path("w/<slug:ws>/inbound/", include("inbound.workspace_urls")),
    # Inbound mail from ESPs (anymail's webhooks), authenticated by the provider's secret.
    path("inbound/", include("inbound.urls")),
    # The private calendar feed is reached by its secret token, outside any workspace.
    path("calendar/", include("followups.feed_urls")),
    # The REST API and the pages where people make their personal access tokens.
    path("api/", include("api.api_urls")),
    path("accounts/api-tokens/", include("api.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "infoview.errors.permission_denied"
handler404 = "infoview.errors.page_not_found"
handler500 = "infoview.errors.server_error"
