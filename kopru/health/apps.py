from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "kopru.health"
    label = "health"
    verbose_name = _("Migration health")

    def ready(self):
        from . import hooks  # noqa: F401  (navigation, person pages, demo)
