"""School transport at the seeds' scale (issue 9; 003: "6,429 pupils in one summer-school
term", 13 provinces): routes of 25 pupils, every pupil enrolled, and the term's first school
days of attendance through the functions the pages call.

    .venv/bin/python bench/school_transport.py [PUPILS] [DAYS]     (SQLite in a temp dir)
    KOPRU_DATABASE_URL=postgres://... .venv/bin/python bench/school_transport.py 6429

The days start on the last two school days of June, so the third crosses into July: the
first sheet of a route in a month records one `pupil_school_transport` service per pupil who
rode (through `record_service`), later sheets in the month record none. Prints `name: figure`
lines last: enrolment, first-of-month and later sheets (p50/p95 per sheet of a route), a
day's sheets for every route, the cost report, services counted, peak memory."""

import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("KOPRU_VAR_DIR", tempfile.mkdtemp(prefix="kopru-bench-"))
os.environ.setdefault("KOPRU_ENV", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kopru.settings")

PROVINCES = [  # the provinces of the seeds' programmes, thirteen of them
    "TR01", "TR06", "TR16", "TR27", "TR31", "TR33", "TR34",
    "TR35", "TR38", "TR42", "TR46", "TR63", "TR79",
]  # fmt: skip
PER_ROUTE = 25
TERM = (date(2026, 6, 29), date(2026, 8, 21))  # a Monday to a Friday, eight weeks


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else 0.0


def generate(n, schools, mission, rng):
    """N pupils aged 6 to 16 near their schools and a guardian for every two or three of
    them. Written in bulk: the benchmark times transport, not registration."""
    from kopru.registry.models import Person

    first = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    people, pupils, pid = [], [], first
    for i in range(n):
        school = schools[i % len(schools)]
        if i % 3 != 2:  # a new family every two or three pupils
            guardian = Person(
                id=pid,
                mission=mission,
                reference=f"BT-{pid:09d}",
                given_name=f"Guardian{pid % 997}",
                family_name=f"Family{pid % 1009}",
                sex="female",
                birth_date=date(1986 - rng.randrange(15), 1 + pid % 12, 1 + pid % 28),
                birth_date_precision="exact",
                nationality="SYR",
                population_group="temporary_protection",
                location=school,
            )
            people.append(guardian)
            pid += 1
        people.append(
            Person(
                id=pid,
                mission=mission,
                reference=f"BT-{pid:09d}",
                given_name=f"Pupil{pid % 991}",
                family_name=guardian.family_name,
                sex="female" if rng.random() < 0.5 else "male",
                birth_date=date(2010 + rng.randrange(10), 1 + pid % 12, 1 + pid % 28),
                birth_date_precision="exact",
                nationality="SYR",
                population_group="temporary_protection",
                location=school,
            )
        )
        pupils.append((pid, guardian.pk, school))
        pid += 1
    Person.objects.bulk_create(people, batch_size=5000)
    return pupils


def school_days(count):
    """The term's last two school days of June, then July's."""
    day, days = date(2026, 6, 29), []
    while len(days) < count and day <= TERM[1]:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def main(n, day_count):
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kopru.core.models import Donor, Location, Mission, Project
    from kopru.core.tests.factories import make_site, make_team, make_user
    from kopru.education import services, transport
    from kopru.education.models import Period, PupilMonth, Route
    from kopru.registry.models import Person
    from kopru.services.models import ServiceEvent

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    mission = Mission.objects.get(code="TR")
    provinces = [Location.objects.get(pcode=code) for code in PROVINCES]
    team = make_team("Bench school transport", locations=provinces)
    officer = make_user("bench_education", "education_officer", teams=[team])
    project = Project.objects.create(
        mission=mission,
        code="BENCH-EDU",
        name="Bench school transport",
        donor=Donor.objects.get_or_create(name="Bench donor")[0],
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
    )
    routes_wanted = max(1, -(-n // PER_ROUTE))
    # Two schools a province where there are routes enough; each route serves one.
    schools = []
    for k, province in enumerate(provinces[: min(len(provinces), routes_wanted)]):
        district = Location.objects.filter(parent=province, level="district").order_by("pk").first()
        if district is None:  # the reference data ships districts for the programme provinces
            code = f"{province.pcode}99"
            district = Location.objects.create(
                mission=mission, parent=province, level="district", name="Bench district",
                pcode=code, path=f"{province.path}{code}/",
            )  # fmt: skip
        for s in range(1 if routes_wanted < 2 * len(provinces) else 2):
            schools.append(make_site(district, f"Bench school {k}-{s}", "school"))
    rng = random.Random(6429)
    t0 = time.perf_counter()
    pupils = generate(n, schools, mission, rng)
    print(f"registered {n} pupils and their guardians in {time.perf_counter() - t0:.1f} s")

    period = services.save_period(
        officer,
        Period(mission=mission, name="Summer school 2026", kind="summer", starts_on=TERM[0],
               ends_on=TERM[1]),
    )  # fmt: skip
    t0 = time.perf_counter()
    # Each school gets the routes its pupils fill.
    at_school = {}
    for _p, _g, school in pupils:
        at_school[school] = at_school.get(school, 0) + 1
    serving = [s for s, n in at_school.items() for _r in range(-(-n // PER_ROUTE))]
    routes = []
    for r, school in enumerate(serving):
        route = transport.save_route(
            officer,
            Route(
                mission=mission,
                code=f"B-{r:04d}",
                province=school.parent.parent,
                district=school.parent,
                vehicle_plate=f"{r:04d} BT",
                seats=PER_ROUTE + 2,
                capacity=PER_ROUTE,
                driver="Bench driver",
                monthly_cost="36000.00",
                project=project,
                mode=Route.Mode.DAILY,
            ),
            schools=[school],
        )
        routes.append(route)
    routes_s = time.perf_counter() - t0

    # Each school's pupils fill its routes in order.
    by_school = {}
    for pupil_id, guardian_id, school in pupils:
        by_school.setdefault(school.pk, []).append((pupil_id, guardian_id))
    people = Person.objects.in_bulk([p for row in pupils for p in row[:2]])
    enrol_times, on_route = [], {}
    for route in routes:
        school = route.schools.get()
        queue = by_school.get(school.pk, [])
        for _seat in range(PER_ROUTE):
            if not queue:
                break
            pupil_id, guardian_id = queue.pop()
            t0 = time.perf_counter()
            enrolment = transport.enrol(
                officer,
                route,
                period,
                pupil=people[pupil_id],
                school=school,
                guardian=people[guardian_id],
            )
            enrol_times.append(time.perf_counter() - t0)
            on_route.setdefault(route.pk, []).append(enrolment.pk)
    enrolled = len(enrol_times)
    print(f"{len(routes)} routes, {enrolled} pupils enrolled", flush=True)

    first, later, day_totals = [], [], []
    seen_months = set()
    for day in school_days(day_count):
        new_month = day.month not in seen_months
        seen_months.add(day.month)
        t_day = time.perf_counter()
        for route in routes:
            rides = {e: (0 if rng.random() < 0.05 else 1) for e in on_route.get(route.pk, [])}
            if not rides:
                continue
            t0 = time.perf_counter()
            transport.record_sheet(officer, route, day=day, rides=rides)
            (first if new_month else later).append(time.perf_counter() - t0)
        day_totals.append((day, new_month, time.perf_counter() - t_day))
        print(f"{day}: sheets of {len(routes)} routes in {day_totals[-1][2]:.1f} s", flush=True)

    t0 = time.perf_counter()
    figures = transport.costs(officer, mission)
    costs_s = time.perf_counter() - t0
    services_n = ServiceEvent.objects.filter(
        service_type__code=transport.SERVICE, voided_at__isnull=True
    ).count()
    months_n = PupilMonth.objects.filter(event__isnull=False).count()
    assert services_n == months_n, (services_n, months_n)

    first_days = [s for _d, new, s in day_totals if new]
    print(f"database: {connection.vendor}")
    print(f"pupils: {enrolled}")
    print(f"routes: {len(routes)} in {len({r.province_id for r in routes})} provinces")
    print(f"routes_saved_s: {routes_s:.1f}")
    print(f"enrol_ms_p50: {pct(enrol_times, 0.5):.1f}")
    print(f"enrol_ms_p95: {pct(enrol_times, 0.95):.1f}")
    print(f"enrol_all_s: {sum(enrol_times):.1f}")
    print(f"first_of_month_sheet_ms_p50: {pct(first, 0.5):.0f}")
    print(f"first_of_month_sheet_ms_p95: {pct(first, 0.95):.0f}")
    print(f"later_sheet_ms_p50: {pct(later, 0.5):.0f}")
    print(f"later_sheet_ms_p95: {pct(later, 0.95):.0f}")
    print(
        f"first_of_month_day_all_routes_s: {statistics.mean(first_days) if first_days else 0:.1f}"
    )
    print(f"cost_rows: {len(figures['routes'])} routes, {len(figures['provinces'])} provinces")
    print(f"cost_report_s: {costs_s:.2f}")
    print(f"pupil_month_services: {services_n}")
    print(f"peak_mb: {peak_mb():.0f}")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(args[0] if args else 6429, args[1] if len(args) > 1 else 3)
