from django.urls import path

from interviews.views import calendar

app_name = "calendar"

urlpatterns = [
    path("<str:token>.ics", calendar.calendar_feed, name="feed"),
]
