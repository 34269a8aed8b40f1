"""Exports of the filtered contact list."""

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts.audit import audit_record_many
from accounts.scoping import workspace_view
from contacts import exporting
from contacts.models import Contact
from contacts.views.people import filtered_contacts


def _audit(request, contacts):
    audit_record_many(
        workspace=request.workspace,
        actor=request.user,
        action="exported",
        model=Contact,
        object_ids=contacts.order_by().values_list("pk", flat=True),
    )


def _filename(request, extension):
    return f"{request.workspace.slug}-contacts-{timezone.localdate():%Y-%m-%d}.{extension}"


# Personal data: no browser or proxy cache keeps a copy (as for the privacy exports).
@never_cache
@workspace_view
def export_csv(request):
    _form, contacts = filtered_contacts(request)
    _audit(request, contacts)
    response = StreamingHttpResponse(
        exporting.csv_lines(contacts), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(request, "csv")}"'
    return response


@never_cache
@workspace_view
def export_vcard(request):
    _form, contacts = filtered_contacts(request)
    _audit(request, contacts)
    response = StreamingHttpResponse(
        exporting.vcard_cards(contacts), content_type="text/vcard; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(request, "vcf")}"'
    return response
