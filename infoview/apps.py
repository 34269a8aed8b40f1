from django.apps import AppConfig

from infoview import dates


class InfoviewConfig(AppConfig):
    name = "infoview"
    verbose_name = "Infoview"

    def ready(self):
        dates.install()
