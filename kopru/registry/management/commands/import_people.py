from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kopru.core.models import Location
from kopru.registry import imports


class Command(BaseCommand):
    help = (
        "Preview (default) or import a CSV/XLSX list of people, all rows or none. Columns "
        "are recognised by name (Kopru's import template or common headers)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--as-user", required=True, help="who imports (their scope applies)")
        parser.add_argument("--location", required=True, help="P-code of the district or site")
        parser.add_argument("--population-group", required=True)
        parser.add_argument("--commit", action="store_true")

    def handle(self, *args, file, as_user, location, population_group, commit, **options):
        user = get_user_model().objects.filter(username=as_user).first()
        place = Location.objects.filter(pcode=location).first()
        if user is None or place is None:
            raise CommandError("unknown user or location")
        try:
            headers, rows = imports.read_table(Path(file).read_bytes(), file)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        mapping = imports.suggest_mapping(headers)
        self.stdout.write(
            "columns: " + ", ".join(f"{headers[i]} -> {t}" for i, t in sorted(mapping.items()))
        )
        defaults = {"location": place, "population_group": population_group}
        results = imports.preview(user, place.mission, rows, mapping, defaults)
        for r in results:
            if r.errors:
                self.stdout.write(f"row {r.number}: " + "; ".join(r.errors))
            elif r.matches:
                best = r.matches[0]
                self.stdout.write(f"row {r.number}: maybe {best[0].reference} ({best[1]:.0%})")
        errors = sum(1 for r in results if r.errors)
        self.stdout.write(
            f"{len(rows)} rows, {errors} with errors, "
            f"{sum(1 for r in results if r.matches)} possibly registered already"
        )
        if commit:
            try:
                created = imports.commit(user, place.mission, rows, mapping, defaults)
            except ValidationError as exc:
                raise CommandError("nothing imported: " + " ".join(exc.messages[:5])) from exc
            self.stdout.write(f"imported {len(created)} people")
