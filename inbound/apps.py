from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts import settings_sections
from contacts.timeline import register_provider


class InboundConfig(AppConfig):
    name = "inbound"
    verbose_name = _("Inbound mail")

    def ready(self):
        # Imported here, not at the top: these modules import models, loaded only by now.
        from anymail.signals import inbound as anymail_inbound

        from inbound import receivers, timeline, views

        anymail_inbound.connect(receivers.anymail_message, dispatch_uid="inbound.anymail")
        settings_sections.register(views.account_settings_section)
        register_provider(timeline.entries_for)
