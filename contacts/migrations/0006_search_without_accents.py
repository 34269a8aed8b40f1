"""Rebuild every contact's search text without accents (contacts.text.fold), in batches."""

from django.db import migrations

from contacts.services import search_document

BATCH = 2000

_UPDATE = """
UPDATE contacts_contact AS c
SET search_text = doc.text, search_vector = to_tsvector('simple', doc.text)
FROM unnest(%s::bigint[], %s::text[]) AS doc(id, text)
WHERE c.id = doc.id
"""


def refold(apps, schema_editor):
    Contact = apps.get_model("contacts", "Contact")
    through = Contact.tags.through
    last = 0
    while True:
        rows = list(
            Contact.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list(
                "pk", "first_name", "last_name", "emails", "title", "company__name",
                "location", "summary",
            )[:BATCH]
        )  # fmt: skip
        if not rows:
            return
        last = rows[-1][0]
        tags: dict[int, list[str]] = {}
        for contact_id, name in (
            through.objects.filter(contact_id__in=[row[0] for row in rows])
            .order_by("tag_id")
            .values_list("contact_id", "tag__name")
        ):
            tags.setdefault(contact_id, []).append(name)
        ids, texts = [], []
        for pk, first, last_name, emails, title, company, location, summary in rows:
            ids.append(pk)
            texts.append(
                search_document(
                    first_name=first, last_name=last_name, emails=emails or [], title=title,
                    company=company, location=location, tags=tags.get(pk, []), summary=summary,
                )
            )  # fmt: skip
        schema_editor.execute(_UPDATE, [ids, texts])


class Migration(migrations.Migration):
    dependencies = [("contacts", "0005_suppression_from_privacy")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop, elidable=True)]
