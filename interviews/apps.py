from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from contacts.timeline import register_provider


class InterviewsConfig(AppConfig):
    name = "interviews"
    verbose_name = _("Interviews")

    def ready(self):
        # Imported here, not at the top: these modules import models, loaded only by now.
        from interviews import receivers, timeline  # noqa: F401  (receivers connect on import)

        register_provider(timeline.entries_for)
