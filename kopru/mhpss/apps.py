from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MhpssConfig(AppConfig):
    name = "kopru.mhpss"
    label = "mhpss"
    verbose_name = _("Psychosocial support")

    def ready(self):
        from . import hooks  # noqa: F401  (navigation, person pages, demo)
