"""Live dashboards (issue 5, item 3): a service recorded a moment ago is in the figures, for
the mission, a unit, a sector and a site."""

import re

import pytest

from kopru.core.tests.factories import make_user, mission
from kopru.services.services import record_service, void_service
from kopru.services.tests.test_record import a_service, now

pytestmark = pytest.mark.django_db


@pytest.fixture
def me_murat(db):
    return make_user("me_murat", "me_officer", missions=("TR",))


def figure(html, name):
    found = re.search(rf'id="{name}">([^<]*)<', html)
    return int(found.group(1).replace(",", "").replace("\u202f", "").replace(".", ""))


def test_a_service_recorded_a_moment_ago_is_on_the_dashboard_at_once(
    login, me_murat, clerk_zeynep, amina, twenty, haliliye_centre
):
    client = login(me_murat)
    page = client.get("/reports/dashboard/")
    assert page.status_code == 200
    html = page.content.decode()
    before = figure(html, "people-reached"), figure(html, "services-delivered")
    assert 'id="chart-months"' in html and "<svg" in html

    service = record_service(
        clerk_zeynep,
        mission("TR"),
        service_type=a_service("general", "person"),
        person=amina,
        at=now(),
        location=haliliye_centre,
        modality="centre",
    )
    html = client.get("/reports/dashboard/").content.decode()
    assert (figure(html, "people-reached"), figure(html, "services-delivered")) == (
        before[0] + 1,
        before[1] + 1,
    )

    # The site's and the sector's own dashboards show it; another site's does not.
    site = client.get(f"/reports/dashboard/?period=year&site={haliliye_centre.pk}")
    assert figure(site.content.decode(), "people-reached") == 1
    sector = service.service_type.sub_sector.sector_id
    by_sector = client.get(f"/reports/dashboard/?period=year&sector={sector}")
    assert figure(by_sector.content.decode(), "people-reached") >= 1

    void_service(clerk_zeynep, service, reason="recorded twice")
    html = client.get("/reports/dashboard/").content.decode()
    assert (figure(html, "people-reached"), figure(html, "services-delivered")) == before


def test_a_clerk_has_no_dashboard(login, clerk_zeynep):
    assert login(clerk_zeynep).get("/reports/dashboard/").status_code == 403
