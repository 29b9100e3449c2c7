from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "kopru.reporting"
    label = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        from . import hooks  # noqa: F401  (keeping the figures current, navigation, demo)
