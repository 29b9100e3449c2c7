"""The ledger through the API: a tablet records sessions and consultations, sends them
again when its connection drops, and reads a person's services as its role allows."""

import uuid

import pytest

from kopru.core.tests.api_client import Api
from kopru.core.tests.factories import make_user, mission
from kopru.services.models import ServiceEvent

from .test_record import a_service, now

pytestmark = pytest.mark.django_db


def test_the_catalogue_is_named_in_the_tablets_language(client, clerk_zeynep):
    api = Api(client, clerk_zeynep, "services")
    english = api.get("/catalogue").json()
    turkish = api.get("/catalogue", HTTP_ACCEPT_LANGUAGE="tr").json()
    assert len(english) >= 40 and {t["code"] for t in english} == {t["code"] for t in turkish}
    by_code = {t["code"]: t["name"] for t in turkish}
    assert any(by_code[t["code"]] != t["name"] for t in english)


def test_a_group_session_sent_three_times_is_stored_once(
    client, clerk_zeynep, twenty, haliliye_centre
):
    body = {
        "uid": str(uuid.uuid4()),
        "service_type": a_service("general", "group").code,
        "participant_ids": [p.pk for p in twenty],
        "headcounts": [
            {"sex": "female", "age_band": "18-59", "count": 20},
            {"sex": "male", "age_band": "0-4", "count": 10},
            {"sex": "other", "age_band": "60+", "disability": True, "count": 5},
        ],
        "headcount_total": 35,
        "at": now().isoformat(),
        "location_id": haliliye_centre.pk,
        "modality": "centre",
    }
    api = Api(client, clerk_zeynep, "services")
    answers = [api.post("/events", body) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 200, 200], answers[0].json()
    assert len({a.json()["id"] for a in answers}) == 1 and ServiceEvent.objects.count() == 1
    saved = answers[0].json()
    assert (saved["participants"], saved["headcount_total"]) == (20, 35)


def test_bad_input_gets_the_fields_reason_and_stores_nothing(
    client, clerk_zeynep, twenty, haliliye_centre
):
    api = Api(client, clerk_zeynep, "services")
    base = {
        "service_type": a_service("general", "group").code,
        "at": now().isoformat(),
        "location_id": haliliye_centre.pk,
        "modality": "centre",
        "participant_ids": [twenty[0].pk],
    }
    cases = {
        "participants": {"participant_ids": [twenty[0].pk, 99999999]},
        "headcounts": {
            "headcounts": [{"sex": "female", "age_band": "0-4", "count": 3}],
            "headcount_total": 4,
        },
        "at": {"at": "2099-01-01T10:00:00+03:00"},
        "service_type": {"service_type": "no-such-service"},
    }
    for field, change in cases.items():
        answer = api.post("/events", {**base, **change}, HTTP_ACCEPT_LANGUAGE="tr")
        assert answer.status_code == 400 and field in answer.json()["error"]["fields"], field
    future = api.post("/events", {**base, **cases["at"]}, HTTP_ACCEPT_LANGUAGE="tr").json()
    assert future["error"]["fields"]["at"] == ["Tarih gelecekte."]
    assert ServiceEvent.objects.count() == 0


def test_a_case_worker_sees_that_a_health_service_happened_not_what_it_was(
    client, nurse_elif, amina, haliliye_centre, sanliurfa_team
):
    consultation = Api(client, nurse_elif, "services").post(
        "/events",
        {
            "service_type": a_service("health", "person").code,
            "person_id": amina.pk,
            "at": now().isoformat(),
            "location_id": haliliye_centre.pk,
            "modality": "centre",
            "language": "ara",
            "interpreter": "Rania Haddad",
            "notes": "Hypertension follow-up",
        },
    )
    assert consultation.status_code == 201, consultation.json()
    caseworker = make_user("caseworker_derya", "caseworker", teams=[sanliurfa_team])
    seen = Api(client, caseworker, "services").get(f"/people/{amina.pk}/events").json()
    assert len(seen) == 1 and seen[0]["shown"] is False
    assert seen[0]["service_type"] is None and seen[0]["notes"] is None
    by_nurse = Api(client, nurse_elif, "services").get(f"/people/{amina.pk}/events").json()
    assert by_nurse[0]["notes"] == "Hypertension follow-up"
    assert ServiceEvent.objects.get().mission == mission("TR")
