"""The health API: a tablet records consultations and doses (twice stores once), a case
worker's token learns travel status only, and clinical reads are audited."""

import uuid

import pytest
from django.utils import timezone

from kopru.core.models import AuditEvent, Role
from kopru.core.tests.api_client import Api
from kopru.health.models import Encounter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tokens_skip_otp(db):
    Role.objects.update(require_otp=False)


def test_a_consultation_sent_twice_is_stored_once(client, dr_ayse, yusuf, fatih_clinic):
    api = Api(client, dr_ayse, "health")
    body = {
        "uid": str(uuid.uuid4()),
        "person_id": yusuf.pk,
        "kind": "chronic",
        "at": timezone.now().isoformat(),
        "location_id": fatih_clinic.pk,
        "reason": "Hypertension review",
        "vitals": {"systolic": 148, "diastolic": 92},
        "diagnoses": [{"code": "I10"}],
    }
    first = api.post("/consultations", body)
    assert first.status_code == 201 and first.json()["diagnoses"] == ["I10"]
    assert api.post("/consultations", body).status_code == 200
    assert Encounter.objects.count() == 1


def test_impossible_vitals_get_the_fields_reason_and_store_nothing(
    client, dr_ayse, yusuf, fatih_clinic
):
    api = Api(client, dr_ayse, "health")
    answer = api.post(
        "/consultations",
        {
            "person_id": yusuf.pk,
            "kind": "chronic",
            "at": timezone.now().isoformat(),
            "location_id": fatih_clinic.pk,
            "reason": "Fever",
            "vitals": {"temperature_c": 371},
        },
    )
    assert answer.status_code == 400
    assert "temperature_c" in answer.json()["error"]["fields"]
    assert not Encounter.objects.exists()


def test_a_case_worker_learns_travel_status_and_nothing_clinical(
    client, dr_ayse, caseworker_istanbul, us_case
):
    api = Api(client, caseworker_istanbul, "health")
    (summary,) = api.get(f"/people/{us_case.person.pk}/assessments").json()
    assert summary["number"] == us_case.number and "not cleared" in summary["travel_status"]
    assert set(summary) == {"id", "number", "destination", "protocol", "status", "travel_status"}
    assert api.get(f"/assessments/{us_case.pk}").status_code == 403
    assert api.get(f"/people/{us_case.person.pk}/immunizations").status_code == 403


def test_the_physician_reads_the_checklist_and_the_read_is_audited(client, dr_ayse, us_case):
    api = Api(client, dr_ayse, "health")
    case = api.get(f"/assessments/{us_case.pk}").json()
    cxr = next(i for i in case["checklist"] if i["component"] == "cxr")
    assert cxr["required"] and cxr["status"] == "pending"
    assert any("not done" in b for b in case["blockers"])
    assert AuditEvent.objects.filter(action="view", object_id=str(us_case.pk)).exists()
    assert api.get("/icd10?q=Z22").json()[0]["code"].startswith("Z22")


def test_a_whole_us_assessment_through_the_api(client, dr_ayse, yusuf, fatih_clinic):
    from datetime import timedelta

    api = Api(client, dr_ayse, "health")
    body = {
        "uid": str(uuid.uuid4()),
        "person_id": yusuf.pk,
        "protocol": "us",
        "programme": "refugee",
        "location_id": fatih_clinic.pk,
    }
    opened = api.post("/assessments", body)
    assert opened.status_code == 201 and api.post("/assessments", body).status_code == 200
    case = opened.json()["id"]
    today = timezone.localdate().isoformat()
    for component in ("history", "physical_exam", "mental_health", "vaccines"):
        answer = api.post(
            f"/assessments/{case}/components", {"component": component, "done_on": today}
        )
        assert answer.status_code == 200
    for test, result in (("36643-5", "normal"), ("71773-6", "positive")):
        (order,) = api.post(f"/assessments/{case}/orders", {"test": test}).json()
        answer = api.post(
            f"/orders/{order['id']}/result", {"interpretation": result, "reading": "read"}
        )
        assert answer.json()["status"] == "resulted"
    refused = api.post(f"/assessments/{case}/clearance")
    assert refused.status_code == 400  # no TB class, no fitness yet
    assert api.post(f"/assessments/{case}/tb", {"tb_class": "B2"}).status_code == 200
    assert api.post(f"/assessments/{case}/fitness", {"fitness": "fit"}).status_code == 200
    flight = (timezone.now() + timedelta(hours=30)).isoformat()
    assert api.post(f"/assessments/{case}/travel", {"departure_at": flight}).status_code == 200
    cleared = api.post(f"/assessments/{case}/clearance").json()
    assert cleared["status"] == "cleared" and cleared["blockers"] == []
    pec = api.post(f"/assessments/{case}/pec", {"at": timezone.now().isoformat(), "fit": True})
    assert pec.status_code == 200


def test_a_nurse_cannot_decide_the_tb_class_through_the_api(client, nurse_hatice, us_case):
    api = Api(client, nurse_hatice, "health")
    assert api.post(f"/assessments/{us_case.pk}/tb", {"tb_class": "B2"}).status_code == 403
