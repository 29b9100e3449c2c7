import csv
import time

from django.core.management.base import BaseCommand, CommandError

from kopru.registry.dedup.batch import THRESHOLD
from kopru.registry.dedup.files import clusters, read_rows, record_of_row


class Command(BaseCommand):
    help = (
        "Find the duplicate clusters inside a CSV in Kopru's import template (without "
        "importing it); writes id,cluster_id."
    )

    def add_arguments(self, parser):
        parser.add_argument("input")
        parser.add_argument("--out", required=True)
        parser.add_argument("--threshold", type=float, default=THRESHOLD)

    def handle(self, *args, input, out, threshold, **options):
        started = time.perf_counter()
        try:
            rows = read_rows(input)
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise CommandError(f"cannot read {input}: {exc}") from exc
        records = [record_of_row(row, i) for i, row in enumerate(rows)]
        roots, pairs = clusters(records, threshold)
        ids = [row.get("id") or str(i + 1) for i, row in enumerate(rows)]
        with open(out, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["id", "cluster_id"])
            for i, root in enumerate(roots):
                writer.writerow([ids[i], ids[root]])
        n_clusters = len(set(roots))
        self.stdout.write(
            f"{len(rows)} rows, {pairs} duplicate pairs, {n_clusters} people "
            f"({len(rows) - n_clusters} duplicate rows) in {time.perf_counter() - started:.1f}s"
        )
