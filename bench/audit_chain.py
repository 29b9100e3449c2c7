"""Audit chain: how fast entries append and how fast verify_audit walks them.

Every view of a sensitive record appends an entry, so the append cost is paid on reads
across the product; verification must stay practical as the log grows to millions.

    .venv/bin/python bench/audit_chain.py [N]          (default N = 20000, SQLite in a temp dir)
    KOPRU_DATABASE_URL=postgres://... .venv/bin/python bench/audit_chain.py 20000

Prints `name: figure` lines last. No reference system is named for this; the figures are
tracked from run to run.
"""

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("KOPRU_VAR_DIR", tempfile.mkdtemp(prefix="kopru-bench-"))
os.environ.setdefault("KOPRU_ENV", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kopru.settings")


def main(n):
    import django

    django.setup()
    from django.core.management import call_command

    from kopru.core import audit
    from kopru.core.models import AuditEvent

    call_command("migrate", verbosity=0)
    start_count = AuditEvent.objects.count()
    t0 = time.perf_counter()
    for i in range(n):
        audit.record(
            "bench",
            AuditEvent.Action.VIEW,
            object_type="registry.person",
            object_id=str(i),
            category="health",
            details={"fields": ["diagnoses", "vitals"]},
        )
    append_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    checked, problems = audit.verify()
    verify_s = time.perf_counter() - t0
    assert not problems and checked == start_count + n, (checked, problems[:3])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from django.db import connection

    print(f"database: {connection.vendor}")
    print(f"entries: {n}")
    print(f"append_per_second: {n / append_s:.0f}")
    print(f"append_ms_each: {append_s / n * 1000:.2f}")
    print(f"verify_per_second: {checked / verify_s:.0f}")
    print(f"verify_seconds_per_million: {verify_s / checked * 1e6:.1f}")
    print(f"peak_rss_mb: {peak_mb:.0f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
