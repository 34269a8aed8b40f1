from django.contrib import admin

from contacts.models import Company, Contact, ImportJob, StageChange, Tag


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["__str__", "workspace", "company", "stage", "owner", "archived_at"]
    list_filter = ["workspace", "stage", "source"]
    search_fields = ["first_name", "last_name", "emails"]
    raw_id_fields = ["workspace", "company", "introduced_by", "owner", "tags"]
    exclude = ["search_vector"]
    readonly_fields = ["search_text"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "industry"]
    search_fields = ["name"]
    raw_id_fields = ["workspace"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace"]
    raw_id_fields = ["workspace"]


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    list_display = ["contact", "from_stage", "to_stage", "changed_at"]
    raw_id_fields = ["workspace", "contact", "changed_by"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["filename", "workspace", "kind", "status", "processed_rows", "total_rows"]
    list_filter = ["status", "kind"]
    exclude = ["text"]
    raw_id_fields = ["workspace", "created_by"]
