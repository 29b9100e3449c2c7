import os

from django.core.management.base import BaseCommand

from kopru.core.demo import USERS, load_demo


class Command(BaseCommand):
    help = "Load the deterministic demo (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        load_demo()
        source = "KOPRU_DEMO_PASSWORD" if os.environ.get("KOPRU_DEMO_PASSWORD") else "kopru-demo"
        self.stdout.write(f"Demo logins (password: {source}):")
        for username, *_ in USERS:
            self.stdout.write(f"  {username}")
