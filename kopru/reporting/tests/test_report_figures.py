"""The demo's quarterly report, figure by figure, against a count made independently from
the raw tables in plain Python (issue 5: "how it will be checked")."""

from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from kopru.core.models import Location, Mission, Project
from kopru.registry.models import Membership, Person
from kopru.reporting import report
from kopru.reporting.engine import REPORT_GROUPS, Scope
from kopru.services.models import Headcount, Participation, ServiceEvent, ServiceProject

pytestmark = pytest.mark.django_db


def age_band(birth, day):
    if birth is None:
        return "unknown"
    age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    for limit, band in ((5, "0-4"), (12, "5-11"), (18, "12-17"), (60, "18-59")):
        if age < limit:
            return band
    return "60+"


def count_by_hand(mission, start, end):
    """What the report should say, read straight from the ledger and the registry."""
    zone = ZoneInfo(mission.timezone)
    memberships = defaultdict(list)
    for m in Membership.objects.all():
        memberships[m.household_id].append(m)
    by_person = defaultdict(list)
    for ms in memberships.values():
        for m in ms:
            by_person[m.person_id].append(m)

    def members(household, day):
        ms = memberships[household]
        first = min((m.start_date for m in ms), default=None)
        return {
            m.person_id
            for m in ms
            if (m.end_date is None or m.end_date >= day)
            and (m.start_date <= day or m.start_date == first)
        }

    def home(person, day):
        ms = by_person[person]
        current = [
            m for m in ms if m.start_date <= day and (m.end_date is None or m.end_date >= day)
        ]
        if current:
            return max(current, key=lambda m: m.start_date).household_id
        later = [m for m in ms if m.start_date > day]
        return min(later, key=lambda m: m.start_date).household_id if later else None

    province_of = {}
    for loc in Location.objects.filter(mission=mission):
        codes = loc.path.strip("/").split("/")
        province_of[loc.pk] = codes[1] if len(codes) > 1 else None

    out = {
        "services": 0,
        "headcount": 0,
        "people": set(),
        "households": set(),
        "sector": defaultdict(set),
        "sector_services": defaultdict(int),
        "sector_headcount": defaultdict(int),
        "province": defaultdict(set),
        "site_services": defaultdict(int),
        "project": defaultdict(set),
        "contacts": 0,
        "first": {},
    }
    events = ServiceEvent.objects.filter(mission=mission, voided_at__isnull=True).select_related(
        "service_type__sub_sector"
    )
    for e in events:
        day = e.at.astimezone(zone).date()
        if not start <= day <= end:
            continue
        reached = {}
        if e.person_id:
            reached[e.person_id] = home(e.person_id, day)
        for p in Participation.objects.filter(event=e).values_list("person_id", flat=True):
            reached[p] = home(p, day)
        if e.household_id:
            for p in members(e.household_id, day):
                reached[p] = e.household_id
        counted = sum(Headcount.objects.filter(event=e).values_list("count", flat=True))
        sector = e.service_type.sub_sector.sector_id
        out["services"] += 1
        out["headcount"] += counted
        out["contacts"] += len(reached) + counted
        out["sector_services"][sector] += 1
        out["sector_headcount"][sector] += counted
        out["site_services"][e.location_id] += 1
        for person, household in reached.items():
            out["people"].add(person)
            if household:
                out["households"].add(household)
            out["sector"][sector].add(person)
            out["province"][province_of[e.location_id]].add(person)
            projects = ServiceProject.objects.filter(event=e).values_list("project_id", flat=True)
            for project in projects or ["none"]:
                out["project"][project].add(person)
            if person not in out["first"] or day < out["first"][person]:
                out["first"][person] = day
    return out


def test_the_demo_quarterly_report_matches_a_count_by_hand(settings):
    settings.DEMO_SCALE = 0.02
    call_command("load_demo", verbosity=0)
    mission = Mission.objects.get(code="TR")
    period = report.last_quarter()
    r = report.build(Scope(mission, period.start, period.end), period)
    hand = count_by_hand(mission, period.start, period.end)
    f = r.figures

    assert f.services == hand["services"] > 50
    assert f.unique == len(hand["people"]) > 20
    assert f.headcount == hand["headcount"] > 0
    assert f.total == len(hand["people"]) + hand["headcount"]
    assert f.contacts == hand["contacts"]
    assert f.households == len(hand["households"]) > 0
    # Someone in the demo is served by more than one sector and counts once in the total.
    in_sectors = defaultdict(int)
    for people in hand["sector"].values():
        for p in people:
            in_sectors[p] += 1
    assert max(in_sectors.values()) > 1
    assert sum(s.unique for s in r.sectors) > f.unique

    sectors = {s.name: s for s in r.sectors}
    from kopru.services.models import Sector

    for sector in Sector.objects.filter(mission=mission):
        line = sectors.get(str(sector))
        people = len(hand["sector"].get(sector.pk, ()))
        services = hand["sector_services"].get(sector.pk, 0)
        if not people and not services:
            assert line is None
            continue
        assert (line.unique, line.services, line.headcount) == (
            people,
            services,
            hand["sector_headcount"].get(sector.pk, 0),
        ), sector
    provinces = {p.code: p.unique for p in r.provinces if p.unique}
    by_code = {loc.pcode: loc.iso_code for loc in Location.objects.filter(level="province")}
    assert provinces == {by_code[c]: len(v) for c, v in hand["province"].items() if v}
    assert {s.name: s.services for s in r.sites} == {
        Location.objects.get(pk=pk).name: n for pk, n in hand["site_services"].items()
    }
    codes = dict(Project.objects.values_list("pk", "code"))
    # A project whose services in the period were headcounts only (a stabilisation project's
    # catchment) has no registered people to count by hand.
    assert {p.name.split(" ")[0]: p.unique for p in r.projects if p.unique} == {
        codes.get(k, "Not"): len(v) for k, v in hand["project"].items() if v
    }
    assert r.projects[-1].name == "Not attributed to a project"

    people = {p.pk: p for p in Person.objects.filter(pk__in=hand["people"])}
    sex_age = defaultdict(int)
    groups = defaultdict(int)
    disabled = 0
    for pk, day in hand["first"].items():
        p = people[pk]
        sex_age[(p.sex, age_band(p.birth_date, day))] += 1
        groups[REPORT_GROUPS[p.population_group]] += 1
        disabled += p.has_disability
    assert {(s, b): v for (s, b), v in f.sex_age.items() if v} == dict(sex_age)
    assert {g: n for g, n in f.groups.items() if n} == dict(groups)
    assert r.disability["unique"] == disabled
    assert r.provinces_covered == len([c for c, v in hand["province"].items() if v])
