from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.models import Membership
from infoview.celery import app as celery_app


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            conn.default_channel  # noqa: B018 - opening a channel proves the broker answers
        return True
    except Exception:
        return False


@never_cache
@require_GET
def healthz(request):
    checks = {
        "database": "ok" if _database_ok() else "unavailable",
        "broker": "ok" if _broker_ok() else "unavailable",
    }
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


@login_required
def home(request):
    """Send the user to the workspace they used last, or their first one."""
    user = request.user
    if (
        user.last_workspace_id
        and Membership.objects.filter(user=user, workspace_id=user.last_workspace_id).exists()
    ):
        return redirect(user.last_workspace)
    membership = Membership.objects.filter(user=user).select_related("workspace").first()
    if membership is None:
        return redirect("workspace_create")
    return redirect(membership.workspace)


@require_GET
def web_manifest(request):
    """The web app manifest: "Add to home screen" opens Infoview full-screen."""
    manifest = {
        "name": "Infoview",
        "short_name": "Infoview",
        "description": str(_("Informational interviews, end to end")),
        "lang": get_language(),
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f4e5f",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("img/icon-512-maskable.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(manifest, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def help_page(request):
    return render(request, "help.html")
