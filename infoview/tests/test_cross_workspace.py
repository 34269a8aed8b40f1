"""No row ever points across workspaces: checked on the demo data, for every relation."""

from django.apps import apps
from django.core.management import call_command
from django.db.models import F, ForeignKey, ManyToManyField, OneToOneField

LOCAL_APPS = {"accounts", "contacts", "interviews", "followups", "reports", "privacy"}


def _workspace_path(model, depth=0):
    """The lookup from ``model`` to its workspace id, through at most two relations."""
    field_names = {f.name for f in model._meta.get_fields()}
    if "workspace" in field_names and model._meta.label != "accounts.Membership":
        return "workspace_id"
    if depth >= 2:
        return None
    for field in model._meta.get_fields():
        if (
            isinstance(field, ForeignKey | OneToOneField)
            and field.related_model._meta.app_label in LOCAL_APPS
        ):
            inner = _workspace_path(field.related_model, depth + 1)
            if inner and field.related_model._meta.label != "accounts.Workspace":
                return f"{field.name}__{inner}"
    return None


def _relations():
    for model in apps.get_models():
        if model._meta.app_label not in LOCAL_APPS:
            continue
        own = _workspace_path(model)
        if own is None:
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, ForeignKey | OneToOneField | ManyToManyField):
                continue
            if field.auto_created and not field.concrete:
                continue
            target = field.related_model
            if (
                target._meta.label == "accounts.Workspace"
                or target._meta.app_label not in LOCAL_APPS
            ):
                continue
            theirs = _workspace_path(target)
            if theirs is None:
                continue
            yield model, own, field.name, theirs


RELATIONS = list(_relations())


def test_it_knows_the_relations_it_checks():
    checked = {(m._meta.label, name) for m, _own, name, _theirs in RELATIONS}
    assert ("contacts.Contact", "introduced_by") in checked
    assert ("interviews.Interview", "contact") in checked


def _crossings():
    found = {}
    for model, own, name, theirs in RELATIONS:
        crossing = model.objects.exclude(**{f"{name}__isnull": True}).exclude(
            **{own: F(f"{name}__{theirs}")}
        )
        pks = list(crossing.values_list("pk", flat=True)[:10])
        if pks:
            found[f"{model._meta.label}.{name}"] = pks
    return found


def test_no_row_of_the_demo_data_points_into_another_workspace(db):
    call_command("seed_demo", verbosity=0)
    assert _crossings() == {}


def test_the_check_finds_a_row_that_does(world):
    from contacts.models import Contact

    theirs = Contact.objects.create(workspace=world.other_workspace, first_name="Theirs")
    ours = Contact.objects.create(
        workspace=world.workspace, first_name="Ours", introduced_by=theirs
    )
    assert _crossings() == {"contacts.Contact.introduced_by": [ours.pk]}
