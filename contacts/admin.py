from django.contrib import admin
from django.db import transaction

from contacts.erasure import ERASED_NAME, contact_erase
from contacts.models import Company, Contact, ImportJob, StageChange, Tag


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["__str__", "workspace", "company", "stage", "owner", "archived_at"]
    list_filter = ["workspace", "stage", "source"]
    search_fields = ["first_name", "last_name", "emails"]
    raw_id_fields = ["workspace", "company", "introduced_by", "owner", "tags"]
    exclude = ["search_vector"]
    readonly_fields = ["search_text"]

    # A delete here is an erasure on request, through the one erasure service: audited,
    # suppressed, and gone from the uploads, the word list and this admin's own log.
    def delete_model(self, request, obj):
        contact_erase(contact=obj, actor=request.user, suppress=True)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for contact in queryset.order_by("pk"):
                contact_erase(contact=contact, actor=request.user, suppress=True)

    def response_delete(self, request, obj_display, obj_id):
        # The name would outlive the person in the session's message.
        return super().response_delete(request, ERASED_NAME, obj_id)


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
