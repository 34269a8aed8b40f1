from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = _("Follow-ups")

    def ready(self):
        from contacts.signals import interaction_happened
        from followups import receivers

        interaction_happened.connect(
            receivers.interaction_happened, dispatch_uid="followups.keep_in_touch"
        )
