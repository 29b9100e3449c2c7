"""Who did what, where, for whom: the rows of the 4W/5W and HXL exports.

One row per project, service type and district (the province where a place has no district).
People are unique within a row: a person served twice by the same activity in the same district
counts once there, and once again in any other row (the way coordination 4Ws add up). An event
shared by two projects appears in both projects' rows; events that name no project are in rows
of their own (project UNATTRIBUTED). Registered people carry sex, age band (on their first
service in the row) and population group; people counted by headcount have no population group.
"""

from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from .engine import Catalogue, _lookup, _where, tally
from .models import AGE_BANDS, AGE_UNKNOWN, SEXES, UNATTRIBUTED, Reach


@dataclass
class Activity:
    project: int
    service_type: int
    place: int
    services: int = 0
    registered: int = 0  # unique registered people
    headcount: int = 0
    cells: dict = field(default_factory=dict)  # (sex, band) -> registered + headcount
    groups: dict = field(default_factory=dict)  # population group index -> registered

    @property
    def reached(self):
        return self.registered + self.headcount


def _places(rows_location, catalogue):
    district = _lookup(rows_location, {k: v[1] for k, v in catalogue.places.items()})
    province = _lookup(rows_location, {k: v[0] for k, v in catalogue.places.items()})
    return np.where(district != 0, district, province)


def _reach_rows(scope):
    where, params = _where(scope, main_rows=False)
    sql = (
        "SELECT person_id, project_id, service_type_id, location_id, day, sex, age_band, "
        f"population_group FROM {Reach._meta.db_table} WHERE {where} ORDER BY day"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [()] * 8
    ints = {
        name: np.array(columns[i], dtype=np.int64)
        for i, name in enumerate(("person", "project", "service_type", "location"))
    }
    ints["project"] = np.where(ints["project"] == 0, UNATTRIBUTED, ints["project"])
    for i, name in ((5, "sex"), (6, "age_band"), (7, "group")):
        ints[name] = np.array(columns[i], dtype=np.int64)
    return ints


def activities(scope) -> list[Activity]:
    catalogue = Catalogue.of(scope.mission)
    found = {}

    def row(key):
        if key not in found:
            found[key] = Activity(*key)
        return found[key]

    r = _reach_rows(scope)
    if len(r["person"]):
        keys = np.stack([r["project"], r["service_type"], _places(r["location"], catalogue)], 1)
        # Rows come by day, so the first of each (activity, person) is their first service there.
        combined = np.concatenate([keys, r["person"][:, None]], axis=1)
        _unique, first = np.unique(combined, axis=0, return_index=True)
        for i in first:
            a = row(tuple(int(k) for k in keys[i]))
            a.registered += 1
            band = AGE_BANDS[r["age_band"][i]] if r["age_band"][i] != AGE_UNKNOWN else "unknown"
            cell = (SEXES[r["sex"][i]], band)
            a.cells[cell] = a.cells.get(cell, 0) + 1
            group = int(r["group"][i])
            a.groups[group] = a.groups.get(group, 0) + 1
    t = tally(scope, by_project=True)
    places = _places(t.location, catalogue)
    for i in range(len(t.services)):
        if not (t.services[i] or t.people[i]):
            continue
        a = row((int(t.project[i]), int(t.service_type[i]), int(places[i])))
        a.services += int(t.services[i])
        if t.people[i]:
            a.headcount += int(t.people[i])
            cell = (t.sex[i], t.age_band[i] or "unknown")
            a.cells[cell] = a.cells.get(cell, 0) + int(t.people[i])
    return [a for a in found.values() if a.reached or a.services]
