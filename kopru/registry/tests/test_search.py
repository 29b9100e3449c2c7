"""Finding people: any script, any spelling, reference, document, phone, date; scoped."""

from datetime import date

import pytest

from kopru.core.tests.factories import mission
from kopru.registry import selectors, services

from .test_register import VALID_99, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(clerk_zeynep, haliliye_centre):
    mehmet = services.register_person(
        clerk_zeynep,
        person(haliliye_centre, given_name_original="محمد", family_name_original="الحسن"),
        documents=[{"kind": "tr_foreigner_id", "number": VALID_99}],
        phones=[{"number": "+90 532 765 43 21"}],
    )
    fatma = services.register_person(
        clerk_zeynep,
        person(
            haliliye_centre,
            given_name="Fatma",
            family_name="Yılmaz",
            sex="female",
            birth_date=date(1984, 3, 2),
            birth_date_precision="exact",
            nationality="TUR",
            population_group="host_community",
        ),
    )
    return mehmet, fatma


@pytest.mark.parametrize(
    "query",
    [
        "Mohammed",
        "Muhammad",
        "Mehmet",
        "محمد",
        "muhammad al hassan",
        "Elhasan",
        "MEHMET ELHASAN",
        "meh",
    ],
)
def test_names_find_each_other(clerk_zeynep, registered, query):
    mehmet, _ = registered
    assert mehmet in selectors.search(clerk_zeynep, mission("TR"), query)


def test_other_ways_to_find_someone(clerk_zeynep, registered):
    mehmet, fatma = registered
    tr = mission("TR")
    assert selectors.search(clerk_zeynep, tr, mehmet.reference.replace("-", "")) == [mehmet]
    assert selectors.search(clerk_zeynep, tr, VALID_99) == [mehmet]
    assert selectors.search(clerk_zeynep, tr, "0532 765 43 21") == [mehmet]
    assert selectors.search(clerk_zeynep, tr, "02.03.1984") == [fatma]
    assert fatma not in selectors.search(clerk_zeynep, tr, "Mehmet")


def test_results_follow_the_access_policy(registered, dr_ayse, minsk_me_officer, admin_selin):
    mehmet, _ = registered
    assert selectors.search(dr_ayse, mission("TR"), "Mehmet") == []  # Istanbul only
    assert selectors.search(minsk_me_officer, mission("BY"), "Mehmet") == []
    assert mehmet in selectors.search(admin_selin, mission("TR"), "Mehmet")


def test_the_people_page_and_the_search_box(login, clerk_zeynep, registered):
    mehmet, _ = registered
    client = login(clerk_zeynep)
    page = client.get("/registry/people/?q=محمد").content.decode()
    assert mehmet.reference in page
    assert mehmet.reference in client.get("/search/?q=Muhammad").content.decode()
    rows = client.get("/registry/people/?q=Fatma", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in rows and "Yılmaz" in rows
