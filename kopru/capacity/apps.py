from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapacityConfig(AppConfig):
    name = "kopru.capacity"
    label = "capacity"
    verbose_name = _("Capacity building and communicable diseases")

    def load_reference(self):
        """The government agencies of the data file, into their missions (core.reference
        calls this), so that pages only read them."""
        from kopru.core.models import Mission

        from .trainings import load_agencies

        for mission in Mission.objects.all():
            load_agencies(mission)

    def ready(self):
        from . import hooks  # noqa: F401  (navigation, demo)
