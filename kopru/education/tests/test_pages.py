"""The pages show what was recorded, refuse bad input on the form with nothing written, and
are the education officer's only."""

from kopru.education import transport
from kopru.education.models import Enrolment, Period

from .conftest import school_day


def test_the_home_and_route_pages_show_routes_pupils_and_costs(
    officer_fatma, route, term, family, school, login
):
    ali = transport.enrol(
        officer_fatma, route, term, pupil=family["ali"], guardian=family["amina"], school=school
    )
    transport.record_sheet(officer_fatma, route, day=school_day(1, 1), rides={ali.pk: 1})
    client = login(officer_fatma)
    home = client.get("/education/").content.decode()
    assert "SUR-01" in home and "Haliliye Primary School" not in home
    page = client.get(f"/education/routes/{route.pk}/?day={school_day(1, 1)}").content.decode()
    assert "Ali Yusuf" in page and "Yenice square" in page and "12.000,00" not in page
    assert "12,000.00" in page  # the route's cost, and Ali alone rode: all of it is his
    costs = client.get("/education/routes/costs/?format=csv").content.decode()
    assert "SUR-01" in costs and "12000.00" in costs


def test_enrolling_beyond_capacity_shows_the_refusal_on_the_form(
    officer_fatma, route, term, family, school, login
):
    for name in ("ali", "leyla"):
        transport.enrol(
            officer_fatma, route, term, pupil=family[name], guardian=family["amina"], school=school
        )
    response = login(officer_fatma).post(
        f"/education/routes/{route.pk}/",
        {
            "action": "enrol",
            "period": term.pk,
            "pupil": family["rami"].reference,
            "guardian": family["amina"].reference,
            "school": school.pk,
        },
    )
    assert response.status_code == 200
    assert "Route SUR-01 is full" in response.content.decode()
    assert Enrolment.objects.count() == 2


def test_a_period_ending_before_it_starts_is_refused(officer_fatma, login):
    response = login(officer_fatma).post(
        "/education/periods/",
        {"name": "Summer", "kind": "summer", "starts_on": "2026-08-30", "ends_on": "2026-07-01"},
    )
    assert "The period ends before it starts." in response.content.decode()
    assert not Period.objects.exists()


def test_pages_in_turkish_arabic_and_russian_render(officer_fatma, route, centre_course, login):
    client = login(officer_fatma)
    urls = ("/education/", f"/education/routes/{route.pk}/", "/education/special/",
            f"/education/courses/{centre_course.pk}/", "/education/routes/costs/")  # fmt: skip
    for language in ("tr", "ar", "ru"):
        client.cookies["django_language"] = language
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (language, url)
            assert f'lang="{language}"' in response.content.decode()
    client.cookies["django_language"] = "ar"
    assert 'dir="rtl"' in client.get("/education/").content.decode()


def test_other_roles_are_refused(caseworker_omer, clerk_zeynep, login):
    for user in (caseworker_omer, clerk_zeynep):
        assert login(user).get("/education/").status_code == 403
