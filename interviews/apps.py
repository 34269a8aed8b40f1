from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from contacts import timeline as contact_timeline


class InterviewsConfig(AppConfig):
    name = "interviews"
    verbose_name = _("Interviews")

    def ready(self) -> None:
        # Django's one place for this: the provider's module imports models.
        from interviews import timeline

        contact_timeline.register_provider(timeline.entries_for)
