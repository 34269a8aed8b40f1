"""The contact list (search, filters, bulk actions), the contact page and its forms."""

import functools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.audit import audit_record, audit_record_many
from accounts.scoping import get_for_workspace, workspace_view
from contacts import merging, selectors, services
from contacts.counts import cached_count
from contacts.facts import facts_for
from contacts.forms import (
    FILTER_OPTIONS,
    BulkOwnerForm,
    BulkSelectionForm,
    BulkStageForm,
    BulkTagForm,
    ContactFilterForm,
    ContactForm,
    options_html,
)
from contacts.models import Contact
from contacts.rows import RowLabels, row_html
from contacts.timeline import timeline_for, timeline_html
from infoview.pagination import BadCursor, bad_cursor, query_without_page

PAGE_SIZE = 50
# What follows each row in the list's markup (the template's loop wrote them one a line).
ROW_END = "\n      "


def filtered_contacts(request):
    """The list the user is looking at: the same filters drive the page and the exports."""
    form = ContactFilterForm(request.GET or None, workspace=request.workspace)
    return form, selectors.contact_list(workspace=request.workspace, **form.filters())


@workspace_view
def contact_list(request):
    # The filters' drop-downs and the bulk owner menu (the same people as the owner filter).
    menus = selectors.contact_list_menus(request.workspace, limit=FILTER_OPTIONS + 1)
    form = ContactFilterForm(request.GET or None, workspace=request.workspace, menus=menus)
    filters = form.filters()
    # Built when needed: a search's page kept in order of relevance, and its count, need none.
    contacts = functools.cache(
        lambda: selectors.contact_list(workspace=request.workspace, **filters)
    )
    searching = bool(filters["q"].strip())
    after, before = request.GET.get("after", ""), request.GET.get("before", "")
    counted = {k: getattr(v, "pk", v) for k, v in filters.items() if k != "sort"}
    try:
        # "overdue" moves with the clock, and other orders read fields that change without a
        # new contacts version (the last interaction): only a search by relevance is kept.
        if searching and not filters["sort"] and not filters["overdue"]:
            page = selectors.contact_list_ranked_page(
                workspace=request.workspace,
                page_of=(sorted(counted.items()), after, before, PAGE_SIZE),
                contacts=contacts,
                after=after,
                before=before,
                size=PAGE_SIZE,
            )
        else:
            page = selectors.contact_list_page(
                selectors.contact_list_screen_rows(contacts()),
                sort=filters["sort"],
                searching=searching,
                after=after,
                before=before,
                size=PAGE_SIZE,
                fetch=selectors.screen_rows,
            )
    except BadCursor:
        return bad_cursor(request)
    rows = _rows(request, page.rows)
    if filters["overdue"]:  # "overdue" moves with the clock: counted every time
        page.count = contacts().count()
    else:
        page.count = cached_count(
            workspace_id=request.workspace.pk, filters=counted, count=lambda: contacts().count()
        )
    context = {
        "filter_form": form,
        "page": page,
        "rows": rows,
        "rows_html": mark_safe("".join(row.html + ROW_END for row in rows)),  # noqa: S308
        "query": query_without_page(request),
        # The bulk menus, nothing selected.
        "stage_options": options_html(Contact.Stage.choices, ""),
        "owner_options": options_html([(str(p.pk), p) for p in menus.members], ""),
    }
    if request.htmx and request.htmx.target == "contact-results":
        return render(request, "contacts/contact_list.html#results", context)
    return render(request, "contacts/contact_list.html", context)


def _rows(request, contacts) -> list[selectors.ContactListRow]:
    """The page's rows (``selectors.screen_rows``), each with its row's markup
    (``html``, written by contacts/rows.py)."""
    labels = RowLabels(request)
    rows = list(contacts)
    for contact in rows:
        contact.html = row_html(contact, contact.tag_names, labels)
    return rows


@workspace_view
def contact_picker(request):
    """Matches for the "introduced by" search box (htmx)."""
    q = request.GET.get("picker_q", "").strip()
    contacts = []
    if q:
        contacts = selectors.contact_list(workspace=request.workspace, q=q).select_related(
            "company"
        )[:8]
    return render(request, "contacts/contact_picker_results.html", {"contacts": contacts, "q": q})


def refuse_foreign_contacts(request, *names):
    """A contact id of another workspace (or none) in a form field: 404, as in a URL."""
    ids = set()
    for name in names:
        for value in request.POST.getlist(name):
            if value:
                try:
                    ids.add(int(value))
                except ValueError:
                    raise Http404("No such contact.") from None
    if ids and Contact.objects.filter(workspace=request.workspace, pk__in=ids).count() != len(ids):
        raise Http404("No such contact.")


def _contact(request, pk):
    queryset = Contact.objects.select_related("company", "owner", "introduced_by")
    contact = get_for_workspace(queryset, request.workspace, pk=pk)
    # The same row as request.workspace: the links to the person and their company need no
    # query of their own.
    contact.workspace = request.workspace
    if contact.company is not None:
        contact.company.workspace = request.workspace
    return contact


@workspace_view
def contact_detail(request, pk):
    contact = selectors.contact_page_row(workspace=request.workspace, pk=pk)
    if contact is None:
        raise Http404("No such contact.")
    audit_record(workspace=request.workspace, actor=request.user, action="viewed", obj=contact)
    chain = services.referral_chain(contact)
    # The tags, the merge undo, the people this contact introduced (for the page's list and
    # the timeline) and the stage changes (for the timeline) in one query.
    rows = selectors.contact_page_rows(contact, undo_since=timezone.now() - merging.MERGE_UNDO_FOR)
    timeline = timeline_for(contact, introduced=rows.introduced, stage_changes=rows.stage_changes)
    return render(
        request,
        "contacts/contact_detail.html",
        {
            "contact": contact,
            "tags": rows.tags,
            "chain": list(reversed(chain)),
            "introduced": rows.introduced,
            "timeline": timeline,
            "timeline_html": timeline_html(timeline),
            "facts": facts_for(contact),
            "merge_undo": rows.merge_undo,
        },
    )


@workspace_view
@require_http_methods(["GET", "POST"])
def contact_create(request):
    form = ContactForm(
        request.POST or None, workspace=request.workspace, initial={"owner": request.user.pk}
    )
    refuse_foreign_contacts(request, "introduced_by")
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    contact = services.contact_create(
                        workspace=request.workspace, **form.service_fields()
                    )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("%(name)s is added.") % {"name": contact})
                return redirect(contact)
        return _form_page(request, form, _("New contact"), status=400)
    return _form_page(request, form, _("New contact"))


@workspace_view
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk):
    contact = _contact(request, pk)
    form = ContactForm(request.POST or None, instance=contact, workspace=request.workspace)
    refuse_foreign_contacts(request, "introduced_by")
    title = _("Edit %(name)s") % {"name": contact}
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.contact_update(
                        contact=contact, by=request.user, **form.service_fields()
                    )
                    audit_record(
                        workspace=request.workspace,
                        actor=request.user,
                        action="changed",
                        obj=contact,
                    )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(contact)
        return _form_page(request, form, title, status=400)
    return _form_page(request, form, title)


def _add_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _form_page(request, form, title, status=200):
    return render(
        request, "contacts/contact_form.html", {"form": form, "page_title": title}, status=status
    )


@require_POST
@workspace_view
def contact_archive(request, pk):
    contact = services.contact_archive(contact=_contact(request, pk))
    audit_record(workspace=request.workspace, actor=request.user, action="changed", obj=contact)
    messages.success(
        request, _("%(name)s is archived. Restore them at any time.") % {"name": contact}
    )
    return redirect(contact)


@require_POST
@workspace_view
def contact_restore(request, pk):
    contact = services.contact_restore(contact=_contact(request, pk))
    audit_record(workspace=request.workspace, actor=request.user, action="changed", obj=contact)
    messages.success(request, _("%(name)s is restored.") % {"name": contact})
    return redirect(contact)


@require_POST
@workspace_view
def contact_delete(request, pk):
    contact = _contact(request, pk)
    # Erasure on request is the owner's call in a personal workspace (teams: the privacy page).
    erase = not request.workspace.is_team and request.POST.get("erase") == "on"
    services.contact_delete(contact=contact, by=request.user, erase=erase)
    # No name in the message: it would outlive the person in the session.
    messages.success(request, _("The contact was deleted."))
    return redirect("contacts:list", ws=request.workspace.slug)


# --- bulk actions: one URL each, on the rows ticked in the list ------------------------------


def _bulk(request, form_class, apply):
    refuse_foreign_contacts(request, "ids")
    form = form_class(request.POST, workspace=request.workspace)
    back = request.POST.get("next", "")
    if not back.startswith(f"/w/{request.workspace.slug}/contacts/"):
        back = f"/w/{request.workspace.slug}/contacts/"
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect(back)
    try:
        with transaction.atomic():
            count = apply(form)
            # The form's ids are this workspace's: its choices are narrowed to it.
            audit_record_many(
                workspace=request.workspace,
                actor=request.user,
                action="changed",
                model=Contact,
                object_ids=form.contact_ids,
            )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(back)
    messages.success(
        request,
        ngettext("%(count)d contact changed.", "%(count)d contacts changed.", count)
        % {"count": count},
    )
    return redirect(back)


@require_POST
@workspace_view
def bulk_tag(request):
    return _bulk(
        request,
        BulkTagForm,
        lambda form: services.contacts_bulk_tag(
            workspace=request.workspace,
            contact_ids=form.contact_ids,
            tag_name=form.cleaned_data["tag"],
        ),
    )


@require_POST
@workspace_view(team=True)
def bulk_stage(request):
    return _bulk(
        request,
        BulkStageForm,
        lambda form: services.contacts_bulk_stage(
            workspace=request.workspace,
            contact_ids=form.contact_ids,
            stage=form.cleaned_data["stage"],
            by=request.user,
        ),
    )


@require_POST
@workspace_view
def bulk_owner(request):
    return _bulk(
        request,
        BulkOwnerForm,
        lambda form: services.contacts_bulk_owner(
            workspace=request.workspace,
            contact_ids=form.contact_ids,
            owner=form.cleaned_data["owner"],
        ),
    )


@require_POST
@workspace_view
def bulk_archive(request):
    return _bulk(
        request,
        BulkSelectionForm,
        lambda form: services.contacts_bulk_archive(
            workspace=request.workspace, contact_ids=form.contact_ids
        ),
    )
