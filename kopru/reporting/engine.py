"""Counting people and services for a scope: the arithmetic behind every report and dashboard.

REPORTING.md defines the figures. Two sources, both kept current by reporting.projection:
- Reach rows (one per registered person per service) give the unique people: the database
  selects the scope's rows, numpy counts each person once per breakdown;
- Tally rows (additive) give services and the people counted by headcount at group sessions.

On PostgreSQL the rows travel as three packed bigint arrays (one aggregate each, read as raw
binary), which is several times faster than fetching rows; other databases fetch rows.
"""

import datetime
from dataclasses import dataclass, field

import numpy as np
import psycopg
from django.db import connection
from psycopg.adapt import Loader
from psycopg.pq import Format

from kopru.core.models import Donor, Location, Mission, Project
from kopru.registry.models import DuplicateCandidate, PopulationGroup
from kopru.services.models import Sector, ServiceType, SubSector, Unit

from .models import AGE_BANDS, AGE_UNKNOWN, SEXES, UNATTRIBUTED, Reach, Tally

EPOCH = datetime.date(2000, 1, 1)

# The report's population groups (REPORTING.md), from the registry's finer statuses.
REPORT_GROUPS = {
    "temporary_protection": "refugee",
    "ip_applicant": "international_protection",
    "ip_holder": "international_protection",
    "residence_permit": "migrant",
    "irregular": "migrant",
    "other": "migrant",
    "host_community": "host_community",
}
GROUP_ORDER = ["refugee", "international_protection", "migrant", "host_community"]


def service_type_ids(mission_id, *, unit_id=None, sector_id=None, sub_sector_id=None, chosen=()):
    """The sorted ids of the mission's service types that pass every filter given (`chosen`:
    among these), or None when none is given."""
    if not (chosen or unit_id or sector_id or sub_sector_id):
        return None
    qs = ServiceType.objects.filter(mission_id=mission_id)
    if chosen:
        qs = qs.filter(pk__in=chosen)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if sector_id:
        qs = qs.filter(sub_sector__sector_id=sector_id)
    if sub_sector_id:
        qs = qs.filter(sub_sector_id=sub_sector_id)
    return sorted(qs.values_list("pk", flat=True))


@dataclass
class Scope:
    """What a report covers: a mission, a period (both days included) and optional filters."""

    mission: Mission
    start: datetime.date
    end: datetime.date
    unit: Unit | None = None
    sector: Sector | None = None
    sub_sector: SubSector | None = None
    project: Project | None = None
    donor: Donor | None = None
    province: Location | None = None
    site: Location | None = None

    def service_type_ids(self):
        """None when no filter narrows the services."""
        return service_type_ids(
            self.mission.pk,
            unit_id=self.unit and self.unit.pk,
            sector_id=self.sector and self.sector.pk,
            sub_sector_id=self.sub_sector and self.sub_sector.pk,
        )

    def location_ids(self):
        places = [p for p in (self.province, self.site) if p is not None]
        if not places:
            return None
        ids = None
        for place in places:
            found = set(
                Location.objects.filter(path__startswith=place.path).values_list("pk", flat=True)
            )
            ids = found if ids is None else ids & found
        return sorted(ids)

    def project_ids(self):
        if self.project:
            return [self.project.pk]
        if self.donor:
            return sorted(
                Project.objects.filter(mission=self.mission, donor=self.donor).values_list(
                    "pk", flat=True
                )
            )
        return None


# --- Reading the rows -------------------------------------------------------------------------


class _Raw(Loader):
    format = Format.BINARY

    def load(self, data):
        return bytes(data)


def _int8_array(raw):
    """A binary bigint[] (header of 20 bytes, then length + value per element) as numpy."""
    if raw is None:
        return np.zeros(0, dtype=np.int64)
    cells = np.frombuffer(raw, dtype=[("length", ">i4"), ("value", ">i8")], offset=20)
    return cells["value"].astype(np.int64)


def _where(scope, *, main_rows):
    sql = ["mission_id = %s", "day >= %s", "day <= %s"]
    params = [scope.mission.pk, scope.start, scope.end]
    for column, ids in (
        ("service_type_id", scope.service_type_ids()),
        ("location_id", scope.location_ids()),
        ("project_id", scope.project_ids()),
    ):
        if ids is not None:
            sql.append(f"{column} IN ({', '.join(str(int(i)) for i in ids) or 'NULL'})")
    projects = scope.project_ids()
    if main_rows and projects is None:
        sql.append("main_row")
    elif main_rows and len(projects) > 1:
        # A donor's projects may share an event: one row per event and person all the same.
        table = Reach._meta.db_table
        sql.append(
            f"project_id = (SELECT min(r2.project_id) FROM {table} r2 "
            f"WHERE r2.event_id = {table}.event_id AND r2.person_id = {table}.person_id "
            f"AND r2.project_id IN ({', '.join(str(int(i)) for i in projects)}))"
        )
    return " AND ".join(sql), params


@dataclass
class Rows:
    person: np.ndarray
    household: np.ndarray
    location: np.ndarray
    service_type: np.ndarray
    day: np.ndarray  # days since EPOCH
    age_band: np.ndarray
    sex: np.ndarray
    group: np.ndarray
    disability: np.ndarray

    def __len__(self):
        return len(self.person)


def _packed(sql, params):
    """The bigint[] columns of a one-row PostgreSQL answer, as numpy arrays."""
    connection.ensure_connection()
    # Django's cursors bind parameters on the client, which cannot return binary data.
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.adapters.register_loader(1016, _Raw)  # bigint[]
        cursor.execute(sql, params, binary=True)
        return [_int8_array(v) for v in cursor.fetchone()]


def read_rows(where, params, *, every_project=False):
    """Reach rows matching `where` as numpy arrays. With `every_project`, also each row's
    `main_row` flag, project and event: (rows, main, project, event)."""
    table = Reach._meta.db_table
    if connection.vendor == "postgresql":
        extra = (
            ", array_agg((project_id::bigint << 1) | main_row::int), array_agg(event_id::bigint)"
            if every_project
            else ""
        )
        sql = (
            "SELECT array_agg((person_id::bigint << 32) | COALESCE(household_id, 0)), "
            "array_agg((location_id::bigint << 32) | service_type_id), "
            # Every part widened first: a smallint shifted on PostgreSQL stays a smallint.
            f"array_agg((((day - DATE '{EPOCH}')::bigint) << 16) | (age_band::bigint << 12)"
            " | (sex::bigint << 8) | (population_group::bigint << 1) | disability::int)"
            f"{extra} FROM {table} WHERE {where}"
        )
        a, b, c, *more = _packed(sql, params)
        rows = Rows(
            person=a >> 32,
            household=a & 0xFFFFFFFF,
            location=b >> 32,
            service_type=b & 0xFFFFFFFF,
            day=c >> 16,
            age_band=(c >> 12) & 0xF,
            sex=(c >> 8) & 0xF,
            group=(c >> 1) & 0x7F,
            disability=c & 1,
        )
        if not every_project:
            return rows
        flags, event = more
        return rows, (flags & 1).astype(bool), flags >> 1, event
    width = 12 if every_project else 9
    extra = ", main_row, project_id, event_id" if every_project else ""
    sql = (
        "SELECT person_id, COALESCE(household_id, 0), location_id, service_type_id, "
        f"CAST(julianday(day) - julianday('{EPOCH}') AS INTEGER), age_band, sex, "
        f"population_group, disability{extra} FROM {table} WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        data = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, width)
    rows = Rows(*(data[:, i] for i in range(9)))
    if not every_project:
        return rows
    return rows, data[:, 9].astype(bool), data[:, 10], data[:, 11]


def fetch_rows(scope) -> Rows:
    return read_rows(*_where(scope, main_rows=True))


def fetch_project_pairs(scope):
    """(person, project) of the scope's rows; UNATTRIBUTED where the service names none."""
    where, params = _where(scope, main_rows=False)
    table = Reach._meta.db_table
    if connection.vendor == "postgresql":
        sql = f"SELECT array_agg((person_id::bigint << 32) | project_id) FROM {table} WHERE {where}"
        (packed,) = _packed(sql, params)
        people, projects = packed >> 32, packed & 0xFFFFFFFF
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT person_id, project_id FROM {table} WHERE {where}", params)
            data = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 2)
        people, projects = data[:, 0], data[:, 1]
    return people, np.where(projects == 0, UNATTRIBUTED, projects)


@dataclass
class Tallies:
    """Additive rows of a scope, summed per service type, place, project, month and cell."""

    service_type: np.ndarray
    location: np.ndarray
    project: np.ndarray
    donor: np.ndarray  # 0 but on the rows per donor
    month: np.ndarray  # months since 1970-01
    sex: list
    age_band: list
    disability: np.ndarray
    services: np.ndarray
    people: np.ndarray


def _tally_rows(scope, by_project, by_donor):
    """Which of Tally's kinds of row (see the model) answer: every event once, per project, or
    per donor (each event once per donor, though two of its projects share it)."""
    if scope.project:
        return f"project_id = {int(scope.project.pk)} AND donor_id = 0"
    if scope.donor:
        if by_project:
            ids = ", ".join(str(int(i)) for i in scope.project_ids()) or "NULL"
            return f"project_id IN ({ids}) AND donor_id = 0"
        return f"project_id = 0 AND donor_id = {int(scope.donor.pk)}"
    if by_project:
        return "project_id <> 0 AND donor_id = 0"
    if by_donor:
        return "project_id = 0 AND donor_id <> 0"
    return "project_id = 0 AND donor_id = 0"


def _tally_where(scope, by_project=False, by_donor=False):
    """The period's Tally rows: whole months from the month rows, the rest from day rows."""
    months, days = _split(scope.start, scope.end)
    where = ["mission_id = %s"]
    params = [scope.mission.pk]
    parts = []
    if months:
        parts.append(f"(grain = 'M' AND start IN ({', '.join(['%s'] * len(months))}))")
        params += months
    for first, last in days:
        parts.append("(grain = 'D' AND start >= %s AND start <= %s)")
        params += [first, last]
    where.append("(" + " OR ".join(parts) + ")")
    where.append(_tally_rows(scope, by_project, by_donor))
    for column, ids in (
        ("service_type_id", scope.service_type_ids()),
        ("location_id", scope.location_ids()),
    ):
        if ids is not None:
            where.append(f"{column} IN ({', '.join(str(int(i)) for i in ids) or 'NULL'})")
    return " AND ".join(where), params


def tally(scope, *, by_project=False, by_donor=False, cells=True) -> Tallies:
    """The period's figures per service type, place, project, donor and month; with `cells`
    also per sex, age band and disability (many more rows: only what needs them asks)."""
    where, params = _tally_where(scope, by_project, by_donor)
    if cells:
        cell_columns, cell_group = "sex, age_band, disability", ", sex, age_band, disability"
    else:
        cell_columns = "'', '', " + ("false" if connection.vendor == "postgresql" else "0")
        cell_group = ""
    table = Tally._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT service_type_id, location_id, project_id, start, {cell_columns}, "
            f"sum(services), sum(people), donor_id FROM {table} WHERE {where} "
            f"GROUP BY service_type_id, location_id, project_id, donor_id, start{cell_group}",
            params,
        )
        rows = cursor.fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [()] * 10
    starts = np.array(columns[3], dtype="datetime64[D]")
    return Tallies(
        service_type=np.array(columns[0], dtype=np.int64),
        location=np.array(columns[1], dtype=np.int64),
        project=np.array(columns[2], dtype=np.int64),
        donor=np.array(columns[9], dtype=np.int64),
        month=starts.astype("datetime64[M]").astype(np.int64),
        sex=list(columns[4]),
        age_band=list(columns[5]),
        disability=np.array(columns[6], dtype=bool),
        services=np.array(columns[7], dtype=np.int64),
        people=np.array(columns[8], dtype=np.int64),
    )


def headcount_cells(scope):
    """[(sex, age band, disability, people)] counted by head in the scope."""
    where, params = _tally_where(scope)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT sex, age_band, disability, sum(people) FROM {Tally._meta.db_table} "
            f"WHERE {where} AND people <> 0 GROUP BY sex, age_band, disability",
            params,
        )
        return [(sex, band, bool(dis), int(n)) for sex, band, dis, n in cursor.fetchall() if n]


def _split(start, end):
    """The whole calendar months inside [start, end], and the day ranges around them."""
    months, days = [], []
    day = start
    while day <= end:
        month_start = day.replace(day=1)
        next_month = (month_start + datetime.timedelta(days=32)).replace(day=1)
        month_end = next_month - datetime.timedelta(days=1)
        if day == month_start and month_end <= end:
            months.append(month_start)
        else:
            days.append((day, min(end, month_end)))
        day = next_month
    return months, days


# --- Counting ---------------------------------------------------------------------------------


def _distinct(values):
    s = np.sort(values)
    if len(s) == 0:
        return s
    return s[np.concatenate(([True], s[1:] != s[:-1]))]


def _groups(period, value):
    """One number per (period, value) pair below 2**31, and how to split it back."""
    p0, v0 = int(period.min()), int(value.min())
    width = int(value.max()) - v0 + 1
    if (int(period.max()) - p0 + 1) * width < 2**31:
        return (period - p0) * width + (value - v0), lambda g: (g // width + p0, g % width + v0)
    values, dense = np.unique(value, return_inverse=True)  # ids too far apart: number them
    width = len(values)
    return (period - p0) * width + dense, lambda g: (g // width + p0, values[g % width])


def _runs(sorted_keys):
    """The distinct values of a sorted array and how often each occurs."""
    edges = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1], [True])))
    return sorted_keys[edges[:-1]], np.diff(edges)


def distinct_per(period, value, key):
    """[(period, value, distinct keys)] over rows (sorting: faster than numpy's hashing here)."""
    if len(key) == 0:
        return []
    group, split = _groups(period, value)
    pairs = _distinct((group.astype(np.int64) << 32) | key)
    groups, counts = _runs(pairs >> 32)
    periods, values = split(groups)
    return zip(periods.tolist(), values.tolist(), counts.tolist(), strict=True)


def count_per(period, value):
    """[(period, value, rows)]."""
    if len(period) == 0:
        return []
    group, split = _groups(period, value)
    groups, counts = _runs(np.sort(group))
    periods, values = split(groups)
    return zip(periods.tolist(), values.tolist(), counts.tolist(), strict=True)


def count_each(values):
    """{value: rows with it}."""
    values = np.asarray(values, dtype=np.int64)
    return {v: n for _p, v, n in count_per(np.zeros(len(values), dtype=np.int64), values)}


def unique_per(groups, people):
    """{group value: distinct people}, each person counted once per group value."""
    groups = np.asarray(groups, dtype=np.int64)
    once = np.zeros(len(groups), dtype=np.int64)
    return {value: n for _p, value, n in distinct_per(once, groups, people)}


def first_rows(person, day, period=None):
    """Indexes of each person's first row (per period, when given)."""
    if period is None:
        period = np.zeros(len(person), dtype=np.int64)
    order = np.lexsort((day, person, period))
    p, who = period[order], person[order]
    return order[np.concatenate(([True], (p[1:] != p[:-1]) | (who[1:] != who[:-1])))]


def sex_age(cell):
    """(sex, age band) of a cell numbered sex * 16 + band, as Reach numbers them."""
    s, b = divmod(int(cell), 16)
    return SEXES[s], AGE_BANDS[b] if b != AGE_UNKNOWN else "unknown"


def report_group(code):
    """The report's population group of Reach's population group number."""
    return REPORT_GROUPS.get(PopulationGroup.values[int(code)], "migrant")


def _lookup(ids, mapping):
    """Map an array of ids through a dict (unknown ids map to 0)."""
    if len(ids) == 0:
        return ids
    keys = np.array(sorted(mapping), dtype=np.int64)
    values = np.array([mapping[k] for k in keys], dtype=np.int64)
    if len(keys) == 0:
        return np.zeros_like(ids)
    at = np.clip(np.searchsorted(keys, ids), 0, len(keys) - 1)
    return np.where(keys[at] == ids, values[at], 0)


@dataclass
class Catalogue:
    """The mission's catalogue and places as lookups, read once per report."""

    types: dict  # service type id -> (sub-sector id, sector id, unit id)
    places: dict  # location id -> (province id, district id)

    @classmethod
    def of(cls, mission):
        types = {
            pk: (sub, sector, unit)
            for pk, sub, sector, unit in ServiceType.objects.filter(mission=mission).values_list(
                "pk", "sub_sector_id", "sub_sector__sector_id", "unit_id"
            )
        }
        by_code = {}
        rows = list(Location.objects.filter(mission=mission).values_list("pk", "pcode", "path"))
        for pk, pcode, _path in rows:
            by_code[pcode] = pk
        places = {}
        for pk, _pcode, path in rows:
            codes = path.strip("/").split("/")
            province = by_code.get(codes[1]) if len(codes) > 1 else None
            district = by_code.get(codes[2]) if len(codes) > 2 else None
            places[pk] = (province or 0, district or 0)
        return cls(types, places)


@dataclass
class Figures:
    """The counts of a scope. People counts are unique registered people unless named
    `headcount` (people counted by head at group sessions, never de-duplicated)."""

    unique: int = 0
    headcount: int = 0
    contacts: int = 0  # people summed over services (registered + headcount)
    services: int = 0
    households: int = 0
    people_by: dict = field(default_factory=dict)  # dimension -> {value: unique}
    headcount_by: dict = field(default_factory=dict)  # dimension -> {value: headcount}
    services_by: dict = field(default_factory=dict)  # dimension -> {value: services}
    households_by: dict = field(default_factory=dict)  # dimension -> {value: households}
    sex_age: dict = field(default_factory=dict)  # (sex, band) -> unique
    sex_age_headcount: dict = field(default_factory=dict)  # (sex, band) -> headcount
    groups: dict = field(default_factory=dict)  # report group -> unique
    disability: dict = field(default_factory=dict)  # True/False -> unique
    disability_headcount: dict = field(default_factory=dict)
    pending_pairs: int = 0
    pending_people: int = 0

    @property
    def total(self):
        return self.unique + self.headcount

    @property
    def non_unique_share(self):
        """(people summed over services - unique) / people summed over services."""
        return (self.contacts - self.unique) / self.contacts if self.contacts else 0.0


DIMENSIONS = ("sector", "sub_sector", "unit", "service_type", "province", "district", "site")


def _dimension_arrays(rows, catalogue):
    sub = {k: v[0] for k, v in catalogue.types.items()}
    sector = {k: v[1] for k, v in catalogue.types.items()}
    unit = {k: v[2] for k, v in catalogue.types.items()}
    province = {k: v[0] for k, v in catalogue.places.items()}
    district = {k: v[1] for k, v in catalogue.places.items()}
    return {
        "sector": _lookup(rows.service_type, sector),
        "sub_sector": _lookup(rows.service_type, sub),
        "unit": _lookup(rows.service_type, unit),
        "service_type": rows.service_type,
        "province": _lookup(rows.location, province),
        "district": _lookup(rows.location, district),
        "site": rows.location,
    }


def _month_index(days):
    dates = (np.datetime64(EPOCH.isoformat(), "D") + days.astype("timedelta64[D]")).astype(
        "datetime64[M]"
    )
    return dates.astype(np.int64)  # months since 1970-01


def compute(scope, *, months=False, projects=True, from_rows=False) -> Figures:
    """The scope's figures. A whole calendar month, quarter or year of the mission takes its
    unique people from the rollup (unless `from_rows`); anything else counts Reach rows."""
    from . import rollup

    f = Figures()
    grain = None if from_rows else rollup.grain_of(scope)
    if grain and rollup.is_current(scope.mission.pk):
        rollup.add_figures(f, scope, grain, months=months, projects=projects)
        if f.unique:
            _pending_duplicates(f, scope, None)
        return f
    catalogue = Catalogue.of(scope.mission)
    _add_people(f, scope, catalogue, months=months, projects=projects)
    _add_tally(f, scope, catalogue)
    if projects:
        _add_projects(f, scope)
    return f


def _add_people(f, scope, catalogue, *, months, projects):
    rows = fetch_rows(scope)
    f.contacts = len(rows)
    person = rows.person
    if len(rows):
        f.unique = len(_distinct(person))
        households = rows.household[rows.household != 0]
        f.households = len(_distinct(households))
        dims = _dimension_arrays(rows, catalogue)
        for name in DIMENSIONS:
            f.people_by[name] = unique_per(dims[name], person)
        with_home = rows.household != 0
        for name in ("sector", "sub_sector", "unit", "province"):
            f.households_by[name] = unique_per(dims[name][with_home], rows.household[with_home])
        # A person's age band, and the rest, as on their first service in the period.
        first = first_rows(person, rows.day)
        for cell, n in count_each(rows.sex[first] * 16 + rows.age_band[first]).items():
            f.sex_age[sex_age(cell)] = n
        for code, n in count_each(rows.group[first]).items():
            name = report_group(code)
            f.groups[name] = f.groups.get(name, 0) + n
        f.disability = {
            True: int(rows.disability[first].sum()),
            False: int(len(first) - rows.disability[first].sum()),
        }
        if months:
            f.people_by["month"] = {
                _month_start(m): n for m, n in unique_per(_month_index(rows.day), person).items()
            }
        _pending_duplicates(f, scope, person)
    if projects:
        people, projects = fetch_project_pairs(scope)
        donors = dict(Project.objects.filter(mission=scope.mission).values_list("pk", "donor_id"))
        f.people_by["project"] = unique_per(projects, people)
        f.people_by["donor"] = unique_per(_lookup(projects, donors), people)


def _month_start(months_since_1970):
    return datetime.date(1970 + int(months_since_1970) // 12, int(months_since_1970) % 12 + 1, 1)


def sum_per(groups, values):
    """{group value: sum of values}."""
    if len(groups) == 0:
        return {}
    keys, inverse = np.unique(groups, return_inverse=True)
    sums = np.bincount(inverse, weights=values).astype(np.int64)
    return {int(k): int(v) for k, v in zip(keys, sums, strict=True) if v}


def _tally_dimensions(t, catalogue):
    return {
        "sector": _lookup(t.service_type, {k: v[1] for k, v in catalogue.types.items()}),
        "sub_sector": _lookup(t.service_type, {k: v[0] for k, v in catalogue.types.items()}),
        "unit": _lookup(t.service_type, {k: v[2] for k, v in catalogue.types.items()}),
        "service_type": t.service_type,
        "province": _lookup(t.location, {k: v[0] for k, v in catalogue.places.items()}),
        "district": _lookup(t.location, {k: v[1] for k, v in catalogue.places.items()}),
        "site": t.location,
        "month": t.month,
    }


def _add_tally(f, scope, catalogue):
    t = tally(scope, cells=False)
    f.services = int(t.services.sum())
    f.headcount = int(t.people.sum())
    f.contacts += f.headcount
    for name, groups in _tally_dimensions(t, catalogue).items():
        f.services_by[name] = sum_per(groups, t.services)
        f.headcount_by[name] = sum_per(groups, t.people)
    f.services_by["month"] = {_month_start(m): n for m, n in f.services_by["month"].items()}
    f.headcount_by["month"] = {_month_start(m): n for m, n in f.headcount_by["month"].items()}
    for sex, band, dis, people in headcount_cells(scope):
        f.sex_age_headcount[(sex, band)] = f.sex_age_headcount.get((sex, band), 0) + people
        f.disability_headcount[dis] = f.disability_headcount.get(dis, 0) + people


def _add_projects(f, scope):
    """Services and headcounts per project and donor (people per project: _add_people)."""
    donors = dict(Project.objects.filter(mission=scope.mission).values_list("pk", "donor_id"))
    t = tally(scope, by_project=True, cells=False)
    f.services_by["project"] = sum_per(t.project, t.services)
    f.headcount_by["project"] = sum_per(t.project, t.people)
    t = tally(scope, by_donor=True, cells=False)
    by_donor = np.where(t.donor != 0, t.donor, _lookup(t.project, donors))
    f.services_by["donor"] = sum_per(by_donor, t.services)
    f.headcount_by["donor"] = sum_per(by_donor, t.people)


def _pending_duplicates(f, scope, person):
    """Open duplicate pairs among the people counted (`person`, or when None the people with
    a row in the scope): how far the unique figure may fall."""
    pairs = np.array(
        DuplicateCandidate.objects.filter(
            mission=scope.mission, status=DuplicateCandidate.Status.OPEN
        ).values_list("person_a_id", "person_b_id"),
        dtype=np.int64,
    ).reshape(-1, 2)
    if not len(pairs):
        return
    if person is None:
        candidates = _distinct(pairs.ravel()).tolist()
        person = np.array(
            [
                p
                for i in range(0, len(candidates), 500)
                for p in Reach.objects.filter(
                    mission=scope.mission,
                    day__range=(scope.start, scope.end),
                    person_id__in=candidates[i : i + 500],
                )
                .values_list("person_id", flat=True)
                .distinct()
            ],
            dtype=np.int64,
        )
    reached = _distinct(person)
    inside = np.isin(pairs[:, 0], reached) & np.isin(pairs[:, 1], reached)
    f.pending_pairs = int(inside.sum())
    f.pending_people = len(_distinct(pairs[inside].ravel()))
