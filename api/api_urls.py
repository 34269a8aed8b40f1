from django.urls import path, re_path

from api.main import api
from api.problems import problem_response


def not_found(request):
    """Any other address under /api/ answers in the API's own terms, not with the HTML page."""
    return problem_response(404, "No such API address.")


urlpatterns = [
    path("v1/", api.urls),
    re_path(r"^", not_found),
]
