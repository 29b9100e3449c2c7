from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "kopru.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self):
        from . import hooks  # noqa: F401  (navigation, search)
