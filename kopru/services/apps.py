from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "kopru.services"
    label = "services"
    verbose_name = _("Services")

    def ready(self):
        from . import hooks  # noqa: F401  (navigation, person pages, demo)

    def load_reference(self):
        """The shipped service catalogue, into every mission (core.reference calls this)."""
        from .catalogue import load_catalogue

        load_catalogue()
