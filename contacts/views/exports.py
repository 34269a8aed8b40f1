"""Exports of the filtered contact list."""

from django.http import StreamingHttpResponse
from django.utils import timezone

from accounts.scoping import workspace_view
from contacts import exporting
from contacts.views.people import filtered_contacts


def _filename(request, extension):
    return f"{request.workspace.slug}-contacts-{timezone.localdate():%Y-%m-%d}.{extension}"


@workspace_view
def export_csv(request):
    _form, contacts = filtered_contacts(request)
    response = StreamingHttpResponse(
        exporting.csv_lines(contacts), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(request, "csv")}"'
    return response


@workspace_view
def export_vcard(request):
    _form, contacts = filtered_contacts(request)
    response = StreamingHttpResponse(
        exporting.vcard_cards(contacts), content_type="text/vcard; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(request, "vcf")}"'
    return response
