from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from contacts import signals as contact_signals
from contacts import timeline as contact_timeline


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = _("Follow-ups")

    def ready(self) -> None:
        # Django's one place for this: these modules import models, which need the registry.
        from followups import receivers, timeline

        contact_signals.interaction_happened.connect(
            receivers.on_interaction_happened,
            dispatch_uid="followups.contact_record_interaction",
        )
        contact_timeline.register_provider(timeline.entries_for)
