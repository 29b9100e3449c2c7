from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "kopru.casework"
    label = "casework"
    verbose_name = _("Case management")

    def ready(self):
        from . import hooks  # noqa: F401  (navigation, person pages, demo)
