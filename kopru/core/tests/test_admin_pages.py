"""A mission administrator manages missions, locations, users, teams, roles and projects."""

import pytest

from kopru.core.models import AuditEvent, Location, Mission, Project, Team, User

from .factories import district, location

pytestmark = pytest.mark.django_db


def test_add_a_site_under_a_district(login, admin_selin):
    client = login(admin_selin)
    fatih = district("TR34", "Fatih")
    response = client.post(
        f"/locations/{fatih.pk}/new-site/",
        {"name": "Fatih school", "site_type": "school", "active": "on"},
    )
    assert response.status_code == 302
    site = Location.objects.get(name="Fatih school")
    assert site.level == "site" and site.pcode == f"{fatih.pcode}-001"
    assert AuditEvent.objects.filter(object_type="core.location", action="create").exists()
    page = client.get(fatih.get_absolute_url()).content.decode()
    assert "Fatih school" in page


def test_a_site_without_a_type_is_refused_and_nothing_is_saved(login, admin_selin):
    client = login(admin_selin)
    fatih = district("TR34", "Fatih")
    response = client.post(f"/locations/{fatih.pk}/new-site/", {"name": "Unknown"})
    assert response.status_code == 200
    assert "Say what kind of site this is." in response.content.decode()
    assert not Location.objects.filter(name="Unknown").exists()


def test_browse_the_location_tree(login, clerk_zeynep):
    client = login(clerk_zeynep)
    turkiye = location("TR")
    page = client.get(turkiye.get_absolute_url()).content.decode()
    assert "Şanlıurfa" in page and "TR63" in page
    page = client.get(location("TR63").get_absolute_url()).content.decode()
    assert "Haliliye" in page and "Eyyübiye" in page


def test_the_location_data_is_complete():
    assert Location.objects.filter(mission__code="TR", level="province").count() == 81
    assert Location.objects.filter(mission__code="BY", level="province").count() == 7
    seeds = {
        "TR01": 15,
        "TR06": 25,
        "TR27": 9,
        "TR31": 15,
        "TR34": 39,
        "TR35": 30,
        "TR46": 11,
        "TR79": 4,
        "TR45": 17,
        "TR33": 13,
        "TR80": 7,
        "TR63": 13,
    }
    for pcode, n in seeds.items():
        assert Location.objects.filter(parent__pcode=pcode, level="district").count() == n
    istanbul = location("TR34")
    assert istanbul.iso_code == "TR-34"
    assert location("BY02").iso_code == "BY-HM"


def test_create_a_user_with_a_role_and_missions(login, admin_selin):
    client = login(admin_selin)
    from kopru.core.models import Role

    response = client.post(
        "/admin/users/new/",
        {
            "username": "nurse_elif",
            "first_name": "Elif",
            "last_name": "Yıldız",
            "email": "elif@example.org",
            "phone": "",
            "role": Role.objects.get(slug="nurse").pk,
            "language": "tr",
            "is_active": "on",
            "password": "a-long-passphrase-42",
            "missions": [Mission.objects.get(code="TR").pk],
        },
    )
    assert response.status_code == 302
    elif_ = User.objects.get(username="nurse_elif")
    assert elif_.check_password("a-long-passphrase-42")
    assert list(elif_.missions.values_list("code", flat=True)) == ["TR"]


def test_a_weak_password_is_refused(login, admin_selin):
    client = login(admin_selin)
    from kopru.core.models import Role

    response = client.post(
        "/admin/users/new/",
        {
            "username": "weak",
            "role": Role.objects.get(slug="nurse").pk,
            "language": "en",
            "password": "12345",
            "missions": [Mission.objects.get(code="TR").pk],
        },
    )
    assert response.status_code == 200 and not User.objects.filter(username="weak").exists()


def test_create_a_team_with_members_and_locations(login, admin_selin, dr_ayse, fatih_clinic):
    client = login(admin_selin)
    response = client.post(
        "/teams/new/",
        {
            "name": "Mobile health vehicle",
            "base": fatih_clinic.pk,
            "locations": [location("TR34").pk],
            "members": [dr_ayse.pk],
            "active": "on",
        },
    )
    assert response.status_code == 302
    team = Team.objects.get(name="Mobile health vehicle")
    assert list(team.members.all()) == [dr_ayse]


def test_create_a_project_with_targets(login, admin_selin):
    from kopru.core.models import Donor

    client = login(admin_selin)
    response = client.post(
        "/projects/new/",
        {
            "code": "CBI-27",
            "name": "E-vouchers",
            "donor_name": "Government of  Japan",
            "grant_code": "JP-1",
            "start_date": "2027-01-01",
            "end_date": "2027-12-31",
            "provinces": [location("TR63").pk],
            "active": "on",
            "targets-TOTAL_FORMS": "2",
            "targets-INITIAL_FORMS": "0",
            "targets-MIN_NUM_FORMS": "0",
            "targets-MAX_NUM_FORMS": "1000",
            "targets-0-indicator": "Households assisted",
            "targets-0-target": "2037",
            "targets-0-unit": "households",
            "targets-1-indicator": "",
            "targets-1-target": "",
            "targets-1-unit": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    project = Project.objects.get(code="CBI-27")
    assert project.donor == Donor.objects.get(name="Government of Japan")  # a new donor
    assert AuditEvent.objects.filter(object_type="core.donor", action="create").exists()
    assert [(t.indicator, t.target) for t in project.targets.all()] == [
        ("Households assisted", 2037)
    ]
    assert "2037" in client.get(project.get_absolute_url()).content.decode()


def test_a_project_cannot_end_before_it_starts(login, admin_selin):
    from kopru.core.models import Donor

    client = login(admin_selin)
    Donor.objects.create(name="EU")
    response = client.post(
        "/projects/new/",
        {
            "code": "BAD",
            "name": "Backwards",
            "donor_name": "eu",
            "start_date": "2027-02-01",
            "end_date": "2027-01-01",
            "targets-TOTAL_FORMS": "0",
            "targets-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "cannot end before it starts" in response.content.decode()
    assert not Project.objects.filter(code="BAD").exists()
    assert Donor.objects.count() == 1  # the known donor was matched, nothing new made


def test_create_a_mission_and_switch_to_it(login, admin_selin):
    client = login(admin_selin)
    response = client.post(
        "/admin/missions/new/",
        {
            "code": "GE",
            "name": "Georgia",
            "country": "GE",
            "timezone": "Asia/Tbilisi",
            "default_language": "en",
            "active": "on",
        },
    )
    assert response.status_code == 302
    georgia = Mission.objects.get(code="GE")
    assert georgia in admin_selin.missions.all()
    client.post("/mission/", {"mission": georgia.pk, "next": "/"})
    assert "Georgia" in client.get("/").content.decode()


def test_times_are_stored_in_utc_and_shown_in_the_missions_zone(login, admin_selin):
    import datetime as dt
    import zoneinfo

    from kopru.core import audit

    client = login(admin_selin)
    entry = audit.record(
        admin_selin,
        AuditEvent.Action.EXPORT,
        object_type="core.project",
        object_repr="zone check",
        mission=Mission.objects.get(code="TR"),
    )
    assert entry.at.utcoffset() == dt.timedelta(0)

    def shown(zone):
        # Django's own formatting in that zone ("noon" and all).
        from django.template.defaultfilters import date as date_filter
        from django.utils import timezone

        with timezone.override(zoneinfo.ZoneInfo(zone)):
            return date_filter(timezone.localtime(entry.at), "SHORT_DATETIME_FORMAT")

    page = client.get("/admin/audit/?action=export").content.decode()
    assert shown("Europe/Istanbul") in page  # UTC+3
    assert shown("UTC") not in page


def test_add_a_district_to_a_belarus_region(login, admin_selin):
    client = login(admin_selin)
    client.post("/mission/", {"mission": Mission.objects.get(code="BY").pk})
    minsk_city = location("BY02")
    assert "New district" in client.get(minsk_city.get_absolute_url()).content.decode()
    response = client.post(f"/locations/{minsk_city.pk}/new-site/", {"name": "Frunzensky"})
    assert response.status_code == 302
    district = Location.objects.get(name="Frunzensky")
    assert (district.level, district.pcode) == ("district", "BY0201")
    assert district.site_type == ""


def test_a_locked_out_user_is_unlocked_by_the_administrator(
    client, login, admin_selin, clerk_zeynep, settings
):
    from .factories import PASSWORD

    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "clerk_zeynep", "password": "guess"})
    assert (
        client.post("/login/", {"username": "clerk_zeynep", "password": PASSWORD}).status_code
        == 429
    )
    admin = login(admin_selin)
    page = admin.get(f"/admin/users/{clerk_zeynep.pk}/").content.decode()
    assert "This account is locked" in page
    admin.post(f"/admin/users/{clerk_zeynep.pk}/unlock/")
    assert (
        "This account is locked"
        not in admin.get(f"/admin/users/{clerk_zeynep.pk}/").content.decode()
    )
    admin.logout()
    assert (
        client.post("/login/", {"username": "clerk_zeynep", "password": PASSWORD}).status_code
        == 302
    )
    assert AuditEvent.objects.filter(action="change", object_repr__contains="Test").exists()


def test_lists_export_as_csv_within_the_viewers_permissions(
    login, admin_selin, caseworker_omer, istanbul_team, gaziantep_team
):
    import csv
    import io

    response = login(caseworker_omer).get("/teams/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Team" and [r[0] for r in rows[1:]] == ["ECM Gaziantep"]
    assert AuditEvent.objects.filter(action="export", object_type="export.teams").exists()
    # The clerk may not open the user list, so may not export it either.
    assert login(caseworker_omer).get("/admin/users/?format=csv").status_code == 403
    admin = login(admin_selin)
    for url in ("/admin/users/", "/projects/", "/admin/audit/", "/locations/"):
        assert admin.get(url + "?format=csv").status_code == 200, url


def test_exported_cells_cannot_run_as_spreadsheet_formulas(login, admin_selin):
    import csv
    import io

    Team.objects.create(mission=Mission.objects.get(code="TR"), name='=HYPERLINK("x")')
    response = login(admin_selin).get("/teams/?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:] if "HYPERLINK" in r[0]] == ['\'=HYPERLINK("x")']
