from django.urls import path

from contacts.views import companies, duplicates, exports, imports, people
from infoview.ratelimit import ratelimit, user_or_address

app_name = "contacts"

urlpatterns = [
    path("", people.contact_list, name="list"),
    path("new/", people.contact_create, name="create"),
    path("<int:pk>/", people.contact_detail, name="detail"),
    path("<int:pk>/edit/", people.contact_edit, name="edit"),
    path("<int:pk>/archive/", people.contact_archive, name="archive"),
    path("<int:pk>/restore/", people.contact_restore, name="restore"),
    path("<int:pk>/delete/", people.contact_delete, name="delete"),
    path("picker/", people.contact_picker, name="picker"),
    path("bulk/tag/", people.bulk_tag, name="bulk_tag"),
    path("bulk/stage/", people.bulk_stage, name="bulk_stage"),
    path("bulk/owner/", people.bulk_owner, name="bulk_owner"),
    path("bulk/archive/", people.bulk_archive, name="bulk_archive"),
    path("export.csv", exports.export_csv, name="export_csv"),
    path("export.vcf", exports.export_vcard, name="export_vcard"),
    path("duplicates/", duplicates.duplicates, name="duplicates"),
    path("merge/", duplicates.merge, name="merge"),
    path("merge/<int:pk>/undo/", duplicates.merge_undo, name="merge_undo"),
    path(
        "import/",
        ratelimit("import_upload", key=user_or_address)(imports.import_upload),
        name="import_upload",
    ),
    path("import/<int:pk>/", imports.import_detail, name="import_detail"),
    path("import/<int:pk>/mapping/", imports.import_mapping, name="import_mapping"),
    path("import/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/<int:pk>/resume/", imports.import_resume, name="import_resume"),
    path("import/<int:pk>/progress/", imports.import_progress, name="import_progress"),
    path("import/<int:pk>/errors.csv", imports.import_errors, name="import_errors"),
    path("companies/", companies.company_list, name="company_list"),
    path("companies/new/", companies.company_create, name="company_create"),
    path("companies/<int:pk>/", companies.company_detail, name="company_detail"),
    path("companies/<int:pk>/edit/", companies.company_edit, name="company_edit"),
]
