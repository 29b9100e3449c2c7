from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "kopru.assistance"
    label = "assistance"
    verbose_name = _("Basic needs assistance")

    def ready(self):
        from . import hooks  # noqa: F401  (navigation, demo)
