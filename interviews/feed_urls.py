from django.urls import path

from infoview.ratelimit import ratelimit
from interviews import views

app_name = "calendar"

urlpatterns = [
    # Per client address, so that guessing tokens is slow; a calendar app fetches about hourly.
    path(
        "<str:token>.ics",
        ratelimit("calendar_feed", methods=("GET", "HEAD"))(views.calendar_feed),
        name="feed",
    ),
]
