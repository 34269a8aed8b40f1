from django.urls import path

from followups.calendar_feed import calendar_feed

app_name = "calendar"

urlpatterns = [
    path("<str:token>.ics", calendar_feed, name="feed"),
]
