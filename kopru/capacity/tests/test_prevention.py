"""Access to prevention: a referral needs the person's consent to the facility, is a service
counted in the report, and is answered once; a vaccination reached goes into the person's
vaccination record through the health module; group outreach is a tally."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kopru.capacity import prevention
from kopru.capacity.models import PreventionReferral
from kopru.core.tests.factories import mission
from kopru.health.models import Immunization
from kopru.reporting import report
from kopru.reporting.engine import Scope
from kopru.services.models import Referral, ServiceEvent, SubSector

TODAY = timezone.localdate()


def refer(officer, person, facility, programme="covid19_vaccination", **extra):
    return prevention.refer(
        officer,
        person,
        programme=programme,
        facility=facility,
        referred_on=extra.pop("referred_on", TODAY - timedelta(days=3)),
        location=extra.pop("location", person.location),
        **extra,
    )


def test_a_referral_without_consent_to_the_facility_is_refused(
    officer_alena, migrant_farid, polyclinic
):
    with pytest.raises(ValidationError) as refused:
        refer(officer_alena, migrant_farid, polyclinic)
    assert "has not consented" in refused.value.message_dict["consent"][0]
    assert not PreventionReferral.objects.exists() and not ServiceEvent.objects.exists()


def test_a_referral_is_a_service_and_sent_twice_stored_once(
    officer_alena, migrant_farid, polyclinic, farid_consents
):
    uid = uuid.uuid4()
    item = refer(officer_alena, migrant_farid, polyclinic, uid=uid)
    again = refer(officer_alena, migrant_farid, polyclinic, uid=uid)
    assert item.pk == again.pk and PreventionReferral.objects.count() == 1
    assert item.event.service_type.code == "prevention_programme_referral"
    assert item.event.person == migrant_farid and item.referral.provider == polyclinic
    with pytest.raises(ValidationError) as refused:
        refer(officer_alena, migrant_farid, polyclinic)
    assert "already referred" in refused.value.message_dict["programme"][0]


def test_a_vaccination_reached_is_written_once_into_the_vaccination_record(
    officer_alena, migrant_farid, polyclinic, farid_consents
):
    item = refer(officer_alena, migrant_farid, polyclinic)
    with pytest.raises(ValidationError) as refused:
        prevention.record_outcome(officer_alena, item, reached=True, on=TODAY, vaccine="03")
    assert refused.value.message_dict == {"vaccine": ["Choose the vaccine given."]}
    prevention.record_outcome(officer_alena, item, reached=True, on=TODAY, vaccine="505", dose=1)
    dose = Immunization.objects.get(person=migrant_farid)
    assert (dose.cvx, dose.source, dose.given_on, dose.event) == ("505", "record", TODAY, None)
    assert item.immunization == dose
    assert Referral.objects.get(pk=item.referral_id).status == "completed"
    with pytest.raises(ValidationError):
        prevention.record_outcome(officer_alena, item, reached=True, on=TODAY, vaccine="505")
    # The same dose already on record (copied from a card) is linked, not written again.
    second = refer(officer_alena, migrant_farid, polyclinic, programme="mr_vaccination")
    Immunization.objects.create(
        mission=mission("BY"), person=migrant_farid, cvx="03", given_on=TODAY, source="card",
        recorded_by=officer_alena,
    )  # fmt: skip
    prevention.record_outcome(officer_alena, second, reached=True, on=TODAY, vaccine="03")
    assert Immunization.objects.filter(person=migrant_farid, cvx="03").count() == 1


def test_not_reached_needs_a_reason_and_closes_the_referral(
    officer_alena, migrant_farid, polyclinic, farid_consents
):
    item = refer(officer_alena, migrant_farid, polyclinic, programme="tb_screening")
    with pytest.raises(ValidationError) as refused:
        prevention.record_outcome(officer_alena, item, reached=False)
    assert "reason" in refused.value.message_dict
    prevention.record_outcome(officer_alena, item, reached=False, reason="documents")
    item.refresh_from_db()
    assert item.status == "not_reached" and item.referral.status == "closed"
    assert not Immunization.objects.exists()


def test_another_province_may_not_refer_nor_see(
    officer_alena, officer_pavel, migrant_farid, polyclinic, farid_consents, login
):
    with pytest.raises(PermissionDenied):
        refer(officer_pavel, migrant_farid, polyclinic)
    item = refer(officer_alena, migrant_farid, polyclinic)
    assert not prevention.visible(officer_pavel, mission("BY")).exists()
    client = login(officer_pavel)
    assert client.get(f"/capacity/prevention/referrals/{item.pk}/").status_code == 403
    assert migrant_farid.reference not in client.get("/capacity/prevention/").content.decode()


def test_a_tally_counts_outreach_by_sex_and_age(officer_alena, minsk_office):
    cells = [
        {"sex": "female", "age_band": "18-59", "count": 9},
        {"sex": "male", "age_band": "18-59", "count": 6},
    ]
    with pytest.raises(ValidationError) as refused:
        prevention.record_tally(
            officer_alena, mission("BY"), programme="covid19_vaccination", held_on=TODAY,
            location=minsk_office, headcounts=cells, reached=16,
        )  # fmt: skip
    assert "reached" in refused.value.message_dict and not ServiceEvent.objects.exists()
    tally = prevention.record_tally(
        officer_alena, mission("BY"), programme="covid19_vaccination", held_on=TODAY,
        location=minsk_office, headcounts=cells, reached=7,
    )  # fmt: skip
    assert tally.referred == 15 and tally.event.subject == "group"
    assert tally.event.headcount_total == 15


def test_the_report_counts_referrals_under_prevention_and_the_vaccinated_under_vaccination(
    officer_alena, migrant_farid, polyclinic, farid_consents, minsk_office
):
    item = refer(officer_alena, migrant_farid, polyclinic)
    prevention.record_tally(
        officer_alena, mission("BY"), programme="covid19_vaccination", held_on=TODAY,
        location=minsk_office, headcounts=[{"sex": "male", "age_band": "18-59", "count": 20}],
    )  # fmt: skip
    period = report.Period("custom", TODAY - timedelta(days=30), TODAY)

    def line(code):
        name = str(SubSector.objects.get(sector__mission=mission("BY"), code=code))
        built = report.build(Scope(mission("BY"), period.start, period.end), period)
        return next((c for s in built.sectors for c in s.children if c.name == name), None)

    referred = line("communicable_disease_prevention")
    assert (referred.unique, referred.headcount, referred.services) == (1, 20, 2)
    assert line("vaccination") is None  # referred is not yet vaccinated

    prevention.record_outcome(officer_alena, item, reached=True, on=TODAY, vaccine="505")
    vaccinated = line("vaccination")
    assert (vaccinated.unique, vaccinated.services) == (1, 1)
    assert item.vaccinated_event.person == migrant_farid


def test_the_programme_page_shows_the_rate_by_sex_and_age(
    login, officer_alena, minsk_me_officer, migrant_farid, polyclinic, farid_consents
):
    item = refer(officer_alena, migrant_farid, polyclinic)
    prevention.record_outcome(officer_alena, item, reached=True, on=TODAY, vaccine="505")
    page = login(minsk_me_officer).get("/capacity/prevention/programmes/covid19_vaccination/")
    html = page.content.decode()
    assert page.status_code == 200 and "COVID-19 vaccination" in html and "100 %" in html
    assert "18-59" in html
    detail = login(officer_alena).get(f"/capacity/prevention/referrals/{item.pk}/")
    assert "CVX 505" in detail.content.decode()


def test_the_refer_page_saves_and_the_outcome_page_answers(
    login, officer_alena, migrant_farid, polyclinic, farid_consents, minsk_office
):
    client = login(officer_alena)
    assert client.get("/capacity/prevention/refer/").status_code == 200
    data = {
        "uid": str(uuid.uuid4()), "person_reference": migrant_farid.reference,
        "programme": "hiv_testing", "facility": polyclinic.pk,
        "referred_on": str(TODAY), "location": minsk_office.pk,
    }  # fmt: skip
    response = client.post("/capacity/prevention/refer/", data)
    item = PreventionReferral.objects.get()
    assert response.status_code == 302 and item.programme == "hiv_testing"
    answered = client.post(
        f"/capacity/prevention/referrals/{item.pk}/", {"reached": "no", "reason": ""}
    )
    assert "Say why the person was not reached." in answered.content.decode()
    client.post(f"/capacity/prevention/referrals/{item.pk}/", {"reached": "yes", "on": str(TODAY)})
    item.refresh_from_db()
    assert item.status == "reached"


def test_api_creates_a_referral_once_and_records_its_outcome(
    login, officer_alena, migrant_farid, polyclinic, farid_consents, minsk_office
):
    client = login(officer_alena)
    body = {
        "uid": str(uuid.uuid4()), "person_id": migrant_farid.pk, "programme": "hepatitis_testing",
        "facility_id": polyclinic.pk, "referred_on": str(TODAY), "location_id": minsk_office.pk,
    }  # fmt: skip
    url = "/api/v1/capacity/prevention/referrals?mission=BY"
    first = client.post(url, body, content_type="application/json")
    second = client.post(url, body, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert PreventionReferral.objects.count() == 1
    outcome = client.post(
        f"/api/v1/capacity/prevention/referrals/{first.json()['id']}/outcome?mission=BY",
        {"reached": True, "on": str(TODAY)},
        content_type="application/json",
    )
    assert outcome.status_code == 200 and outcome.json()["status"] == "reached"
    assert client.get(url).json()["count"] == 1
