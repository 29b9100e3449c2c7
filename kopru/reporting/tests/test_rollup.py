"""The unique people kept per calendar period (reporting.rollup) follow every kind of write
and always equal what counting the rows says; the full report of such a period reads them."""

import random
import threading
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from kopru.core.models import Location
from kopru.core.tests.factories import mission
from kopru.registry import services as registry
from kopru.registry.merge import merge_people, undo_merge
from kopru.registry.models import Household
from kopru.reporting import projection, rollup
from kopru.reporting.engine import Scope, compute
from kopru.reporting.models import Rollup
from kopru.reporting.tests.test_projection import assert_rebuild_agrees, assert_rollup_agrees
from kopru.reporting.tests.test_projection import projects as two_projects
from kopru.services.models import ServiceType, SubSector
from kopru.services.services import record_service, update_service, void_service
from kopru.services.tests.test_record import a_service

pytestmark = pytest.mark.django_db


def quarter_of(day):
    first = date(day.year, day.month - (day.month - 1) % 3, 1)
    after = date(first.year + (first.month + 2) // 12, (first.month + 2) % 12 + 1, 1)
    return Scope(mission("TR"), first, after - timedelta(days=1))


def test_random_writes_keep_the_rollup_equal_to_the_rows(
    clerk_zeynep, caseworker_omer, admin_selin, twenty, haliliye_centre, sahinbey_centre
):
    rng = random.Random(5)
    tr = mission("TR")
    zone = ZoneInfo(tr.timezone)
    people = list(twenty[:8])
    homes = []
    for head, member in ((people[0], people[1]), (people[2], people[3])):
        home = registry.create_household(
            clerk_zeynep, Household(mission=tr, location=haliliye_centre), head=head
        )
        registry.add_member(clerk_zeynep, home, member, "child")
        homes.append(home)
    types = {
        subject: [
            st
            for st in ServiceType.objects.filter(mission=tr, category="general")
            if subject in st.subjects
        ][:6]
        for subject in ("person", "household", "group")
    }
    # Two provinces, each recorded by someone of its team.
    recorder = {haliliye_centre.pk: clerk_zeynep, sahinbey_centre.pk: caseworker_omer}
    sites = [haliliye_centre, sahinbey_centre]
    first, second = two_projects()
    today = timezone.localdate()

    def moment():
        # Across month, quarter and year boundaries over the last twenty months.
        day = today - timedelta(days=rng.randint(1, 600))
        return datetime.combine(day, time(rng.randint(8, 17)), tzinfo=zone)

    def shares():
        return rng.choice([[], [(first, 100)], [(first, 60), (second, 40)], [(second, 100)]])

    events, merges = [], []

    def active(among=people):  # a merged record takes no new services
        return [p for p in among if all(m.merged_id != p.pk for m in merges)]

    for step in range(60):
        action = rng.choice(["person"] * 3 + ["household", "group", "edit", "void", "registry"])
        live = [e for e in events if e.voided_at is None]
        if action == "person":
            site = rng.choice(sites)
            events.append(
                record_service(
                    recorder[site.pk],
                    tr,
                    service_type=rng.choice(types["person"]),
                    person=rng.choice(active()),
                    at=moment(),
                    location=site,
                    modality="centre",
                    projects=shares(),
                )
            )
        elif action == "household":
            site = rng.choice(sites)
            events.append(
                record_service(
                    recorder[site.pk],
                    tr,
                    service_type=rng.choice(types["household"]),
                    household=rng.choice(homes),
                    at=moment(),
                    location=site,
                    modality="home_visit",
                    projects=shares(),
                )
            )
        elif action == "group":
            site = rng.choice(sites)
            events.append(
                record_service(
                    recorder[site.pk],
                    tr,
                    service_type=rng.choice(types["group"]),
                    participants=rng.sample(active(), rng.randint(1, 4)),
                    headcounts=[
                        {"sex": "female", "age_band": "18-59", "disability": False, "count": 4}
                    ],
                    at=moment(),
                    location=site,
                    modality="centre",
                    projects=shares(),
                )
            )
        elif action == "edit" and live:
            event = rng.choice(live)
            changes = {"at": moment()}
            if event.person_id:
                changes["person"] = rng.choice(active())
            update_service(recorder[event.location_id], event, **changes)
        elif action == "void" and live:
            event = rng.choice(live)
            void_service(recorder[event.location_id], event, reason="Recorded twice")
        elif action == "registry":
            if merges and rng.random() < 0.5:
                undo_merge(admin_selin, merges.pop())
            elif not merges:
                survivor, merged = rng.sample(people[4:], 2)
                merges.append(merge_people(admin_selin, survivor, merged))
            else:
                moved = rng.choice(active(people[4:]))
                registry.add_member(clerk_zeynep, rng.choice(homes), moved, "other_relative")
        if step % 15 == 14:
            assert_rollup_agrees()
    assert Rollup.objects.filter(mission=tr, grain="Q").exclude(count=0).exists()
    assert_rebuild_agrees()


def test_the_full_quarterly_report_reads_the_rollup_and_a_catalogue_change_falls_back_to_rows(
    clerk_zeynep, twenty, haliliye_centre
):
    tr = mission("TR")
    st = a_service("general", "person")
    day = timezone.localdate() - timedelta(days=3)
    at = datetime.combine(day, time(10), tzinfo=ZoneInfo(tr.timezone))
    for who in twenty[:3]:
        record_service(
            clerk_zeynep,
            tr,
            service_type=st,
            person=who,
            at=at,
            location=haliliye_centre,
            modality="centre",
        )
    scope = quarter_of(day)
    assert rollup.grain_of(scope) == "Q"
    assert rollup.grain_of(Scope(tr, scope.start, scope.end - timedelta(days=1))) is None
    assert rollup.grain_of(Scope(tr, scope.start, scope.end, site=haliliye_centre)) is None
    # What the report shows comes from the rollup: change it behind the projection's back.
    Rollup.objects.filter(mission=tr, grain="Q", dimension="total", measure="people").update(
        count=99
    )
    assert compute(scope).unique == 99
    assert compute(scope, from_rows=True).unique == 3
    # Saving a place unchanged keeps the rollup; moving a service to another sub-sector makes
    # its breakdowns wrong, so reports count rows until a rebuild.
    Location.objects.get(pk=haliliye_centre.pk).save()
    assert rollup.is_current(tr.pk)
    st.sub_sector = (
        SubSector.objects.filter(sector__mission=tr).exclude(pk=st.sub_sector_id).first()
    )
    st.save()
    assert not rollup.is_current(tr.pk)
    assert compute(scope).unique == 3
    record_service(
        clerk_zeynep,
        tr,
        service_type=st,
        person=twenty[3],
        at=at,
        location=haliliye_centre,
        modality="centre",
    )
    assert compute(scope).unique == 4
    projection.rebuild(tr)
    assert rollup.is_current(tr.pk)
    assert compute(scope).unique == 4
    assert_rollup_agrees()


@pytest.mark.django_db(transaction=True)
def test_two_services_for_one_person_recorded_at_once_count_them_once(
    clerk_zeynep, twenty, haliliye_centre, settings
):
    if connection.vendor == "sqlite":
        # SQLite: a write transaction takes the database's write lock when it begins, so two
        # writes never interleave.
        assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        return
    tr = mission("TR")
    amina = twenty[0]
    general = a_service("general", "person")
    # Another sector, so the two writes share no Tally row (that would make them wait anyway).
    other = next(
        st
        for st in ServiceType.objects.filter(mission=tr, category="general")
        if "person" in st.subjects and st.sub_sector.sector_id != general.sub_sector.sector_id
    )
    day = timezone.localdate() - timedelta(days=3)
    at = datetime.combine(day, time(10), tzinfo=ZoneInfo(tr.timezone))
    recorded, release = threading.Event(), threading.Event()

    def record(service_type, hold=False):
        try:
            with transaction.atomic():
                record_service(
                    clerk_zeynep,
                    tr,
                    service_type=service_type,
                    person=amina,
                    at=at,
                    location=haliliye_centre,
                    modality="centre",
                )
                if hold:
                    recorded.set()
                    release.wait(20)
        finally:
            connections.close_all()

    first = threading.Thread(target=record, args=(general, True))
    first.start()
    assert recorded.wait(20)
    second = threading.Thread(target=record, args=(other,))
    second.start()
    second.join(1)
    assert second.is_alive()  # waiting for the first write to commit
    release.set()
    first.join(20)
    second.join(20)
    scope = quarter_of(day)
    figures = compute(scope)
    assert (figures.unique, figures.services) == (1, 2)
    assert figures == compute(scope, from_rows=True)
