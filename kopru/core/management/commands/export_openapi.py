import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Write the API's OpenAPI schema (docs/openapi.json); --check fails if it is stale."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="docs/openapi.json")
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, path, check, **options):
        from kopru.api import api

        text = json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True, ensure_ascii=False)
        text += "\n"
        target = Path(path)
        if check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} is out of date: run `make openapi` and commit it.")
            self.stdout.write(f"{path} is current.")
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
