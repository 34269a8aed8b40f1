from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterviewsConfig(AppConfig):
    name = "interviews"
    verbose_name = _("Interviews")

    def ready(self):
        from accounts.signals import workspace_created
        from interviews import receivers

        workspace_created.connect(
            receivers.on_workspace_created, dispatch_uid="interviews.workspace_defaults"
        )
