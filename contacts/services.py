"""Writes about people, companies and tags.

Other apps use two entry points: ``contact_create`` (e.g. an interview's "people to meet next")
and ``contact_record_interaction`` (any logged interaction with a person).
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, User, Workspace
from contacts import signals
from contacts.models import Company, Contact, StageChange, Tag

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
    "introduced_by",
    "owner",
    "cadence_days",
    "stage",
)


# --- search document ------------------------------------------------------------------------

_REFRESH_SQL = """
UPDATE contacts_contact AS c
SET search_text = doc.text, search_vector = to_tsvector('simple', doc.text)
FROM (
    SELECT c2.id, lower(concat_ws(' ',
        c2.first_name, c2.last_name, array_to_string(c2.emails, ' '), c2.title, co.name,
        c2.location, (
            SELECT string_agg(t.name, ' ')
            FROM contacts_contact_tags ct JOIN contacts_tag t ON t.id = ct.tag_id
            WHERE ct.contact_id = c2.id
        ), c2.summary
    )) AS text
    FROM contacts_contact c2 LEFT JOIN contacts_company co ON co.id = c2.company_id
    WHERE {where}
) AS doc
WHERE c.id = doc.id
"""


_WORDS_SQL = """
INSERT INTO contacts_searchword (workspace_id, word)
SELECT DISTINCT c.workspace_id, left(word, 100)
FROM contacts_contact c, unnest(tsvector_to_array(c.search_vector)) AS word
WHERE {where} AND length(word) >= 3 AND word !~ '[@0-9/]'
ON CONFLICT DO NOTHING
"""


def search_words_add(*, contact_ids: list[int]) -> None:
    """Add the words of contacts whose search columns were written directly (bulk import)."""
    if contact_ids:
        with connection.cursor() as cursor:
            cursor.execute(_WORDS_SQL.format(where="c.id = ANY(%s)"), [contact_ids])


def contacts_refresh_search(*, contact_ids: Iterable[int] = (), company_id: int | None = None):
    """Rebuild the search columns of some contacts (or of all the people of a company).

    New words also join the workspace's word list, which the typo search matches against.
    """
    with connection.cursor() as cursor:
        if company_id is not None:
            cursor.execute(_REFRESH_SQL.format(where="c2.company_id = %s"), [company_id])
            cursor.execute(_WORDS_SQL.format(where="c.company_id = %s"), [company_id])
        ids = list(contact_ids)
        if ids:
            cursor.execute(_REFRESH_SQL.format(where="c2.id = ANY(%s)"), [ids])
            cursor.execute(_WORDS_SQL.format(where="c.id = ANY(%s)"), [ids])


# --- helpers --------------------------------------------------------------------------------


def normalise_emails(value: str | Iterable[str]) -> list[str]:
    """Split, tidy and de-duplicate email addresses (order kept); raises on a bad one."""
    if isinstance(value, str):
        value = value.replace(";", ",").replace("\n", ",").replace(" ", ",").split(",")
    emails, validate = [], EmailValidator()
    for raw in value:
        email = raw.strip().strip("<>").lower()
        if not email:
            continue
        validate(email)
        if email not in emails:
            emails.append(email)
    return emails


def normalise_linkedin(url: str) -> str:
    """One spelling per profile, so duplicates are found: https, no query, no trailing slash."""
    url = (url or "").strip()
    if not url:
        return ""
    if "://" not in url:
        url = "https://" + url
    url = url.split("?")[0].split("#")[0].rstrip("/")
    _scheme, _sep, rest = url.partition("://")
    host, _sep, path = rest.partition("/")
    host = host.lower()
    if host.endswith("linkedin.com"):
        host = "www.linkedin.com"
    return f"https://{host}/{path}" if path else f"https://{host}"


def company_for_name(*, workspace: Workspace, name: str) -> Company | None:
    name = (name or "").strip()
    if not name:
        return None
    company = Company.objects.filter(workspace=workspace, name__iexact=name).first()
    if company is None:
        company = Company(workspace=workspace, name=name[:200])
        company.full_clean(validate_constraints=False)
        company.save()
    return company


def tags_for_names(*, workspace: Workspace, names: Iterable[str]) -> list[Tag]:
    """The workspace's tags of these names (any case), made when missing."""
    wanted: dict[str, str] = {}
    for raw in names:
        # Commas separate tags in forms, files and exports, so a name never holds one.
        name = " ".join(raw.replace(",", " ").split())[:60]
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


def contact_build(
    *,
    workspace: Workspace,
    owner: User | None,
    first_name: str,
    last_name: str = "",
    introduced_by: Contact | None = None,
    **fields,
) -> Contact:
    """A validated, unsaved contact (``contact_create`` and the import share it)."""
    fields.setdefault("cadence_days", workspace.default_cadence_days)
    if introduced_by is not None and not fields.get("source"):
        fields["source"] = Contact.Source.REFERRAL
    if workspace.is_team:
        fields.setdefault("stage", Contact.Stage.NEW)
    else:
        fields["stage"] = ""
    if "emails" in fields:
        fields["emails"] = normalise_emails(fields["emails"])
    if "linkedin_url" in fields:
        fields["linkedin_url"] = normalise_linkedin(fields["linkedin_url"])
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
    old_stage = contact.stage
    if "emails" in fields:
        fields["emails"] = normalise_emails(fields["emails"])
    if "linkedin_url" in fields:
        fields["linkedin_url"] = normalise_linkedin(fields["linkedin_url"])
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
    signals.contact_updated.send(sender=Contact, contact=contact)
    return contact


def contact_record_interaction(*, contact: Contact, at: datetime) -> Contact:
    """An interaction with this person happened at ``at``: the one entry point for it.

    The conditional UPDATE keeps the latest time even when two interactions are logged at once
    or out of order; then the keep-in-touch follow-up moves to the new due date.
    """
    Contact.objects.filter(pk=contact.pk).filter(
        Q(last_interaction_at__isnull=True) | Q(last_interaction_at__lt=at)
    ).update(last_interaction_at=at)
    contact.last_interaction_at = (
        Contact.objects.filter(pk=contact.pk).values_list("last_interaction_at", flat=True).get()
    )
    from followups import services as followup_services

    followup_services.keep_in_touch_reschedule(contact=contact)
    return contact


@transaction.atomic
def contact_archive(*, contact: Contact) -> Contact:
    if contact.archived_at is None:
        contact.archived_at = timezone.now()
        contact.save(update_fields=["archived_at", "updated_at"])
        signals.contact_archived.send(sender=Contact, contact=contact)
    return contact


def contact_restore(*, contact: Contact) -> Contact:
    if contact.archived_at is not None:
        contact.archived_at = None
        contact.save(update_fields=["archived_at", "updated_at"])
    return contact


def contact_delete(*, contact: Contact) -> None:
    """Delete for good (interviews and follow-ups go with the person)."""
    contact.delete()


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
    return len(contacts)


def contacts_bulk_owner(*, workspace: Workspace, contact_ids: list[int], owner: User) -> int:
    if not Membership.objects.filter(workspace=workspace, user=owner).exists():
        raise ValidationError(_("The owner must be a member of this workspace."))
    return Contact.objects.filter(workspace=workspace, pk__in=contact_ids).update(
        owner=owner, updated_at=timezone.now()
    )


def contacts_bulk_archive(*, workspace: Workspace, contact_ids: list[int]) -> int:
    now = timezone.now()
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


def _move_reverse_relations(keep: Contact, other: Contact) -> None:
    """Point every row of every app that refers to ``other`` at ``keep`` instead.

    Walks the model's reverse relations, so interviews, notes' interviews, follow-ups, stage
    changes and whatever other apps add later all follow the merge without being named here.
    """
    for rel in Contact._meta.related_objects:
        model = rel.related_model
        if rel.many_to_many:
            through = rel.through
            own = next(f.name for f in through._meta.fields if f.related_model is Contact)
            far = next(
                f.name
                for f in through._meta.fields
                if f.is_relation and f.name != own and f.related_model is not Contact
            )
            already = through.objects.filter(**{own: keep}).values(far)
            through.objects.filter(**{own: other, f"{far}__in": already}).delete()
            through.objects.filter(**{own: other}).update(**{own: keep})
        elif model is Contact and rel.field.name == "introduced_by":
            Contact.objects.filter(introduced_by=other).exclude(pk=keep.pk).update(
                introduced_by=keep
            )
        elif rel.one_to_one:
            # One row per contact (e.g. privacy settings): the kept contact's own row wins.
            if not model._base_manager.filter(**{rel.field.name: keep}).exists():
                model._base_manager.filter(**{rel.field.name: other}).update(
                    **{rel.field.name: keep}
                )
        elif rel.one_to_many:
            _move_rows(model._base_manager.filter(**{rel.field.name: other}), rel.field.name, keep)


def _move_rows(rows, field_name: str, keep: Contact) -> None:
    """Repoint rows at ``keep``; a row that would break a unique rule (the kept contact is
    already on that shortlist, say) duplicates one the kept contact has, and goes."""
    try:
        with transaction.atomic():
            rows.update(**{field_name: keep})
            return
    except IntegrityError:
        pass
    for row in rows:
        try:
            with transaction.atomic():
                type(row)._base_manager.filter(pk=row.pk).update(**{field_name: keep})
        except IntegrityError:
            type(row)._base_manager.filter(pk=row.pk).delete()


@transaction.atomic
def contacts_merge(*, keep: Contact, other: Contact, by: User | None) -> Contact:
    """Fold ``other`` into ``keep``: every interview, note, follow-up, tag and referral stays."""
    if keep.pk == other.pk or keep.workspace_id != other.workspace_id:
        raise ValidationError(_("Choose two different contacts of the same workspace."))
    keep, other = (
        Contact.objects.select_for_update().get(pk=keep.pk),
        Contact.objects.select_for_update().get(pk=other.pk),
    )
    keep.tags.add(*other.tags.all())
    _move_reverse_relations(keep, other)
    keep.emails = keep.emails + [e for e in other.emails if e not in keep.emails]
    for name in ("phone", "title", "location", "linkedin_url", "summary", "source", "stage"):
        if not getattr(keep, name) and getattr(other, name):
            setattr(keep, name, getattr(other, name))
    for name in ("company_id", "owner_id"):
        if getattr(keep, name) is None:
            setattr(keep, name, getattr(other, name))
    if keep.introduced_by_id in (None, other.pk):
        keep.introduced_by_id = (
            other.introduced_by_id if other.introduced_by_id != keep.pk else None
        )
    times = [t for t in (keep.last_interaction_at, other.last_interaction_at) if t]
    keep.last_interaction_at = max(times) if times else None
    keep.created_at = min(keep.created_at, other.created_at)
    other.delete()
    keep.save()
    contacts_refresh_search(contact_ids=[keep.pk])
    return keep
