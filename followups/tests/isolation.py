from followups.models import EmailTemplate, FollowUp
from followups.tests.factories import ContactFactory, FollowUpFactory
from infoview.testing.isolation import ADMIN, PUBLIC, register, ws_kwargs


def _contact(world):
    return world.once(
        "followups_contact",
        lambda w: ContactFactory(workspace=w.workspace, owner=w.alice, first_name="Iso"),
    )


def _followup(world):
    return world.once(
        "followups_followup",
        lambda w: FollowUpFactory(contact=_contact(w), owner=w.alice, kind=FollowUp.Kind.UPDATE),
    )


def _template(world):
    return world.once(
        "followups_template",
        lambda w: EmailTemplate.objects.filter(workspace=w.workspace).first(),
    )


def _followup_pk(world):
    return _followup(world).pk


register("followups:list")
register("followups:create")
register("followups:detail", kwargs=ws_kwargs(pk=_followup_pk))
register(
    "followups:send",
    kwargs=ws_kwargs(pk=_followup_pk),
    method="post",
    data=lambda w: {"to": "", "subject": "", "body": ""},
)
register("followups:done", kwargs=ws_kwargs(pk=_followup_pk), method="post")
register("followups:skip", kwargs=ws_kwargs(pk=_followup_pk), method="post")
register(
    "followups:snooze", kwargs=ws_kwargs(pk=_followup_pk), method="post", data=lambda w: {"days": 1}
)
register("followups:reopen", kwargs=ws_kwargs(pk=_followup_pk), method="post")
register("followups:contact", kwargs=ws_kwargs(pk=lambda w: _contact(w).pk))
register("followups:templates")
register("followups:template_create", access=ADMIN)
register("followups:template_edit", kwargs=ws_kwargs(pk=lambda w: _template(w).pk), access=ADMIN)
register("followups:signature", method="post", data=lambda w: {"text": "Best, A."})


def _unsubscribe_kwargs(world):
    from followups.reminders import unsubscribe_token

    return {"ws": world.workspace.slug, "token": unsubscribe_token(world.alice)}


# Reached from a reminder email by its signed token, without logging in.
register("followups:unsubscribe", kwargs=_unsubscribe_kwargs, access=PUBLIC)
