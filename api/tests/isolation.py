"""Every API operation, registered with how to call it on objects of workspace A.

``test_isolation.py`` reads the operations from the OpenAPI document (generated from the code)
and fails for one that is not registered here, then calls each one as four callers: nobody
(401), Charlie with a token of his own workspace (404, both on A's URL and on his own URL with
A's object ids), Bob the recruiter (403 on admin-only ones) and Alice the admin.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from contacts import services as contact_services
from followups import services as followup_services
from infoview.testing.isolation import World
from interviews import services as interview_services
from interviews.models import Question

MEMBER, ADMIN, TEAM_MEMBER, SELF = "member", "admin", "team_member", "self"


@dataclass
class ApiRoute:
    method: str
    path: str  # as in the OpenAPI document, e.g. /api/v1/w/{ws}/contacts/{contact_id}
    args: Callable[[World], dict]
    access: str = MEMBER
    body: Callable[[World], dict] | None = None
    variant: str = ""

    @property
    def operation(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def id(self) -> str:
        return f"{self.operation}{' [' + self.variant + ']' if self.variant else ''}"

    @property
    def writes(self) -> bool:
        return self.method != "get"

    def url(self, world: World, ws: str) -> str:
        values = {"ws": ws, **self.args(world)}
        return self.path.format(**values)


REGISTRY: list[ApiRoute] = []
PREFIX = "/api/v1"


def register(method, path, *, args=None, access=MEMBER, body=None, variant=""):
    REGISTRY.append(ApiRoute(method, PREFIX + path, args or (lambda w: {}), access, body, variant))


# --- objects of workspace A, made through the services ----------------------------------------


def contact(w: World):
    return w.once(
        "contact",
        lambda w: contact_services.contact_create(
            workspace=w.workspace, owner=w.alice, first_name="Ada", last_name="Lovelace"
        ),
    )


def company(w: World):
    return w.once(
        "company",
        lambda w: contact_services.company_for_name(workspace=w.workspace, name="Analytical"),
    )


def interview(w: World):
    return w.once(
        "interview",
        lambda w: interview_services.interview_create(
            workspace=w.workspace,
            owner=w.alice,
            contact=contact(w),
            starts_at=timezone.now() + timedelta(days=2),
            time_zone="Europe/London",
        ),
    )


def objective(w):
    return w.once(
        "objective", lambda w: interview_services.objective_add(interview=interview(w), text="Why")
    )


def question(w):
    return w.once(
        "question",
        lambda w: interview_services.question_add_one_off(interview=interview(w), text="How?"),
    )


def prep_item(w):
    return w.once("prep", lambda w: interview(w).prep_items.first())


def note(w):
    return w.once(
        "note",
        lambda w: interview_services.note_add(
            interview=interview(w), author=w.alice, kind="insight", body="Noted"
        ),
    )


def followup(w):
    return w.once(
        "followup",
        lambda w: followup_services.followup_create(
            workspace=w.workspace,
            contact=contact(w),
            owner=w.alice,
            kind="update",
            due_at=timezone.now() + timedelta(days=1),
        ),
    )


def c_id(w):
    return {"contact_id": contact(w).pk}


def i_id(w, **more):
    return {"interview_id": interview(w).pk, **more}


# --- the operations -----------------------------------------------------------------------------

register("get", "/me", access=SELF)

register("get", "/w/{ws}/contacts")
register("post", "/w/{ws}/contacts", body=lambda w: {"first_name": "New"})
register("get", "/w/{ws}/contacts/{contact_id}", args=c_id)
register("patch", "/w/{ws}/contacts/{contact_id}", args=c_id, body=lambda w: {"title": "Count"})
register("delete", "/w/{ws}/contacts/{contact_id}", args=c_id)
register("post", "/w/{ws}/contacts/{contact_id}/archive", args=c_id)
register("post", "/w/{ws}/contacts/{contact_id}/restore", args=c_id)
register("get", "/w/{ws}/contacts/{contact_id}/timeline", args=c_id)
register("get", "/w/{ws}/contacts/{contact_id}/referrals", args=c_id)

register("get", "/w/{ws}/companies")
register("post", "/w/{ws}/companies", body=lambda w: {"name": "Difference Engines"})
register("get", "/w/{ws}/companies/{company_id}", args=lambda w: {"company_id": company(w).pk})
register(
    "patch",
    "/w/{ws}/companies/{company_id}",
    args=lambda w: {"company_id": company(w).pk},
    body=lambda w: {"industry": "Computing"},
)
register("get", "/w/{ws}/tags")
register("post", "/w/{ws}/tags", body=lambda w: {"name": "mathematics"})

register("get", "/w/{ws}/interviews")
register(
    "post",
    "/w/{ws}/interviews",
    body=lambda w: {"contact_id": contact(w).pk, "starts_at": "2030-01-10T10:00:00"},
)
register("get", "/w/{ws}/interviews/{interview_id}", args=i_id)
register("patch", "/w/{ws}/interviews/{interview_id}", args=i_id, body=lambda w: {"purpose": "x"})
register("post", "/w/{ws}/interviews/{interview_id}/complete", args=i_id)
register("post", "/w/{ws}/interviews/{interview_id}/cancel", args=i_id, body=lambda w: {})
register("post", "/w/{ws}/interviews/{interview_id}/no-show", args=i_id, body=lambda w: {})
register(
    "patch", "/w/{ws}/interviews/{interview_id}/text", args=i_id, body=lambda w: {"scratch": "hm"}
)
register(
    "post",
    "/w/{ws}/interviews/{interview_id}/objectives",
    args=i_id,
    body=lambda w: {"text": "Learn"},
)
register(
    "patch",
    "/w/{ws}/interviews/{interview_id}/objectives/{objective_id}",
    args=lambda w: i_id(w, objective_id=objective(w).pk),
    body=lambda w: {"met": True},
)
register(
    "delete",
    "/w/{ws}/interviews/{interview_id}/objectives/{objective_id}",
    args=lambda w: i_id(w, objective_id=objective(w).pk),
)
register("get", "/w/{ws}/questions")
register(
    "post",
    "/w/{ws}/interviews/{interview_id}/questions",
    args=i_id,
    body=lambda w: {
        "bank_question_ids": [Question.objects.filter(workspace=w.workspace).first().pk]
    },
)
register(
    "patch",
    "/w/{ws}/interviews/{interview_id}/questions/{question_id}",
    args=lambda w: i_id(w, question_id=question(w).pk),
    body=lambda w: {"answer": "Like this"},
)
register(
    "post",
    "/w/{ws}/interviews/{interview_id}/prep-items",
    args=i_id,
    body=lambda w: {"text": "Read up"},
)
register(
    "patch",
    "/w/{ws}/interviews/{interview_id}/prep-items/{item_id}",
    args=lambda w: i_id(w, item_id=prep_item(w).pk),
    body=lambda w: {"done": True},
)
register(
    "post",
    "/w/{ws}/interviews/{interview_id}/notes",
    args=i_id,
    body=lambda w: {"body": "Useful"},
)
register(
    "delete",
    "/w/{ws}/interviews/{interview_id}/notes/{note_id}",
    args=lambda w: i_id(w, note_id=note(w).pk),
)
register(
    "put",
    "/w/{ws}/interviews/{interview_id}/assessment",
    args=i_id,
    access=TEAM_MEMBER,
    body=lambda w: {"passion": 4, "motivation": 3, "cultural_fit": 5},
)

register("get", "/w/{ws}/follow-ups")
register(
    "post",
    "/w/{ws}/follow-ups",
    body=lambda w: {
        "contact_id": contact(w).pk,
        "kind": "advice",
        "due_at": "2030-01-01T09:00:00Z",
    },
)
f_id = lambda w: {"followup_id": followup(w).pk}  # noqa: E731
register("get", "/w/{ws}/follow-ups/{followup_id}", args=f_id)
register("post", "/w/{ws}/follow-ups/{followup_id}/done", args=f_id, body=lambda w: {})
register("post", "/w/{ws}/follow-ups/{followup_id}/skip", args=f_id)
register("post", "/w/{ws}/follow-ups/{followup_id}/snooze", args=f_id, body=lambda w: {"days": 3})

register("get", "/w/{ws}/reports")
register("get", "/w/{ws}/reports/{slug}", args=lambda w: {"slug": "conversations"})
register(
    "get",
    "/w/{ws}/reports/{slug}",
    args=lambda w: {"slug": "sources"},
    access=ADMIN,
    variant="admin only",
)
