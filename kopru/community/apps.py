from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "kopru.community"
    label = "community"
    verbose_name = _("Community stabilisation and shelter")

    def ready(self):
        from . import hooks  # noqa: F401  (navigation, demo)
