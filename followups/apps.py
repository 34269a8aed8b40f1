from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = _("Follow-ups")

    def ready(self):
        from accounts.signals import workspace_created
        from followups import receivers

        workspace_created.connect(
            receivers.on_workspace_created, dispatch_uid="followups.workspace_defaults"
        )
