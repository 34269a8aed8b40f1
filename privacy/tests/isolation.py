from contacts.services import contact_create
from infoview.testing.isolation import TEAM_ADMIN, TEAM_MEMBER, register, ws_kwargs


def _contact(world):
    return world.once(
        "privacy_contact",
        lambda w: contact_create(
            workspace=w.workspace, owner=w.alice, first_name="Grace", emails=["g@example.test"]
        ),
    ).pk


def _victim(world):
    """A contact of its own for the routes that anonymise or erase."""
    return contact_create(workspace=world.workspace, owner=world.alice, first_name="Edsger").pk


register("privacy:settings", access=TEAM_ADMIN)
register("privacy:audit", access=TEAM_ADMIN)
register("privacy:contact", kwargs=ws_kwargs(pk=_contact), access=TEAM_MEMBER)
register(
    "privacy:contact_basis",
    kwargs=ws_kwargs(pk=_contact),
    method="post",
    access=TEAM_MEMBER,
    data=lambda w: {"lawful_basis": "legitimate_interest"},
)
register("privacy:contact_export_json", kwargs=ws_kwargs(pk=_contact), access=TEAM_ADMIN)
register("privacy:contact_export_csv", kwargs=ws_kwargs(pk=_contact), access=TEAM_ADMIN)
register(
    "privacy:contact_anonymise", kwargs=ws_kwargs(pk=_victim), method="post", access=TEAM_ADMIN
)
register("privacy:contact_erase", kwargs=ws_kwargs(pk=_victim), method="post", access=TEAM_ADMIN)
