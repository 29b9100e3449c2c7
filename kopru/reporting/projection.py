"""Keeping Reach and Tally equal to what the ledger says, in the same transaction as each write.

One set of SQL statements does both jobs: projecting the events one write touched, and
rebuilding a whole mission (`manage.py rebuild_reporting`). So the incremental path and the
rebuild cannot drift apart, and a test checks that they agree.

- A service write (services.signals) retracts the event's rows before the change and projects
  them again after it. Tally is additive, so retracting adds the event's figures with a minus
  sign; Reach rows are deleted and inserted.
- A change to a person or a household membership (registry models' post_save, which merges
  and their undo also send) re-projects the Reach rows of every event that person took part in.
"""

import contextlib
import datetime
import zoneinfo

from django.db import connection, transaction

from kopru.core.models import Project
from kopru.registry.models import Membership, Person, PopulationGroup
from kopru.services.models import (
    Headcount,
    Participation,
    ServiceEvent,
    ServiceProject,
)

from . import rollup
from .models import AGE_UNKNOWN, SEXES, UNATTRIBUTED, Reach, Rollup, Tally

T = {
    "event": ServiceEvent._meta.db_table,
    "person": Person._meta.db_table,
    "membership": Membership._meta.db_table,
    "participation": Participation._meta.db_table,
    "headcount": Headcount._meta.db_table,
    "share": ServiceProject._meta.db_table,
    "mission": "core_mission",
    "project": Project._meta.db_table,
    "reach": Reach._meta.db_table,
    "tally": Tally._meta.db_table,
}


def _postgres():
    return connection.vendor == "postgresql"


def _day(at, zone):
    """The local date of a UTC timestamp: SQLite has no time zones, so Python supplies them."""
    if at is None:
        return None
    moment = datetime.datetime.fromisoformat(str(at))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(zoneinfo.ZoneInfo(zone)).date().isoformat()


def install_sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("kopru_local_day", 2, _day, deterministic=True)


def _sql_day(at, zone):
    return f"({at} AT TIME ZONE {zone})::date" if _postgres() else f"kopru_local_day({at}, {zone})"


def _sql_month(day):
    return f"date_trunc('month', {day})::date" if _postgres() else f"(substr({day}, 1, 8) || '01')"


def _sql_age(day, birth):
    if _postgres():
        return f"date_part('year', age({day}, {birth}))"
    return (
        f"(CAST(strftime('%Y', {day}) AS INTEGER) - CAST(strftime('%Y', {birth}) AS INTEGER)"
        f" - (strftime('%m%d', {day}) < strftime('%m%d', {birth})))"
    )


def _case(column, values):
    whens = " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(values))
    return f"CASE {column} {whens} ELSE {len(values) - 1} END"


def _age_band(day, birth):
    age = _sql_age(day, birth)
    return (
        f"CASE WHEN {birth} IS NULL THEN {AGE_UNKNOWN} WHEN {age} < 5 THEN 0 "
        f"WHEN {age} < 12 THEN 1 WHEN {age} < 18 THEN 2 WHEN {age} < 60 THEN 3 ELSE 4 END"
    )


def _events(where):
    """The live events selected by `where`, with their local day."""
    return (
        f"SELECT e.id, e.mission_id, e.service_type_id, e.location_id, e.person_id, "
        f"e.household_id, {_sql_day('e.at', 'mi.timezone')} AS day "
        f"FROM {T['event']} e JOIN {T['mission']} mi ON mi.id = e.mission_id "
        f"WHERE e.voided_at IS NULL AND {where}"
    )


# Members of a household served on a day: those whose membership covered the day, and the
# founding members for a service recorded before the household was registered.
_MEMBERS = (
    "SELECT ev.id, ev.mission_id, ev.service_type_id, ev.location_id, ev.day, "
    "m.person_id AS pid, ev.household_id AS hh FROM ev JOIN {membership} m "
    "ON m.household_id = ev.household_id "
    "AND (m.end_date IS NULL OR m.end_date >= ev.day) "
    "AND (m.start_date <= ev.day OR m.start_date = "
    "(SELECT min(m3.start_date) FROM {membership} m3 WHERE m3.household_id = ev.household_id))"
)

# The household a person belonged to on a day; before they joined any, the first one.
_HOUSEHOLD_ON = (
    "(SELECT m2.household_id FROM {membership} m2 WHERE m2.person_id = p.id "
    "AND m2.start_date <= who.day AND (m2.end_date IS NULL OR m2.end_date >= who.day) "
    "ORDER BY m2.start_date DESC LIMIT 1), "
    "(SELECT m4.household_id FROM {membership} m4 WHERE m4.person_id = p.id "
    "AND m4.start_date > who.day ORDER BY m4.start_date LIMIT 1)"
)


def _reach_insert(where):
    columns = (
        "event_id, person_id, household_id, mission_id, day, service_type_id, location_id, "
        "project_id, main_row, sex, age_band, population_group, disability"
    )
    cols = "ev.id, ev.mission_id, ev.service_type_id, ev.location_id, ev.day"
    return (
        f"WITH ev (id, mission_id, service_type_id, location_id, person_id, household_id, day) "
        f"AS ({_events(where)}), "
        f"who (id, mission_id, service_type_id, location_id, day, pid, hh) AS ("
        f"SELECT {cols}, ev.person_id, CAST(NULL AS INTEGER) FROM ev "
        f"WHERE ev.person_id IS NOT NULL "
        # A merged record kept at a session its survivor also attended counts as the survivor.
        f"UNION ALL SELECT DISTINCT {cols}, COALESCE(pm.merged_into_id, pa.person_id), "
        f"CAST(NULL AS INTEGER) FROM ev "
        f"JOIN {T['participation']} pa ON pa.event_id = ev.id "
        f"JOIN {T['person']} pm ON pm.id = pa.person_id "
        f"UNION ALL {_MEMBERS.format(**T)}) "
        f"INSERT INTO {T['reach']} ({columns}) "
        f"SELECT who.id, p.id, COALESCE(who.hh, {_HOUSEHOLD_ON.format(**T)}), who.mission_id, "
        f"who.day, who.service_type_id, who.location_id, COALESCE(sp.project_id, 0), "
        f"(sp.project_id IS NULL OR sp.project_id = (SELECT min(sp2.project_id) FROM "
        f"{T['share']} sp2 WHERE sp2.event_id = who.id)), "
        f"{_case('p.sex', SEXES)}, {_age_band('who.day', 'p.birth_date')}, "
        f"{_case('p.population_group', PopulationGroup.values)}, p.has_disability "
        f"FROM who JOIN {T['person']} p ON p.id = who.pid "
        f"LEFT JOIN {T['share']} sp ON sp.event_id = who.id"
    )


def _tally_select(where, sign):
    """(WITH clause, SELECT) of the Tally rows the events selected by `where` add (`sign` 1)
    or take away (-1): one per grain, period, service type, place, project, donor and cell."""
    key = "mission_id, grain, start, service_type_id, location_id, project_id, donor_id"
    false = "false" if _postgres() else "0"
    with_clause = (
        f"WITH ev (id, mission_id, service_type_id, location_id, person_id, household_id, day) "
        f"AS ({_events(where)}), "
        f"ev2 (id, mission_id, service_type_id, location_id, grain, start) AS ("
        f"SELECT id, mission_id, service_type_id, location_id, 'D', "
        f"day AS start FROM ev UNION ALL SELECT id, mission_id, service_type_id, location_id, "
        f"'M', {_sql_month('day')} FROM ev), "
        f"evp AS (SELECT ev2.*, 0 AS project_id, 0 AS donor_id FROM ev2 UNION ALL "
        f"SELECT ev2.*, sp.project_id, 0 FROM ev2 JOIN {T['share']} sp ON sp.event_id = ev2.id "
        f"UNION ALL SELECT ev2.*, {UNATTRIBUTED}, 0 FROM ev2 WHERE NOT EXISTS "
        f"(SELECT 1 FROM {T['share']} sp3 WHERE sp3.event_id = ev2.id) "
        f"UNION ALL SELECT DISTINCT ev2.*, 0, pr.donor_id FROM ev2 "
        f"JOIN {T['share']} sp4 ON sp4.event_id = ev2.id "
        f"JOIN {T['project']} pr ON pr.id = sp4.project_id) "
    )
    select = (
        f"SELECT * FROM ("
        f"SELECT {key}, '' AS sex, '' AS age_band, {false} AS disability, "
        f"{sign} * count(*) AS services, 0 AS people FROM evp GROUP BY {key} "
        f"UNION ALL SELECT evp.mission_id, grain, start, service_type_id, location_id, "
        f"project_id, donor_id, h.sex, h.age_band, h.disability, 0, {sign} * sum(h.count) "
        f"FROM evp JOIN {T['headcount']} h ON h.event_id = evp.id "
        f"GROUP BY evp.mission_id, grain, start, service_type_id, location_id, project_id, "
        f"donor_id, h.sex, h.age_band, h.disability"
        f") u"
    )
    return with_clause, select


def _tally_upsert(where, sign, *, upsert=True):
    """Add the events' rows to Tally; without `upsert` into rows known to be new (a rebuild),
    which needs no unique index."""
    key = "mission_id, grain, start, service_type_id, location_id, project_id, donor_id"
    cells = "sex, age_band, disability"
    with_clause, select = _tally_select(where, sign)
    insert = f"{with_clause}INSERT INTO {T['tally']} ({key}, {cells}, services, people) {select}"
    if not upsert:
        return insert
    return (
        f"{insert} WHERE true "
        f"ON CONFLICT ({key}, {cells}) DO UPDATE SET "
        f"services = {T['tally']}.services + excluded.services, "
        f"people = {T['tally']}.people + excluded.people"
    )


def _month_tallies(where, sign):
    """The month rows _tally_upsert would add, without writing them (for the rollup)."""
    with_clause, select = _tally_select(where, sign)
    with connection.cursor() as cursor:
        cursor.execute(
            f"{with_clause}SELECT mission_id, start, service_type_id, location_id, project_id, "
            f"donor_id, sex, age_band, disability, services, people FROM ({select}) m "
            "WHERE grain = 'M'"
        )
        return cursor.fetchall()


def _ids(event_ids):
    ids = sorted({int(i) for i in event_ids})
    return f"e.id IN ({', '.join(map(str, ids))})" if ids else "1 = 0"


def _run(*statements):
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# --- The incremental path -------------------------------------------------------------------


def retract(event_ids):
    """Take events out of the figures, as they stand now (before a change is written)."""
    if not event_ids:
        return
    _run(_tally_upsert(_ids(event_ids), -1))
    rollup.add_tallies(_month_tallies(_ids(event_ids), -1))
    rollup.change(event_ids, leaving=True)
    Reach.objects.filter(event_id__in=event_ids).delete()


def project(event_ids):
    """Put events into the figures as they stand now (after a write)."""
    if not event_ids:
        return
    _run(_tally_upsert(_ids(event_ids), 1), _reach_insert(_ids(event_ids)))
    rollup.add_tallies(_month_tallies(_ids(event_ids), 1))
    rollup.change(event_ids, leaving=False)


def events_of(person_ids):
    """Every event a person took part in: directly, in a group, or through a household."""
    ids = set(Reach.objects.filter(person_id__in=person_ids).values_list("event_id", flat=True))
    ids |= set(ServiceEvent.objects.filter(person_id__in=person_ids).values_list("id", flat=True))
    ids |= set(
        Participation.objects.filter(person_id__in=person_ids).values_list("event_id", flat=True)
    )
    households = Membership.objects.filter(person_id__in=person_ids).values("household_id")
    ids |= set(
        ServiceEvent.objects.filter(household_id__in=households).values_list("id", flat=True)
    )
    return ids


def refresh_people(person_ids):
    """Re-project the Reach rows of every event these people took part in (after an edit of
    their record or household, a merge, or its undo). Tally holds no person data."""
    person_ids = [p for p in person_ids if p]
    if not person_ids:
        return
    events = events_of(person_ids)
    if events:
        rollup.change(events, leaving=True)
        Reach.objects.filter(event_id__in=events).delete()
        _run(_reach_insert(_ids(events)))
        rollup.change(events, leaving=False)


# --- The rebuild ----------------------------------------------------------------------------


def rebuild(mission):
    """Recompute a mission's figures from the ledger (after a bulk load, or to check).

    On PostgreSQL the derived tables' indexes are set aside while the rows are written and
    built again afterwards (sorting once is far cheaper than growing them row by row at
    national scale); reports wait for the rebuild's transaction meanwhile."""
    with transaction.atomic():
        Reach.objects.filter(mission_id=mission.pk).delete()
        Tally.objects.filter(mission_id=mission.pk).delete()
        where = f"e.mission_id = {int(mission.pk)}"
        with _indexes_set_aside(T["tally"], T["reach"]):
            _run(_tally_upsert(where, 1, upsert=False), _reach_insert(where))
        rollup.rebuild(mission)


@contextlib.contextmanager
def _indexes_set_aside(*tables):
    if not _postgres():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'u' AND conrelid = ANY(%s::regclass[])",
            [list(tables)],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = ANY(%s) AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))",
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def snapshot(mission):
    """The projection's rows, comparable between the incremental path and a rebuild."""
    reach = sorted(
        Reach.objects.filter(mission=mission).values_list(
            "event_id",
            "person_id",
            "household_id",
            "day",
            "service_type_id",
            "location_id",
            "project_id",
            "main_row",
            "sex",
            "age_band",
            "population_group",
            "disability",
        )
    )
    tally = sorted(
        Tally.objects.filter(mission=mission)
        .exclude(services=0, people=0)
        .values_list(
            "grain",
            "start",
            "service_type_id",
            "location_id",
            "project_id",
            "donor_id",
            "sex",
            "age_band",
            "disability",
            "services",
            "people",
        )
    )
    counts = sorted(
        Rollup.objects.filter(mission=mission)
        .exclude(count=0)
        .values_list("grain", "start", "dimension", "value", "measure", "count")
    )
    return reach, tally, counts
