"""Import: upload, preview with the column mapping, confirm, progress, summary."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.scoping import get_for_workspace, workspace_view
from contacts.importing import files
from contacts.importing import jobs as importing
from contacts.importing.files import mapping_problem, read_records, read_table
from contacts.importing.run import preview
from contacts.models import ImportJob


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "LinkedIn's Connections.csv, a vCard (.vcf) file, or any CSV with a header row."
        ),
    )


class MappingForm(forms.Form):
    """One choice per column of the file: which contact field it fills."""

    def __init__(self, *args, header, mapping, **kwargs):
        super().__init__(*args, **kwargs)
        self.header = header
        for index, name in enumerate(header):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=name or _("(no name)"),
                choices=files.TARGETS,
                required=False,
                initial=mapping.get(name, ""),
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def mapping(self) -> dict[str, str]:
        return {name: self.cleaned_data[f"col_{i}"] for i, name in enumerate(self.header)}


def _job(request, pk):
    return get_for_workspace(
        ImportJob.objects.select_related("workspace"), request.workspace, pk=pk
    )


@workspace_view
@require_http_methods(["GET", "POST"])
def import_upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > files.max_bytes():
                    raise importing.ImportRefused(
                        _("The file is larger than %(size)d MB.")
                        % {"size": files.max_bytes() // (1024 * 1024)}
                    )
                job = importing.import_upload(
                    workspace=request.workspace,
                    user=request.user,
                    filename=upload.name,
                    data=upload.read(),
                )
            except importing.ImportRefused as error:
                form.add_error("file", str(error))
            else:
                return redirect(job)
    jobs = ImportJob.objects.filter(workspace=request.workspace).defer("text")[:10]
    return render(
        request, "contacts/import_upload.html", {"form": form, "jobs": jobs}, status=status
    )


@workspace_view
def import_detail(request, pk):
    job = _job(request, pk)
    context = {"job": job, "can_resume": importing.import_can_resume(job)}
    if job.status == ImportJob.Status.PREVIEW:
        context |= _preview_context(job)
    return render(request, "contacts/import_detail.html", context)


def _preview_context(job, mapping_form=None):
    context = {"problem": ""}
    if job.kind != ImportJob.Kind.VCARD:
        try:
            header = read_table(job.text, job.kind)[0]
        except importing.ImportRefused as error:
            # A file stored before today's limits: say why, build no preview.
            return {"problem": str(error)}
        context["header"] = header
        if job.kind == ImportJob.Kind.CSV:
            context["mapping_form"] = mapping_form or MappingForm(
                header=header, mapping=job.mapping
            )
            context["problem"] = mapping_problem(job.mapping)
    if not context["problem"]:
        context["preview"] = preview(job, read_records(job))
    return context


@require_POST
@workspace_view
def import_mapping(request, pk):
    job = _job(request, pk)
    if job.status != ImportJob.Status.PREVIEW or job.kind != ImportJob.Kind.CSV:
        return redirect(job)
    try:
        header = files.read_table(job.text, job.kind)[0]
    except importing.ImportRefused:
        return redirect(job)
    form = MappingForm(request.POST, header=header, mapping=job.mapping)
    if not form.is_valid():
        context = {"job": job, "can_resume": False} | _preview_context(job, form)
        return render(request, "contacts/import_detail.html", context, status=400)
    importing.import_set_mapping(job=job, mapping=form.mapping())
    return redirect(job)


@require_POST
@workspace_view
def import_confirm(request, pk):
    job = _job(request, pk)
    try:
        importing.import_start(job=job)
    except importing.ImportRefused as error:
        messages.error(request, str(error))
    return redirect(job)


@require_POST
@workspace_view
def import_resume(request, pk):
    job = _job(request, pk)
    if importing.import_can_resume(job):
        importing.import_resume(job=job)
        messages.info(request, _("The import carries on from where it stopped."))
    return redirect(job)


@workspace_view
def import_progress(request, pk):
    job = _job(request, pk)
    context = {"job": job, "can_resume": importing.import_can_resume(job)}
    return render(request, "contacts/import_detail.html#progress", context)


@never_cache
@workspace_view
def import_errors(request, pk):
    job = _job(request, pk)
    response = HttpResponse(
        "\ufeff" + importing.import_error_report(job), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response
