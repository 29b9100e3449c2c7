"""The pages show the engineer's work and refuse others': project list and detail with the
progress, payments and catchment; completion through the page; the photo served only to
those who may see the project; a repair's bill of quantities; an agreement's months."""

import datetime as dt

import pytest

from kopru.community import projects, rentals
from kopru.community.models import RentalAgreement
from kopru.services.models import ServiceEvent

from .conftest import CATCHMENT, image, new_project, with_milestones


def test_the_list_shows_the_engineers_projects_filtered(login, shelter_burak, school):
    new_project(shelter_burak, facility="park", title="Nizip park", pcode="TR27", name="Nizip")
    page = login(shelter_burak).get("/community/?province=TR27").content.decode()
    assert "Nizip park" in page and "Şehit Öğretmen" not in page
    page = login(shelter_burak).get("/community/?status=planned").content.decode()
    assert "Nizip park" in page and "Şehit Öğretmen" in page


def test_another_province_sees_neither_the_project_nor_its_photo(
    login, shelter_selma, shelter_burak, school, today
):
    photo = projects.add_photo(shelter_burak, school, image(), caption="Roof", taken_on=today)
    client = login(shelter_selma)
    assert "Şehit Öğretmen" not in client.get("/community/").content.decode()
    assert client.get(f"/community/projects/{school.pk}/").status_code == 403
    assert client.get(f"/community/photos/{photo.pk}/").status_code == 403


def test_the_photo_and_its_thumbnail_are_served_to_the_engineer(
    login, shelter_burak, school, today
):
    photo = projects.add_photo(shelter_burak, school, image(), caption="Roof", taken_on=today)
    client = login(shelter_burak)
    full = client.get(f"/community/photos/{photo.pk}/")
    thumb = client.get(f"/community/photos/{photo.pk}/?thumb=1")
    assert (full["Content-Type"], thumb["Content-Type"]) == ("image/png", "image/jpeg")
    page = client.get(f"/community/projects/{school.pk}/").content.decode()
    assert f"/community/photos/{photo.pk}/?thumb=1" in page and "Roof" in page


def test_completing_through_the_page_records_the_catchment(login, shelter_burak, school, today):
    for milestone in with_milestones(shelter_burak, school, (40, 60)):
        projects.mark_done(shelter_burak, milestone, done_on=today)
    projects.record_payment(shelter_burak, school, amount="25000", paid_on=today, reference="HKD-7")
    form = {f"c_{sex}_{band}": n for (sex, band), n in CATCHMENT.items()}
    client = login(shelter_burak)
    refused = client.post(
        f"/community/projects/{school.pk}/",
        {"action": "complete", "completed_on": today.isoformat(), "handover_note": "", **form},
    )
    assert refused.status_code == 200 and "Say how the facility was handed over" in (
        refused.content.decode()
    )
    assert not ServiceEvent.objects.exists()
    done = client.post(
        f"/community/projects/{school.pk}/",
        {"action": "complete", "completed_on": today.isoformat(), "handover_note": "Keys to the "
         "school principal", **form},
    )  # fmt: skip
    assert done.status_code == 302
    page = client.get(f"/community/projects/{school.pk}/").content.decode()
    assert "325" in page and "HKD-7" in page and "75,000.00" in page and 'value="100"' in page
    assert ServiceEvent.objects.get().headcount_total == 325


def test_a_milestone_posted_done_from_the_page(login, shelter_burak, school, today):
    (milestone,) = with_milestones(shelter_burak, school, (100,))
    login(shelter_burak).post(
        f"/community/projects/{school.pk}/",
        {"action": "done", "milestone": milestone.pk, "done_on": today.isoformat()},
    )
    milestone.refresh_from_db()
    assert milestone.done_on == today


def test_the_repair_page_shows_the_bill_of_quantities(login, shelter_burak, dwelling):
    client = login(shelter_burak)
    opened = client.post(
        f"/community/dwellings/{dwelling.pk}/",
        {"action": "repair", "works": ["painting", "roof"], "contractor": "Yapı Ltd."},
    )
    assert opened.status_code == 302
    url = opened["Location"]
    client.post(
        url,
        {"action": "boq", "item": "Roof tiles", "unit": "m2", "quantity": "64",
         "unit_price": "650"},
    )  # fmt: skip
    page = client.get(url).content.decode()
    assert "Roof tiles" in page and "41,600.00" in page and "Painting" in page


@pytest.fixture
def agreement(shelter_burak, dwelling, today):
    start = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return rentals.sign(
        shelter_burak,
        RentalAgreement(
            dwelling=dwelling, landlord_name="Hatice Demirtaş", landlord_phone="05056117345",
            landlord_identity="TC 2345678901", starts_on=start,
            ends_on=start.replace(year=start.year + 1) - dt.timedelta(days=1),
            monthly_rent="6800", deposit="6800", signed_on=start,
        ),
    )  # fmt: skip


def test_the_agreement_page_shows_the_months_and_takes_a_payment(
    login, shelter_burak, agreement, today
):
    client = login(shelter_burak)
    url = f"/community/rentals/{agreement.pk}/"
    client.post(
        url,
        {"action": "pay", "month": agreement.starts_on.isoformat(), "paid_on": today.isoformat()},
    )
    assert agreement.payments.count() == 1
    page = client.get(url).content.decode()
    assert "Hatice Demirtaş" in page and "Paid" in page and "Upcoming" in page
    listing = client.get("/community/rentals/").content.decode()
    assert "Hatice Demirtaş" in listing


def test_a_role_without_financial_records_is_refused_the_rentals(login, volunteer_vedat, agreement):
    client = login(volunteer_vedat)
    assert client.get("/community/rentals/").status_code == 403
    assert client.get(f"/community/rentals/{agreement.pk}/").status_code == 403
    page = client.get(f"/community/dwellings/{agreement.dwelling.pk}/").content.decode()
    assert "Hatice" not in page


def test_pages_render_in_arabic_and_russian(login, shelter_burak, school):
    client = login(shelter_burak)
    for language in ("ar", "ru", "tr"):
        client.cookies["django_language"] = language
        response = client.get(f"/community/projects/{school.pk}/", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200 and "Şehit Öğretmen" in response.content.decode()
