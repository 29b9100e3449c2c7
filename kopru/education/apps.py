from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EducationConfig(AppConfig):
    name = "kopru.education"
    label = "education"
    verbose_name = _("Education")

    def ready(self):
        from . import hooks  # noqa: F401  (navigation, demo)
