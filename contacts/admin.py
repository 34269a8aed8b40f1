from django.contrib import admin
from django.db import transaction

from contacts.counts import contacts_changed
from contacts.erasure import ERASED_NAME, contact_erase
from contacts.models import Company, Contact, ImportJob, StageChange, Tag


class ChangesContacts:
    """A save here changes the workspace's contacts: what was counted and reported from them
    is forgotten, as after the services' own writes (contacts.counts)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        contacts_changed(workspace_id=obj.workspace_id)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        contacts_changed(workspace_id=obj.workspace_id)

    def delete_queryset(self, request, queryset):
        workspaces = set(queryset.values_list("workspace_id", flat=True))
        super().delete_queryset(request, queryset)
        for workspace_id in workspaces:
            contacts_changed(workspace_id=workspace_id)


@admin.register(Contact)
class ContactAdmin(ChangesContacts, admin.ModelAdmin):
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
class CompanyAdmin(ChangesContacts, admin.ModelAdmin):
    list_display = ["name", "workspace", "industry"]
    search_fields = ["name"]
    raw_id_fields = ["workspace"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace"]
    raw_id_fields = ["workspace"]


@admin.register(StageChange)
class StageChangeAdmin(ChangesContacts, admin.ModelAdmin):
    list_display = ["contact", "from_stage", "to_stage", "changed_at"]
    raw_id_fields = ["workspace", "contact", "changed_by"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["filename", "workspace", "kind", "status", "processed_rows", "total_rows"]
    list_filter = ["status", "kind"]
    exclude = ["text"]
    raw_id_fields = ["workspace", "created_by"]
