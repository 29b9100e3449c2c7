from django.core.management.base import BaseCommand, CommandError

from kopru.core import audit


class Command(BaseCommand):
    help = "Check the audit log's hash chain; exits non-zero if an entry was changed or removed."

    def handle(self, *args, **options):
        checked, problems = audit.verify()
        for p in problems:
            self.stderr.write(f"entry {p['seq']}: {p['problem']}")
        if problems:
            raise CommandError(
                f"audit chain broken: {len(problems)} problem(s) in {checked} entries"
            )
        self.stdout.write(f"audit chain intact: {checked} entries")
