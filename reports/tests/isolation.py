from infoview.testing.isolation import MEMBER, TEAM_MEMBER, register, ws_kwargs

register("workspace_home", access=MEMBER)
register("reports:index", access=MEMBER)
REPORT = ws_kwargs(slug=lambda w: "conversations")
register("reports:detail", kwargs=REPORT, access=TEAM_MEMBER)
register("reports:csv", kwargs=REPORT, access=TEAM_MEMBER)
register("reports:chart", kwargs=REPORT, access=TEAM_MEMBER)
