from django.urls import path

from followups.calendar_feed import calendar_feed
from infoview.ratelimit import ratelimit

app_name = "calendar"

urlpatterns = [
    # Counted per client address too, so that guessing tokens is slow (the view also counts
    # per feed: one calendar service polls for many people from one address).
    path(
        "<str:token>.ics",
        ratelimit("calendar_feed_address", methods=("GET", "HEAD"))(calendar_feed),
        name="feed",
    ),
]
