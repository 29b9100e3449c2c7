"""The duplicate check while registering, against a registry of N people in the database.

    .venv/bin/python bench/dedup/online.py 1000000                 # SQLite (a fresh file)
    scripts/with-postgres.sh .venv/bin/python bench/dedup/online.py 1000000   # PostgreSQL

Loads the synthetic population of bench/dedup/generate.py (about 40% of its records are
extra registrations of someone already there) as people with their name keys, documents and
phones, then times `dedup.online.check` (the call behind the form's panel: candidate queries,
scoring, access check) for registrations of people already in the registry, typed with the
same errors. Prints the latency percentiles and how often the person was among the five
proposals. Prints `name: figure` lines last.
"""

import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
QUERIES, WARM_UP = 1000, 50


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kopru.settings")
    os.environ.setdefault("KOPRU_VAR_DIR", tempfile.mkdtemp(prefix="kopru-online-"))
    # The demo's users and sites are needed, not its year of services: the population
    # generated below replaces the demo's people.
    os.environ.setdefault("KOPRU_DEMO_SCALE", "0")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _copy_rows(table, columns, rows):
    """Many rows at once: COPY on PostgreSQL, executemany elsewhere."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cols = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(rows))


def load(rows, mission, site, batch=20000):
    """Insert the rows as people; returns [person pk] in row order."""
    from django.db import transaction

    from kopru.registry import names, services
    from kopru.registry.dedup.files import parse_date, phone
    from kopru.registry.models import PairKey, Person

    pks = []
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        people = []
        for i, row in enumerate(chunk, start):
            born, precision = parse_date(row["date_of_birth"])
            people.append(
                Person(
                    uid=uuid.uuid4(),
                    mission=mission,
                    reference=f"B-{i}",
                    given_name=row["given_name"],
                    family_name=row["family_name"],
                    father_name=row["father_name"],
                    mother_name=row["mother_name"],
                    sex=row["sex"],
                    birth_date=born,
                    birth_date_precision=precision,
                    nationality=row["nationality"],
                    population_group="other",
                    location=site,
                )
            )
        with transaction.atomic():
            Person.objects.bulk_create(people, batch_size=2000)
            keys, pairs, docs, tels = [], [], [], []
            for p, row in zip(people, chunk, strict=True):
                year = p.birth_date.year if p.birth_date else PairKey.UNKNOWN_YEAR
                keys += [(p.pk, k[:60]) for k in names.keys(p.given_name, p.family_name)]
                pairs += [(p.pk, k, year) for k in services.pair_keys_of(p)]
                if row["document_number"]:
                    n = row["document_number"]
                    docs.append((p.pk, "tr_foreigner_id", n, n, ""))
                if tel := phone(row["phone"]):
                    tels.append((p.pk, tel, ""))
            _copy_rows("registry_namekey", ["person_id", "key"], keys)
            _copy_rows("registry_pairkey", ["person_id", "key", "birth_year"], pairs)
            _copy_rows(
                "registry_identitydocument",
                ["person_id", "kind", "number", "number_normalised", "issuing_country"],
                docs,
            )
            _copy_rows("registry_phone", ["person_id", "e164", "label"], tels)
        pks += [p.pk for p in people]
    return pks


def draft_of(row):
    """What the form sends the check for a typed registration."""
    from kopru.registry import validation
    from kopru.registry.dedup.files import parse_date, phone

    born, precision = parse_date(row["date_of_birth"])
    tel = phone(row["phone"])
    return {
        "given_name": row["given_name"],
        "family_name": row["family_name"],
        "father_name": row["father_name"],
        "mother_name": row["mother_name"],
        "birth_date": born,
        "birth_date_precision": precision,
        "sex": validation.read_sex(row["sex"]),
        "nationality": row["nationality"],
        "documents": [("tr_foreigner_id", row["document_number"])]
        if row["document_number"]
        else [],
        "phones": [tel] if tel else [],
    }


def main(size, seed=7):
    _django()
    from django.db import connection

    from bench.dedup.generate import population, record
    from kopru.core.demo import load_demo
    from kopru.core.models import Location, Mission, User
    from kopru.registry.dedup.online import check
    from kopru.registry.models import Person

    started = time.perf_counter()
    people, rows = population(size, seed)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    if Person.objects.filter(reference__startswith="B-").count() == size:
        # KOPRU_VAR_DIR (or the PostgreSQL database) kept from an earlier run of this size.
        by_ref = dict(Person.objects.values_list("reference", "pk"))
        pks = [by_ref[f"B-{i}"] for i in range(size)]
    else:
        from kopru.core import demo

        # The population replaces the demo's people; the programme demos hold them in
        # households, cards, routes, grants and referrals (protected), so they are left out.
        programmes = ("assistance", "education", "livelihoods", "community", "capacity")
        demo.LOADERS[:] = [
            f
            for f in demo.LOADERS
            if not f.__module__.startswith(tuple(f"kopru.{a}" for a in programmes))
        ]
        load_demo()
        Person.objects.all().delete()
        site = Location.objects.filter(mission__code="TR", level="site").first()
        pks = load(rows, Mission.objects.get(code="TR"), site)
    loaded = time.perf_counter() - started
    mission = Mission.objects.get(code="TR")
    admin = User.objects.get(username="admin")
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load: statistics, and the visibility map that lets
        # the pair-key lookup read the index alone.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    records_of = {}
    for pk, row in zip(pks, rows, strict=True):
        records_of.setdefault(row["truth"], set()).add(pk)

    rng = random.Random(seed + 1)
    timings, found = [], 0
    for n in range(WARM_UP + QUERIES):
        who = rng.choice(people)
        draft = draft_of(record(rng, who, duplicate=True))
        t0 = time.perf_counter()
        results = check(admin, mission, draft)
        elapsed = time.perf_counter() - t0
        if n >= WARM_UP:
            timings.append(elapsed * 1000)
            found += any(person.pk in records_of[who["truth"]] for person, *_ in results)
    timings.sort()

    def pct(q):
        return timings[min(len(timings) - 1, round(q * len(timings)) - 1)]

    print(f"database: {connection.vendor}")
    print(f"people_in_registry: {size}")
    print(f"generate_seconds: {generated:.1f}")
    print(f"load_seconds: {loaded:.1f}")
    print(f"queries: {QUERIES}")
    print(f"check_ms_p50: {statistics.median(timings):.1f}")
    print(f"check_ms_p95: {pct(0.95):.1f}")
    print(f"check_ms_p99: {pct(0.99):.1f}")
    print(f"check_ms_max: {timings[-1]:.1f}")
    print(f"person_among_proposals: {found / QUERIES:.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100000)
