"""Scope and sensitivity: what each named person sees, in pages, API and search."""

import pytest

from kopru.core import access, selectors
from kopru.core.models import Location, Project, Sensitivity, Team

from .factories import location, make_team, mission

pytestmark = pytest.mark.django_db


def test_the_clerk_is_refused_the_audit_log_and_user_admin(login, clerk_zeynep):
    client = login(clerk_zeynep)
    assert client.get("/admin/audit/").status_code == 403
    assert client.get("/admin/users/").status_code == 403
    assert "Audit log" not in client.get("/").content.decode()


def test_the_administrator_opens_them_and_sees_the_admin_menu(login, admin_selin):
    client = login(admin_selin)
    assert client.get("/admin/audit/").status_code == 200
    page = client.get("/").content.decode()
    assert "Audit log" in page and "/admin/users/" in page


def test_a_belarus_officer_sees_nothing_of_turkiye(client, login, minsk_me_officer, istanbul_team):
    Project.objects.create(
        mission=mission("TR"),
        code="TR-1",
        name="Clinic care",
        donor_id=_donor().pk,
        start_date="2026-01-01",
        end_date="2026-12-31",
    )
    client = login(minsk_me_officer)
    assert client.get(f"/teams/{istanbul_team.pk}/").status_code == 404
    assert "Clinic care" not in client.get("/projects/").content.decode()
    api = client.get("/api/v1/core/teams").json()
    assert api == []
    # Even naming the other mission explicitly does not open it.
    assert client.get("/api/v1/core/projects?mission=TR").status_code == 404


def test_location_scope_follows_the_teams_locations(
    caseworker_omer,
    dr_ayse,
    admin_selin,
    istanbul_team,
    gaziantep_team,
    fatih_clinic,
    sahinbey_centre,
):
    tr = mission("TR")
    assert list(selectors.visible_sites(caseworker_omer, tr)) == [sahinbey_centre]
    assert list(selectors.visible_sites(dr_ayse, tr)) == [fatih_clinic]
    # A mission-wide role sees every site of the mission.
    assert set(selectors.visible_sites(admin_selin, tr)) >= {fatih_clinic, sahinbey_centre}
    assert access.can_see_location(caseworker_omer, sahinbey_centre)
    assert not access.can_see_location(caseworker_omer, fatih_clinic)


def test_a_user_without_a_team_sees_no_located_records(partner_viewer, fatih_clinic):
    assert list(selectors.visible_sites(partner_viewer, mission("TR"))) == []


def test_team_lists_are_filtered_not_only_team_pages(
    login, caseworker_omer, istanbul_team, gaziantep_team
):
    client = login(caseworker_omer)
    page = client.get("/teams/").content.decode()
    assert "ECM Gaziantep" in page and "MHC Istanbul" not in page
    assert client.get(f"/teams/{istanbul_team.pk}/").status_code == 404
    names = {t["name"] for t in client.get("/api/v1/core/teams").json()}
    assert names == {"ECM Gaziantep"}


def test_a_team_working_inside_my_province_is_visible_to_me(caseworker_omer, sahinbey_centre):
    district = sahinbey_centre.parent
    nearby = make_team("PMT Şahinbey", locations=[district])
    assert nearby in selectors.visible_teams(caseworker_omer, mission("TR"))


def test_sensitivity_categories_come_from_the_role(
    dr_ayse, caseworker_omer, clerk_zeynep, partner_viewer
):
    assert access.categories(dr_ayse) == {"general", "health", "mental_health"}
    assert access.can_see_category(caseworker_omer, Sensitivity.PROTECTION)
    assert not access.can_see_category(caseworker_omer, Sensitivity.HEALTH)
    assert access.categories(clerk_zeynep) == {"general"}
    assert access.categories(partner_viewer) == frozenset()


def test_scope_filters_by_category_and_location(dr_ayse, caseworker_omer, fatih_clinic):
    """The generic scope() filter on any queryset: here, locations stand in for records."""
    tr = mission("TR")
    sites = Location.objects.filter(level="site")
    assert list(access.scope(dr_ayse, sites, tr, path_field="path")) == [fatih_clinic]
    assert list(access.scope(caseworker_omer, sites, tr, path_field="path")) != [fatih_clinic]
    assert list(access.scope(dr_ayse, sites, mission("BY"), path_field="path")) == []


def test_an_inactive_user_has_no_capabilities(admin_selin):
    admin_selin.is_active = False
    assert not access.has(admin_selin, "core.view_audit")


def test_search_respects_the_policy(login, partner_viewer, admin_selin, fatih_clinic):
    Project.objects.create(
        mission=mission("TR"),
        code="MHD-26",
        name="Migration health",
        donor_id=_donor().pk,
        start_date="2026-01-01",
        end_date="2026-12-31",
    )
    client = login(partner_viewer)
    assert "MHD-26" not in client.get("/search/?q=MHD").content.decode()
    client = login(admin_selin)
    assert "MHD-26" in client.get("/search/?q=MHD").content.decode()


def test_search_folds_turkish_letters_and_case(login, clerk_zeynep):
    client = login(clerk_zeynep)
    for query in ("sanliurfa", "ŞANLIURFA", "Şanlıurfa"):
        assert "Şanlıurfa" in client.get(f"/search/?q={query}").content.decode(), query
    partial = client.get("/search/?q=istanbul", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "İstanbul" in partial


def _donor():
    from kopru.core.models import Donor

    return Donor.objects.get_or_create(name="European Union (ECHO)")[0]


def test_mission_wide_roles_are_the_administrator_the_me_officer_and_the_head_of_unit():
    from kopru.core.models import Role

    assert set(Role.objects.filter(mission_wide=True).values_list("slug", flat=True)) == {
        "admin",
        "me_officer",
        "head_of_unit",
    }
    assert Team.objects.count() == 0  # reference data creates no teams
    assert location("TR34").level == "province"


def test_a_write_is_refused_with_the_reason_capability_mission_place_then_category(
    caseworker_omer, minsk_me_officer, fatih_clinic, sahinbey_centre
):
    from django.core.exceptions import PermissionDenied

    tr = mission("TR")

    def refusal(user, where, **kwargs):
        with pytest.raises(PermissionDenied) as refused:
            access.ensure(user, where, "casework.manage", **kwargs)
        return str(refused.value)

    assert refusal(minsk_me_officer, mission("BY")) == "casework.manage"  # no such capability
    assert access.ensure(caseworker_omer, tr, "casework.manage", location=sahinbey_centre) is None
    assert refusal(caseworker_omer, mission("BY")) == "You do not work in this mission."
    assert (
        refusal(caseworker_omer, tr, location=fatih_clinic)
        == "This place is outside your teams' places."
    )
    assert (
        refusal(caseworker_omer, tr, category=Sensitivity.HEALTH)
        == "Your role does not see health records."
    )
