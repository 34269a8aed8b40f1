from django.urls import path

from interviews import views

app_name = "calendar"

urlpatterns = [
    path("<str:token>.ics", views.calendar_feed, name="feed"),
]
