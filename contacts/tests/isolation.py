from contacts.tests.factories import CompanyFactory, ContactFactory
from infoview.testing.isolation import TEAM_MEMBER, register, ws_kwargs


def _contact(world):
    return world.once("contact", lambda w: ContactFactory(workspace=w.workspace)).pk


def _company(world):
    return world.once("company", lambda w: CompanyFactory(workspace=w.workspace)).pk


def _ids(world):
    return {"ids": [_contact(world)]}


register("contacts:list")
register("contacts:create")
register("contacts:detail", kwargs=ws_kwargs(pk=_contact))
register("contacts:edit", kwargs=ws_kwargs(pk=_contact))
register("contacts:archive", kwargs=ws_kwargs(pk=_contact), method="post")
register("contacts:restore", kwargs=ws_kwargs(pk=_contact), method="post")
register("contacts:delete", kwargs=ws_kwargs(pk=_contact), method="post")
register("contacts:bulk_tag", method="post", data=lambda w: {**_ids(w), "tag": "met"})
register(
    "contacts:bulk_stage",
    method="post",
    access=TEAM_MEMBER,
    data=lambda w: {**_ids(w), "stage": "engaged"},
)
register("contacts:bulk_owner", method="post", data=lambda w: {**_ids(w), "owner": w.alice.pk})
register("contacts:bulk_archive", method="post", data=_ids)
register("contacts:company_list")
register("contacts:company_create")
register("contacts:company_detail", kwargs=ws_kwargs(pk=_company))
register("contacts:company_edit", kwargs=ws_kwargs(pk=_company))
