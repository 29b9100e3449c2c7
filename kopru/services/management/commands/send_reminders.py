from datetime import date

from django.core.management.base import BaseCommand

from kopru.core import messaging
from kopru.core.models import Mission
from kopru.services.appointments import queue_reminders


class Command(BaseCommand):
    help = (
        "Queue reminders for the next day's appointments (people who consented to contact and "
        "have a phone) and hand queued messages to the gateway. Run daily from a timer."
    )

    def add_arguments(self, parser):
        parser.add_argument("--day", help="yyyy-mm-dd instead of tomorrow (in each mission's zone)")

    def handle(self, *args, **options):
        day = date.fromisoformat(options["day"]) if options["day"] else None
        for mission in Mission.objects.filter(active=True):
            queued = queue_reminders(mission, day)
            self.stdout.write(f"{mission.code}: {queued} reminders queued")
        sent, failed = messaging.deliver()
        self.stdout.write(f"sent: {sent}, failed: {failed}")
