"""School transport: capacity, one route per period, guardians, attendance on the period's
school days only, and one service per pupil per month in which the pupil rode."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kopru.core.tests.factories import location, mission
from kopru.education import transport
from kopru.education.models import Enrolment, PupilMonth, Route, Sheet
from kopru.services.models import ServiceEvent

from .conftest import TODAY, school_day


def _enrol(officer, route, term, child, guardian, school):
    return transport.enrol(officer, route, term, pupil=child, guardian=guardian, school=school)


@pytest.fixture
def riders(officer_fatma, route, term, family, school):
    return [
        _enrol(officer_fatma, route, term, family[name], family["amina"], school)
        for name in ("ali", "leyla")
    ]


def _events(person):
    return ServiceEvent.objects.filter(
        person=person, service_type__code="pupil_school_transport", voided_at__isnull=True
    )


def test_a_full_route_refuses_the_next_pupil_and_stores_nothing(
    officer_fatma, route, term, family, school, riders
):
    with pytest.raises(ValidationError) as refused:
        _enrol(officer_fatma, route, term, family["rami"], family["amina"], school)
    assert "Route SUR-01 is full: it takes 2 pupils" in str(refused.value)
    assert Enrolment.objects.filter(route=route).count() == 2


def test_a_pupil_rides_one_route_per_period_and_a_withdrawn_seat_frees_up(
    officer_fatma, route, term, family, school, riders, project
):
    other = transport.save_route(
        officer_fatma,
        Route(
            mission=mission("TR"),
            code="SUR-02",
            province=location("TR63"),
            vehicle_plate="63 XY 202",
            seats=20,
            capacity=20,
            contractor="Urfa Servis Ltd.",
            monthly_cost="9000",
            project=project,
            mode=Route.Mode.WEEKLY,
        ),
        schools=[school],
    )
    with pytest.raises(ValidationError) as refused:
        _enrol(officer_fatma, other, term, family["ali"], family["amina"], school)
    assert "Ali Yusuf already rides route SUR-01" in str(refused.value)
    transport.withdraw(officer_fatma, riders[0], on=TODAY, reason="Moves to route SUR-02")
    moved = _enrol(officer_fatma, other, term, family["ali"], family["amina"], school)
    assert moved.route == other
    assert _enrol(officer_fatma, route, term, family["rami"], family["amina"], school)


def test_the_guardian_is_an_adult_and_the_pupil_of_school_age(
    officer_fatma, route, term, family, school
):
    with pytest.raises(ValidationError) as refused:
        _enrol(officer_fatma, route, term, family["ali"], family["leyla"], school)
    assert refused.value.message_dict["guardian"] == ["The guardian must be an adult."]
    with pytest.raises(ValidationError) as refused:
        _enrol(officer_fatma, route, term, family["amina"], family["amina"], school)
    assert "pupils are 5 to 17" in refused.value.message_dict["pupil"][0]
    assert not Enrolment.objects.exists()


def test_one_service_per_pupil_per_month_with_the_first_ride(officer_fatma, route, riders):
    ali, leyla = riders
    days = [school_day(2, 1), school_day(2, 2), school_day(1, 3)]
    for day in days:
        transport.record_sheet(officer_fatma, route, day=day, rides={ali.pk: 1, leyla.pk: 0})
    months = {d.replace(day=1) for d in days}
    assert _events(ali.pupil).count() == len(months)
    assert not _events(leyla.pupil).exists()
    first = _events(ali.pupil).order_by("at").first()
    assert first.uid == uuid.uuid5(ali.uid, f"{days[0]:%Y-%m}")
    assert first.at.date() == days[0]
    assert first.location == ali.school


def test_a_correction_that_leaves_no_ride_voids_the_month(officer_fatma, route, riders):
    ali, leyla = riders
    day = school_day(2, 1)
    transport.record_sheet(officer_fatma, route, day=day, rides={ali.pk: 1, leyla.pk: 1})
    assert _events(leyla.pupil).count() == 1
    transport.record_sheet(officer_fatma, route, day=day, rides={ali.pk: 1, leyla.pk: 0})
    assert not _events(leyla.pupil).exists()
    assert ServiceEvent.objects.filter(person=leyla.pupil, voided_at__isnull=False).count() == 1
    # She did ride after all: the month counts again, under a new uid.
    transport.record_sheet(officer_fatma, route, day=day, rides={ali.pk: 1, leyla.pk: 1})
    assert _events(leyla.pupil).count() == 1
    assert Sheet.objects.filter(route=route).count() == 1


@pytest.mark.parametrize(
    "day, message",
    [
        (TODAY + timedelta(days=1), "The date cannot be in the future."),
        (TODAY - timedelta(days=TODAY.weekday() + 2), "is not a school day"),
        (TODAY - timedelta(days=90), "No school period runs on this day."),
    ],
)
def test_attendance_only_on_school_days_of_the_period(officer_fatma, route, riders, day, message):
    with pytest.raises(ValidationError) as refused:
        transport.record_sheet(officer_fatma, route, day=day, rides={riders[0].pk: 1})
    assert message in str(refused.value)
    assert not Sheet.objects.exists()


def test_attendance_only_for_pupils_enrolled_on_the_route(
    officer_fatma, route, riders, family, school, term
):
    transport.withdraw(officer_fatma, riders[1], on=school_day(3, 0), reason="Family moved")
    with pytest.raises(ValidationError) as refused:
        transport.record_sheet(officer_fatma, route, day=school_day(1, 0), rides={riders[1].pk: 1})
    assert "Not enrolled on that day: Leyla Yusuf." in str(refused.value)
    with pytest.raises(ValidationError):
        transport.record_sheet(officer_fatma, route, day=school_day(1, 0), rides={999999: 1})
    assert not Sheet.objects.exists() and not PupilMonth.objects.exists()


def test_a_weekly_route_counts_days_ridden_up_to_the_school_days(officer_fatma, route, riders):
    route.mode = Route.Mode.WEEKLY
    transport.save_route(officer_fatma, route, schools=list(route.schools.all()))
    ali, leyla = riders
    with pytest.raises(ValidationError) as refused:
        transport.record_sheet(officer_fatma, route, day=school_day(2, 3), rides={ali.pk: 6})
    assert "Days ridden are 0 to 5 for this week." in str(refused.value)
    sheet = transport.record_sheet(
        officer_fatma, route, day=school_day(2, 3), rides={ali.pk: 4, leyla.pk: 0}
    )
    assert sheet.day == school_day(2, 0)  # a week's sheet is dated on its first school day
    assert _events(ali.pupil).count() == 1 and not _events(leyla.pupil).exists()


def test_cost_per_pupil_is_the_monthly_cost_over_those_who_rode(officer_fatma, route, riders):
    day = school_day(1, 1)
    transport.record_sheet(officer_fatma, route, day=day, rides={riders[0].pk: 1, riders[1].pk: 1})
    figures = transport.costs(officer_fatma, mission("TR"), since=day, until=day)
    (row,) = figures["routes"]
    assert (row["pupils"], str(row["per_pupil"])) == (2, "6000.00")
    (province,) = figures["provinces"]
    assert province["province"] == location("TR63") and str(province["per_pupil"]) == "6000.00"


def test_another_province_s_officer_and_other_roles_are_refused(
    officer_hale, caseworker_omer, route, riders
):
    for user in (officer_hale, caseworker_omer):
        with pytest.raises(PermissionDenied):
            transport.record_sheet(user, route, day=school_day(1, 1), rides={riders[0].pk: 1})
    assert not transport.visible_routes(officer_hale, mission("TR")).exists()
