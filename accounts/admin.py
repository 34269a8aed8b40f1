from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts import services
from accounts.models import TIME_ZONE_CHOICES, Invitation, Membership, User, Workspace


class TimeZoneMenu:
    """The time zone as a menu, as in the app's own forms (the model field has no choices)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "time_zone":
            kwargs["widget"] = forms.Select(choices=TIME_ZONE_CHOICES)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(User)
class UserAdmin(TimeZoneMenu, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["name", "time_zone", "reminder_preference"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.member_renamed(user=obj)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Workspace)
class WorkspaceAdmin(TimeZoneMenu, admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "time_zone"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "workspace", "role", "expires_at", "accepted_at"]
    raw_id_fields = ["workspace", "invited_by", "accepted_by"]
