from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapacityConfig(AppConfig):
    name = "kopru.capacity"
    label = "capacity"
    verbose_name = _("Capacity building and communicable diseases")

    def ready(self):
        from . import hooks  # noqa: F401  (navigation, demo)
