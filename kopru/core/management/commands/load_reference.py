from django.core.management.base import BaseCommand

from kopru.core.models import Location, Role
from kopru.core.reference import load_reference


class Command(BaseCommand):
    help = "Load roles, missions and the location tree from kopru/core/data (idempotent)."

    def handle(self, *args, **options):
        load_reference()
        self.stdout.write(
            f"Reference data: {Role.objects.count()} roles, "
            f"{Location.objects.filter(level='province').count()} provinces, "
            f"{Location.objects.filter(level='district').count()} districts."
        )
