"""Indicators as data: an M&E officer defines counts and ratios and their targets without code,
and sees progress per project and donor, counted live from the projection (issue 5, item 4)."""

from datetime import date, timedelta
from types import SimpleNamespace

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st_

from kopru.core.models import AuditEvent, Donor
from kopru.core.tests.factories import make_user, mission
from kopru.registry import services as registry
from kopru.registry.tests.test_register import person
from kopru.reporting import engine, indicators, services
from kopru.reporting.engine import compute
from kopru.reporting.models import AGE_BANDS, SEXES, Indicator, Target
from kopru.reporting.tests.test_projection import projects, this_year, yesterday
from kopru.services.models import Participation, ServiceEvent, ServiceType
from kopru.services.services import record_service
from kopru.services.tests.test_record import a_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def me_murat(db):
    return make_user("me_murat", "me_officer", missions=("TR",))


def st(code):
    return ServiceType.objects.get(mission__code="TR", code=code)


INFO = "counselling_information_guidance"  # general, given to a person
VOCATIONAL = "vocational_counselling"  # general, given to a person


def serve(user, place, service, who=None, **fields):
    return record_service(
        user,
        mission("TR"),
        service_type=service,
        person=who,
        at=fields.pop("at", yesterday()),
        location=place,
        modality="centre",
        **fields,
    )


def session(user, place, participants=(), headcounts=(), **fields):
    return serve(
        user,
        place,
        a_service("general", "group"),
        participants=list(participants),
        headcounts=[
            {"sex": s, "age_band": b, "disability": d, "count": n} for s, b, d, n in headcounts
        ],
        **fields,
    )


def count(user, code, types=(), **fields):
    fields.setdefault("measure", Indicator.Measure.PEOPLE)
    return services.save_indicator(
        user,
        Indicator(mission=mission("TR"), code=code, name=code, kind="count", **fields),
        service_types=list(types),
    )


def ratio(user, code, top, bottom):
    return services.save_indicator(
        user,
        Indicator(
            mission=mission("TR"),
            code=code,
            name=code,
            kind="ratio",
            numerator=top,
            denominator=bottom,
        ),
    )


def people_served_by(types):
    """An independent count, from the ledger: the registered people the services reached."""
    events = ServiceEvent.objects.filter(service_type__in=types, voided_at__isnull=True)
    direct = set(events.exclude(person=None).values_list("person_id", flat=True))
    grouped = set(
        Participation.objects.filter(event__in=events).values_list("person_id", flat=True)
    )
    return len(direct | grouped)


# --- Counting ---------------------------------------------------------------------------------


def test_a_count_over_chosen_services_is_the_people_they_served_each_once(
    me_murat, clerk_zeynep, amina, twenty, haliliye_centre
):
    info, vocational, group = st(INFO), st(VOCATIONAL), a_service("general", "group")
    serve(clerk_zeynep, haliliye_centre, info, amina)
    serve(clerk_zeynep, haliliye_centre, info, amina)  # served twice: counts once
    serve(clerk_zeynep, haliliye_centre, info, twenty[0])
    serve(clerk_zeynep, haliliye_centre, vocational, twenty[1])  # not a chosen service
    session(
        clerk_zeynep,
        haliliye_centre,
        [amina, twenty[2]],
        [("female", "18-59", False, 5)],
    )
    chosen = [info, group]
    unique = count(me_murat, "U", chosen, measure="unique")
    people = count(me_murat, "P", chosen, measure="people")
    services_ = count(me_murat, "S", chosen, measure="services")
    scope = this_year()
    assert indicators.value(unique, scope).value == people_served_by(chosen) == 3
    assert indicators.value(people, scope).value == 3 + 5  # and the five counted by head
    assert indicators.value(services_, scope).value == 4  # a group session is one service

    # Without a service chosen, an indicator is the quarterly report's own figure.
    figures = compute(scope)
    for measure, expected in [
        ("people", figures.total),
        ("unique", figures.unique),
        ("services", figures.services),
        ("households", figures.households),
    ]:
        everything = count(me_murat, f"ALL-{measure}", measure=measure)
        assert indicators.value(everything, scope).value == expected, measure


def test_a_sector_filter_narrows_the_chosen_services_and_must_agree_with_them(me_murat):
    info = st(INFO)
    health = ServiceType.objects.filter(
        mission__code="TR", sub_sector__sector__code="health"
    ).first()
    with pytest.raises(ValidationError) as refused:
        count(me_murat, "X", [info], sector=health.sub_sector.sector)
    assert "outside the sector" in str(refused.value.message_dict["service_types"])
    assert not Indicator.objects.exists()


@pytest.fixture
def people(clerk_zeynep, haliliye_centre, amina):
    """Amina (a woman, temporary protection), a boy of seven, a man with a disability and a
    woman of the host community, each served once; a session with ten counted by head."""
    born = timezone.localdate() - timedelta(days=7 * 365 + 30)
    boy = registry.register_person(
        clerk_zeynep, person(haliliye_centre, given_name="Yusuf", birth_date=born)
    )
    disabled = registry.register_person(
        clerk_zeynep, person(haliliye_centre, given_name="Ahmad", wg_mobility=3)
    )
    host = registry.register_person(
        clerk_zeynep,
        person(
            haliliye_centre,
            given_name="Ayşe",
            sex="female",
            nationality="TUR",
            population_group="host_community",
        ),
    )
    for who in (amina, boy, disabled, host):
        serve(clerk_zeynep, haliliye_centre, st(INFO), who)
    session(
        clerk_zeynep,
        haliliye_centre,
        headcounts=[("female", "18-59", False, 4), ("male", "5-11", True, 2)],
    )
    return amina, boy, disabled, host


@pytest.mark.parametrize(
    "filters, people_reached, registered",
    [
        ({"sex": "female"}, 2 + 4, 2),
        ({"sex": "female", "age_bands": ["18-59"]}, 2 + 4, 2),
        ({"age_bands": ["5-11"]}, 1 + 2, 1),
        ({"disability_only": True}, 1 + 2, 1),
        ({"sex": "male", "disability_only": True}, 1 + 2, 1),
        # Counted by head, people have no population group: only the registered count.
        ({"population_group": "host_community"}, 1, 1),
        ({"population_group": "refugee"}, 3, 3),
    ],
)
def test_filters_on_people_apply_to_registered_people_and_headcounts(
    me_murat, people, filters, people_reached, registered
):
    reached = count(me_murat, "R", measure="people", **filters)
    unique = count(me_murat, "U", measure="unique", **filters)
    assert indicators.value(reached, this_year()).value == people_reached
    assert indicators.value(unique, this_year()).value == registered


def test_the_age_bands_of_an_indicator_add_up_to_it(me_murat, people):
    scope = this_year()
    whole = indicators.value(count(me_murat, "ALL"), scope).value
    parts = [
        indicators.value(count(me_murat, f"AGE-{n}", age_bands=[band]), scope).value
        for n, band in enumerate(AGE_BANDS)
    ]
    assert sum(parts) == whole == 4 + 6


def test_a_count_of_services_takes_no_filter_on_people(me_murat):
    with pytest.raises(ValidationError) as refused:
        count(me_murat, "S", measure="services", sex="female")
    assert "A count of services takes no filter on people" in str(refused.value)


def test_a_ratio_shows_its_numerator_and_denominator_as_a_percentage(me_murat, people):
    women = count(me_murat, "W", measure="unique", sex="female")
    everyone = count(me_murat, "E", measure="unique")
    share = ratio(me_murat, "W-PCT", women, everyone)
    figure = indicators.value(share, this_year())
    assert (figure.numerator, figure.denominator, figure.value) == (2, 4, 50.0)
    empty = indicators.value(
        share, this_year().__class__(mission("TR"), date(2001, 1, 1), date(2001, 12, 31))
    )
    assert (empty.numerator, empty.denominator, empty.value) == (0, 0, None)


def test_a_ratio_needs_two_counts_of_its_mission(me_murat, minsk_me_officer):
    women = count(me_murat, "W", measure="unique", sex="female")
    with pytest.raises(ValidationError) as refused:
        ratio(me_murat, "BAD", women, None)
    assert "A ratio needs a denominator" in str(refused.value.message_dict["denominator"])
    share = ratio(me_murat, "OK", women, count(me_murat, "E", measure="unique"))
    with pytest.raises(ValidationError) as refused:
        ratio(me_murat, "NESTED", share, women)
    assert "Choose a count" in str(refused.value.message_dict["numerator"])
    belarus = services.save_indicator(
        minsk_me_officer,
        Indicator(mission=mission("BY"), code="BY-1", name="BY", kind="count", measure="people"),
    )
    with pytest.raises(ValidationError) as refused:
        ratio(me_murat, "ABROAD", women, belarus)
    assert "of this mission" in str(refused.value.message_dict["denominator"])
    # A count used in a ratio stays a count.
    women.kind, women.numerator, women.denominator = "ratio", share, share
    with pytest.raises(ValidationError) as refused:
        services.save_indicator(me_murat, women)
    assert "stays a count" in str(refused.value.message_dict["kind"])
    assert set(Indicator.objects.values_list("code", flat=True)) == {"W", "E", "OK", "BY-1"}


# --- Targets and progress ---------------------------------------------------------------------


def around_today():
    today = timezone.localdate()
    return today - timedelta(days=30), today + timedelta(days=60)


def target(user, indicator, value, project=None, start=None, end=None):
    first, last = around_today()
    return services.save_target(
        user,
        Target(
            indicator=indicator,
            project=project,
            start=start or first,
            end=end or last,
            value=value,
        ),
    )


def test_a_projects_target_counts_that_projects_services_only(
    me_murat, clerk_zeynep, amina, twenty, haliliye_centre
):
    first, second = projects()
    info = st(INFO)
    reached = count(me_murat, "INFO", [info], measure="unique")
    for who, project in [(amina, first), (twenty[0], second), (twenty[1], None)]:
        serve(
            clerk_zeynep,
            haliliye_centre,
            info,
            who,
            projects=[(project, 100)] if project else [],
        )
    target(me_murat, reached, 10, first)
    target(me_murat, reached, 4, second)
    target(me_murat, reached, 20)  # the whole mission
    rows = indicators.progress(mission("TR"), project=first)
    assert [(r.target.project, r.achieved.value, r.percent) for r in rows] == [(first, 1, 10.0)]
    everything = {r.target.project: r.achieved.value for r in indicators.progress(mission("TR"))}
    assert everything == {first: 1, second: 1, None: 3}
    donor = Donor.objects.get(short_name="EU")
    assert len(indicators.progress(mission("TR"), donor=donor)) == 2
    other = Donor.objects.create(name="Someone else")
    assert indicators.progress(mission("TR"), donor=other) == []


def test_each_target_is_counted_over_its_own_period_up_to_the_day_asked(
    me_murat, clerk_zeynep, amina, haliliye_centre
):
    info = st(INFO)
    reached = count(me_murat, "INFO", [info], measure="unique")
    today = timezone.localdate()
    serve(clerk_zeynep, haliliye_centre, info, amina, at=timezone.now() - timedelta(days=20))
    ended = target(
        me_murat, reached, 5, start=today - timedelta(days=40), end=today - timedelta(days=10)
    )
    running = target(
        me_murat, reached, 8, start=today - timedelta(days=5), end=today + timedelta(days=30)
    )
    target(me_murat, reached, 8, start=today + timedelta(days=1), end=today + timedelta(days=30))
    rows = {r.target: r for r in indicators.progress(mission("TR"))}
    assert set(rows) == {ended, running}  # the one not started yet is not shown
    assert rows[ended].achieved.value == 1 and rows[ended].status == "not_reached"
    assert rows[running].achieved.value == 0 and rows[running].status == "behind"
    early = indicators.progress(mission("TR"), on=today - timedelta(days=25))
    assert [(r.target, r.achieved.value, r.until) for r in early] == [
        (ended, 0, today - timedelta(days=25))
    ]


def test_a_service_recorded_is_in_the_progress_at_once(
    me_murat, clerk_zeynep, amina, twenty, haliliye_centre
):
    info = st(INFO)
    reached = count(me_murat, "INFO", [info], measure="people")
    target(me_murat, reached, 2)
    assert indicators.progress(mission("TR"))[0].achieved.value == 0
    serve(clerk_zeynep, haliliye_centre, info, amina)
    assert indicators.progress(mission("TR"))[0].achieved.value == 1
    serve(clerk_zeynep, haliliye_centre, info, twenty[0])
    row = indicators.progress(mission("TR"))[0]
    assert (row.achieved.value, row.percent, row.status) == (2, 100.0, "reached")


def test_target_rules_are_refused_with_a_reason(me_murat):
    first, _second = projects()
    reached = count(me_murat, "INFO", [st(INFO)])
    share = ratio(me_murat, "PCT", reached, count(me_murat, "ALL"))
    today = timezone.localdate()
    cases = [
        ({"value": 5, "start": today, "end": today - timedelta(days=1)}, "end", "ends before"),
        ({"value": 0}, "value", "above zero"),
        ({"value": 2.5}, "value", "whole number"),
        (
            {"value": 5, "project": first, "start": date(2019, 1, 1), "end": date(2019, 12, 31)},
            "start",
            "The project runs from",
        ),
    ]
    for fields, field, message in cases:
        with pytest.raises(ValidationError) as refused:
            target(me_murat, reached, **fields)
        assert message in str(refused.value.message_dict[field])
    target(me_murat, share, 62.5)  # a ratio's target is a percentage
    target(me_murat, reached, 5, first)
    with pytest.raises(ValidationError) as refused:
        target(me_murat, reached, 7, first)
    assert "already has a target" in str(refused.value)
    assert Target.objects.count() == 2


def test_only_an_me_officer_of_the_mission_writes_indicators(
    me_murat, clerk_zeynep, minsk_me_officer
):
    with pytest.raises(PermissionDenied):
        count(clerk_zeynep, "C")
    with pytest.raises(PermissionDenied):
        count(minsk_me_officer, "C")  # works in Belarus
    reached = count(me_murat, "INFO")
    with pytest.raises(PermissionDenied):
        target(clerk_zeynep, reached, 5)
    assert Target.objects.count() == 0 and Indicator.objects.count() == 1


def test_every_write_is_audited_with_the_definition(me_murat):
    reached = count(me_murat, "INFO", [st(INFO)], measure="unique")
    created = AuditEvent.objects.get(object_type="reporting.indicator", action="create")
    assert created.details["definition"]["service_types"] == [INFO]
    assert created.actor == me_murat and created.mission_id == mission("TR").pk
    reached.measure = "people"
    services.save_indicator(me_murat, reached, service_types=[st(INFO)])
    changed = AuditEvent.objects.get(object_type="reporting.indicator", action="change")
    assert changed.details["before"]["measure"] == "unique"
    assert changed.details["definition"]["measure"] == "people"
    t = target(me_murat, reached, 50)
    t.value = 60
    services.save_target(me_murat, t)
    services.delete_target(me_murat, t)
    entries = AuditEvent.objects.filter(object_type="reporting.target").order_by("seq")
    assert [e.action for e in entries] == ["create", "change", "delete"]
    assert entries[1].details["before"]["value"] == "50"
    assert entries[2].details["target"]["value"] == "60"
    assert not Target.objects.exists()


# --- Pages ------------------------------------------------------------------------------------


def indicator_form(**fields):
    return {
        "code": "MHPSS-1",
        "name": "# of people receiving MHPSS services",
        "description": "",
        "kind": "count",
        "active": "on",
        "measure": "people",
        "service_types": [st(INFO).pk],
        "sector": "",
        "sub_sector": "",
        "unit": "",
        "sex": "",
        "population_group": "",
        "numerator": "",
        "denominator": "",
        **fields,
    }


def test_the_me_officer_defines_an_indicator_and_a_target_through_the_pages(
    login, me_murat, clerk_zeynep, amina, haliliye_centre
):
    first, _second = projects()
    serve(clerk_zeynep, haliliye_centre, st(INFO), amina, projects=[(first, 100)])
    client = login(me_murat)
    page = client.get("/reports/indicators/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<details" in html and "Protection" in html  # services grouped by sector
    response = client.post("/reports/indicators/new/", indicator_form())
    indicator = Indicator.objects.get(code="MHPSS-1")
    assert response.status_code == 302 and response["Location"].endswith(
        f"/reports/indicators/{indicator.pk}/targets/"
    )
    assert list(indicator.service_types.all()) == [st(INFO)]
    assert indicator.created_by == me_murat
    response = client.post(
        f"/reports/indicators/{indicator.pk}/targets/",
        {"project": first.pk, "start": "", "end": "", "value": "4"},
    )
    assert response.status_code == 302
    saved = Target.objects.get()
    assert (saved.project, saved.start, saved.end) == (first, first.start_date, first.end_date)
    targets = client.get(f"/reports/indicators/{indicator.pk}/targets/").content.decode()
    assert "<progress" in targets and "25%" in targets  # 1 of 4

    progress = client.get("/reports/progress/", {"project": first.pk}).content.decode()
    assert "MHPSS-1" in progress and 'value="25"' in progress and "25%" in progress
    listing = client.get("/reports/indicators/").content.decode()
    assert "MHPSS-1" in listing and "1 target" in listing
    csv = client.get("/reports/progress/", {"format": "csv"})
    assert "MHPSS-1" in csv.content.decode("utf-8-sig")
    assert AuditEvent.objects.filter(action="export", object_type="export.indicator_progress")


def test_a_ratio_on_the_progress_page_shows_both_counts(login, me_murat, clerk_zeynep, people):
    women = count(me_murat, "W", measure="unique", sex="female")
    share = ratio(me_murat, "W-PCT", women, count(me_murat, "E", measure="unique"))
    target(me_murat, share, 40)
    html = login(me_murat).get("/reports/progress/").content.decode()
    assert "50.0%" in html and "(2 / 4)" in html and "Target reached" in html


def test_a_clerk_may_not_define_indicators_or_read_progress(login, clerk_zeynep, me_murat):
    reached = count(me_murat, "INFO")
    client = login(clerk_zeynep)
    for url in (
        "/reports/indicators/new/",
        f"/reports/indicators/{reached.pk}/",
        f"/reports/indicators/{reached.pk}/targets/",
        "/reports/progress/",
        "/reports/indicators/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post("/reports/indicators/new/", indicator_form(code="X")).status_code == 403
    assert not Indicator.objects.filter(code="X").exists()


def test_bad_input_on_the_pages_says_why_and_saves_nothing(login, me_murat):
    reached = count(me_murat, "INFO")
    client = login(me_murat)
    audited = AuditEvent.objects.count()
    page = client.post(
        "/reports/indicators/new/",
        indicator_form(code="PCT", kind="ratio", numerator=reached.pk, denominator=""),
    )
    assert page.status_code == 200
    assert "A ratio needs a denominator: the count below the line." in page.content.decode()
    page = client.post(
        f"/reports/indicators/{reached.pk}/targets/",
        {"project": "", "start": "2026-05-01", "end": "2026-04-01", "value": "10"},
    )
    assert page.status_code == 200
    assert "The period ends before it starts." in page.content.decode()
    page = client.post(
        f"/reports/indicators/{reached.pk}/targets/",
        {"project": "", "start": "", "end": "", "value": "10"},
    )
    assert "Give both dates of the period" in page.content.decode()
    assert Indicator.objects.count() == 1 and not Target.objects.exists()
    assert AuditEvent.objects.count() == audited


def test_editing_and_deleting_a_target_through_the_pages(login, me_murat):
    reached = count(me_murat, "INFO")
    t = target(me_murat, reached, 10)
    client = login(me_murat)
    response = client.post(
        f"/reports/targets/{t.pk}/",
        {"project": "", "start": t.start.isoformat(), "end": t.end.isoformat(), "value": "12"},
    )
    assert response.status_code == 302
    t.refresh_from_db()
    assert t.value == 12
    assert client.get(f"/reports/targets/{t.pk}/delete/").status_code == 405
    assert client.post(f"/reports/targets/{t.pk}/delete/").status_code == 302
    assert not Target.objects.exists()


def test_a_person_of_another_mission_cannot_reach_these_indicators(
    login, me_murat, minsk_me_officer
):
    reached = count(me_murat, "INFO")
    client = login(minsk_me_officer)
    assert client.get(f"/reports/indicators/{reached.pk}/").status_code == 404
    assert "INFO" not in client.get("/reports/indicators/").content.decode()


# --- The arithmetic, against a plain count ----------------------------------------------------


person_rows = st_.lists(
    st_.tuples(
        st_.integers(1, 6),  # person
        st_.integers(0, 9),  # day
        st_.integers(1, 4),  # service type
        st_.integers(0, 4),  # age band on that day
        st_.integers(0, 3),  # household (0: none)
    ),
    max_size=30,
)
tally_cells = st_.lists(
    st_.tuples(
        st_.integers(1, 4),
        st_.sampled_from(SEXES),
        st_.sampled_from(AGE_BANDS),
        st_.booleans(),
        st_.integers(0, 9),
    ),
    max_size=8,
)
definitions = st_.fixed_dictionaries(
    {
        "measure": st_.sampled_from(["people", "unique", "households"]),
        "types": st_.none() | st_.sets(st_.integers(1, 4), min_size=1),
        "sex": st_.sampled_from(["", *SEXES]),
        "age_bands": st_.lists(st_.sampled_from(AGE_BANDS), unique=True, max_size=2),
        "population_group": st_.sampled_from(["", "refugee", "host_community"]),
        "disability_only": st_.booleans(),
    }
)


@given(rows=person_rows, cells=tally_cells, d=definitions)
@settings(max_examples=300, deadline=None)
def test_the_counting_agrees_with_a_plain_count(rows, cells, d):
    """Person attributes that do not change (sex, group, disability) come from the person;
    the age band and household are those of each row. A plain loop says what the indicator
    should count; the numpy counter must agree."""
    sex_of = {p: p % 3 for p in range(1, 7)}
    group_of = {p: [0, 5][p % 2] for p in range(1, 7)}  # temporary protection, host community
    disabled = {p: p % 4 == 0 for p in range(1, 7)}
    n = len(rows)
    counter = indicators.Counter(scope=None)
    counter._rows = engine.Rows(
        person=np.array([r[0] for r in rows], dtype=np.int64),
        household=np.array([r[4] for r in rows], dtype=np.int64),
        location=np.zeros(n, dtype=np.int64),
        service_type=np.array([r[2] for r in rows], dtype=np.int64),
        day=np.array([r[1] for r in rows], dtype=np.int64),
        age_band=np.array([r[3] for r in rows], dtype=np.int64),
        sex=np.array([sex_of[r[0]] for r in rows], dtype=np.int64),
        group=np.array([group_of[r[0]] for r in rows], dtype=np.int64),
        disability=np.array([int(disabled[r[0]]) for r in rows], dtype=np.int64),
    )
    counter._tally = engine.Tallies(
        service_type=np.array([c[0] for c in cells], dtype=np.int64),
        location=np.zeros(len(cells), dtype=np.int64),
        project=np.zeros(len(cells), dtype=np.int64),
        donor=np.zeros(len(cells), dtype=np.int64),
        month=np.zeros(len(cells), dtype=np.int64),
        sex=[c[1] for c in cells],
        age_band=[c[2] for c in cells],
        disability=np.array([c[3] for c in cells], dtype=bool),
        services=np.zeros(len(cells), dtype=np.int64),
        people=np.array([c[4] for c in cells], dtype=np.int64),
    )
    indicator = SimpleNamespace(
        pk=1,
        measure=d["measure"],
        sex=d["sex"],
        age_bands=d["age_bands"],
        population_group=d["population_group"],
        disability_only=d["disability_only"],
    )
    indicator.people_filters = bool(
        d["sex"] or d["age_bands"] or d["population_group"] or d["disability_only"]
    )
    types = d["types"]
    counter._types[1] = None if types is None else np.array(sorted(types), dtype=np.int64)

    # The plain count.
    chosen = [(i, r) for i, r in enumerate(rows) if types is None or r[2] in types]
    first = {}
    for i, r in chosen:
        if r[0] not in first or (r[1], i) < (rows[first[r[0]]][1], first[r[0]]):
            first[r[0]] = i
    group_names = {0: "refugee", 5: "host_community"}

    def wanted(p):
        band = AGE_BANDS[rows[first[p]][3]]
        return (
            (not d["sex"] or SEXES[sex_of[p]] == d["sex"])
            and (not d["age_bands"] or band in d["age_bands"])
            and (not d["population_group"] or group_names[group_of[p]] == d["population_group"])
            and (not d["disability_only"] or disabled[p])
        )

    kept = {p for p in first if wanted(p)}
    if d["measure"] == "households":
        expected = len({r[4] for _i, r in chosen if r[0] in kept and r[4]})
    else:
        expected = len(kept)
        if d["measure"] == "people" and not d["population_group"]:
            expected += sum(
                c[4]
                for c in cells
                if (types is None or c[0] in types)
                and (not d["sex"] or c[1] == d["sex"])
                and (not d["age_bands"] or c[2] in d["age_bands"])
                and (not d["disability_only"] or c[3])
            )
    assert counter.count(indicator) == expected
