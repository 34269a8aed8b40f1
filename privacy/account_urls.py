"""A user's own data, outside any workspace: mounted under /accounts/ by infoview/urls.py."""

from django.urls import path

from privacy import views

app_name = "privacy_account"

urlpatterns = [
    path("export/", views.account_export, name="export"),
    path("delete/", views.account_delete, name="delete"),
]
