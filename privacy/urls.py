from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.privacy_settings, name="settings"),
    path("audit/", views.audit_log, name="audit"),
    path("contacts/<int:pk>/", views.contact_panel, name="contact"),
    path("contacts/<int:pk>/basis/", views.contact_basis, name="contact_basis"),
    path("contacts/<int:pk>/export.json", views.contact_export_json, name="contact_export_json"),
    path("contacts/<int:pk>/export.csv", views.contact_export_csv, name="contact_export_csv"),
    path("contacts/<int:pk>/anonymise/", views.contact_anonymise, name="contact_anonymise"),
    path("contacts/<int:pk>/erase/", views.contact_erase, name="contact_erase"),
]
