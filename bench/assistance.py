"""Basic needs assistance at national scale (issue 8): targeting over N registered households
(default 200,000, about a million people), then entitlements for the households selected
(about a quarter, 50,000 at the default size) through the same service functions the pages
call. Targets: each step under 60 s on a 2-core machine.

    .venv/bin/python bench/assistance.py [N]           (SQLite in a temp dir)
    KOPRU_DATABASE_URL=postgres://... .venv/bin/python bench/assistance.py 200000

Then the cycle's load file in the provider's layout for those households (cards in hand set
up in bulk), and a provider redemption file of R rows over 300 shops,
with planted anomalies, imported whole and reconciled (R defaults to five a household, at
most 1,000,000). Prints `name: figure` lines last.

    .venv/bin/python bench/assistance.py [N] [R]
"""

import os
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("KOPRU_VAR_DIR", tempfile.mkdtemp(prefix="kopru-bench-"))
os.environ.setdefault("KOPRU_ENV", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kopru.settings")

BATCH = 10000


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(n, site, rng):
    """N households of 1 to 9 people (mean about 5), heads a third of them women; flags as
    the registry holds them. Written in bulk: the benchmark times targeting, not registration."""
    from kopru.registry.models import Household, Membership, Person

    mission = site.mission
    people, homes, links = [], [], []
    first_person = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    first_home = (Household.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    pid = first_person
    for h in range(n):
        hid = first_home + h
        homes.append(Household(id=hid, mission=mission, location=site, reference=f"BH-{hid:09d}"))
        size = min(9, max(1, int(rng.gauss(5, 2))))
        for m in range(size):
            head = m == 0
            age = rng.randint(18, 70) if m < 2 else rng.randint(0, 17)
            flags = []
            if head and rng.random() < 0.25:
                flags.append("no_income")
            if rng.random() < 0.04:
                flags.append("chronic_illness")
            people.append(
                Person(
                    id=pid,
                    mission=mission,
                    reference=f"BP-{pid:010d}",
                    given_name=f"Given{pid % 997}",
                    family_name=f"Family{hid % 1009}",
                    sex="female" if (m == 0 and rng.random() < 0.33) or m == 1 else "male",
                    birth_date=date(2026 - age, 1 + pid % 12, 1 + pid % 28),
                    birth_date_precision="exact",
                    nationality="SYR",
                    population_group="temporary_protection",
                    location=site,
                    has_disability=rng.random() < 0.06,
                    vulnerabilities=flags,
                )
            )
            links.append(
                Membership(
                    household_id=hid,
                    person_id=pid,
                    relationship="head" if head else ("spouse" if m == 1 else "child"),
                    start_date=date(2025, 1, 1),
                )
            )
            pid += 1
        if len(people) >= BATCH:
            Household.objects.bulk_create(homes)
            Person.objects.bulk_create(people)
            Membership.objects.bulk_create(links)
            people, homes, links = [], [], []
    Household.objects.bulk_create(homes)
    Person.objects.bulk_create(people)
    Membership.objects.bulk_create(links)
    return pid - first_person


def redemption_file(cycle, mission, programme, district, officer, wanted, rng):
    """R transactions over the cycle's cards at 300 shops (290 contracted), a few on a blocked
    card and a few bursts; amounts that keep most cards within their load."""
    from datetime import datetime, timedelta

    from kopru.assistance.models import Card, Contract, Vendor

    shops = Vendor.objects.bulk_create(
        Vendor(
            mission=mission,
            code=f"BM{v:04d}",
            name=f"Bench shop {v}",
            location=district,
            categories=["food", "hygiene"],
        )
        for v in range(300)
    )
    Contract.objects.bulk_create(
        Contract(
            vendor=v, programme=programme, starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
        )
        for v in shops[:290]
    )
    loads = list(cycle.entitlements.values_list("card__serial", "amount"))
    Card.objects.filter(serial__in=[s for s, _a in loads[:50]]).update(
        status="blocked", blocked_at=datetime(2026, 12, 2, 0, 0, tzinfo=UTC)
    )
    per_card = max(1, wanted // len(loads))
    start = datetime(2026, 12, 1, 8, 0)
    lines = ["TXN_ID;CARD_NO;MERCHANT_ID;TXN_TIME;AMOUNT;CATEGORY"]
    n = 0
    while n < wanted:
        serial, amount = loads[n % len(loads)]
        cents = int(amount * 100) // (per_card + 1)
        if n % 50000 == 7:
            cents = int(amount * 100) + 100  # spends more than was loaded
        at = start + timedelta(seconds=rng.randrange(30 * 24 * 3600))
        shop = rng.randrange(300)
        lines.append(
            f"T{n:09d};{serial};BM{shop:04d};{at:%Y-%m-%d %H:%M:%S};"
            f"{cents // 100},{cents % 100:02d};food"
        )
        n += 1
    return ("\n".join(lines) + "\n").encode()


def main(n, rows_wanted):
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kopru.assistance import services
    from kopru.assistance.models import Programme
    from kopru.core.models import Donor, Location, Mission, Project
    from kopru.core.tests.factories import make_site, make_team, make_user

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    mission = Mission.objects.get(code="TR")
    district = Location.objects.get(parent__pcode="TR01", name="Yüreğir")
    site = make_site(district, "Bench distribution point", "community_centre")
    team = make_team("Bench basic needs", base=site, locations=[district.parent])
    officer = make_user("bench_officer", "cash_officer", teams=[team])
    head = make_user("bench_head", "head_of_unit")
    project = Project.objects.create(
        mission=mission,
        code="BENCH",
        name="Bench",
        donor=Donor.objects.get_or_create(name="Bench donor")[0],
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
    )
    programme = services.save_programme(
        officer,
        Programme(
            mission=mission,
            code="BENCH-MPC",
            name="Bench multi-purpose cash",
            modality="multipurpose_card",
            project=project,
            budget="5000000000.00",
            criteria=[
                {"code": "household_size", "weight": 2, "threshold": 7},
                {"code": "female_headed", "weight": 2},
                {"code": "no_income", "weight": 2},
                {"code": "disability", "weight": 1},
                {"code": "chronic_illness", "weight": 1},
                {"code": "dependency_ratio", "weight": 1, "threshold": 1.5},
            ],
            cutoff=3,
            transfer_values={
                "by_size": {"1": "1500.00", "2": "2000.00", "3": "2500.00", "4": "3000.00"},
                "extra_member": "250.00",
                "cap": "4500.00",
            },
        ),
        provinces=[district.parent],
    )
    rng = random.Random(2026)
    t0 = time.perf_counter()
    people = generate(n, site, rng)
    generate_s = time.perf_counter() - t0
    print(f"generated {n} households, {people} people in {generate_s:.0f} s", flush=True)

    t0 = time.perf_counter()
    run = services.run_targeting(officer, programme)
    targeting_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    services.approve_run(head, run)
    approve_s = time.perf_counter() - t0
    selected = services.selected(run).count()
    t0 = time.perf_counter()
    cycle = services.create_cycle(
        officer, run, starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 31)
    )
    entitlements_s = time.perf_counter() - t0
    assert cycle.entitlements.count() == selected
    services.advance_cycle(head, cycle)

    # Cards in hand for every household of the cycle (set up in bulk, not timed).
    from kopru.assistance import cards
    from kopru.assistance.models import Card

    households = list(cycle.entitlements.values_list("household_id", flat=True))
    Card.objects.bulk_create(
        (
            Card(
                mission=mission,
                programme=programme,
                serial=f"BC{h:010d}",
                status=Card.Status.DISTRIBUTED,
                household_id=h,
                confirmation="signature",
            )
            for h in households
        ),
        batch_size=BATCH,
    )
    t0 = time.perf_counter()
    content, record = cards.load_file(officer, cycle)
    load_file_s = time.perf_counter() - t0
    assert record.rows == selected

    # Every entitlement loaded (set in bulk, not timed: the confirmation is a service each).
    from django.utils import timezone

    cycle.entitlements.update(loaded_at=timezone.now())
    services.advance_cycle(officer, cycle)
    redeemed = redemption_file(cycle, mission, programme, district, officer, rows_wanted, rng)
    from kopru.assistance import redemptions

    t0 = time.perf_counter()
    result = redemptions.import_redemptions(officer, cycle, redeemed, name="bench.csv")
    reconcile_s = time.perf_counter() - t0
    summary = result["reconciliation"]
    assert summary.loaded == summary.redeemed + summary.outstanding

    print(f"database: {connection.vendor}")
    print(f"households: {n}")
    print(f"people: {people}")
    print(f"generate_seconds: {generate_s:.1f}")
    print(f"targeting_households: {run.households}")
    print(f"targeting_seconds: {targeting_s:.1f}")
    print(f"approve_with_duplicate_check_seconds: {approve_s:.1f}")
    print(f"entitlement_households: {selected}")
    print(f"entitlements_seconds: {entitlements_s:.1f}")
    print(f"load_file_rows: {record.rows}")
    print(f"load_file_bytes: {len(content)}")
    print(f"load_file_seconds: {load_file_s:.1f}")
    print(f"redemption_rows: {result['imported']}")
    print(f"redemption_file_mb: {len(redeemed) / 1e6:.1f}")
    print(f"import_and_reconcile_seconds: {reconcile_s:.1f}")
    print(f"reconciliation_balances: {summary.loaded} = {summary.redeemed} + {summary.outstanding}")
    print(f"anomalies: {summary.anomalies}")
    print(f"peak_memory_mb: {peak_mb():.0f}")


if __name__ == "__main__":
    households = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
    # Five purchases a household, a million at the default size (the smoke test runs tiny).
    main(households, int(sys.argv[2]) if len(sys.argv) > 2 else min(1000000, 5 * households))
