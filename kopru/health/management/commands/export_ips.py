"""Write a person's International Patient Summary to a file, as a named user: the same consent
check, Disclosure record and audit entry as the page."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from kopru.health import disclosures
from kopru.registry.models import Person
from kopru.registry.references import normalise


class Command(BaseCommand):
    help = "Export a person's FHIR International Patient Summary (needs their consent)."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="the person's reference number, e.g. TR-1234-5678-9")
        parser.add_argument("--out", required=True, help="the JSON file to write")
        parser.add_argument("--as", dest="username", required=True, help="the exporting user")
        parser.add_argument("--recipient", required=True, help="who receives the record")
        parser.add_argument("--purpose", required=True, help="why it is shared")

    def handle(self, *args, reference, out, username, recipient, purpose, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        person = Person.objects.filter(reference=normalise(reference) or reference).first()
        if person is None:
            raise CommandError(f"No person with the reference {reference!r}.")
        try:
            bundle, disclosure = disclosures.disclose_ips(
                user, person, recipient=recipient, purpose=purpose, channel="command"
            )
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError(" ".join(messages)) from exc
        Path(out).write_text(json.dumps(bundle, ensure_ascii=False, indent=2), encoding="utf-8")
        self.stdout.write(f"Wrote {out}: disclosure to {disclosure.recipient} recorded.")
