from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        from followups import mail_hooks
        from privacy import receivers  # noqa: F401  (receivers connect)
        from privacy.services.basis import privacy_notice_footer

        # The first email a team workspace sends to a person carries its privacy notice link.
        mail_hooks.register_footer(privacy_notice_footer)
