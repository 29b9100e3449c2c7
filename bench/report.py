"""Reporting at national scale: Kopru's quarterly report and dashboard against a DuckDB reference.

    .venv/bin/python bench/report.py                 # 1,000,000 people, 10,000,000 events
    .venv/bin/python bench/report.py --people 100000 --events 1000000
    .venv/bin/python bench/report.py 50              # 50 people, 500 events (the smoke test)

Generates a mission (seeded, numpy): people with households and their history, and service
events over three years (to END), 14 provinces and every sector of the catalogue, a third of them
group sessions with registered participants and headcounts, most attributed to one or two
projects. Loads them into PostgreSQL with COPY (a throw-away cluster from
scripts/with-postgres.sh unless KOPRU_DATABASE_URL names a server), rebuilds Kopru's reporting
projection, and times `reporting.engine.compute` for the last quarter (the full report) and the
twelve months before END by month (the main dashboard), cold (the first call in a process) and
warm (median of three more). A service recorded through `record_service` must then be in the
next report at once.

The reference: the base tables (the ledger, the registry, the catalogue and places, never
Kopru's projection) exported to Parquet, and hand-written DuckDB SQL answering the same
questions; the export is not timed. Each engine runs in its own process, so wall times and peak
memory are its own. The figures of both must agree; every difference is printed.
The last lines: `report cold: ...`, `dashboard: ...`, `peak memory: ...`, and last
`report: kopru X s, duckdb Y s, ratio Z` (warm medians).
"""

import argparse
import datetime as dt
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zoneinfo
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

END = dt.date(2026, 9, 30)  # the last day of the data
START = dt.date(2023, 10, 1)  # three years before
QUARTER = (dt.date(2026, 7, 1), END)  # the last full quarter: the report
DASHBOARD = (dt.date(2025, 10, 1), END)  # twelve months by month: the dashboard
WARM_RUNS = 3
CHUNK = 500_000
PREFIX = "RB-"  # the references of the bench's people and households (RB-H...)
# The seeds' provinces: the shipped districts cover twelve; Konya and Bursa get one each.
PROVINCES = [f"TR{n:02d}" for n in (1, 6, 27, 31, 34, 35, 46, 79, 45, 33, 80, 63, 42, 16)]
SITES_PER_PROVINCE = 5
DONORS = ["European Union", "BHA", "UK FCDO", "German Federal Foreign Office"]
PROJECTS = 10
BENCH_USER = "bench-reporting"
BENCH_ROLE = "bench_reporting"
SEXES = ["female", "male", "other"]
AGE_BANDS = ["0-4", "5-11", "12-17", "18-59", "60+"]
GROUPS = [  # the registry's population groups and their shares
    ("temporary_protection", 0.55),
    ("ip_applicant", 0.07),
    ("ip_holder", 0.04),
    ("residence_permit", 0.08),
    ("irregular", 0.04),
    ("host_community", 0.19),
    ("other", 0.03),
]
NATIONALITIES = ["SYR", "AFG", "IRQ", "IRN", "SOM"]
GIVEN = "Ahmad Fatima Mohammad Aisha Omar Zeynep Ali Mariam Hassan Layla Yusuf Amina Ibrahim Nour"
FAMILY = "Al-Hassan Haddad Rahimi Karimi Yilmaz Demir Hussein Abdullah Ahmadi Kaya Celik Mahmoud"


# --- Setting up ---------------------------------------------------------------------------------


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kopru.settings")
    os.environ.setdefault("KOPRU_VAR_DIR", tempfile.mkdtemp(prefix="kopru-report-"))
    os.environ.setdefault("KOPRU_DEMO_SCALE", "0")
    import django

    django.setup()


def _peak_mb():
    """This process's peak resident memory. ru_maxrss survives exec (a child would report its
    parent's peak), so the kernel's high-water mark of this program's memory comes first."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sql(statement, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def places(mission):
    """Five sites in each of the 14 provinces (a district made where none is shipped)."""
    from kopru.core.models import Location

    sites = []
    for pcode in PROVINCES:
        province = Location.objects.get(mission=mission, pcode=pcode)
        districts = list(province.children.filter(level=Location.Level.DISTRICT).order_by("pcode"))
        if not districts:
            code = f"{pcode}01"
            district, _ = Location.objects.get_or_create(
                pcode=code,
                defaults={
                    "mission": mission,
                    "parent": province,
                    "level": Location.Level.DISTRICT,
                    "name": f"{province.name} Merkez",
                    "path": f"{province.path}{code}/",
                },
            )
            districts = [district]
        for i in range(SITES_PER_PROVINCE):
            district = districts[i % len(districts)]
            code = f"{district.pcode}-{901 + i // len(districts):03d}"
            site, _ = Location.objects.get_or_create(
                pcode=code,
                defaults={
                    "mission": mission,
                    "parent": district,
                    "level": Location.Level.SITE,
                    "name": f"{province.name} community centre {i + 1}",
                    "site_type": Location.SiteType.COMMUNITY_CENTRE,
                    "path": f"{district.path}{code}/",
                },
            )
            sites.append(site)
    districts = Location.objects.filter(
        mission=mission, level=Location.Level.DISTRICT, parent__pcode__in=PROVINCES
    )
    return sites, list(districts)


def projects(mission):
    from kopru.core.models import Donor, Project

    donors = [Donor.objects.get_or_create(name=name)[0] for name in DONORS]
    return [
        Project.objects.get_or_create(
            mission=mission,
            code=f"BENCH-{i + 1:02d}",
            defaults={
                "name": f"Bench project {i + 1}",
                "donor": donors[i % len(donors)],
                "start_date": dt.date(2023, 1, 1),
                "end_date": dt.date(2027, 12, 31),
            },
        )[0]
        for i in range(PROJECTS)
    ]


def bench_user(mission):
    """A mission-wide role that records every category of service."""
    from kopru.core.models import Role, Sensitivity, User

    role, _ = Role.objects.update_or_create(
        slug=BENCH_ROLE,
        defaults={
            "name": "Bench reporting",
            "mission_wide": True,
            "categories": list(Sensitivity.values),
            "capabilities": ["services.record", "registry.view_people"],
        },
    )
    user, _ = User.objects.get_or_create(username=BENCH_USER, defaults={"role": role})
    user.missions.add(mission)
    return user


# --- Loading with COPY --------------------------------------------------------------------------


def _column(value, start, stop):
    import pyarrow as pa

    if callable(value):
        return value(start, stop)
    if isinstance(value, pa.Array):
        return value.slice(start, stop - start)
    if isinstance(value, np.ndarray):
        return pa.array(value[start:stop])
    return pa.repeat(value, stop - start)  # a constant


def copy_rows(table, n, columns):
    """COPY n rows into table; columns maps a column to an array, a constant, or a function
    of (start, stop) giving that slice. CSV made by pyarrow (an empty string is quoted, a
    null is not), written in chunks."""
    import pyarrow as pa
    import pyarrow.csv as pcsv
    from django.db import connection

    names = list(columns)
    sql = f"COPY {table} ({', '.join(names)}) FROM STDIN WITH (FORMAT csv)"
    options = pcsv.WriteOptions(include_header=False)
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for start in range(0, n, CHUNK):
            stop = min(n, start + CHUNK)
            batch = pa.table({c: _column(columns[c], start, stop) for c in names})
            sink = io.BytesIO()
            pcsv.write_csv(batch, sink, options)
            copy.write(sink.getbuffer())


def _uuids(rng):
    """Random version-4 UUIDs as text, vectorised."""
    import pyarrow as pa

    hexdigits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)

    def make(start, stop):
        b = rng.integers(0, 256, size=(stop - start, 16), dtype=np.uint8)
        b[:, 6] = (b[:, 6] & 0x0F) | 0x40
        b[:, 8] = (b[:, 8] & 0x3F) | 0x80
        h = np.empty((len(b), 32), dtype=np.uint8)
        h[:, 0::2], h[:, 1::2] = hexdigits[b >> 4], hexdigits[b & 15]
        out = np.full((len(b), 36), ord("-"), dtype=np.uint8)
        for src, dst in ((0, 0), (8, 9), (12, 14), (16, 19), (20, 24)):
            width = {0: 8, 20: 12}.get(src, 4)
            out[:, dst : dst + width] = h[:, src : src + width]
        return pa.array(out.view("S36").ravel()).cast(pa.string())

    return make


def _nullable(values):
    """numpy ints with -1 for NULL, as an arrow array."""
    import pyarrow as pa

    return pa.array(values, mask=values < 0)


def _pick(pool, index):
    import pyarrow as pa

    return pa.array(pool).take(pa.array(index))


def _references(prefix, ids):
    import pyarrow as pa
    import pyarrow.compute as pc

    return lambda a, b: pc.binary_join_element_wise(
        pa.repeat(prefix, b - a), pc.cast(pa.array(ids[a:b]), pa.string()), ""
    )


def _days(dates):
    """Days since 1970 as an arrow date32 array (numpy ints, -1 for NULL)."""
    import pyarrow as pa

    return pa.array(dates.astype(np.int32), type=pa.date32(), mask=dates < 0)


def _epoch_days(day):
    return (day - dt.date(1970, 1, 1)).days


def _next_id(table):
    return _sql(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")[0][0]  # noqa: S608


def generate_and_load(n_people, n_events, mission, sites, districts, user, seed):
    """The mission's people, households and services, loaded with COPY. Returns row counts."""
    import pyarrow as pa

    from kopru.services.models import ServiceType

    rng = np.random.default_rng(seed)
    counts = {}
    zone = zoneinfo.ZoneInfo(mission.timezone)
    site_ids = np.array([s.pk for s in sites], dtype=np.int64)
    home_ids = np.concatenate([site_ids, [d.pk for d in districts]]).astype(np.int64)
    now = pa.scalar(dt.datetime(2026, 10, 1, 6, 0, tzinfo=dt.UTC), type=pa.timestamp("us", "UTC"))

    # People.
    n = n_people
    person0 = _next_id("registry_person")
    person_ids = person0 + np.arange(n, dtype=np.int64)
    sex = rng.choice(3, size=n, p=[0.51, 0.485, 0.005])
    ages = np.concatenate(  # years at END: children 40%, adults 52%, older people 8%
        [rng.uniform(0, 18, n), rng.uniform(18, 60, n), rng.uniform(60, 91, n)]
    )[rng.choice(3, size=n, p=[0.40, 0.52, 0.08]) * n + np.arange(n)]
    birth = _epoch_days(END) - (ages * 365.25).astype(np.int64)
    birth[rng.random(n) < 0.005] = -1  # date of birth not known
    group = rng.choice(len(GROUPS), size=n, p=[share for _g, share in GROUPS])
    host = group == [g for g, _s in GROUPS].index("host_community")
    nationality = np.where(host, len(NATIONALITIES), rng.integers(0, len(NATIONALITIES), n))
    copy_rows(
        "registry_person",
        n,
        {
            "id": person_ids,
            "uid": _uuids(rng),
            "reference": _references(PREFIX, person_ids),
            "given_name": _pick(GIVEN.split(), rng.integers(0, len(GIVEN.split()), n)),
            "family_name": _pick(FAMILY.split(), rng.integers(0, len(FAMILY.split()), n)),
            **{
                f"{c}": ""
                for c in (
                    "father_name",
                    "mother_name",
                    "given_name_original",
                    "family_name_original",
                    "father_name_original",
                    "mother_name_original",
                    "birth_country",
                    "birth_place",
                    "interpreter_language",
                    "neighbourhood",
                    "address",
                )
            },
            "sex": _pick(SEXES, sex),
            "birth_date": _days(birth),
            "birth_date_precision": "exact",
            "nationality": _pick([*NATIONALITIES, "TUR"], nationality),
            "languages": "[]",
            "population_group": _pick([g for g, _s in GROUPS], group),
            "has_disability": rng.random(n) < 0.08,
            "vulnerabilities": "[]",
            "registered_at": now,
            "updated_at": now,
            "location_id": home_ids[rng.integers(0, len(home_ids), n)],
            "mission_id": mission.pk,
        },
    )
    counts["people"] = n

    # Households: 92% of people live in one, the first of each its head. Most households were
    # registered before the data starts, one in ten during it; one in six members joined
    # later, and 4% of people moved here from another household (an ended membership).
    h = max(1, round(n / 4.5))
    household0 = _next_id("registry_household")
    household_ids = household0 + np.arange(h, dtype=np.int64)
    copy_rows(
        "registry_household",
        h,
        {
            "id": household_ids,
            "uid": _uuids(rng),
            "reference": _references(PREFIX + "H", household_ids),
            "neighbourhood": "",
            "address": "",
            "created_at": now,
            "location_id": home_ids[rng.integers(0, len(home_ids), h)],
            "mission_id": mission.pk,
        },
    )
    founded = np.where(
        rng.random(h) < 0.9,
        rng.integers(_epoch_days(dt.date(2015, 1, 1)), _epoch_days(START), h),
        rng.integers(_epoch_days(START), _epoch_days(END), h),
    )
    order = rng.permutation(n)
    housed = order[: max(h, int(n * 0.92))]
    home = np.concatenate([np.arange(h), rng.integers(0, h, len(housed) - h)])
    head = np.arange(len(housed)) < h
    start = founded[home].copy()
    late = ~head & (rng.random(len(housed)) < 1 / 6)
    start[late] += rng.integers(1, 700, int(late.sum()))
    moved = ~head & ~late & (rng.random(len(housed)) < 0.04 / 0.8)
    relationship = np.where(head, 0, rng.integers(1, 4, len(housed)))
    relationship[moved] = 4
    # The household a mover left: founded earlier, left the day before they joined this one.
    before = rng.integers(0, h, int(moved.sum()))
    before = np.where(before == home[moved], (before + 1) % h, before)
    start[moved] = np.maximum(
        rng.integers(
            _epoch_days(dt.date(2024, 1, 1)), _epoch_days(dt.date(2026, 7, 1)), len(before)
        ),
        np.maximum(founded[before], founded[home[moved]]) + 30,
    )
    m_person = np.concatenate([person_ids[housed], person_ids[housed[moved]]])
    m_household = np.concatenate([household_ids[home], household_ids[before]])
    m_start = np.concatenate([start, founded[before]])
    m_end = np.concatenate([np.full(len(housed), -1), start[moved] - 1])
    m_relationship = np.concatenate([relationship, np.full(len(before), 4)])
    kinds = ["head", "spouse", "child", "parent", "other_relative"]
    copy_rows(
        "registry_membership",
        len(m_person),
        {
            "relationship": _pick(kinds, m_relationship),
            "start_date": _days(m_start),
            "end_date": _days(m_end),
            "end_reason": pa.array(np.where(m_end >= 0, "moved", "")),
            "household_id": m_household,
            "person_id": m_person,
        },
    )
    counts["households"] = h
    counts["memberships"] = len(m_person)

    # Service events: sorted by time (a ledger grows in time order), 2/3 individual (one in ten
    # of them to a household), 1/3 group sessions; the local hour mostly in working hours, a
    # few late in the evening or after midnight (the local day is not the UTC day).
    m = n_events
    types = list(
        ServiceType.objects.filter(mission=mission).values_list("pk", "subjects", "category")
    )
    categories = sorted({c for _pk, _s, c in types})
    type_ids = np.array([pk for pk, _s, _c in types], dtype=np.int64)
    type_category = np.array([categories.index(c) for _pk, _s, c in types])
    kind = rng.choice(3, size=m, p=[0.6, 1 / 15, 1 / 3])  # person, household, group
    service = np.empty(m, dtype=np.int64)
    for k, subject in enumerate(["person", "household", "group"]):
        allowed = np.array([i for i, (_pk, s, _c) in enumerate(types) if subject in s])
        chosen = kind == k
        service[chosen] = allowed[rng.integers(0, len(allowed), int(chosen.sum()))]
    day = rng.integers(_epoch_days(START), _epoch_days(END) + 1, m)
    seconds = rng.integers(8 * 3600, 18 * 3600, m)
    evening = rng.random(m) < 0.03
    seconds[evening] = rng.integers(18 * 3600, 24 * 3600 + 3 * 3600, int(evening.sum()))
    all_days = np.arange(_epoch_days(START), _epoch_days(END) + 2)
    offsets = np.array(
        [
            zone.utcoffset(dt.datetime(1970, 1, 1) + dt.timedelta(days=int(d), hours=12))
            // dt.timedelta(seconds=1)
            for d in all_days
        ]
    )
    at = (day * 86400 + seconds - offsets[day - all_days[0]]) * 1_000_000
    by_time = np.argsort(at, kind="stable")
    at, kind, service = at[by_time], kind[by_time], service[by_time]
    event0 = _next_id("services_serviceevent")
    event_ids = event0 + np.arange(m, dtype=np.int64)

    def people_drawn(count):  # some people come often, most now and then
        return person_ids[(n * rng.random(count) ** 1.5).astype(np.int64)]

    person = np.full(m, -1, dtype=np.int64)
    person[kind == 0] = people_drawn(int((kind == 0).sum()))
    household = np.full(m, -1, dtype=np.int64)
    household[kind == 1] = household_ids[rng.integers(0, h, int((kind == 1).sum()))]
    sessions = np.flatnonzero(kind == 2)

    # Group sessions: 0-8 registered participants; headcounts by sex, age band and
    # disability (2-6 cells) at 85% of sessions and at every session without participants.
    size = rng.integers(0, 9, len(sessions))
    p_event = np.repeat(event_ids[sessions], size)
    p_person = people_drawn(len(p_event))
    pairs = np.unique((p_event - event0) << 32 | (p_person - person0))
    p_event, p_person = event0 + (pairs >> 32), person0 + (pairs & 0xFFFFFFFF)
    counted = (size == 0) | (rng.random(len(sessions)) < 0.85)
    cells = np.where(counted, rng.integers(2, 7, len(sessions)), 0)
    h_event = np.repeat(event_ids[sessions], cells)
    h_cell = rng.integers(0, 30, len(h_event))  # disability x sex x age band
    h_cell[rng.random(len(h_cell)) < 0.8] %= 15  # most without a disability
    cells_kept = np.unique((h_event - event0) << 5 | h_cell)
    h_event, h_cell = event0 + (cells_kept >> 5), cells_kept & 31
    h_count = rng.integers(1, 16, len(h_event))
    headcount_total = np.full(m, -1, dtype=np.int64)
    totals = np.bincount(h_event - event0, weights=h_count, minlength=m).astype(np.int64)
    headcount_total[totals > 0] = totals[totals > 0]

    # Projects: 10% of events none, 70% one, 20% two (60/40).
    project_ids = np.array([p.pk for p in projects(mission)], dtype=np.int64)
    shares = rng.random(m)
    one, two = shares < 0.9, (shares >= 0.7) & (shares < 0.9)
    first = rng.integers(0, len(project_ids), m)
    second = (first + rng.integers(1, len(project_ids), m)) % len(project_ids)
    s_event = np.concatenate([event_ids[one], event_ids[two]])
    s_project = np.concatenate([project_ids[first[one]], project_ids[second[two]]])
    s_share = np.concatenate([np.where(two[one], 60, 100), np.full(int(two.sum()), 40)])
    voided = rng.random(m) < 0.003  # recorded by mistake and voided: not counted
    modality = np.where(
        kind == 2, rng.integers(0, 2, m), np.where(kind == 1, 3, rng.integers(0, 4, m))
    )
    ts = pa.timestamp("us", "UTC")
    copy_rows(
        "services_serviceevent",
        m,
        {
            "id": event_ids,
            "uid": _uuids(rng),
            "subject": _pick(["person", "household", "group"], kind),
            "at": pa.array(at, type=ts),
            "modality": _pick(["centre", "mobile", "remote", "home_visit"], modality),
            "language": "",
            "interpreter": "",
            "notes": "",
            "category": _pick(categories, type_category[service]),
            "headcount_total": _nullable(headcount_total),
            "recorded_at": pa.array(at + 3_600_000_000, type=ts),
            "changed_at": pa.array(at + 3_600_000_000, type=ts),
            "voided_at": pa.array(at + 86_400_000_000, type=ts, mask=~voided),
            "void_reason": pa.array(np.where(voided, "Recorded twice", "")),
            "household_id": _nullable(household),
            "location_id": site_ids[rng.integers(0, len(site_ids), m)],
            "mission_id": mission.pk,
            "person_id": _nullable(person),
            "recorded_by_id": user.pk,
            "service_type_id": type_ids[service],
        },
    )
    copy_rows("services_participation", len(p_event), {"event_id": p_event, "person_id": p_person})
    copy_rows(
        "services_headcount",
        len(h_event),
        {
            "sex": _pick(SEXES, h_cell % 15 // 5),
            "age_band": _pick(AGE_BANDS, h_cell % 5),
            "disability": h_cell >= 15,
            "count": h_count,
            "event_id": h_event,
        },
    )
    copy_rows(
        "services_serviceproject",
        len(s_event),
        {"share": s_share, "event_id": s_event, "project_id": s_project},
    )
    counts.update(
        events=m,
        group_sessions=len(sessions),
        participations=len(p_event),
        headcount_cells=len(h_event),
        service_projects=len(s_event),
    )
    for table in (
        "registry_person",
        "registry_household",
        "services_serviceevent",
    ):
        _sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )  # noqa: S608
    return counts


def load(n_people, n_events, mission, sites, districts, user, seed):
    """Generate and COPY the data; foreign keys are not checked row by row while loading (the
    generator makes them right), when the database role may switch that off."""
    from django.db import DatabaseError

    try:
        _sql("SET session_replication_role = replica")
        replica = True
    except DatabaseError:
        replica = False
    try:
        counts = generate_and_load(n_people, n_events, mission, sites, districts, user, seed)
    finally:
        if replica:
            _sql("SET session_replication_role = DEFAULT")
    # What autovacuum does after a bulk load: statistics, hint bits and the visibility map.
    for table in LOADED:
        _sql(f"VACUUM ANALYZE {table}")
    return counts


LOADED = [
    "registry_person",
    "registry_household",
    "registry_membership",
    "services_serviceevent",
    "services_participation",
    "services_headcount",
    "services_serviceproject",
]


# --- The reference's data: the base tables as Parquet -------------------------------------------

EXPORTS = {
    "events": "SELECT id, mission_id, service_type_id, location_id, person_id, household_id, "
    "(extract(epoch FROM at) * 1000000)::bigint AS at, "
    "(extract(epoch FROM voided_at) * 1000000)::bigint AS voided_at FROM services_serviceevent",
    "participations": "SELECT event_id, person_id FROM services_participation",
    "headcounts": "SELECT event_id, sex, age_band, disability, count FROM services_headcount",
    "shares": "SELECT event_id, project_id, share FROM services_serviceproject",
    "people": "SELECT id, mission_id, sex, birth_date, population_group, has_disability "
    "FROM registry_person",
    "memberships": "SELECT household_id, person_id, start_date, end_date FROM registry_membership",
    "service_types": "SELECT t.id, t.mission_id, t.code, t.sub_sector_id, s.sector_id, t.unit_id "
    "FROM services_servicetype t JOIN services_subsector s ON s.id = t.sub_sector_id",
    # A place's province and district: the second and third P-codes of its path.
    "locations": "SELECT l.id, l.mission_id, l.level, l.pcode, pr.id AS province_id, "
    "di.id AS district_id FROM core_location l "
    "LEFT JOIN core_location pr ON pr.pcode = split_part(l.path, '/', 2) "
    "LEFT JOIN core_location di ON di.pcode = split_part(l.path, '/', 3)",
    "projects": "SELECT id, mission_id, code, donor_id FROM core_project",
}


def export(directory):
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq
    from django.db import connection

    convert = pcsv.ConvertOptions(true_values=["t"], false_values=["f"])
    for name, query in EXPORTS.items():
        csv_path = directory / f"{name}.csv"
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy,
            open(csv_path, "wb") as f,
        ):
            for data in copy:
                f.write(data)
        table = pcsv.read_csv(csv_path, convert_options=convert)
        for column in ("at", "voided_at"):
            if column in table.column_names:
                values = table[column].cast(pa.int64()).cast(pa.timestamp("us", "UTC"))
                table = table.set_column(table.column_names.index(column), column, values)
        pq.write_table(table, directory / f"{name}.parquet")
        csv_path.unlink()


# --- Kopru: the engine the pages call -----------------------------------------------------------


def _key(k):
    if isinstance(k, tuple):
        return "/".join(_key(part) for part in k)
    if isinstance(k, dt.date):
        return k.isoformat()
    return str(k).lower()


def flatten(figures):
    """Kopru's Figures as {name: count}, the names the reference's figures use."""
    from kopru.reporting.models import UNATTRIBUTED

    out = {k: getattr(figures, k) for k in ("unique", "headcount", "contacts", "services")}
    out["households"] = figures.households
    parts = [
        *((f"unique/{dim}", d) for dim, d in figures.people_by.items()),
        *((f"households/{dim}", d) for dim, d in figures.households_by.items()),
        *((f"services/{dim}", d) for dim, d in figures.services_by.items()),
        *((f"headcount/{dim}", d) for dim, d in figures.headcount_by.items()),
        ("unique/sex_age", figures.sex_age),
        ("headcount/sex_age", figures.sex_age_headcount),
        ("unique/group", figures.groups),
        ("unique/disability", figures.disability),
        ("headcount/disability", figures.disability_headcount),
    ]
    for prefix, values in parts:
        for k, v in values.items():
            if k in (UNATTRIBUTED, 0) and prefix.endswith(("/project", "/donor")):
                continue  # services with no project: the reference lists projects only
            out[f"{prefix}/{_key(k)}"] = v
    return {k: int(v) for k, v in out.items() if v}


def run_kopru(spec):
    _django()
    from kopru.core.models import Mission
    from kopru.reporting import report
    from kopru.reporting.engine import Scope

    mission = Mission.objects.get(code="TR")
    start, end = (dt.date.fromisoformat(d) for d in spec["period"])
    period = report.Period("custom", start, end)
    times = []
    for _ in range(1 + WARM_RUNS):
        started = time.perf_counter()
        # The whole report (its lines and charts' data), not only the counting.
        figures = report.build(Scope(mission, start, end), period, months=spec["months"]).figures
        times.append(time.perf_counter() - started)
    out = {"cold": times[0], "warm": statistics.median(times[1:]), "figures": flatten(figures)}
    if spec.get("fresh"):
        out["fresh"] = fresh(mission, start, end, figures)
    out["peak_mb"] = _peak_mb()
    return out


def fresh(mission, start, end, before):
    """Record one service through the app's write path: the next report counts it."""
    from django.db.models import Max, Min

    from kopru.core.models import Location, User
    from kopru.registry.models import Person
    from kopru.reporting.engine import Scope, compute
    from kopru.reporting.models import Reach
    from kopru.services.models import ServiceType
    from kopru.services.services import record_service, void_service

    user = User.objects.get(username=BENCH_USER)
    site = Location.objects.filter(mission=mission, level="site", pcode__endswith="-901").first()
    service_type = ServiceType.objects.get(mission=mission, code="counselling_information_guidance")
    people = Person.objects.filter(mission=mission, reference__startswith=PREFIX)
    bounds = people.aggregate(Min("pk"), Max("pk"))
    candidates = (
        np.random.default_rng(1).integers(bounds["pk__min"], bounds["pk__max"] + 1, 50).tolist()
    )
    reached = set(
        Reach.objects.filter(
            mission=mission, day__range=(start, end), person_id__in=candidates
        ).values_list("person_id", flat=True)
    )
    chosen = next((c for c in candidates if c not in reached), candidates[0])
    expected = 0 if chosen in reached else 1
    zone = zoneinfo.ZoneInfo(mission.timezone)
    at = dt.datetime.combine(end - dt.timedelta(days=1), dt.time(10, 0), tzinfo=zone)
    started = time.perf_counter()
    event = record_service(
        user,
        mission,
        service_type=service_type,
        person=people.get(pk=chosen),
        at=at,
        location=site,
        modality="centre",
        notes="bench: fresh",
    )
    after = compute(Scope(mission, start, end))
    seconds = time.perf_counter() - started
    void_service(user, event, reason="bench: fresh service checked")
    again = compute(Scope(mission, start, end))
    ok = (
        after.services == before.services + 1
        and after.unique == before.unique + expected
        and (again.services, again.unique) == (before.services, before.unique)
    )
    detail = (
        f"services {before.services} -> {after.services} -> {again.services} (voided), "
        f"unique {before.unique} -> {after.unique} -> {again.unique}, expected +{expected}"
    )
    return {"ok": ok, "seconds": seconds, "detail": detail}


# --- The reference: hand-written DuckDB SQL over the Parquet export ------------------------------

DIMS = ["sector", "sub_sector", "unit", "service_type", "province", "district", "site", "month"]
COLUMNS = ["sector", "sub_sector", "unit", "st", "province", "district", "loc", "month"]


def _grouped(con, select, source, months=True):
    """One GROUPING SETS query: the total and each dimension; rows as (dimension, key, values)."""
    n = len(DIMS) if months else len(DIMS) - 1
    columns = ", ".join(COLUMNS[:n])
    sets = ", ".join(["()", *(f"({c})" for c in COLUMNS[:n])])
    rows = con.execute(
        f"SELECT GROUPING({columns}), {columns}, {select} FROM {source} "
        f"GROUP BY GROUPING SETS ({sets})"
    ).fetchall()
    out = []
    for g, *keys_and_values in rows:
        keys, values = keys_and_values[:n], keys_and_values[n:]
        grouped = [i for i in range(n) if not g >> (n - 1 - i) & 1]
        if grouped:
            out.append((DIMS[grouped[0]], keys[grouped[0]], values))
        else:
            out.append((None, None, values))
    return out


def duckdb_figures(con, spec):
    """The report's figures from the base tables, as REPORTING.md defines them."""
    start, end = spec["period"]
    tz, mission = spec["timezone"], int(spec["mission"])
    out = {}

    def put(name, value):
        if value:
            out[name] = out.get(name, 0) + int(value)

    # The period's live events, by their local day (a day wider in UTC, for Parquet pruning).
    lo = dt.date.fromisoformat(start) - dt.timedelta(days=1)
    hi = dt.date.fromisoformat(end) + dt.timedelta(days=2)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE ev AS
        SELECT e.id, e.service_type_id AS st, e.location_id AS loc, e.person_id, e.household_id,
               e.day, t.sector_id AS sector, t.sub_sector_id AS sub_sector, t.unit_id AS unit,
               coalesce(p.province_id, 0) AS province, coalesce(p.district_id, 0) AS district,
               date_trunc('month', e.day)::DATE AS month
        FROM (SELECT *, CAST(timezone('{tz}', "at") AS DATE) AS day FROM events
              WHERE mission_id = {mission} AND voided_at IS NULL
                AND "at" >= TIMESTAMPTZ '{lo} 00:00:00+00'
                AND "at" < TIMESTAMPTZ '{hi} 00:00:00+00') e
        JOIN service_types t ON t.id = e.service_type_id
        JOIN locations p ON p.id = e.location_id
        WHERE e.day BETWEEN DATE '{start}' AND DATE '{end}'
        """
    )
    # Registered people reached, one row per event and person: served directly, in a group
    # session, or as a member of a household served (members on the day; for a service
    # before the household's first membership began, its founding members).
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE who AS
        SELECT id AS event_id, person_id, NULL::BIGINT AS hh FROM ev WHERE person_id IS NOT NULL
        UNION ALL
        SELECT pa.event_id, pa.person_id, NULL
        FROM participations pa SEMI JOIN ev ON ev.id = pa.event_id
        UNION ALL
        SELECT ev.id, m.person_id, ev.household_id
        FROM ev JOIN memberships m ON m.household_id = ev.household_id
        JOIN (SELECT household_id, min(start_date) AS founded FROM memberships
              WHERE household_id IN (SELECT household_id FROM ev) GROUP BY 1) f
          ON f.household_id = m.household_id
        WHERE (m.end_date IS NULL OR m.end_date >= ev.day)
          AND (m.start_date <= ev.day OR m.start_date = f.founded)
        """
    )
    # The household of a person served on their own or in a group: theirs on the day, or, if
    # they joined one only later, the first they joined.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE r AS
        WITH own AS (
            SELECT w.person_id, ev.day, coalesce(
                arg_max(m.household_id, m.start_date) FILTER (
                    WHERE m.start_date <= ev.day AND (m.end_date IS NULL OR m.end_date >= ev.day)),
                arg_min(m.household_id, m.start_date) FILTER (WHERE m.start_date > ev.day)) AS hh
            FROM (SELECT DISTINCT w.person_id, w.event_id FROM who w WHERE w.hh IS NULL) w
            JOIN ev ON ev.id = w.event_id
            JOIN memberships m ON m.person_id = w.person_id
            GROUP BY w.person_id, ev.day)
        SELECT w.event_id, w.person_id, coalesce(w.hh, own.hh) AS hh, ev.day, ev.st, ev.loc,
               ev.sector, ev.sub_sector, ev.unit, ev.province, ev.district, ev.month
        FROM who w JOIN ev ON ev.id = w.event_id
        LEFT JOIN own ON own.person_id = w.person_id AND own.day = ev.day AND w.hh IS NULL
        """
    )
    months = spec["months"]
    for dim, key, (people, households, rows) in _grouped(
        con,
        "count(DISTINCT person_id), count(DISTINCT hh), count(*)",
        "r",
        months=months,
    ):
        if dim is None:
            put("unique", people)
            put("households", households)
            put("contacts", rows)
            continue
        put(f"unique/{dim}/{_key(key)}", people)
        if dim in ("sector", "sub_sector", "unit", "province"):
            put(f"households/{dim}/{_key(key)}", households)
    # Sex, age band (at the first service in the period), population group and disability of
    # each person reached.
    rows = con.execute(
        """
        SELECT CASE WHEN p.sex IN ('female', 'male') THEN p.sex ELSE 'other' END,
               CASE WHEN p.birth_date IS NULL THEN 'unknown'
                    WHEN age < 5 THEN '0-4' WHEN age < 12 THEN '5-11' WHEN age < 18 THEN '12-17'
                    WHEN age < 60 THEN '18-59' ELSE '60+' END,
               CASE p.population_group WHEN 'temporary_protection' THEN 'refugee'
                    WHEN 'ip_applicant' THEN 'international_protection'
                    WHEN 'ip_holder' THEN 'international_protection'
                    WHEN 'host_community' THEN 'host_community' ELSE 'migrant' END,
               p.has_disability, count(*)
        FROM (SELECT person_id, min(day) AS first FROM r GROUP BY person_id) f
        JOIN people p ON p.id = f.person_id,
        LATERAL (SELECT year(f.first) - year(p.birth_date)
                 - CASE WHEN month(f.first) * 100 + day(f.first)
                        < month(p.birth_date) * 100 + day(p.birth_date) THEN 1 ELSE 0 END AS age)
        GROUP BY ALL
        """
    ).fetchall()
    for sex, band, group, disability, n in rows:
        put(f"unique/sex_age/{sex}/{band}", n)
        put(f"unique/group/{group}", n)
        put(f"unique/disability/{_key(disability)}", n)
    # Unique people per project and per donor.
    rows = con.execute(
        """
        SELECT GROUPING(s.project_id, pr.donor_id), s.project_id, pr.donor_id,
               count(DISTINCT r.person_id)
        FROM r JOIN shares s ON s.event_id = r.event_id JOIN projects pr ON pr.id = s.project_id
        GROUP BY GROUPING SETS ((s.project_id), (pr.donor_id))
        """
    ).fetchall()
    for g, project, donor, n in rows:
        put(f"unique/project/{project}" if g == 1 else f"unique/donor/{donor}", n)
    # Services (events) and the people counted by headcount at group sessions.
    for dim, key, (n,) in _grouped(con, "count(*)", "ev"):
        put("services" if dim is None else f"services/{dim}/{_key(key)}", n)
    for dim, key, (n,) in _grouped(
        con, "sum(h.count)", "ev JOIN headcounts h ON h.event_id = ev.id"
    ):
        put("headcount" if dim is None else f"headcount/{dim}/{_key(key)}", n)
    rows = con.execute(
        """
        SELECT GROUPING(h.sex, h.age_band, h.disability), h.sex, h.age_band, h.disability,
               sum(h.count)
        FROM ev JOIN headcounts h ON h.event_id = ev.id
        GROUP BY GROUPING SETS ((h.sex, h.age_band), (h.disability))
        """
    ).fetchall()
    for g, sex, band, disability, n in rows:
        if g == 1:
            put(f"headcount/sex_age/{sex}/{band}", n)
        else:
            put(f"headcount/disability/{_key(disability)}", n)
    # Per project and per donor: the events attributed to them, each event once.
    rows = con.execute(
        """
        WITH hc AS (SELECT h.event_id, sum(h.count) AS people FROM headcounts h
                    SEMI JOIN ev ON ev.id = h.event_id GROUP BY 1),
             ep AS (SELECT s.event_id, s.project_id, pr.donor_id
                    FROM shares s SEMI JOIN ev ON ev.id = s.event_id
                    JOIN projects pr ON pr.id = s.project_id)
        SELECT 'project', project_id, count(*), sum(coalesce(hc.people, 0))
        FROM ep LEFT JOIN hc USING (event_id) GROUP BY project_id
        UNION ALL
        SELECT 'donor', donor_id, count(*), sum(coalesce(hc.people, 0))
        FROM (SELECT DISTINCT event_id, donor_id FROM ep) LEFT JOIN hc USING (event_id)
        GROUP BY donor_id
        """
    ).fetchall()
    for dim, key, services, people in rows:
        put(f"services/{dim}/{key}", services)
        put(f"headcount/{dim}/{key}", people)
    put("contacts", out.get("headcount", 0))
    return out


def run_duckdb(spec):
    import duckdb

    con = duckdb.connect()
    for name in EXPORTS:
        path = Path(spec["parquet"]) / f"{name}.parquet"
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
    times = []
    for _ in range(1 + WARM_RUNS):
        started = time.perf_counter()
        figures = duckdb_figures(con, spec)
        times.append(time.perf_counter() - started)
    return {
        "cold": times[0],
        "warm": statistics.median(times[1:]),
        "figures": figures,
        "peak_mb": _peak_mb(),
    }


def child(kind, spec_path):
    spec = json.loads(Path(spec_path).read_text())
    out = {"kopru": run_kopru, "duckdb": run_duckdb}[kind](spec)
    print(json.dumps(out))


def run_child(kind, spec, directory):
    spec_path = directory / f"{kind}-{len(list(directory.glob('*.json')))}.json"
    spec_path.write_text(json.dumps(spec))
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(spec_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{out.stderr[-5000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- Comparing and printing ---------------------------------------------------------------------

CORE = ("unique", "headcount", "services", "households")  # and unique per sector and province


def is_core(name):
    return name in CORE or name.startswith(("unique/sector/", "unique/province/"))


def compare(kopru, duck):
    """[(name, kopru, duckdb)] of the figures that differ; missing counts as 0."""
    return [
        (k, kopru.get(k, 0), duck.get(k, 0))
        for k in sorted(set(kopru) | set(duck))
        if kopru.get(k, 0) != duck.get(k, 0)
    ]


def labels(mission):
    """Readable names of the ids in the figures' keys."""
    from kopru.core.models import Donor, Location, Project
    from kopru.services.models import Sector, ServiceType, SubSector, Unit

    names = {}
    for dim, qs, field in (
        ("sector", Sector.objects.filter(mission=mission), "code"),
        ("sub_sector", SubSector.objects.filter(sector__mission=mission), "code"),
        ("unit", Unit.objects.filter(mission=mission), "code"),
        ("service_type", ServiceType.objects.filter(mission=mission), "code"),
        ("province", Location.objects.filter(mission=mission), "name"),
        ("district", Location.objects.filter(mission=mission), "name"),
        ("site", Location.objects.filter(mission=mission), "pcode"),
        ("project", Project.objects.filter(mission=mission), "code"),
        ("donor", Donor.objects.all(), "name"),
    ):
        names[dim] = {str(pk): str(v).replace(" ", "_") for pk, v in qs.values_list("pk", field)}
    return names


def readable(name, names):
    parts = name.split("/")
    if len(parts) == 3 and parts[1] in names:
        parts[2] = names[parts[1]].get(parts[2], parts[2])
    return ".".join(parts)


def print_figures(prefix, figures, names, period, months):
    print(f"{prefix}: {period[0]}..{period[1]}")
    total = figures.get("unique", 0) + figures.get("headcount", 0)
    contacts = figures.get("contacts", 0)
    print(f"{prefix}_unique_people: {figures.get('unique', 0)}")
    print(f"{prefix}_people_by_headcount: {figures.get('headcount', 0)}")
    print(f"{prefix}_people_total: {total}")
    print(f"{prefix}_services: {figures.get('services', 0)}")
    print(f"{prefix}_households: {figures.get('households', 0)}")
    share = (contacts - figures.get("unique", 0)) / contacts if contacts else 0
    print(f"{prefix}_non_unique_share: {share:.3f}")
    shown = ["unique/sector/", "services/sector/", "unique/province/"]
    if months:
        shown += ["unique/month/", "services/month/"]
    else:
        shown += [
            "unique/unit/",
            "unique/project/",
            "unique/donor/",
            "services/donor/",
            "unique/sex_age/",
            "headcount/sex_age/",
            "unique/group/",
            "unique/disability/",
        ]
    for start in shown:
        for name in sorted(k for k in figures if k.startswith(start)):
            print(f"{prefix}_{readable(name, names)}: {figures[name]}")


# --- The run ------------------------------------------------------------------------------------


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, help="people; events 10 times as many")
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.n:
        args.people, args.events = args.n, 10 * args.n
    if not os.environ.get("KOPRU_DATABASE_URL"):
        # A throw-away PostgreSQL, the way the test command starts one.
        script = ROOT / "scripts" / "with-postgres.sh"
        command = [str(script), sys.executable, str(Path(__file__).resolve()), *argv]
        return subprocess.run(command, check=False).returncode  # noqa: S603

    started = time.perf_counter()
    _django()
    from django.core.management import call_command

    from kopru.core.models import Mission
    from kopru.core.reference import load_reference
    from kopru.registry.models import Person
    from kopru.reporting import projection

    call_command("migrate", verbosity=0)
    load_reference()
    mission = Mission.objects.get(code="TR")
    sites, districts = places(mission)
    projects(mission)
    user = bench_user(mission)
    print(f"setup: {time.perf_counter() - started:.1f} s", flush=True)

    existing = Person.objects.filter(mission=mission, reference__startswith=PREFIX).count()
    if existing:
        # A database kept from an earlier run (KOPRU_DATABASE_URL): reused at the same size.
        events = _sql(
            "SELECT count(*) FROM services_serviceevent WHERE recorded_by_id = %s "
            "AND notes <> 'bench: fresh'",
            [user.pk],
        )[0][0]
        if (existing, events) != (args.people, args.events):
            raise SystemExit(
                f"The database holds {existing} bench people and {events} events; "
                "use an empty database for another size."
            )
        print("load: reused the database's data", flush=True)
    else:
        began = time.perf_counter()
        load(args.people, args.events, mission, sites, districts, user, args.seed)
        load_seconds = time.perf_counter() - began
        print(f"load: {load_seconds:.1f} s (generate, COPY, VACUUM ANALYZE)", flush=True)
    generator_peak = _peak_mb()
    counts = {
        name: _sql(f"SELECT count(*) FROM {table}")[0][0]  # noqa: S608
        for name, table in (
            ("people", "registry_person"),
            ("households", "registry_household"),
            ("memberships", "registry_membership"),
            ("events", "services_serviceevent"),
            ("participations", "services_participation"),
            ("headcount_cells", "services_headcount"),
            ("service_projects", "services_serviceproject"),
        )
    }

    began = time.perf_counter()
    projection.rebuild(mission)
    rebuild_seconds = time.perf_counter() - began
    print(f"rebuild: {rebuild_seconds:.1f} s", flush=True)
    for table in ("reporting_reach", "reporting_tally"):
        _sql(f"VACUUM ANALYZE {table}")
    counts["reach_rows"] = _sql("SELECT count(*) FROM reporting_reach")[0][0]
    counts["tally_rows"] = _sql("SELECT count(*) FROM reporting_tally")[0][0]

    work = Path(tempfile.mkdtemp(prefix="kopru-report-"))
    try:
        began = time.perf_counter()
        export(work)
        export_seconds = time.perf_counter() - began
        print(f"export: {export_seconds:.1f} s", flush=True)
        from django.db import connections

        connections.close_all()
        common = {"timezone": mission.timezone, "mission": mission.pk, "parquet": str(work)}
        report = [str(d) for d in QUARTER]
        dashboard = [str(d) for d in DASHBOARD]
        k_dash = run_child("kopru", {"period": dashboard, "months": True}, work)
        k_report = run_child("kopru", {"period": report, "months": False, "fresh": True}, work)
        d_dash = run_child("duckdb", {**common, "period": dashboard, "months": True}, work)
        d_report = run_child("duckdb", {**common, "period": report, "months": False}, work)
    finally:
        for path in work.iterdir():
            path.unlink()
        work.rmdir()

    names = labels(mission)
    for name, value in counts.items():
        print(f"{name}: {value}")
    print(f"generator_peak_mb: {generator_peak:.0f}")
    print(f"rebuild_seconds: {rebuild_seconds:.1f}")
    print_figures("quarter", k_report["figures"], names, QUARTER, months=False)
    print_figures("dashboard", k_dash["figures"], names, DASHBOARD, months=True)
    failures, compared, differing = [], 0, 0
    for what, kopru, duck in (
        ("quarter", k_report["figures"], d_report["figures"]),
        ("dashboard", k_dash["figures"], d_dash["figures"]),
    ):
        differences = compare(kopru, duck)
        compared += len(set(kopru) | set(duck))
        differing += len(differences)
        for name, k, d in differences:
            print(f"differs {what} {readable(name, names)}: kopru {k}, duckdb {d}")
            if is_core(name):
                failures.append(f"{what} {name}")
    print(f"figures_compared: {compared}")
    print(f"figures_differing: {differing} (core figures: {len(failures)})")
    agree = "yes" if not differing else "core figures only" if not failures else "no"
    print(f"duckdb_agrees: {agree}")
    check = k_report["fresh"]
    if check["ok"]:
        print(f"fresh: visible at once ({check['seconds']:.3f} s)")
    else:
        print(f"fresh: NOT VISIBLE: {check['detail']}")
    print(f"report cold: kopru {k_report['cold']:.3f} s, duckdb {d_report['cold']:.3f} s")
    print(
        f"dashboard: kopru {k_dash['warm']:.3f} s (cold {k_dash['cold']:.3f} s), "
        f"duckdb {d_dash['warm']:.3f} s"
    )
    kopru_peak = max(k_dash["peak_mb"], k_report["peak_mb"])
    duck_peak = max(d_dash["peak_mb"], d_report["peak_mb"])
    print(f"peak memory: kopru {kopru_peak:.0f} MB, duckdb {duck_peak:.0f} MB")
    ratio = k_report["warm"] / d_report["warm"] if d_report["warm"] else float("inf")
    print(
        f"report: kopru {k_report['warm']:.3f} s, duckdb {d_report['warm']:.3f} s, "
        f"ratio {ratio:.2f}",
        flush=True,
    )
    if failures or not check["ok"]:
        problems = failures + ([] if check["ok"] else [f"fresh service: {check['detail']}"])
        print("FAILED: " + "; ".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    if "--child" in sys.argv:
        child(sys.argv[sys.argv.index("--child") + 1], sys.argv[-1])
    else:
        sys.exit(main(sys.argv[1:]))
