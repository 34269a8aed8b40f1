"""Pages of the follow-ups app: what is due, one-click actions, drafting and sending."""

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import idempotency
from accounts.models import User
from accounts.scoping import for_workspace, get_for_workspace, workspace_view
from contacts.models import Contact
from followups import emails, selectors, services
from followups.forms import (
    DoneForm,
    EmailTemplateForm,
    FollowUpForm,
    SendForm,
    SignatureForm,
    SnoozeForm,
)
from followups.models import EmailTemplate, FollowUp, Signature
from followups.reminders import unsubscribe_user
from followups.rows import RowLabels, row_html
from infoview.pagination import BadCursor, KeysetPage, bad_cursor

logger = logging.getLogger(__name__)


def _followup(request, pk):
    return get_for_workspace(
        FollowUp.objects.select_related("contact", "interview", "owner"), request.workspace, pk=pk
    )


def _followup_to_act_on(request, pk):
    """The workspace's follow-up ``pk`` for a one-click action (skip, snooze, reopen), without
    its person, conversation and owner: the service reads the row again under a lock, and the
    htmx row reads them after ``refresh_from_db``, which drops what was joined here."""
    return get_for_workspace(FollowUp, request.workspace, pk=pk)


# Each section lists its most pressing rows; the rest of a long one is a click away, in pages.
SECTION_ROWS = 20
SECTION_PAGE = 50


@dataclass
class Section:
    key: str
    title: str
    rows: list
    total: int
    query: str  # the query string that shows this one section, for its links
    page: KeysetPage | None = None  # set when the page shows this one section, paginated
    html: list[str] = field(default_factory=list)  # the rows' markup (followups/rows.py)

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@workspace_view
def followup_list(request):
    """Overdue, due today, this week and later, in the user's own day.

    ``?section=overdue`` (or today, week, later) shows that one section in full, page by page.
    """
    everyone = request.GET.get("who") == "all" and request.workspace.is_team
    owner = None if everyone else request.user
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    tomorrow = today + timedelta(days=1)
    week_end = today + timedelta(days=7)
    # Each section is a range [start, end) of when a follow-up next asks for attention.
    bounds = {
        "overdue": (None, today),
        "today": (today, tomorrow),
        "week": (tomorrow, week_end),
        # Keep-in-touch dates months ahead are part of the plan too: seen here, not only on
        # each person's timeline.
        "later": (week_end, None),
    }
    titles = {
        "overdue": _("Overdue"),
        "today": _("Due today"),
        "week": _("This week"),
        "later": _("Later"),
    }
    mine = {"workspace": request.workspace, "owner": owner}
    only = request.GET.get("section")
    if only not in bounds:
        only = None
    who = {"who": "all"} if everyone else {}
    sections = []
    if only is None:
        overview = selectors.followups_overview(**mine, sections=bounds, limit=SECTION_ROWS)
        for key, (rows, total) in overview.items():
            query = urlencode({"section": key, **who})
            sections.append(Section(key, titles[key], rows, total, query))
    else:
        start, end = bounds[only]
        # Keyset pages (infoview.pagination): the thousandth row costs what the first does.
        try:
            page = selectors.followups_section_page(
                **mine,
                start=start,
                end=end,
                after=request.GET.get("after", ""),
                before=request.GET.get("before", ""),
                size=SECTION_PAGE,
            )
        except BadCursor:
            return bad_cursor(request)
        query = urlencode({"section": only, **who})
        rows = page.rows
        total = selectors.followups_section_total(**mine, start=start, end=end)
        sections.append(Section(only, titles[only], rows, total, query, page))
    labels = RowLabels(request, everyone=everyone)
    for section in sections:
        section.html = [row_html(followup, labels) for followup in section.rows]
    return TemplateResponse(
        request,
        "followups/followup_list.html",
        {"sections": sections, "everyone": everyone, "only": only},
    )


@workspace_view
@require_http_methods(["GET", "POST"])
def followup_create(request):
    form = FollowUpForm(
        request.POST or None,
        workspace=request.workspace,
        initial={"contact": request.GET.get("contact")},
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                followup = services.followup_create(
                    workspace=request.workspace, owner=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("Follow-up added."))
                return redirect(followup.get_absolute_url())
        return TemplateResponse(request, "followups/followup_form.html", {"form": form}, status=400)
    return TemplateResponse(request, "followups/followup_form.html", {"form": form})


def _send_form(request, followup, template_pk=None, data=None):
    """The draft, pre-filled from a template; a broken template warns instead of failing."""
    templates = list(for_workspace(EmailTemplate, request.workspace))
    chosen = next((t for t in templates if str(t.pk) == str(template_pk)), None)
    if chosen is None:
        chosen = next((t for t in templates if t.kind == followup.kind), None)
    draft = emails.Draft(subject=followup.subject, body=followup.message)
    if chosen is not None and data is None:
        variables = emails.variables_for(followup=followup, sender=request.user)
        draft = emails.render_draft(subject=chosen.subject, body=chosen.body, variables=variables)
    initial = {"to": followup.contact.primary_email, "subject": draft.subject, "body": draft.body}
    form = SendForm(data, contact=followup.contact, initial=initial)
    return {"templates": templates, "chosen": chosen, "draft": draft, "send_form": form}


@workspace_view
@require_safe
def followup_detail(request, pk):
    followup = _followup(request, pk)
    outgoing = list(selectors.followup_outgoing(followup=followup))
    context = {"followup": followup, "done_form": DoneForm(), "outgoing": outgoing}
    in_flight = any(row.state in services.IN_FLIGHT for row in outgoing)
    if followup.is_pending and not in_flight:
        context.update(_send_form(request, followup, template_pk=request.GET.get("template")))
    return TemplateResponse(request, "followups/followup_detail.html", context)


@require_POST
@workspace_view
def followup_send(request, pk):
    """Queue the email; the page then shows it queued, sent or failed (never sends twice)."""
    followup = _followup(request, pk)
    key = idempotency.key_from(request, "followup-send")
    if not followup.is_pending:
        return redirect(followup.get_absolute_url())
    context = {"followup": followup, "done_form": DoneForm()}
    context.update(_send_form(request, followup, data=request.POST))
    form = context["send_form"]
    if not form.is_valid():
        return TemplateResponse(request, "followups/followup_detail.html", context, status=400)
    _outgoing, queued = services.followup_send_email(
        followup=followup, sender=request.user, idempotency_key=key, **form.cleaned_data
    )
    if queued:
        messages.success(request, _("Queued for %(to)s.") % {"to": form.cleaned_data["to"]})
    else:
        messages.info(request, _("This email was already on its way; it was not sent again."))
    return redirect(followup.get_absolute_url())


def _after_action(request, followup):
    everyone = request.POST.get("who") == "all"
    if request.htmx:
        followup.refresh_from_db()
        row = selectors.Listed.of(followup)
        return HttpResponse(row_html(row, RowLabels(request, everyone=everyone)))
    back = request.POST.get("next", "")
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("followups:list", kwargs={"ws": request.workspace.slug})
        if everyone:
            back += "?who=all"
    return HttpResponseRedirect(back)


@require_POST
@workspace_view
def followup_done(request, pk):
    followup = _followup(request, pk)
    form = DoneForm(request.POST)
    if not form.is_valid():
        context = {"followup": followup, "done_form": form}
        return TemplateResponse(request, "followups/followup_detail.html", context, status=400)
    services.followup_done(followup=followup, **form.cleaned_data)
    return _after_action(request, followup)


@require_POST
@workspace_view
def followup_skip(request, pk):
    followup = _followup_to_act_on(request, pk)
    services.followup_skip(followup=followup)
    return _after_action(request, followup)


@require_POST
@workspace_view
def followup_snooze(request, pk):
    followup = _followup_to_act_on(request, pk)
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose how long to snooze."), status=400)
    until = timezone.now() + timedelta(days=form.cleaned_data["days"])
    services.followup_snooze(followup=followup, until=until)
    return _after_action(request, followup)


@require_POST
@workspace_view
def followup_reopen(request, pk):
    followup = _followup_to_act_on(request, pk)
    services.followup_reopen(followup=followup)
    return _after_action(request, followup)


@workspace_view
def contact_followups(request, pk):
    contact = get_for_workspace(Contact, request.workspace, pk=pk)
    return TemplateResponse(
        request,
        "followups/contact_followups.html",
        {"contact": contact, "followups": selectors.followups_of_contact(contact=contact)},
    )


# --- templates and signature ----------------------------------------------------------------


@workspace_view
def template_list(request):
    signature = Signature.objects.filter(user=request.user).first()
    return TemplateResponse(
        request,
        "followups/template_list.html",
        {
            "templates": for_workspace(EmailTemplate, request.workspace).select_related(
                "workspace"
            ),
            "variables": emails.VARIABLES,
            "signature_form": SignatureForm(instance=signature),
        },
    )


def _template_form(request, instance=None):
    form = EmailTemplateForm(request.POST or None, instance=instance, workspace=request.workspace)
    context = {"form": form, "template": instance, "variables": emails.VARIABLES}
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Template saved."))
            return redirect("followups:templates", ws=request.workspace.slug)
        return TemplateResponse(request, "followups/template_form.html", context, status=400)
    if instance is not None:
        error = emails.check(instance.subject) or emails.check(instance.body)
        context["stored_error"] = error
    return TemplateResponse(request, "followups/template_form.html", context)


@workspace_view(admin=True)
def template_create(request):
    return _template_form(request)


@workspace_view(admin=True)
def template_edit(request, pk):
    return _template_form(request, get_for_workspace(EmailTemplate, request.workspace, pk=pk))


@require_POST
@workspace_view
def signature_save(request):
    signature = Signature.objects.filter(user=request.user).first() or Signature(user=request.user)
    form = SignatureForm(request.POST, instance=signature)
    if not form.is_valid():
        return HttpResponse(_("The signature could not be saved."), status=400)
    form.save()
    messages.success(request, _("Signature saved."))
    return redirect("followups:templates", ws=request.workspace.slug)


# --- one-click unsubscribe from reminder emails ---------------------------------------------


@csrf_exempt
def unsubscribe(request, ws, token):
    """GET shows the button; POST (the button, or a mail client's RFC 8058 one-click) acts.

    The signed token is the only credential, so this works without logging in; mail clients
    POST without a CSRF token, hence the exemption (the signature is the protection).
    """
    try:
        user = unsubscribe_user(token)
    except (signing.BadSignature, User.DoesNotExist):
        return TemplateResponse(
            request, "followups/unsubscribe.html", {"invalid": True}, status=404
        )
    if request.method == "POST":
        user.reminder_preference = User.ReminderPreference.OFF
        user.save(update_fields=["reminder_preference"])
        return TemplateResponse(request, "followups/unsubscribe.html", {"done": True, "user": user})
    return TemplateResponse(request, "followups/unsubscribe.html", {"user": user})
