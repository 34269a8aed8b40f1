"""The rows tied to a contact, and which of their text is about the person.

Anonymisation, erasure and export walk the rows tied to a contact through the models' reverse
relations (interviews, their notes, objectives, answers, assessment; follow-ups and their
reminders; whatever the other apps add later), so a new model is covered without being named
here. ``PERSONAL_FIELDS`` says which text of those rows is about the person; a test fails when a
model gains a text field that is neither there nor in ``KEPT_FIELDS``.
"""

from collections.abc import Iterator

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from contacts.models import Contact

# Text about the person, blanked by anonymisation (model label -> fields).
PERSONAL_FIELDS: dict[str, set[str]] = {
    "contacts.contact": {
        "first_name", "last_name", "emails", "phone", "title", "location", "linkedin_url",
        "summary", "search_text",
    },
    "interviews.interview": {"location", "meeting_url", "purpose", "status_reason"},
    "interviews.interviewtext": {"research", "scratch"},
    "interviews.objective": {"text", "insight"},
    "interviews.interviewquestion": {"text", "answer"},
    "interviews.prepitem": {"text"},
    "interviews.note": {"body", "body_html"},
    "interviews.assessment": {"skills", "roles_in_mind", "availability"},
    "followups.followup": {"title", "message", "subject", "message_id"},
    "followups.reminder": {"last_error", "message_id"},
}  # fmt: skip
# Text of those rows that says nothing about the person (codes, settings).
KEPT_FIELDS: dict[str, set[str]] = {
    "contacts.contact": {"search_vector"},
    "interviews.interview": {"time_zone"},
    "followups.reminder": {"reason"},
}
# Rows that are judgements about the person: they go altogether.
DELETED_MODELS = {"interviews.assessment"}
# Our own bookkeeping, tied to the contact but holding no text about them.
OWN_MODELS = {"privacy.contactprivacy", "privacy.retentionwarning"}


def related_models(model=Contact, path: str = "", depth: int = 0) -> Iterator[tuple[type, str]]:
    """(model, lookup to the contact's pk) for every model whose rows hang off a contact."""
    if not path:
        yield Contact, "pk"
    for rel in model._meta.related_objects:
        if rel.many_to_many or rel.related_model is Contact:
            continue  # tags are shared; contacts they introduced are other people
        lookup = f"{rel.field.name}__{path}" if path else rel.field.name
        yield rel.related_model, lookup
        if depth < 3:
            yield from related_models(rel.related_model, lookup, depth + 1)


def contact_rows(contact: Contact) -> Iterator[tuple[str, models.QuerySet]]:
    """(model label, queryset) of every row tied to ``contact``, the contact included."""
    seen: dict[str, Q] = {}
    for model, lookup in related_models():
        label = model._meta.label_lower
        seen[label] = seen.get(label, Q()) | Q(**{lookup: contact.pk})
    models_by_label = {m._meta.label_lower: m for m, _lookup in related_models()}
    for label, condition in seen.items():
        manager = models_by_label[label]._base_manager
        yield label, manager.filter(pk__in=manager.filter(condition).values("pk"))


NON_TEXT_TYPES = {
    "AutoField", "BigAutoField", "BooleanField", "DateField", "DateTimeField", "DurationField",
    "IntegerField", "BigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
    "SmallIntegerField", "FloatField", "DecimalField", "UUIDField",
}  # fmt: skip


def text_fields(model) -> set[str]:
    """Names of the fields that can hold free text (not choice codes)."""
    names = set()
    for field in model._meta.concrete_fields:
        if field.is_relation or getattr(field, "choices", None):
            continue
        free_text = isinstance(
            field, models.CharField | models.TextField | ArrayField | models.JSONField
        )
        if free_text or field.get_internal_type() not in NON_TEXT_TYPES:
            names.add(field.name)
    return names
