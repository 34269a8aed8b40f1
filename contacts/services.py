"""Writes about people, companies and tags.

Other apps create people through ``contact_create`` (e.g. an interview's "people to meet next");
the import creates many at once (``contacts.importing.writes``). An interaction with a person is
announced with the ``contacts.signals.interaction_happened`` signal; followups records it.
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, User, Workspace
from contacts import signals
from contacts.counts import contacts_changed
from contacts.erasure import contact_erase
from contacts.models import Company, Contact, StageChange, Tag
from contacts.normalise import normalise_emails, normalise_linkedin
from contacts.suppression import suppression_check
from contacts.text import fold

EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "emails",
    "phone",
    "title",
    "company",
    "location",
    "linkedin_url",
    "summary",
    "source",
    "connected_on",
    "introduced_by",
    "owner",
    "cadence_days",
    "stage",
)

# The model's limits, for the bulk writes that skip full_clean (the import checks each row
# against them while planning, so one bad row is reported instead of failing its batch).
MAX_LENGTHS = {
    name: Contact._meta.get_field(name).max_length
    for name in (
        "first_name",
        "last_name",
        "phone",
        "title",
        "location",
        "linkedin_url",
        "summary",
    )
}
EMAIL_MAX_LENGTH = Contact._meta.get_field("emails").base_field.max_length
COMPANY_NAME_MAX_LENGTH = Company._meta.get_field("name").max_length
TAG_NAME_MAX_LENGTH = Tag._meta.get_field("name").max_length


# --- search document ------------------------------------------------------------------------


def search_document(
    *,
    first_name: str,
    last_name: str,
    emails: Iterable[str],
    title: str,
    company: str | None,
    location: str,
    tags: Iterable[str],
    summary: str,
) -> str:
    """The text a contact is found by: the one definition, for single and bulk writes alike.

    Tags come in the order of their ids. A missing company or no tags leave no gap, as
    ``concat_ws`` did when SQL built it.
    """
    tags = " ".join(tags) or None
    parts = (first_name, last_name, " ".join(emails), title, company, location, tags, summary)
    return fold(" ".join(part for part in parts if part is not None))


_REFRESH_SQL = """
UPDATE contacts_contact AS c
SET search_text = doc.text, search_vector = to_tsvector('simple', doc.text)
FROM unnest(%s::bigint[], %s::text[]) AS doc(id, text)
WHERE c.id = doc.id
"""

_WORDS_SQL = """
INSERT INTO contacts_searchword (workspace_id, word)
SELECT DISTINCT c.workspace_id, left(word, 100)
FROM contacts_contact c, unnest(tsvector_to_array(c.search_vector)) AS word
WHERE c.id = ANY(%s) AND length(word) >= 3 AND word !~ '[@0-9/]'
ON CONFLICT DO NOTHING
"""


def _search_words_add(contact_ids: list[int]) -> None:
    """New words join the workspace's word list, which the typo search matches against."""
    with connection.cursor() as cursor:
        cursor.execute(_WORDS_SQL, [contact_ids])


def contacts_refresh_search(*, contact_ids: Iterable[int] = (), company_id: int | None = None):
    """Rebuild the search columns of some contacts (or of all the people of a company).

    Every write that changes a source of the document (the contact, its company's name, its
    tags) ends here, or writes ``search_document`` with the row (``importing.writes``).
    """
    ids = list(contact_ids)
    if company_id is not None:
        contacts = Contact.objects.filter(Q(pk__in=ids) | Q(company_id=company_id))
    elif ids:
        contacts = Contact.objects.filter(pk__in=ids)
    else:
        return
    rows = list(
        contacts.order_by().values_list(
            "pk",
            "first_name",
            "last_name",
            "emails",
            "title",
            "company__name",
            "location",
            "summary",
            "workspace_id",
        )
    )
    if not rows:
        return
    for workspace_id in {row[-1] for row in rows}:
        contacts_changed(workspace_id=workspace_id)
    tags: dict[int, list[str]] = {}
    through = Contact.tags.through
    for contact_id, name in (
        through.objects.filter(contact_id__in=[row[0] for row in rows])
        .order_by("tag_id")
        .values_list("contact_id", "tag__name")
    ):
        tags.setdefault(contact_id, []).append(name)
    texts = [
        search_document(
            first_name=first,
            last_name=last,
            emails=emails,
            title=title,
            company=company,
            location=location,
            tags=tags.get(pk, ()),
            summary=summary,
        )
        for pk, first, last, emails, title, company, location, summary, _ws in rows
    ]
    found = [row[0] for row in rows]
    with connection.cursor() as cursor:
        cursor.execute(_REFRESH_SQL, [found, texts])
    _search_words_add(found)


# --- helpers --------------------------------------------------------------------------------


def too_long(values: dict) -> str | None:
    """The first field of ``values`` longer than the model allows, if any."""
    for name, limit in MAX_LENGTHS.items():
        if len(values.get(name, "")) > limit:
            return name
    return None


def company_for_name(*, workspace: Workspace, name: str) -> Company | None:
    name = (name or "").strip()
    if not name:
        return None
    company = Company.objects.filter(workspace=workspace, name__iexact=name).first()
    if company is None:
        company = Company(workspace=workspace, name=name[:COMPANY_NAME_MAX_LENGTH])
        company.full_clean(validate_constraints=False)
        company.save()
    return company


def tag_name_clean(raw: str) -> str:
    """A tag's name as stored: single spaces, no commas (they separate tags in forms, files and
    exports). May be longer than a tag can be; callers check ``TAG_NAME_MAX_LENGTH``."""
    return " ".join(raw.replace(",", " ").split())


def tags_for_names(*, workspace: Workspace, names: Iterable[str]) -> list[Tag]:
    """The workspace's tags of these names (any case), made when missing."""
    wanted: dict[str, str] = {}
    for raw in names:
        name = tag_name_clean(raw)[:TAG_NAME_MAX_LENGTH]
        if name:
            wanted.setdefault(name.lower(), name)
    existing = {
        t.lname: t
        for t in Tag.objects.annotate(lname=Lower("name")).filter(
            workspace=workspace, lname__in=list(wanted)
        )
    }
    tags = []
    for key, name in wanted.items():
        tag = existing.get(key)
        if tag is None:
            tag = Tag.objects.create(workspace=workspace, name=name)
        tags.append(tag)
    return tags


def split_tags(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _check_related(contact: Contact) -> None:
    """Every related row belongs to the contact's workspace; referrals form no loop."""
    workspace = contact.workspace
    errors = {}
    if contact.company_id and contact.company.workspace_id != workspace.pk:
        errors["company"] = _("Choose a company of this workspace.")
    if (
        contact.owner_id
        and not Membership.objects.filter(workspace=workspace, user_id=contact.owner_id).exists()
    ):
        errors["owner"] = _("The owner must be a member of this workspace.")
    if contact.introduced_by_id:
        introducer = contact.introduced_by
        if introducer.workspace_id != workspace.pk:
            errors["introduced_by"] = _("Choose a contact of this workspace.")
        elif contact.pk and contact.pk in {c.pk for c in referral_chain(introducer)}:
            errors["introduced_by"] = _("That would make a referral loop.")
    if errors:
        raise ValidationError(errors)


def referral_chain(contact: Contact) -> list[Contact]:
    """From the contact back to the root of its referral chain: [contact, introducer, ...]."""
    if contact.introduced_by_id is None:
        return [contact]  # a root: nothing to walk, no query
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH RECURSIVE chain(id, introduced_by_id, depth, path) AS (
                SELECT id, introduced_by_id, 0, ARRAY[id]
                FROM contacts_contact WHERE id = %s
              UNION ALL
                SELECT c.id, c.introduced_by_id, chain.depth + 1, chain.path || c.id
                FROM contacts_contact c JOIN chain ON c.id = chain.introduced_by_id
                WHERE NOT c.id = ANY(chain.path) AND chain.depth < 100
            )
            SELECT id FROM chain ORDER BY depth
            """,
            [contact.pk],
        )
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return [contact]
    by_id = Contact.objects.select_related("company").in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def _record_stage(contact: Contact, old: str, by: User | None, at: datetime | None = None):
    if old != contact.stage:
        StageChange.objects.create(
            workspace_id=contact.workspace_id,
            contact=contact,
            from_stage=old,
            to_stage=contact.stage,
            changed_by=by,
            changed_at=at or timezone.now(),
        )


# --- contacts -------------------------------------------------------------------------------


def _with_defaults(
    workspace: Workspace, fields: dict, introduced_by: Contact | None = None
) -> dict:
    """A new contact's field values with the workspace's defaults filled in."""
    fields.setdefault("cadence_days", workspace.default_cadence_days)
    if introduced_by is not None and not fields.get("source"):
        fields["source"] = Contact.Source.REFERRAL
    if workspace.is_team:
        fields.setdefault("stage", Contact.Stage.NEW)
    else:
        fields["stage"] = ""
    return fields


def contact_build(
    *,
    workspace: Workspace,
    owner: User | None,
    first_name: str,
    last_name: str = "",
    introduced_by: Contact | None = None,
    **fields,
) -> Contact:
    """A validated, unsaved contact, with the workspace's defaults."""
    fields = _with_defaults(workspace, fields, introduced_by)
    if "emails" in fields:
        fields["emails"] = normalise_emails(fields["emails"])
    if "linkedin_url" in fields:
        fields["linkedin_url"] = normalise_linkedin(fields["linkedin_url"])
    suppression_check(
        workspace, emails=fields.get("emails", []), linkedin_url=fields.get("linkedin_url", "")
    )
    contact = Contact(
        workspace=workspace,
        owner=owner,
        first_name=(first_name or "").strip(),
        last_name=(last_name or "").strip(),
        introduced_by=introduced_by,
        **fields,
    )
    contact.full_clean(exclude=["search_text", "search_vector"])
    _check_related(contact)
    return contact


@transaction.atomic
def contact_create(
    *,
    workspace: Workspace,
    owner: User | None,
    first_name: str,
    last_name: str = "",
    introduced_by: Contact | None = None,
    tags: Iterable[Tag] = (),
    **fields,
) -> Contact:
    """Create one person. ``introduced_by`` set and no ``source`` given: source is "referral"."""
    contact = contact_build(
        workspace=workspace,
        owner=owner,
        first_name=first_name,
        last_name=last_name,
        introduced_by=introduced_by,
        **fields,
    )
    contact.save()
    if tags:
        contact.tags.set(tags)
    if contact.stage:
        _record_stage(contact, "", owner, contact.created_at)
    contacts_refresh_search(contact_ids=[contact.pk])
    signals.contact_created.send(sender=Contact, contact=contact)
    return contact


@transaction.atomic
def contact_update(
    *, contact: Contact, by: User | None, tags: Iterable[Tag] | None = None, **fields
) -> Contact:
    # The stored values, not the instance's: a bound ModelForm has already written the new
    # ones onto it, and a stage move read from there would never be recorded.
    stored = (
        Contact.objects.select_for_update()
        .filter(pk=contact.pk)
        .values("stage", "cadence_days")
        .get()
    )
    old_stage = stored["stage"]
    if "emails" in fields:
        fields["emails"] = normalise_emails(fields["emails"])
    if "linkedin_url" in fields:
        fields["linkedin_url"] = normalise_linkedin(fields["linkedin_url"])
    suppression_check(
        contact.workspace,
        emails=[e for e in fields.get("emails", []) if e not in contact.emails],
        linkedin_url=""
        if fields.get("linkedin_url", "") == contact.linkedin_url
        else fields.get("linkedin_url", ""),
    )
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise TypeError(f"contact_update cannot change {name}")
        setattr(contact, name, value)
    if not contact.workspace.is_team:
        contact.stage = ""
    contact.full_clean(exclude=["search_text", "search_vector"])
    _check_related(contact)
    contact.save()
    if tags is not None:
        contact.tags.set(tags)
    _record_stage(contact, old_stage, by)
    contacts_refresh_search(contact_ids=[contact.pk])
    changed = {name for name, value in stored.items() if getattr(contact, name) != value}
    signals.contact_updated.send(sender=Contact, contact=contact, changed=changed)
    return contact


@transaction.atomic
def contact_archive(*, contact: Contact) -> Contact:
    if contact.archived_at is None:
        contact.archived_at = timezone.now()
        contact.save(update_fields=["archived_at", "updated_at"])
        contacts_changed(workspace_id=contact.workspace_id)
        signals.contact_archived.send(sender=Contact, contact=contact)
    return contact


def contact_restore(*, contact: Contact) -> Contact:
    if contact.archived_at is not None:
        contact.archived_at = None
        contact.save(update_fields=["archived_at", "updated_at"])
        contacts_changed(workspace_id=contact.workspace_id)
    return contact


def contact_delete(*, contact: Contact, by: User | None = None, erase: bool = False) -> None:
    """Delete for good (interviews and follow-ups go with the person), through the one
    erasure: no upload, word list or admin log keeps them. ``erase``: on the person's request,
    so they are never imported or added again."""
    workspace_id = contact.workspace_id
    contact_erase(contact=contact, actor=by, suppress=erase)
    contacts_changed(workspace_id=workspace_id)


# --- bulk actions on selected rows ------------------------------------------------------------


@transaction.atomic
def contacts_bulk_tag(*, workspace: Workspace, contact_ids: list[int], tag_name: str) -> int:
    contacts = list(Contact.objects.filter(workspace=workspace, pk__in=contact_ids))
    (tag,) = tags_for_names(workspace=workspace, names=[tag_name]) or [None]
    if tag is None or not contacts:
        return 0
    tag.contacts.add(*contacts)
    contacts_refresh_search(contact_ids=[c.pk for c in contacts])
    return len(contacts)


@transaction.atomic
def contacts_bulk_stage(
    *, workspace: Workspace, contact_ids: list[int], stage: str, by: User | None
) -> int:
    if not workspace.is_team or stage not in Contact.Stage.values:
        raise ValidationError(_("Choose a pipeline stage."))
    now = timezone.now()
    contacts = list(
        Contact.objects.select_for_update()
        .filter(workspace=workspace, pk__in=contact_ids)
        .exclude(stage=stage)
    )
    StageChange.objects.bulk_create(
        StageChange(
            workspace=workspace,
            contact=c,
            from_stage=c.stage,
            to_stage=stage,
            changed_by=by,
            changed_at=now,
        )
        for c in contacts
    )
    Contact.objects.filter(pk__in=[c.pk for c in contacts]).update(stage=stage, updated_at=now)
    contacts_changed(workspace_id=workspace.pk)
    return len(contacts)


def contacts_bulk_owner(*, workspace: Workspace, contact_ids: list[int], owner: User) -> int:
    if not Membership.objects.filter(workspace=workspace, user=owner).exists():
        raise ValidationError(_("The owner must be a member of this workspace."))
    contacts_changed(workspace_id=workspace.pk)
    return Contact.objects.filter(workspace=workspace, pk__in=contact_ids).update(
        owner=owner, updated_at=timezone.now()
    )


def contacts_bulk_archive(*, workspace: Workspace, contact_ids: list[int]) -> int:
    now = timezone.now()
    contacts_changed(workspace_id=workspace.pk)
    return Contact.objects.filter(
        workspace=workspace, pk__in=contact_ids, archived_at__isnull=True
    ).update(archived_at=now, updated_at=now)


# --- companies ------------------------------------------------------------------------------


def company_create(*, workspace: Workspace, name: str, **fields) -> Company:
    company = Company(workspace=workspace, name=name.strip(), **fields)
    company.full_clean()
    company.save()
    return company


@transaction.atomic
def company_update(*, company: Company, **fields) -> Company:
    for name, value in fields.items():
        setattr(company, name, value)
    company.full_clean()
    company.save()
    contacts_refresh_search(company_id=company.pk)
    return company


# --- merging duplicates -----------------------------------------------------------------------
