"""The one way a person leaves: every place that can hold them, in one transaction.

Privacy's erasure and its retention anonymisation, the contact's Delete (personal workspaces
included), the API's delete and the Django admin all end here. Besides the contact's own rows
(cascaded, or blanked by anonymisation), a person lives on in:

- the uploads (``contacts.importing.scrub``): their rows or cards, errors and file names;
- the typo word list (``SearchWord``): words no other contact of the workspace uses go;
- the Django admin's log (``LogEntry``);
- the suppression list, when erased on request (keyed hashes only).

A later feature that stores text about a person adds its place here; the canary test
(privacy/tests/test_canary.py) fails until it does.
"""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from accounts.audit import audit_record
from accounts.models import User
from contacts import signals
from contacts.counts import contacts_changed
from contacts.importing.scrub import imports_scrub_person
from contacts.locks import workspace_people_lock
from contacts.models import Contact, MergeUndo
from contacts.suppression import contact_suppress

ERASED_NAME = "Erased contact"


def contact_words(contact: Contact) -> list[str]:
    """The words of the contact's search document, as the typo word list holds them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(tsvector_to_array(search_vector), '{}') FROM contacts_contact"
            " WHERE id = %s",
            [contact.pk],
        )
        row = cursor.fetchone()
    return [word[:100] for word in (row[0] if row else [])]


def search_words_prune(*, workspace_id: int, words: list[str]) -> None:
    """Drop the words no contact of the workspace uses any more (one indexed check each)."""
    if not words:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            DELETE FROM contacts_searchword sw
            WHERE sw.workspace_id = %s AND sw.word = ANY(%s)
              AND NOT EXISTS (
                SELECT 1 FROM contacts_contact c
                WHERE c.workspace_id = sw.workspace_id
                  AND c.search_vector @@ quote_literal(sw.word)::tsquery
              )
            """,
            [workspace_id, words],
        )


def admin_log_scrub(*, contact_id: int, delete: bool, name: str = ERASED_NAME) -> None:
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Contact), object_id=str(contact_id)
    )
    if delete:
        entries.delete()
    else:
        entries.update(object_repr=name, change_message="")


def contact_traces_scrub(*, contact: Contact) -> None:
    """The places outside the contact's rows: uploads now, the word list after the caller
    has deleted or blanked the contact (``search_words_prune`` with ``contact_words``)."""
    imports_scrub_person(contact=contact)
    # A merge into this person kept the merged-away record, to undo it: that goes too.
    MergeUndo.objects.filter(keep=contact).delete()


@transaction.atomic
def contact_erase(*, contact: Contact, actor: User | None, suppress: bool = True) -> None:
    """Delete the person and every trace of them; ``suppress``: never import them again."""
    workspace_people_lock(contact.workspace_id)
    contact = Contact.objects.select_for_update().filter(pk=contact.pk).first()
    if contact is None:  # erased meanwhile (two requests at once): nothing left to do
        return
    audit_record(workspace=contact.workspace, actor=actor, action="deleted", obj=contact)
    if suppress:
        contact_suppress(contact=contact)
    words = contact_words(contact)
    contact_traces_scrub(contact=contact)
    admin_log_scrub(contact_id=contact.pk, delete=True)
    workspace_id, contact_id = contact.workspace_id, contact.pk
    contact.delete()
    contacts_changed(workspace_id=workspace_id)
    search_words_prune(workspace_id=workspace_id, words=words)
    if suppress:
        signals.contact_erased.send(
            sender=Contact, workspace_id=workspace_id, contact_id=contact_id, how="erased"
        )
