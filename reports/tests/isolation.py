from infoview.testing.isolation import MEMBER, register

register("workspace_home", access=MEMBER)
