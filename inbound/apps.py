from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboundConfig(AppConfig):
    name = "inbound"
    verbose_name = _("Inbound mail")

    def ready(self):
        from anymail.signals import inbound as anymail_inbound

        from accounts import settings_sections
        from inbound import receivers, views

        anymail_inbound.connect(receivers.anymail_message, dispatch_uid="inbound.anymail")
        settings_sections.register(views.account_settings_section)
