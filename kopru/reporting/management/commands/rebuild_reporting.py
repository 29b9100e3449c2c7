"""Recompute the reporting projection from the ledger, and optionally check it first."""

import time

from django.core.management.base import BaseCommand, CommandError

from kopru.core.models import Mission
from kopru.reporting import projection


class Command(BaseCommand):
    help = (
        "Rebuild the reporting projection (reach and tally) of every mission, or of one. "
        "Needed only after rows were written without the service layer (a bulk load); "
        "with --check, say whether the projection already matched the ledger."
    )

    def add_arguments(self, parser):
        parser.add_argument("--mission", help="the mission's code (default: every mission)")
        parser.add_argument(
            "--check", action="store_true", help="report whether anything had drifted"
        )

    def handle(self, *args, mission=None, check=False, **options):
        missions = Mission.objects.all()
        if mission:
            missions = missions.filter(code=mission)
            if not missions.exists():
                raise CommandError(f"No mission with the code {mission}.")
        drifted = []
        for m in missions:
            started = time.perf_counter()
            before = projection.snapshot(m) if check else None
            projection.rebuild(m)
            if check and projection.snapshot(m) != before:
                drifted.append(m.code)
            self.stdout.write(f"{m.code}: rebuilt in {time.perf_counter() - started:.1f} s")
        if check:
            if drifted:
                raise CommandError(f"The projection had drifted in: {', '.join(drifted)}")
            self.stdout.write("The projection matched the ledger.")
