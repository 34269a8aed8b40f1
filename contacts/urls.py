from django.urls import path

from contacts.views import companies, people

app_name = "contacts"

urlpatterns = [
    path("", people.contact_list, name="list"),
    path("new/", people.contact_create, name="create"),
    path("<int:pk>/", people.contact_detail, name="detail"),
    path("<int:pk>/edit/", people.contact_edit, name="edit"),
    path("<int:pk>/archive/", people.contact_archive, name="archive"),
    path("<int:pk>/restore/", people.contact_restore, name="restore"),
    path("<int:pk>/delete/", people.contact_delete, name="delete"),
    path("bulk/tag/", people.bulk_tag, name="bulk_tag"),
    path("bulk/stage/", people.bulk_stage, name="bulk_stage"),
    path("bulk/owner/", people.bulk_owner, name="bulk_owner"),
    path("bulk/archive/", people.bulk_archive, name="bulk_archive"),
    path("companies/", companies.company_list, name="company_list"),
    path("companies/new/", companies.company_create, name="company_create"),
    path("companies/<int:pk>/", companies.company_detail, name="company_detail"),
    path("companies/<int:pk>/edit/", companies.company_edit, name="company_edit"),
]
