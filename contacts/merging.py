"""Merging two records of one person, and undoing it within the hour.

The merge walks the contact's reverse relations, so the rows of every app that refer to a person
(interviews, follow-ups, shortlists, whatever comes later) follow it without being named here.
What moved is kept in a ``MergeUndo`` for an hour, so the merge can be undone.
"""

import json
from datetime import timedelta

from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from contacts.models import Contact, MergeUndo
from contacts.services import contacts_refresh_search
from contacts.suppression import suppression_check


def _move_reverse_relations(keep: Contact, other: Contact, undo: dict) -> None:
    """Point every row of every app that refers to ``other`` at ``keep`` instead.

    Walks the model's reverse relations, so interviews, notes' interviews, follow-ups, stage
    changes and whatever other apps add later all follow the merge without being named here.
    What moved and what had to go is written into ``undo``, so the merge can be undone.
    """
    for rel in Contact._meta.related_objects:
        model = rel.related_model
        if model is MergeUndo:
            continue
        if rel.many_to_many:
            through = rel.through
            own = next(f.name for f in through._meta.fields if f.related_model is Contact)
            far = next(
                f.name
                for f in through._meta.fields
                if f.is_relation and f.name != own and f.related_model is not Contact
            )
            already = through.objects.filter(**{own: keep}).values(far)
            doubles = through.objects.filter(**{own: other, f"{far}__in": already})
            _remember_deleted(undo, doubles)
            doubles.delete()
            moving = through.objects.filter(**{own: other})
            _remember_moved(undo, moving, own)
            moving.update(**{own: keep})
        elif model is Contact and rel.field.name == "introduced_by":
            moving = Contact.objects.filter(introduced_by=other).exclude(pk=keep.pk)
            _remember_moved(undo, moving, "introduced_by")
            moving.update(introduced_by=keep)
        elif rel.one_to_one:
            # One row per contact (e.g. privacy settings): the kept contact's own row wins.
            rows = model._base_manager.filter(**{rel.field.name: other})
            if not model._base_manager.filter(**{rel.field.name: keep}).exists():
                _remember_moved(undo, rows, rel.field.name)
                rows.update(**{rel.field.name: keep})
            else:
                _remember_deleted(undo, rows)  # goes with ``other``
        elif rel.one_to_many:
            rows = model._base_manager.filter(**{rel.field.name: other})
            _move_rows(rows, rel.field.name, keep, undo)


def _remember_moved(undo: dict, rows, field_name: str) -> None:
    pks = list(rows.values_list("pk", flat=True))
    if pks:
        undo["moved"].append([rows.model._meta.label, field_name, pks])


def _remember_deleted(undo: dict, rows) -> None:
    undo["deleted"].extend(json.loads(serializers.serialize("json", rows)))


def _move_rows(rows, field_name: str, keep: Contact, undo: dict) -> None:
    """Repoint rows at ``keep``; a row that would break a unique rule (the kept contact is
    already on that shortlist, say) duplicates one the kept contact has, and goes."""
    pks = list(rows.values_list("pk", flat=True))
    try:
        with transaction.atomic():
            rows.model._base_manager.filter(pk__in=pks).update(**{field_name: keep})
            if pks:
                undo["moved"].append([rows.model._meta.label, field_name, pks])
            return
    except IntegrityError:
        pass
    moved = []
    for row in rows.model._base_manager.filter(pk__in=pks):
        try:
            with transaction.atomic():
                type(row)._base_manager.filter(pk=row.pk).update(**{field_name: keep})
            moved.append(row.pk)
        except IntegrityError:
            _remember_deleted(undo, type(row)._base_manager.filter(pk=row.pk))
            type(row)._base_manager.filter(pk=row.pk).delete()
    if moved:
        undo["moved"].append([rows.model._meta.label, field_name, moved])


MERGE_UNDO_FOR = timedelta(hours=1)


@transaction.atomic
def contacts_merge(*, keep: Contact, other: Contact, by: User | None) -> Contact:
    """Fold ``other`` into ``keep``: every interview, note, follow-up, tag and referral stays.

    What changed is kept for an hour (``MergeUndo``), so ``contacts_merge_undo`` can put both
    people back as they were.
    """
    if keep.pk == other.pk or keep.workspace_id != other.workspace_id:
        raise ValidationError(_("Choose two different contacts of the same workspace."))
    keep, other = (
        Contact.objects.select_for_update().get(pk=keep.pk),
        Contact.objects.select_for_update().get(pk=other.pk),
    )
    suppression_check(keep.workspace, emails=keep.emails + other.emails)
    undo = {
        "keep": json.loads(serializers.serialize("json", [keep])),
        "other": json.loads(serializers.serialize("json", [other])),
        "moved": [],
        "deleted": [],
    }
    keep.tags.add(*other.tags.all())
    _move_reverse_relations(keep, other, undo)
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
    other_id, other_name = other.pk, other.full_name
    other.delete()
    keep.save()
    contacts_refresh_search(contact_ids=[keep.pk])
    MergeUndo.objects.create(
        workspace_id=keep.workspace_id,
        keep=keep,
        other_id=other_id,
        other_name=other_name[:301],
        snapshot=undo,
    )
    return keep


def merge_undo_for(*, keep: Contact) -> MergeUndo | None:
    """The latest merge into this contact that can still be undone."""
    since = timezone.now() - MERGE_UNDO_FOR
    return (
        MergeUndo.objects.filter(keep=keep, created_at__gte=since).order_by("-created_at").first()
    )


@transaction.atomic
def contacts_merge_undo(*, undo: MergeUndo) -> tuple[Contact, Contact]:
    """Put both people back as they were before the merge (within the hour)."""
    undo = MergeUndo.objects.select_for_update().filter(pk=undo.pk).first()
    if undo is None or undo.created_at < timezone.now() - MERGE_UNDO_FOR:
        raise ValidationError(_("This merge can no longer be undone."))
    if Contact.objects.filter(pk=undo.other_id).exists():
        raise ValidationError(_("This merge was undone already."))
    snapshot = undo.snapshot
    for obj in serializers.deserialize("json", json.dumps(snapshot["other"] + snapshot["keep"])):
        obj.save()
    related = {
        rel.related_model._meta.label: rel.related_model for rel in Contact._meta.related_objects
    }
    related |= {
        rel.through._meta.label: rel.through
        for rel in Contact._meta.related_objects
        if rel.many_to_many
    }
    for label, field_name, pks in snapshot["moved"]:
        model = related[label]
        model._base_manager.filter(pk__in=pks).update(**{f"{field_name}_id": undo.other_id})
    if snapshot["deleted"]:
        for obj in serializers.deserialize("json", json.dumps(snapshot["deleted"])):
            obj.save()
    keep = Contact.objects.get(pk=undo.keep_id)
    other = Contact.objects.get(pk=undo.other_id)
    undo.delete()
    contacts_refresh_search(contact_ids=[keep.pk, other.pk])
    return keep, other


def merge_undos_purge(*, now=None) -> int:
    """Forget merges older than the undo window (their snapshot holds a person's data)."""
    cutoff = (now or timezone.now()) - MERGE_UNDO_FOR
    deleted, _rows = MergeUndo.objects.filter(created_at__lt=cutoff).delete()
    return deleted
