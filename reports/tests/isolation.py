from infoview.testing.isolation import MEMBER, TEAM_MEMBER, register, ws_kwargs

register("workspace_home", access=MEMBER)
register("reports:index", access=MEMBER)
REPORT = ws_kwargs(slug=lambda w: "conversations")
register("reports:detail", kwargs=REPORT, access=TEAM_MEMBER)
register("reports:csv", kwargs=REPORT, access=TEAM_MEMBER)
register("reports:chart", kwargs=REPORT, access=TEAM_MEMBER)


def _opening(world):
    from reports.models import Opening

    return world.once(
        "opening",
        lambda w: Opening.objects.create(
            workspace=w.workspace, title="Data engineer", created_by=w.alice
        ),
    )


def _contact(world):
    from contacts.models import Contact

    return world.once(
        "reports_contact",
        lambda w: Contact.objects.create(workspace=w.workspace, first_name="Pat", owner=w.alice),
    )


def _entry(world):
    from reports.models import ShortlistEntry

    return world.once(
        "entry",
        lambda w: ShortlistEntry.objects.create(
            workspace=w.workspace, opening=_opening(w), contact=_contact(w), added_by=w.alice
        ),
    )


register("reports:openings", access=TEAM_MEMBER)
register(
    "reports:opening_create",
    method="post",
    access=TEAM_MEMBER,
    data=lambda w: {"title": "Analyst", "skills": "sql"},
)
register(
    "reports:opening_detail", kwargs=ws_kwargs(pk=lambda w: _opening(w).pk), access=TEAM_MEMBER
)
register(
    "reports:shortlist_add",
    kwargs=ws_kwargs(pk=lambda w: _opening(w).pk),
    method="post",
    access=TEAM_MEMBER,
    data=lambda w: {"contact": _contact(w).pk},
)
register(
    "reports:shortlist_remove",
    kwargs=ws_kwargs(pk=lambda w: _entry(w).pk),
    method="post",
    access=TEAM_MEMBER,
)
register(
    "reports:shortlist_referral",
    kwargs=ws_kwargs(pk=lambda w: _entry(w).pk),
    method="post",
    access=TEAM_MEMBER,
)
