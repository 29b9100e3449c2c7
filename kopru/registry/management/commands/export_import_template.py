import csv

from django.core.management.base import BaseCommand

from kopru.registry.dedup.files import TEMPLATE
from kopru.registry.models import Person


class Command(BaseCommand):
    help = "Write the registry (active records) as a CSV in Kopru's import template."

    def add_arguments(self, parser):
        parser.add_argument("out")
        parser.add_argument("--mission", default="TR")

    def handle(self, *args, out, mission, **options):
        people = (
            Person.objects.filter(mission__code=mission, merged_into__isnull=True)
            .prefetch_related("documents", "phones")
            .order_by("pk")
        )
        with open(out, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(TEMPLATE)
            n = 0
            for p in people.iterator(chunk_size=2000):
                doc = next(iter(p.documents.all()), None)
                tel = next(iter(p.phones.all()), None)
                born = p.birth_date.strftime("%d.%m.%Y") if p.birth_date else ""
                if p.birth_date and p.birth_date_precision == "year":
                    born = str(p.birth_date.year)
                writer.writerow(
                    [
                        p.reference,
                        p.given_name,
                        p.family_name,
                        p.father_name,
                        p.mother_name,
                        p.sex,
                        born,
                        p.nationality,
                        tel.e164 if tel else "",
                        doc.number if doc else "",
                    ]
                )
                n += 1
        self.stdout.write(f"wrote {n} people to {out}")
