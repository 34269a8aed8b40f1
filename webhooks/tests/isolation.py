from infoview.testing.isolation import TEAM_ADMIN, register, ws_kwargs
from webhooks import services


def _endpoint(world):
    return world.once(
        "webhooks_endpoint",
        lambda w: services.endpoint_create(
            workspace=w.workspace,
            url="https://93.184.215.14/hook",
            events=["contact.created"],
            by=w.alice,
        ),
    ).pk


register("webhooks:list", access=TEAM_ADMIN)
register("webhooks:create", access=TEAM_ADMIN)
register("webhooks:detail", kwargs=ws_kwargs(pk=_endpoint), access=TEAM_ADMIN)
register("webhooks:edit", kwargs=ws_kwargs(pk=_endpoint), access=TEAM_ADMIN)
register("webhooks:delete", kwargs=ws_kwargs(pk=_endpoint), method="post", access=TEAM_ADMIN)
register("webhooks:enable", kwargs=ws_kwargs(pk=_endpoint), method="post", access=TEAM_ADMIN)
register("webhooks:test", kwargs=ws_kwargs(pk=_endpoint), method="post", access=TEAM_ADMIN)
