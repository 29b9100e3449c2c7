"""The pages show the data and its reasons, the API stores a profile once, the quarterly
report counts the placements, and the demo runs twice without adding."""

import uuid
from datetime import timedelta

from django.utils import timezone

from kopru.core.tests.factories import mission
from kopru.livelihoods import skills
from kopru.livelihoods.models import Profile
from kopru.reporting import report
from kopru.reporting.engine import Scope
from kopru.services.models import Sector

from .conftest import PROFILE, profile_for


def test_pages_show_profiles_matches_with_reasons_and_placements(
    login, officer_emre, ahmad, sewing_job
):
    profile = profile_for(officer_emre, ahmad)
    client = login(officer_emre)
    assert "8153 Sewing machine operators" in client.get("/livelihoods/profiles/").text
    page = client.get(f"/livelihoods/vacancies/{sewing_job.pk}/").text
    assert str(ahmad) in page and "Lives in the vacancy&#x27;s province" in page
    assert "Sewing machine operator" in client.get(f"/livelihoods/profiles/{profile.pk}/").text
    response = client.post(
        f"/livelihoods/vacancies/{sewing_job.pk}/",
        {
            "action": "place",
            "person": ahmad.reference,
            "start_date": timezone.localdate(),
            "contract": "permanent",
            "monthly_wage": "abc",
        },
    )
    assert "Enter an amount, e.g. 1250.50." in response.text
    client.post(
        f"/livelihoods/vacancies/{sewing_job.pk}/",
        {
            "action": "place",
            "person": ahmad.reference,
            "start_date": timezone.localdate(),
            "contract": "permanent",
            "monthly_wage": "22104",
        },
    )
    assert "Sewing machine operator" in client.get("/livelihoods/placements/").text
    assert ahmad.placements.count() == 1


def test_another_province_sees_no_profile(login, officer_emre, officer_canan, ahmad):
    profile = profile_for(officer_emre, ahmad)
    client = login(officer_canan)
    assert str(ahmad) not in client.get("/livelihoods/profiles/").text
    assert client.get(f"/livelihoods/profiles/{profile.pk}/").status_code == 404


def test_api_creates_a_profile_once_and_lists_vacancies_and_placements(
    login, officer_emre, ahmad, sewing_job
):
    client = login(officer_emre)
    uid = str(uuid.uuid4())
    body = {
        **PROFILE,
        "uid": uid,
        "person_id": ahmad.pk,
        "permit_expires": str(timezone.localdate() + timedelta(days=90)),
    }
    first = client.post("/api/v1/livelihoods/profiles", body, content_type="application/json")
    again = client.post("/api/v1/livelihoods/profiles", body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert Profile.objects.filter(person=ahmad).count() == 1
    bad = client.post(
        "/api/v1/livelihoods/profiles",
        {**body, "uid": str(uuid.uuid4()), "permit": "maybe"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "permit" in bad.text
    vacancies = client.get("/api/v1/livelihoods/vacancies").json()
    assert [v["title"] for v in vacancies["items"]] == ["Sewing machine operator"]
    skills.place(
        officer_emre,
        sewing_job,
        ahmad,
        start_date=timezone.localdate(),
        contract="permanent",
        monthly_wage="20000",
    )
    placements = client.get("/api/v1/livelihoods/placements").json()["items"]
    assert [f["state"] for f in placements[0]["follow_ups"]] == ["later", "later"]


def test_the_quarterly_report_counts_placements_under_livelihoods(officer_emre, ahmad, sewing_job):
    today = timezone.localdate()
    skills.place(
        officer_emre,
        sewing_job,
        ahmad,
        start_date=today,
        contract="permanent",
        monthly_wage="20000",
    )
    period = report.Period("custom", today - timedelta(days=1), today + timedelta(days=1))
    built = report.build(Scope(mission("TR"), period.start, period.end), period)
    codes = {str(s): s.code for s in Sector.objects.filter(mission=mission("TR"))}
    line = {codes[line.name]: line for line in built.sectors}["livelihoods"]
    assert (line.unique, line.services) == (1, 1)


def test_the_demo_runs_twice_without_adding(db, konak_centre):
    from kopru.core.tests.factories import district, location, make_site, make_team, make_user
    from kopru.livelihoods import demo
    from kopru.livelihoods.models import Application, Placement

    yuregir = make_site(district("TR01", "Yüreğir"), "Yüreğir Community Centre", "community_centre")
    team = make_team(
        "Livelihoods", base=konak_centre, locations=[location("TR35"), location("TR01")]
    )
    officer = make_user("livelihoods_officer", "livelihoods_officer", teams=[team])
    make_user("head_of_unit", "head_of_unit")
    from .conftest import adult

    today = timezone.localdate()
    for n in range(30):
        place = konak_centre if n % 2 else yuregir
        adult(
            officer,
            place,
            f"P{n}",
            born=today.replace(year=today.year - (20 + n % 25)),
            nationality="TUR" if n % 7 == 0 else "SYR",
        )
    demo.load_demo_livelihoods()
    counts = (Profile.objects.count(), Placement.objects.count(), Application.objects.count())
    assert counts[0] == 30 and counts[1] >= 6 and counts[2] >= 10
    demo.load_demo_livelihoods()
    assert (
        Profile.objects.count(),
        Placement.objects.count(),
        Application.objects.count(),
    ) == counts


def test_a_vacancy_is_corrected_or_closed_early_but_not_below_its_placements(
    login, officer_emre, officer_canan, ahmad, sewing_job
):
    today = timezone.localdate()
    client = login(officer_emre)
    page = client.get(f"/livelihoods/vacancies/{sewing_job.pk}/edit/").text
    assert 'value="Sewing machine operator"' in page  # the form opens with what was posted
    skills.place(
        officer_emre,
        sewing_job,
        ahmad,
        start_date=today,
        contract="permanent",
        monthly_wage="22104",
    )
    posted = {
        "employer": sewing_job.employer_id,
        "title": "Sewing machine operator (night shift)",
        "isco": "8153",
        "province": sewing_job.province_id,
        "language_1": "tur",
        "level_1": "basic",
        "min_education": "1",
        "positions": 0,
        "opens_on": sewing_job.opens_on,
        "closes_on": today,
        "permit_required": "on",
    }
    refused = client.post(f"/livelihoods/vacancies/{sewing_job.pk}/edit/", posted)
    assert refused.status_code == 200 and "Ensure this value is greater than or equal to 1" in (
        refused.text
    )
    sewing_job.refresh_from_db()
    assert sewing_job.title == "Sewing machine operator"  # nothing changed
    posted["positions"] = 1
    saved = client.post(f"/livelihoods/vacancies/{sewing_job.pk}/edit/", posted)
    assert saved.status_code == 302
    sewing_job.refresh_from_db()
    assert (sewing_job.title, sewing_job.closes_on) == (
        "Sewing machine operator (night shift)",
        today,
    )
    assert sewing_job.languages[0] == {"code": "tur", "level": "basic"}
    # Closed from tomorrow: the open list drops it the day after.
    assert not skills.open_vacancies(
        officer_emre, mission("TR"), on=today + timedelta(days=1)
    ).filter(pk=sewing_job.pk)
    other = login(officer_canan)
    assert other.get(f"/livelihoods/vacancies/{sewing_job.pk}/edit/").status_code == 404


def test_the_correction_form_keeps_the_dates_in_turkish(login, officer_emre, sewing_job):
    """The date picker reads ISO dates only: Turkish formatting (27.07.2026) left it empty, and
    saving the form then asked for dates the vacancy had."""
    client = login(officer_emre)
    client.post("/i18n/setlang/", {"language": "tr"})
    page = client.get(f"/livelihoods/vacancies/{sewing_job.pk}/edit/").text
    assert f'name="opens_on" value="{sewing_job.opens_on.isoformat()}"' in page
    assert f'name="closes_on" value="{sewing_job.closes_on.isoformat()}"' in page
