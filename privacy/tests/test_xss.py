"""Every payload of the corpus, saved into the user text fields, stays inert in real Chromium.

The ``page`` fixture already fails the test on any CSP violation (an inline script or handler
that reached the page would be refused and reported). On top of that, the sentinel
``window.__xss`` must stay unset and the DOM must hold no handler attribute, no script-like URL
and no element built from a payload.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import User, Workspace
from contacts import services as contact_services
from contacts.models import Company, Tag
from followups import services as followup_services
from followups.models import FollowUp
from infoview.testing.browser import log_in
from interviews import services as interview_services
from interviews.models import Note
from privacy.tests.xss_corpus import PAYLOADS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALL = "\n\n".join(PAYLOADS)

DOM_CHECK = """() => {
  const bad = [];
  const risky = new Set(["href", "src", "action", "formaction", "data", "srcdoc", "xlink:href",
                         "style", "background", "poster", "content"]);
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, "").toLowerCase();
      if (name.startsWith("on")) bad.push(`${el.tagName} ${name}`);
      const htmx = name.startsWith("hx-") || name.startsWith("data-hx-");
      if (htmx && value.includes("__xss")) bad.push(`${el.tagName} ${name}`);
      // User text percent-encoded into the query of a link to another site ("Add to Google
      // Calendar") is data, not code.
      const [before, query] = [value.split("?")[0], value.includes("?")];
      const inQuery = /^https?:/.test(value) && query && !before.includes("__xss");
      const payload = value.includes("__xss") && !inQuery;
      if (risky.has(name) && (payload || value.startsWith("javascript:")
          || value.startsWith("vbscript:") || (value.startsWith("data:") && el.tagName !== "IMG")))
        bad.push(`${el.tagName} ${name}=${value.slice(0, 40)}`);
    }
    if (["SCRIPT", "IFRAME", "OBJECT", "EMBED", "BASE", "META", "SVG", "MATH", "STYLE"]
        .includes(el.tagName.toUpperCase()) && el.outerHTML.includes("__xss"))
      bad.push(el.tagName);
  }
  return bad;
}"""


def _plant(workspace, owner):
    company = Company.objects.create(
        workspace=workspace, name=PAYLOADS[0], industry=PAYLOADS[1][:120], notes=ALL
    )
    tags = [Tag.objects.create(workspace=workspace, name=p[:60]) for p in PAYLOADS[2:8]]
    main = contact_services.contact_create(
        workspace=workspace,
        owner=owner,
        first_name=PAYLOADS[8][:100],
        last_name=PAYLOADS[9][:100],
        phone=PAYLOADS[10][:40],
        title=PAYLOADS[11][:200],
        location=PAYLOADS[12][:200],
        summary=ALL,
        company=company,
        tags=tags,
    )
    # The rest of the corpus as people's names, so the lists show every payload too.
    for index, payload in enumerate(PAYLOADS):
        contact_services.contact_create(
            workspace=workspace,
            owner=owner,
            first_name=payload[:100],
            last_name=f"x{index:03d}",
            introduced_by=main if index % 7 == 0 else None,
        )

    interview = interview_services.interview_create(
        workspace=workspace,
        owner=owner,
        contact=main,
        starts_at=timezone.now() + timedelta(days=1),
        location=PAYLOADS[13][:255],
        purpose=ALL,
    )
    interview_services.interview_text_save(interview=interview, field="research", value=ALL)
    interview_services.interview_text_save(interview=interview, field="scratch", value=ALL)
    for payload in PAYLOADS[:12]:
        objective = interview_services.objective_add(interview=interview, text=payload[:300])
        interview_services.objective_update(objective=objective, insight=payload)
    objective = interview_services.objective_add(interview=interview, text="Insights")
    interview_services.objective_update(objective=objective, insight=ALL)
    for payload in PAYLOADS[12:24]:
        question = interview_services.question_add_one_off(interview=interview, text=payload[:300])
        interview_services.question_answer(question=question, answer=payload)
    interview_services.prep_item_add(interview=interview, text=PAYLOADS[24][:200])
    interview_services.note_add(
        interview=interview, author=owner, kind=Note.Kind.INSIGHT, body=ALL, objective=objective
    )
    for payload in PAYLOADS:
        interview_services.note_add(
            interview=interview, author=owner, kind=Note.Kind.ADVICE, body=payload
        )
    if workspace.is_team:
        interview_services.assessment_save(
            interview=interview,
            assessed_by=owner,
            passion=3,
            motivation=3,
            cultural_fit=3,
            skills=[p[:60] for p in PAYLOADS[25:30]],
            roles_in_mind=ALL,
            availability=PAYLOADS[30][:200],
        )
    followups = []
    for payload in PAYLOADS[30:40]:
        followup = followup_services.followup_create(
            workspace=workspace,
            contact=main,
            owner=owner,
            kind=FollowUp.Kind.UPDATE,
            due_at=timezone.now() - timedelta(hours=1),
            title=payload[:200],
        )
        FollowUp.objects.filter(pk=followup.pk).update(message=ALL, subject=payload[:255])
        followups.append(followup)
    return main, interview, followups[0], company


def _visit(page, path):
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(150)  # onerror/onload handlers of broken images fire after load
    assert page.evaluate("() => window.__xss") is None, path
    assert page.evaluate(DOM_CHECK) == [], path


def test_no_payload_runs_on_any_page_that_shows_it(page, alice, bob, workspace_a):
    contact, interview, followup, company = _plant(workspace_a, alice)
    # People's and teams' names are user text too: they show in menus, lists and the audit log.
    User.objects.filter(pk=bob.pk).update(name=PAYLOADS[5][:150])
    Workspace.objects.filter(pk=workspace_a.pk).update(name=PAYLOADS[14][:120])
    audit_record(workspace=workspace_a, actor=bob, action="viewed", obj=contact)
    ws = workspace_a.slug
    log_in(page, "alice@example.test")
    for path in [
        contact.get_absolute_url(),
        f"/w/{ws}/contacts/",
        f"/w/{ws}/contacts/?q=script",
        company.get_absolute_url(),
        f"/w/{ws}/contacts/companies/",
        interview.get_absolute_url(),
        f"/w/{ws}/interviews/{interview.pk}/conversation/",
        f"/w/{ws}/interviews/",
        f"/w/{ws}/follow-ups/",
        followup.get_absolute_url(),
        f"/w/{ws}/follow-ups/contact/{contact.pk}/",
        f"/w/{ws}/privacy/contacts/{contact.pk}/",
        f"/w/{ws}/privacy/audit/",
        f"/w/{ws}/privacy/",
        reverse("workspace:members", kwargs={"ws": ws}),
        f"/w/{ws}/",
    ]:
        _visit(page, path)
    # The payloads did reach the pages, as text.
    page.goto(contact.get_absolute_url())
    assert "<script>window.__xss=1</script>" in page.inner_text("main")


def test_the_checks_do_catch_a_payload_that_reaches_the_page(page, alice):
    """Guards the test above against passing for the wrong reason."""
    log_in(page, "alice@example.test")
    page.goto("/w/acme/")
    page.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML("beforeend",
             '<img src=x onerror="window.__xss=1"><a href="javascript:window.__xss=1">x</a>')"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate(DOM_CHECK) == ["IMG onerror", "A href=javascript:window.__xss=1"]
    assert page.csp_violations, "the CSP should have refused the inline handler"
    page.csp_violations.clear()
