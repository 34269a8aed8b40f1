from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from contacts.timeline import register_provider


class InterviewsConfig(AppConfig):
    name = "interviews"
    verbose_name = _("Interviews")

    def ready(self):
        # Imported here, not at the top: it imports models, loaded only by now.
        from interviews import timeline

        register_provider(timeline.entries_for)
