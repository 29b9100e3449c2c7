"""/api/v1/mhpss/ as the field app meets it: an activity sent twice is stored once and listed
with its counts, a questionnaire is scored on the server and raises its safety alert, and a
refused write answers in the API's one error shape."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from kopru.core.tests.api_client import Api
from kopru.mhpss.models import Activity, MeasureRecord, SafetyAlert
from kopru.services.models import ServiceEvent

pytestmark = pytest.mark.django_db

WORRYING = {1: 2, 2: 2, 3: 1, 4: 2, 5: 1, 6: 1, 7: 0, 8: 0, 9: 1}  # total 10, item 9 = 1


@pytest.fixture
def api(client, no_otp, counsellor_zehra):
    return Api(client, counsellor_zehra, "mhpss")


def awareness(team, place, **fields):
    return {
        "uid": str(uuid.uuid4()),
        "team_id": team.pk,
        "kind": "awareness",
        "topic": "gbv",
        "at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "location_id": place.pk,
        "headcounts": [
            {"sex": "female", "age_band": "18-59", "count": 12},
            {"sex": "male", "age_band": "12-17", "disability": True, "count": 2},
        ],
        **fields,
    }


def assert_error_shape(answer, status, field):
    assert answer.status_code == status
    error = answer.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] == "invalid" and error["message"]
    assert field in error["fields"] and error["fields"][field]


def test_an_activity_sent_twice_answers_201_then_200_with_the_same_id(
    api, sanliurfa_team, haliliye_centre, neighbours
):
    body = awareness(sanliurfa_team, haliliye_centre, participant_ids=[neighbours[0].pk])
    first = api.post("/activities", body)
    assert first.status_code == 201
    again = api.post("/activities", body)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert first.json()["uid"] == body["uid"]
    assert Activity.objects.count() == 1 and ServiceEvent.objects.count() == 1


def test_the_list_gives_each_activity_its_headcount_and_participants(
    api, sanliurfa_team, haliliye_centre, neighbours
):
    body = awareness(
        sanliurfa_team, haliliye_centre, participant_ids=[p.pk for p in neighbours[:3]]
    )
    created = api.post("/activities", body).json()
    listed = api.get("/activities").json()
    assert listed["count"] == 1
    (row,) = listed["items"]
    assert row["id"] == created["id"] and row["uid"] == body["uid"]
    assert (row["kind"], row["topic"], row["layer"]) == ("awareness", "gbv", 2)
    assert row["headcount"] == 14 and row["participants"] == 3
    assert row["team_id"] == sanliurfa_team.pk and row["location_id"] == haliliye_centre.pk
    assert api.get("/activities?kind=focus_group").json()["count"] == 0


def test_an_awareness_activity_without_a_topic_is_refused_in_the_error_shape(
    api, sanliurfa_team, haliliye_centre
):
    answer = api.post("/activities", awareness(sanliurfa_team, haliliye_centre, topic=""))
    assert_error_shape(answer, 400, "topic")
    missing = awareness(sanliurfa_team, haliliye_centre)
    del missing["team_id"]
    assert_error_shape(api.post("/activities", missing), 422, "team_id")
    assert not Activity.objects.exists() and not ServiceEvent.objects.exists()


def test_a_measure_is_scored_and_item_9_raises_the_alert(
    api, supervisor_derya, amina, haliliye_centre
):
    body = {
        "uid": str(uuid.uuid4()),
        "person_id": amina.pk,
        "instrument": "phq9",
        "answers": {str(n): v for n, v in WORRYING.items()},
        "language": "ar",
        "phase": "pre",
        "at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "location_id": haliliye_centre.pk,
    }
    answer = api.post("/measures", body)
    assert answer.status_code == 201
    scored = answer.json()
    alert = SafetyAlert.objects.get()
    assert (scored["total"], scored["band"]) == (10, "moderate")
    assert scored["safety_alert_id"] == alert.pk
    assert alert.supervisor == supervisor_derya and alert.person == amina

    calm = api.post(
        "/measures", {**body, "uid": str(uuid.uuid4()), "answers": {**body["answers"], "9": 0}}
    ).json()
    assert (calm["total"], calm["band"], calm["safety_alert_id"]) == (9, "mild", None)
    assert SafetyAlert.objects.count() == 1 and MeasureRecord.objects.count() == 2


def test_an_incomplete_measure_is_refused_in_the_error_shape(api, amina, haliliye_centre):
    answer = api.post(
        "/measures",
        {
            "person_id": amina.pk,
            "instrument": "phq9",
            "answers": {"1": 2, "2": 1},
            "language": "ar",
            "phase": "pre",
            "at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "location_id": haliliye_centre.pk,
        },
    )
    assert_error_shape(answer, 400, "answers")
    assert not MeasureRecord.objects.exists()


def test_a_caseworker_token_may_not_record_a_measure(
    client, no_otp, caseworker_omer, amina, haliliye_centre
):
    answer = Api(client, caseworker_omer, "mhpss").post(
        "/measures",
        {
            "person_id": amina.pk,
            "instrument": "phq9",
            "answers": {str(n): v for n, v in WORRYING.items()},
            "language": "ar",
            "phase": "pre",
            "at": timezone.now().isoformat(),
            "location_id": haliliye_centre.pk,
        },
    )
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "forbidden"
    assert not MeasureRecord.objects.exists() and not SafetyAlert.objects.exists()
