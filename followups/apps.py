from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from contacts import facts
from contacts.timeline import register_provider


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = _("Follow-ups")

    def ready(self) -> None:
        # Imported here, not at the top: these modules import models, loaded only by now.
        from followups import receivers, timeline  # noqa: F401  (receivers connect)

        register_provider(timeline.entries_for)
        facts.register_provider(timeline.facts_for)
