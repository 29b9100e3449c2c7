"""Unique people and households of whole calendar periods, kept ready for the full report.

A unique count needs every Reach row of its period (a national quarter holds millions), and
unlike sums, distinct counts cannot be added up from smaller parts. So for the periods reports
ask for most, a calendar month, quarter or year of a whole mission without filters, Rollup
keeps the distinct counts per breakdown value, current with Reach: a change computes what the
people and households it touches contribute to the periods it touches, before and after, and
adds the difference. The rebuild computes every period from all rows with the same function,
so the two cannot drift apart (a test compares them). Filtered reports and other periods count
Reach rows (reporting.engine).

The breakdowns depend on the catalogue (a service type's sector, a place's province, a
project's donor): a change there marks the mission's rollup stale, reports count rows until
`manage.py rebuild_reporting` recomputes it.
"""

import datetime
from collections import Counter

import numpy as np
from django.db import connection

from kopru.core.models import Project
from kopru.registry.models import Household, Person

from . import engine
from .models import AGE_BANDS, SEXES, UNATTRIBUTED, Reach, Rollup, Tally

# Months per period; periods start in January, April, July and October.
GRAINS = {Rollup.Grain.MONTH: 1, Rollup.Grain.QUARTER: 3, Rollup.Grain.YEAR: 12}
PEOPLE_DIMENSIONS = ("sector", "sub_sector", "unit", "service_type", "province", "district", "site")
HOUSEHOLD_DIMENSIONS = ("sector", "sub_sector", "unit", "province")
# The marker of a mission whose rollup waits for a rebuild.
STALE = {"grain": Rollup.Grain.STALE, "start": datetime.date(2000, 1, 1), "dimension": "stale"}


# --- Reading Reach rows, every project's row included ----------------------------------------


def _read(where, params):
    """(rows, main, project, event) of the Reach rows matching `where`, every project's row."""
    return engine.read_rows(where, params, every_project=True)


def _take(rows, keep):
    return engine.Rows(**{name: getattr(rows, name)[keep] for name in rows.__dataclass_fields__})


# --- What rows contribute -------------------------------------------------------------------


def contributions(read, catalogue, donors, *, people=True, households=True) -> Counter:
    """{(grain, months since 1970 of the period's start, dimension, value, measure): count}
    for the rows read: unique people (measure `people`), households (`households`) and people
    summed over services (`contacts`). Exact for any set of rows that holds, in each period,
    all the rows of each person (for `people`) or household (for `households`) it has."""
    rows, main, project, _event = read
    out = Counter()
    month = engine._month_index(rows.day)
    main_rows = _take(rows, main)
    dims = engine._dimension_arrays(main_rows, catalogue)
    person = main_rows.person
    zero = np.zeros(len(person), dtype=np.int64)
    for grain, size in GRAINS.items():
        period = month - month % size
        main_period = period[main]

        def put(measure, dimension, counted, grain=grain):
            for p, value, n in counted:
                out[(grain, p, dimension, value, measure)] += n

        if people:
            put("people", "total", engine.distinct_per(main_period, zero, person))
            put("contacts", "total", engine.count_per(main_period, zero))
            for name in PEOPLE_DIMENSIONS:
                put("people", name, engine.distinct_per(main_period, dims[name], person))
            per_project = engine.distinct_per(period, project, rows.person)
            # Project 0 in Reach: the service names none.
            put("people", "project", ((p, v or UNATTRIBUTED, n) for p, v, n in per_project))
            donor = engine._lookup(project, donors)
            put("people", "donor", engine.distinct_per(period, donor, rows.person))
            if not len(person):
                continue
            # Sex, age band and the rest as on the person's first service in the period.
            first = engine.first_rows(person, main_rows.day, main_period)
            at = main_period[first]
            cells = main_rows.sex[first] * 16 + main_rows.age_band[first]
            put("people", "sex_age", engine.count_per(at, cells))
            put("people", "group", engine.count_per(at, main_rows.group[first]))
            put("people", "disability", engine.count_per(at, main_rows.disability[first]))
        if households:
            home = main_rows.household != 0
            household = main_rows.household[home]
            at = main_period[home]
            put("households", "total", engine.distinct_per(at, zero[home], household))
            for name in HOUSEHOLD_DIMENSIONS:
                counted = engine.distinct_per(at, dims[name][home], household)
                put("households", name, counted)
    return out


# Services and people counted by head add up, so they are rolled up from Tally's month rows.
TALLY_DIMENSIONS = (*PEOPLE_DIMENSIONS, "month")


def _months(start):
    """Months since 1970 of a date (or its ISO text, as SQLite returns it)."""
    text = str(start)
    return (int(text[:4]) - 1970) * 12 + int(text[5:7]) - 1


def tally_contributions(rows, catalogue) -> Counter:
    """{(grain, period, dimension, value, measure): sum} of Tally month rows
    (month start, service type, place, project, donor, sex, age band, disability, services,
    people); rows without a service type carry only the sex, age and disability cells."""
    out = Counter()
    places, types = catalogue.places, catalogue.types
    for (
        start,
        service_type,
        location,
        project,
        donor,
        sex,
        band,
        disability,
        services,
        people,
    ) in rows:
        if not services and not people:
            continue
        month = _months(start)
        found = []  # (dimension, value, services, people)
        if project == 0 and donor == 0:
            if service_type is not None:
                sub, sector, unit = types.get(service_type, (0, 0, 0))
                province, district = places.get(location, (0, 0))
                for dimension, value in (
                    ("total", 0),
                    ("sector", sector),
                    ("sub_sector", sub),
                    ("unit", unit),
                    ("service_type", service_type),
                    ("province", province),
                    ("district", district),
                    ("site", location),
                    ("month", month),
                ):
                    found.append((dimension, value, services, people))
            if sex and people:
                cell = SEXES.index(sex) * 16 + AGE_BANDS.index(band)
                found.append(("sex_age", cell, 0, people))
                found.append(("disability", int(bool(disability)), 0, people))
        elif donor == 0:
            found.append(("project", project, services, people))
        else:
            found.append(("donor", donor, services, people))
        for grain, size in GRAINS.items():
            period = month - month % size
            for dimension, value, n_services, n_people in found:
                if n_services:
                    out[(grain, period, dimension, value, "services")] += n_services
                if n_people:
                    out[(grain, period, dimension, value, "headcount")] += n_people
    return out


def add_tallies(rows):
    """Add Tally month rows (with their mission first) being written to the rollups."""
    by_mission = {}
    for mission_id, *row in rows:
        by_mission.setdefault(mission_id, []).append(row)
    for mission_id, mission_rows in by_mission.items():
        if is_current(mission_id):
            counts = tally_contributions(mission_rows, engine.Catalogue.of(mission_id))
            _save(mission_id, counts)


def _rebuild_tallies(mission, catalogue):
    """Tally's month rows, summed in the database to what the rollup breaks them down by."""
    table = Tally._meta.db_table
    queries = (
        "SELECT start, service_type_id, location_id, 0, 0, '', '', false, sum(services), "
        "sum(people) FROM {t} WHERE {w} AND project_id = 0 AND donor_id = 0 "
        "GROUP BY start, service_type_id, location_id",
        "SELECT start, NULL, NULL, 0, 0, sex, age_band, disability, 0, sum(people) FROM {t} "
        "WHERE {w} AND project_id = 0 AND donor_id = 0 AND sex <> '' "
        "GROUP BY start, sex, age_band, disability",
        "SELECT start, NULL, NULL, project_id, 0, '', '', false, sum(services), sum(people) "
        "FROM {t} WHERE {w} AND project_id <> 0 AND donor_id = 0 GROUP BY start, project_id",
        "SELECT start, NULL, NULL, 0, donor_id, '', '', false, sum(services), sum(people) "
        "FROM {t} WHERE {w} AND project_id = 0 AND donor_id <> 0 GROUP BY start, donor_id",
    )
    where = f"mission_id = {int(mission.pk)} AND grain = 'M'"
    counts = Counter()
    with connection.cursor() as cursor:
        for sql in queries:
            cursor.execute(sql.format(t=table, w=where))
            counts.update(tally_contributions(cursor.fetchall(), catalogue))
    return counts


def _donors(mission_id):
    return dict(Project.objects.filter(mission_id=mission_id).values_list("pk", "donor_id"))


def _start(months):
    return engine._month_start(months)


def _save(mission_id, counts):
    """Add counts to the mission's rollup."""
    rows = [
        (mission_id, grain, _start(p), dimension, int(value), measure, int(n))
        for (grain, p, dimension, value, measure), n in counts.items()
        if n
    ]
    table = Rollup._meta.db_table
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 1000):
            chunk = rows[i : i + 1000]
            cursor.execute(
                f"INSERT INTO {table} (mission_id, grain, start, dimension, value, measure, count) "
                f"VALUES {', '.join(['(%s, %s, %s, %s, %s, %s, %s)'] * len(chunk))} "
                "ON CONFLICT (mission_id, grain, start, dimension, value, measure) "
                f"DO UPDATE SET count = {table}.count + excluded.count",
                [v for row in chunk for v in row],
            )


# --- Keeping it current ---------------------------------------------------------------------


def is_current(mission_id):
    return not Rollup.objects.filter(mission_id=mission_id, **STALE).exists()


def mark_stale(mission_id):
    """The catalogue changed under the rollup: reports count rows until the next rebuild."""
    Rollup.objects.filter(mission_id=mission_id).delete()
    Rollup.objects.create(mission_id=mission_id, value=0, measure="", count=1, **STALE)


def _ids(column, ids):
    return f"{column} IN ({', '.join(str(int(i)) for i in sorted(ids))})"


def _lock(model, ids):
    """Two writes about one person at once would each count them as new in a period: the
    second waits here until the first commits, then reads its rows. (SQLite writes one at a
    time anyway.)"""
    if connection.vendor == "postgresql" and ids:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {model._meta.db_table} WHERE {_ids('id', ids)} "
                "ORDER BY id FOR NO KEY UPDATE"
            )


def change(event_ids, *, leaving):
    """Apply what these events' Reach rows add: as they are about to leave (`leaving`), or
    just after they came."""
    if not event_ids:
        return
    touched = list(
        Reach.objects.filter(event_id__in=event_ids)
        .values_list("mission_id", "person_id", "household_id", "day")
        .distinct()
    )
    by_mission = {}
    for mission_id, person, household, day in touched:
        seen = by_mission.setdefault(mission_id, (set(), set(), set()))
        seen[0].add(person)
        if household:
            seen[1].add(household)
        seen[2].add(day.year)
    events = np.array(sorted(event_ids), dtype=np.int64)
    for mission_id, (people, households, years) in by_mission.items():
        if not is_current(mission_id):
            continue
        _lock(Person, people)
        _lock(Household, households)
        catalogue = engine.Catalogue.of(mission_id)
        donors = _donors(mission_id)
        in_years = " OR ".join(
            f"(day >= '{y}-01-01' AND day <= '{y}-12-31')" for y in sorted(years)
        )
        delta = Counter()
        for column, ids, kind in (
            ("person_id", people, "people"),
            ("household_id", households, "households"),
        ):
            if not ids:
                continue
            read = _read(f"mission_id = %s AND ({in_years}) AND {_ids(column, ids)}", [mission_id])
            others = ~np.isin(read[3], events)
            without = (_take(read[0], others), read[1][others], read[2][others], read[3][others])
            options = {"people": kind == "people", "households": kind == "households"}
            with_them = contributions(read, catalogue, donors, **options)
            without_them = contributions(without, catalogue, donors, **options)
            sign = -1 if leaving else 1
            for key in with_them.keys() | without_them.keys():
                delta[key] += sign * (with_them[key] - without_them[key])
        _save(mission_id, delta)


def rebuild(mission):
    """Recompute a mission's rollup: unique people from its Reach rows a calendar year at a
    time, services and headcounts from Tally's month rows."""
    Rollup.objects.filter(mission_id=mission.pk).delete()
    catalogue = engine.Catalogue.of(mission)
    _save(mission.pk, _rebuild_tallies(mission, catalogue))
    days = Reach.objects.filter(mission_id=mission.pk).values_list("day", flat=True)
    first, last = days.order_by("day").first(), days.order_by("-day").first()
    if first is None:
        return
    donors = _donors(mission.pk)
    for year in range(first.year, last.year + 1):
        read = _read(
            "mission_id = %s AND day >= %s AND day <= %s",
            [mission.pk, datetime.date(year, 1, 1), datetime.date(year, 12, 31)],
        )
        _save(mission.pk, contributions(read, catalogue, donors))


# --- Reading it -----------------------------------------------------------------------------


def grain_of(scope):
    """The rollup's grain that answers this scope, or None (filters, or not a whole period)."""
    filters = (scope.unit, scope.sector, scope.sub_sector, scope.project, scope.donor)
    if any(f is not None for f in (*filters, scope.province, scope.site)):
        return None
    start, end = scope.start, scope.end
    if start.day != 1:
        return None
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    next_day = end + datetime.timedelta(days=1)
    if next_day.day != 1:
        return None
    for grain, size in GRAINS.items():
        if months == size and (start.month - 1) % size == 0:
            return grain
    return None


def add_figures(f, scope, grain, *, months=False, projects=True):
    """Fill `f` (an engine.Figures) from the rollup of the scope's whole period."""
    rows = Rollup.objects.filter(mission=scope.mission, grain=grain, start=scope.start).exclude(
        count=0
    )
    tallies = {"services": f.services_by, "headcount": f.headcount_by}
    for name in TALLY_DIMENSIONS + (("project", "donor") if projects else ()):
        f.services_by[name], f.headcount_by[name] = {}, {}
    for dimension, value, measure, n in rows.values_list("dimension", "value", "measure", "count"):
        if not projects and dimension in ("project", "donor"):
            continue
        if measure in tallies:
            if dimension == "total":
                if measure == "services":
                    f.services = n
                else:
                    f.headcount = n
            elif dimension == "sex_age":
                f.sex_age_headcount[engine.sex_age(value)] = n
            elif dimension == "disability":
                f.disability_headcount[bool(value)] = n
            elif dimension == "month":
                tallies[measure]["month"][engine._month_start(value)] = n
            else:
                tallies[measure][dimension][value] = n
        elif dimension == "total":
            if measure == "people":
                f.unique = n
            elif measure == "households":
                f.households = n
            else:
                f.contacts += n
        elif measure == "households":
            f.households_by.setdefault(dimension, {})[value] = n
        elif dimension == "sex_age":
            f.sex_age[engine.sex_age(value)] = n
        elif dimension == "group":
            name = engine.report_group(value)
            f.groups[name] = f.groups.get(name, 0) + n
        elif dimension == "disability":
            f.disability[bool(value)] = n
        else:
            f.people_by.setdefault(dimension, {})[value] = n
    f.contacts += f.headcount
    if f.unique:
        for name in (*PEOPLE_DIMENSIONS, *(("project", "donor") if projects else ())):
            f.people_by.setdefault(name, {})
        for name in HOUSEHOLD_DIMENSIONS:
            f.households_by.setdefault(name, {})
        f.disability.setdefault(True, 0)
        f.disability.setdefault(False, 0)
        if months:
            by_month = Rollup.objects.filter(
                mission=scope.mission,
                grain=Rollup.Grain.MONTH,
                start__gte=scope.start,
                start__lte=scope.end,
                dimension="total",
                measure="people",
            ).exclude(count=0)
            f.people_by["month"] = dict(by_month.values_list("start", "count"))
