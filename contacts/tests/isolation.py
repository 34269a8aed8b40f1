from contacts import merging
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
register("contacts:picker")
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


def _job(world):
    from contacts.importing.jobs import import_upload

    def make(w):
        return import_upload(
            workspace=w.workspace,
            user=w.alice,
            filename="people.csv",
            data=b"First name,Last name,Email\nAda,Lovelace,ada@example.test\n",
        )

    return world.once("job", make).pk


def _pair(world):
    a = world.once("contact", lambda w: ContactFactory(workspace=w.workspace))
    b = world.once("other", lambda w: ContactFactory(workspace=w.workspace, emails=a.emails))
    return {"keep": a.pk, "other": b.pk}


register("contacts:export_csv")
register("contacts:export_vcard")
register("contacts:duplicates")
register("contacts:merge", method="post", data=_pair)


def _merge_undo(world):
    def make(w):
        keep = ContactFactory(workspace=w.workspace)
        other = ContactFactory(workspace=w.workspace)
        merging.contacts_merge(keep=keep, other=other, by=w.alice)
        return merging.merge_undo_for(keep=keep)

    return world.once("merge_undo", make).pk


register("contacts:merge_undo", method="post", kwargs=ws_kwargs(pk=_merge_undo))
register("contacts:import_upload")
register("contacts:import_detail", kwargs=ws_kwargs(pk=_job))
register(
    "contacts:import_mapping",
    kwargs=ws_kwargs(pk=_job),
    method="post",
    data=lambda w: {"col_0": "first_name", "col_1": "last_name", "col_2": "emails"},
)
register("contacts:import_confirm", kwargs=ws_kwargs(pk=_job), method="post")
register("contacts:import_resume", kwargs=ws_kwargs(pk=_job), method="post")
register("contacts:import_progress", kwargs=ws_kwargs(pk=_job))
register("contacts:import_errors", kwargs=ws_kwargs(pk=_job))
