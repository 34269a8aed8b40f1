"""People, companies and tags: the same reads and services as the contact pages."""

from datetime import UTC, datetime
from typing import Literal

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchRank  # noqa: F401  (relevance comes from it)
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from accounts.audit import audit_record
from accounts.models import User
from accounts.scoping import get_for_workspace
from api import idempotency
from api.access import membership
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Key, page_of_rows, paginate
from api.problems import ERRORS, ApiProblem
from api.renderers import json_response
from api.schemas import CompanyRef, In, UserRef, Ws
from contacts import selectors, services
from contacts.models import CADENCE_PRESETS, Company, Contact, Tag
from contacts.timeline import timeline_for

router = Router(tags=["contacts"])

Stage = Literal[tuple(Contact.Stage.values)]
Source = Literal[tuple(Contact.Source.values)]
Cadence = Literal[tuple(days for days, _label in CADENCE_PRESETS)]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# --- shapes ---------------------------------------------------------------------------------


class ContactOut(Schema):
    id: int
    first_name: str
    last_name: str
    emails: list[str]
    phone: str
    title: str
    company: CompanyRef | None
    location: str
    linkedin_url: str
    summary: str
    source: str
    stage: str
    cadence_days: int
    owner: UserRef | None
    introduced_by_id: int | None
    tags: list[str]
    last_interaction_at: datetime | None
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return sorted(tag.name for tag in obj.tags.all())


class ContactPage(Schema):
    items: list[ContactOut]
    next_cursor: str | None


class ContactWrite(In):
    last_name: str = Field("", max_length=100)
    emails: list[str] = Field(default_factory=list, max_length=20)
    phone: str = Field("", max_length=40)
    title: str = Field("", max_length=200)
    company_id: int | None = None
    company_name: str | None = Field(None, max_length=200)
    location: str = Field("", max_length=200)
    linkedin_url: str = Field("", max_length=200)
    summary: str = Field("", max_length=20_000)
    source: Source | Literal[""] = ""
    introduced_by_id: int | None = None
    owner_id: int | None = None
    cadence_days: Cadence | None = None
    stage: Stage | Literal[""] | None = None
    tags: list[str] = Field(default_factory=list, max_length=50)


class ContactIn(ContactWrite):
    first_name: str = Field(..., min_length=1, max_length=100)


class ContactPatch(ContactWrite):
    first_name: str = Field(None, min_length=1, max_length=100)


class TimelineEntryOut(Schema):
    at: datetime
    kind: str
    title: str
    body: str


class ReferralsOut(Schema):
    chain: list[ContactOut]  # from the first introducer down to this person
    introduced: list[ContactOut]  # the people this person introduced


class CompanyOut(Schema):
    id: int
    name: str
    website: str
    industry: str
    notes: str
    people_count: int | None = None
    created_at: datetime


class CompanyPage(Schema):
    items: list[CompanyOut]
    next_cursor: str | None


class CompanyIn(In):
    name: str = Field(..., min_length=1, max_length=200)
    website: str = Field("", max_length=200)
    industry: str = Field("", max_length=120)
    notes: str = Field("", max_length=20_000)


class CompanyPatch(In):
    name: str = Field(None, min_length=1, max_length=200)
    website: str = Field(None, max_length=200)
    industry: str = Field(None, max_length=120)
    notes: str = Field(None, max_length=20_000)


class TagOut(Schema):
    id: int
    name: str
    contact_count: int


class TagIn(In):
    name: str = Field(..., min_length=1, max_length=60)


# --- helpers --------------------------------------------------------------------------------

SORTS = {
    "name": [Key("last_name"), Key("first_name"), Key("id", kind="int")],
    "-created": [Key("created_at", True, "datetime"), Key("id", True, "int")],
    "created": [Key("created_at", kind="datetime"), Key("id", kind="int")],
    "last_interaction": [Key("li", kind="datetime"), Key("id", kind="int")],
    "-last_interaction": [Key("li", True, "datetime"), Key("id", kind="int")],
    "company": [
        Key("no_company", kind="int"),
        Key("company_sort"),
        Key("last_name"),
        Key("first_name"),
        Key("id", kind="int"),
    ],
    "relevance": [
        Key("rank", True, "float"),
        Key("last_name"),
        Key("first_name"),
        Key("id", kind="int"),
    ],
}


def _sortable(contacts, sort: str):
    """The annotations the sort keys read; each is non-null so the keyset is well defined."""
    if sort in {"last_interaction", "-last_interaction"}:
        contacts = contacts.annotate(li=Coalesce("last_interaction_at", Value(EPOCH)))
    elif sort == "company":
        contacts = contacts.annotate(
            no_company=Case(
                When(company__isnull=True, then=1), default=0, output_field=IntegerField()
            ),
            company_sort=Coalesce("company__name", Value("")),
        )
    elif sort == "relevance":
        # double precision, so the rank survives the trip through the cursor exactly
        contacts = contacts.annotate(rank=Cast(F("relevance"), FloatField()))
    return contacts


# The list's rows are read with .values() and answered as JSON as they are: no model objects
# (a contact, its company, its owner and each tag) and no pydantic validation per row, which
# were most of the endpoint's time. Each item has ContactOut's exact shape; test_lists checks
# it against the contact's own endpoint, and Schemathesis against the schema.
LIST_COLUMNS = (
    "id",
    "first_name",
    "last_name",
    "emails",
    "phone",
    "title",
    "company_id",
    "location",
    "linkedin_url",
    "summary",
    "source",
    "stage",
    "cadence_days",
    "owner_id",
    "introduced_by_id",
    "last_interaction_at",
    "archived_at",
    "created_at",
    "updated_at",
)


def _list_rows(contacts, keys: list[Key]):
    """One query for the page: the company's and owner's names and the tags are subqueries of
    the select list, which PostgreSQL runs after the sort and the limit, for the page's rows
    only, where joins would be made for every match (1,425 of 20,000 contacts for "patel")."""
    return contacts.values(
        *dict.fromkeys([*LIST_COLUMNS, *(key.name for key in keys)]),
        company_name=Subquery(Company.objects.filter(pk=OuterRef("company_id")).values("name")),
        owner_name=Subquery(User.objects.filter(pk=OuterRef("owner_id")).values("name")),
        owner_email=Subquery(User.objects.filter(pk=OuterRef("owner_id")).values("email")),
        tag_names=ArraySubquery(Tag.objects.filter(contacts=OuterRef("pk")).values("name")),
    )


def _ranked_page(workspace, keys: list[Key], contacts, *, page_of, cursor, limit) -> dict:
    """A search's page in order of relevance, its order kept while the workspace's contacts are
    unchanged, as the list page keeps it (``selectors.kept_ranking``): the rows read again by
    id, and ``contacts()`` (the search's query) built only when the order is not kept."""
    ranked, keep = selectors.kept_ranking(workspace=workspace, kind="api-ranked", page_of=page_of)
    if ranked is None:

        def fetch(query) -> list[dict]:
            rows = list(query)
            keep([(row["id"], row["rank"]) for row in rows])
            return rows

        return paginate(contacts(), keys, cursor=cursor, limit=limit, fetch=fetch)
    people = Contact.objects.filter(workspace=workspace, pk__in=[pk for pk, _ in ranked])
    rows = _list_rows(people.order_by(), [key for key in keys if key.name != "rank"])
    page = []
    for row, rank in selectors.in_ranked_order({row["id"]: row for row in rows}, ranked):
        row["rank"] = rank
        page.append(row)
    return page_of_rows(page, keys, limit=limit)


def _list_item(row: dict) -> dict:
    company = owner = None
    if row["company_id"] is not None:
        company = {"id": row["company_id"], "name": row["company_name"]}
    if row["owner_id"] is not None:
        owner = {"id": row["owner_id"], "name": row["owner_name"], "email": row["owner_email"]}
    return {
        "id": row["id"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "emails": row["emails"],
        "phone": row["phone"],
        "title": row["title"],
        "company": company,
        "location": row["location"],
        "linkedin_url": row["linkedin_url"],
        "summary": row["summary"],
        "source": row["source"],
        "stage": row["stage"],
        "cadence_days": row["cadence_days"],
        "owner": owner,
        "introduced_by_id": row["introduced_by_id"],
        "tags": sorted(row["tag_names"]),  # as ContactOut sorts them
        "last_interaction_at": row["last_interaction_at"],
        "archived_at": row["archived_at"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def _contact(request, pk: int) -> Contact:
    queryset = Contact.objects.select_related("company", "owner").prefetch_related("tags")
    return get_for_workspace(queryset, request.workspace, pk=pk)


def _in_body_error(field: str, message: str) -> ApiProblem:
    return ApiProblem(
        422, message, errors=[{"location": field, "message": message, "type": "invalid"}]
    )


def _service_fields(request, data: dict) -> dict:
    """Body fields to the service's arguments: every id looked up in this workspace only."""
    workspace = request.workspace
    fields = {}
    for name in ("first_name", "last_name", "emails", "phone", "title", "location"):
        if name in data:
            fields[name] = data[name]
    for name in ("linkedin_url", "summary", "source", "cadence_days", "stage"):
        if name in data and data[name] is not None:
            fields[name] = data[name]
    if data.get("company_id") is not None and data.get("company_name"):
        raise _in_body_error("company_id", "Give company_id or company_name, not both.")
    if "company_id" in data:
        company_id = data["company_id"]
        fields["company"] = None
        if company_id is not None:
            fields["company"] = Company.objects.filter(workspace=workspace, pk=company_id).first()
            if fields["company"] is None:
                raise _in_body_error("company_id", "No such company in this workspace.")
    if data.get("company_name"):
        fields["company"] = services.company_for_name(
            workspace=workspace, name=data["company_name"]
        )
    if "introduced_by_id" in data:
        introducer_id = data["introduced_by_id"]
        fields["introduced_by"] = None
        if introducer_id is not None:
            fields["introduced_by"] = Contact.objects.filter(
                workspace=workspace, pk=introducer_id
            ).first()
            if fields["introduced_by"] is None:
                raise _in_body_error("introduced_by_id", "No such contact in this workspace.")
    if "owner_id" in data:
        owner_id = data["owner_id"]
        fields["owner"] = None
        if owner_id is not None:
            fields["owner"] = User.objects.filter(
                membership__workspace=workspace, pk=owner_id
            ).first()
            if fields["owner"] is None:
                raise _in_body_error("owner_id", "The owner must be a member of this workspace.")
    if "tags" in data:
        fields["tags"] = services.tags_for_names(workspace=workspace, names=data["tags"])
    return fields


# --- contacts -------------------------------------------------------------------------------


@router.get("/contacts", response={200: ContactPage, **ERRORS})
def contact_list(
    request,
    ws: Ws,
    q: str = Query("", max_length=200, description="Full-text search, tolerant of typos."),
    tag: str = Query("", max_length=60),
    stage: Stage | None = None,
    company_id: int | None = None,
    owner_id: int | None = None,
    source: Source | None = None,
    overdue: bool = False,
    archived: bool = False,
    sort: Literal[tuple(SORTS)] | None = Query(
        None, description="Default: relevance when searching, else name."
    ),
    cursor: str | None = Query(None, max_length=2000),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
):
    """The contact list, with the list page's search, filters and sorts; newest pages by cursor."""
    membership(request, ws)
    searching = bool(q.strip())  # as contact_list: only then is there a relevance
    sort = sort or ("relevance" if searching else "name")
    if sort == "relevance" and not searching:
        sort = "name"
    keys = SORTS[sort]

    def contacts():
        # The company and owner by id (the list's filters take the objects or their ids).
        found = selectors.contact_list(
            workspace=request.workspace,
            q=q,
            stage=stage or "",
            company=company_id,
            owner=owner_id,
            source=source or "",
            overdue=overdue,
            archived=archived,
        )
        if tag:  # by name, as the API takes it (the list's filter takes a Tag)
            found = found.filter(tags__name__iexact=tag)
        return _list_rows(_sortable(found, sort), keys)

    if sort == "relevance" and not overdue:  # "overdue" moves with the clock: ranked every time
        page_of = (q, tag, stage, company_id, owner_id, source, archived, cursor, limit)
        page = _ranked_page(
            request.workspace, keys, contacts, page_of=page_of, cursor=cursor, limit=limit
        )
    else:
        page = paginate(contacts(), keys, cursor=cursor, limit=limit)
    page["items"] = [_list_item(row) for row in page["items"]]
    return json_response(page)


@router.post("/contacts", response={201: ContactOut, **ERRORS})
def contact_create(request, ws: Ws, payload: ContactIn):
    """Add a person. ``Idempotency-Key`` makes a retried request create one contact."""
    membership(request, ws, write=True)
    idempotency.claim(request, request.membership)
    data = payload.model_dump(exclude_unset=True)
    with transaction.atomic():
        fields = _service_fields(request, data)
        fields.setdefault("owner", request.auth.user)
        contact = services.contact_create(workspace=request.workspace, **fields)
    return Status(201, _contact(request, contact.pk))


@router.get("/contacts/{contact_id}", response={200: ContactOut, **ERRORS})
def contact_detail(request, ws: Ws, contact_id: int):
    membership(request, ws)
    contact = _contact(request, contact_id)
    audit_record(workspace=request.workspace, actor=request.auth.user, action="viewed", obj=contact)
    return contact


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **ERRORS})
def contact_update(request, ws: Ws, contact_id: int, payload: ContactPatch):
    """Change some fields; the ones not sent stay as they are."""
    membership(request, ws, write=True)
    contact = _contact(request, contact_id)
    data = payload.model_dump(exclude_unset=True)
    if data.get("first_name", "") is None:
        raise _in_body_error("first_name", "A contact needs a first name.")
    with transaction.atomic():
        fields = _service_fields(request, data)
        services.contact_update(contact=contact, by=request.auth.user, **fields)
        audit_record(
            workspace=request.workspace, actor=request.auth.user, action="changed", obj=contact
        )
    return _contact(request, contact_id)


@router.post("/contacts/{contact_id}/archive", response={200: ContactOut, **ERRORS})
def contact_archive(request, ws: Ws, contact_id: int):
    membership(request, ws, write=True)
    contact = services.contact_archive(contact=_contact(request, contact_id))
    audit_record(
        workspace=request.workspace, actor=request.auth.user, action="changed", obj=contact
    )
    return contact


@router.post("/contacts/{contact_id}/restore", response={200: ContactOut, **ERRORS})
def contact_restore(request, ws: Ws, contact_id: int):
    membership(request, ws, write=True)
    contact = services.contact_restore(contact=_contact(request, contact_id))
    audit_record(
        workspace=request.workspace, actor=request.auth.user, action="changed", obj=contact
    )
    return contact


@router.delete("/contacts/{contact_id}", response={204: None, **ERRORS})
def contact_delete(request, ws: Ws, contact_id: int):
    """Delete for good: the person's interviews and follow-ups go too."""
    membership(request, ws, write=True)
    contact = _contact(request, contact_id)
    services.contact_delete(contact=contact, by=request.auth.user)
    return Status(204, None)


@router.get("/contacts/{contact_id}/timeline", response={200: list[TimelineEntryOut], **ERRORS})
def contact_timeline(request, ws: Ws, contact_id: int):
    """Everything that happened with the person, newest first."""
    membership(request, ws)
    contact = _contact(request, contact_id)
    audit_record(workspace=request.workspace, actor=request.auth.user, action="viewed", obj=contact)
    return timeline_for(contact)


@router.get("/contacts/{contact_id}/referrals", response={200: ReferralsOut, **ERRORS})
def contact_referrals(request, ws: Ws, contact_id: int):
    """The referral chain up to the first introducer, and the people this person introduced."""
    membership(request, ws)
    contact = _contact(request, contact_id)
    chain_ids = [c.pk for c in reversed(services.referral_chain(contact))]
    rows = Contact.objects.filter(workspace=request.workspace)
    rows = selectors.contact_list_page_rows(rows)
    by_id = rows.in_bulk(chain_ids)
    return {
        "chain": [by_id[pk] for pk in chain_ids if pk in by_id],
        "introduced": list(rows.filter(introduced_by=contact).order_by("created_at", "pk")),
    }


# --- companies ------------------------------------------------------------------------------

COMPANY_KEYS = [Key("name"), Key("id", kind="int")]


def _company(request, pk: int) -> Company:
    return get_for_workspace(Company, request.workspace, pk=pk)


@router.get("/companies", response={200: CompanyPage, **ERRORS}, tags=["companies"])
def company_list(
    request,
    ws: Ws,
    q: str = Query("", max_length=200),
    cursor: str | None = Query(None, max_length=2000),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
):
    membership(request, ws)
    companies = selectors.company_list(workspace=request.workspace, q=q)
    return paginate(companies, COMPANY_KEYS, cursor=cursor, limit=limit)


@router.post("/companies", response={201: CompanyOut, **ERRORS}, tags=["companies"])
def company_create(request, ws: Ws, payload: CompanyIn):
    membership(request, ws, write=True)
    idempotency.claim(request, request.membership)
    data = payload.model_dump()
    if Company.objects.filter(workspace=request.workspace, name__iexact=data["name"].strip()):
        raise ApiProblem(409, "A company of that name exists already.")
    company = services.company_create(workspace=request.workspace, **data)
    return Status(201, company)


@router.get("/companies/{company_id}", response={200: CompanyOut, **ERRORS}, tags=["companies"])
def company_detail(request, ws: Ws, company_id: int):
    membership(request, ws)
    return _company(request, company_id)


@router.patch("/companies/{company_id}", response={200: CompanyOut, **ERRORS}, tags=["companies"])
def company_update(request, ws: Ws, company_id: int, payload: CompanyPatch):
    membership(request, ws, write=True)
    company = _company(request, company_id)
    data = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    if (
        "name" in data
        and Company.objects.filter(workspace=request.workspace, name__iexact=data["name"].strip())
        .exclude(pk=company.pk)
        .exists()
    ):
        raise ApiProblem(409, "A company of that name exists already.")
    return services.company_update(company=company, **data)


# --- tags -----------------------------------------------------------------------------------


@router.get("/tags", response={200: list[TagOut], **ERRORS}, tags=["tags"])
def tag_list(request, ws: Ws):
    """Every tag of the workspace with how many active contacts carry it."""
    membership(request, ws)
    return Tag.objects.filter(workspace=request.workspace).annotate(
        contact_count=Count("contacts", filter=Q(contacts__archived_at__isnull=True))
    )


@router.post("/tags", response={201: TagOut, **ERRORS}, tags=["tags"])
def tag_create(request, ws: Ws, payload: TagIn):
    """The tag of that name (any case), made when missing."""
    membership(request, ws, write=True)
    tags = services.tags_for_names(workspace=request.workspace, names=[payload.name])
    if not tags:
        raise _in_body_error("name", "A tag needs a name.")
    tag = Tag.objects.annotate(
        contact_count=Count("contacts", filter=Q(contacts__archived_at__isnull=True))
    ).get(pk=tags[0].pk)
    return Status(201, tag)
