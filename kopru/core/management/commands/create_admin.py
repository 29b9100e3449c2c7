import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kopru.core.models import Mission
from kopru.core.reference import load_reference
from kopru.core.services import bootstrap_admin


class Command(BaseCommand):
    help = "Create (or reset) a mission administrator for every mission; asks for a password."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, email, **options):
        load_reference()
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords differ.")
        try:
            bootstrap_admin(
                username=username,
                password=password,
                email=email,
                missions=list(Mission.objects.all()),
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"{username} administers: {', '.join(str(m) for m in Mission.objects.all())}"
        )
