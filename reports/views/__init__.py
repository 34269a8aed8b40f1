from django.template.response import TemplateResponse

from accounts.scoping import workspace_view


@workspace_view
def dashboard(request):
    """The workspace home: where recruiters and candidates start each day."""
    return TemplateResponse(request, "workspaces/home.html", {"workspace": request.workspace})
