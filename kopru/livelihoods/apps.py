from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LivelihoodsConfig(AppConfig):
    name = "kopru.livelihoods"
    label = "livelihoods"
    verbose_name = _("Livelihoods")

    def ready(self):
        from . import hooks  # noqa: F401  (navigation, demo)
