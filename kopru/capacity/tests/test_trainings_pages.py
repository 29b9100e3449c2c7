"""The trainings, council and legislation pages as the project officer uses them, and the
API a tablet at the venue calls: what is shown, what is refused, twice is once."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kopru.capacity import council, legislation, trainings
from kopru.capacity.models import (
    Council,
    Enrolment,
    Instrument,
    Member,
    Participant,
    Training,
    TrainingDay,
)
from kopru.core.tests.api_client import Api
from kopru.core.tests.factories import location, mission

from .test_trainings import staff, tb_course  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def test_the_training_page_shows_participants_and_refuses_a_score_above_the_maximum(
    login,
    officer_alena,
    tb_course,  # noqa: F811
):
    training, (tatsiana, siarhei, volha) = tb_course
    client = login(officer_alena)
    url = reverse("capacity:training_detail", args=[training.pk])
    answer = client.post(
        url, {"action": "scores", f"pre_{tatsiana.pk}": "10", f"post_{tatsiana.pk}": "25"}
    )
    assert answer.status_code == 200
    assert "Tatsiana Ivanova: A score is from 0 to the test&#x27;s maximum, 20." in (
        answer.content.decode()
    )
    assert not Enrolment.objects.filter(post_score__isnull=False).exists()
    answer = client.post(
        url,
        {"action": "scores", f"pre_{tatsiana.pk}": "10", f"post_{tatsiana.pk}": "16,5"},
        follow=True,
    )
    assert "Scores saved for 1 participants." in answer.content.decode()
    answer = client.post(
        url,
        {
            "action": "day",
            "day": training.starts_on.isoformat(),
            "present": [tatsiana.pk, volha.pk],
        },
        follow=True,
    )
    text = answer.content.decode()
    assert "Day recorded: 2 present." in text and "Siarhei Novik" in text and "6.5" in text
    listing = client.get(reverse("capacity:training_list")).content.decode()
    assert "Migrant health and communicable diseases: TB and HIV" in listing


def test_every_page_renders_for_the_officer(login, officer_alena, tb_course, minsk_office):  # noqa: F811
    training, (tatsiana, *_rest) = tb_course
    today = timezone.localdate()
    body = council.save_council(
        officer_alena,
        Council(mission=mission("BY"), name="Project council", location=location("BY02")),
    )
    chair = council.save_member(
        officer_alena,
        Member(council=body, name="Aleksandr Tarasenko", organisation="MoH", role="chair",
               from_date=today - timedelta(days=30)),
    )  # fmt: skip
    meeting = council.record_meeting(
        officer_alena, body, held_on=today - timedelta(days=20), venue="Minsk", agenda="Plan",
        present=[chair],
    )  # fmt: skip
    council.add_action_item(
        officer_alena, meeting, text="Send the plan to the agencies",
        due_on=today - timedelta(days=2), owner_member=chair,
    )  # fmt: skip
    law = legislation.save_instrument(
        officer_alena,
        Instrument(mission=mission("BY"), title="Law on Health Care", kind="law",
                   jurisdiction="national"),
    )  # fmt: skip
    finding = legislation.add_finding(officer_alena, law, topic="financing", text="No fee waiver")
    rec = legislation.add_recommendation(
        officer_alena, finding, text="Waive fees for TB care",
        addressed_to=trainings.load_agencies(mission("BY")).get(code="MOH"), priority="high",
    )  # fmt: skip
    client = login(officer_alena)
    pages = {
        reverse("capacity:home"): "1 action item open.",
        reverse("capacity:participant_list"): "Tatsiana Ivanova",
        reverse("capacity:participant_detail", args=[tatsiana.pk]): training.title,
        reverse("capacity:agency_list"): "State Border Committee",
        reverse("capacity:council_list"): "Project council",
        reverse("capacity:council_detail", args=[body.pk]): "Aleksandr Tarasenko",
        reverse("capacity:meeting_detail", args=[meeting.pk]): "Send the plan to the agencies",
        reverse("capacity:action_item_list") + "?show=overdue": "Overdue",
        reverse("capacity:instrument_list") + "?topic=financing": "Law on Health Care",
        reverse("capacity:instrument_detail", args=[law.pk]): "Waive fees for TB care",
        reverse("capacity:recommendation_list") + "?status=proposed": "Waive fees for TB care",
        reverse("capacity:recommendation_detail", args=[rec.pk]): "Change the status",
        reverse("capacity:training_new"): "Test&#x27;s maximum score",
    }
    for url, expected in pages.items():
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert expected in answer.content.decode(), url
    assert (
        "Law on Health Care"
        not in client.get(
            reverse("capacity:instrument_list") + "?topic=vaccination"
        ).content.decode()
    )


def test_another_province_and_another_role_are_refused(
    login,
    officer_pavel,
    clerk_zeynep,
    tb_course,  # noqa: F811
):
    training, _people = tb_course
    url = reverse("capacity:training_detail", args=[training.pk])
    assert login(officer_pavel).get(url).status_code == 403
    assert (
        "Tatsiana"
        not in login(officer_pavel).get(reverse("capacity:participant_list")).content.decode()
    )
    assert login(clerk_zeynep).get(reverse("capacity:training_list")).status_code == 403


def test_the_api_creates_a_training_and_records_a_day_once(
    client, no_otp, officer_alena, officer_pavel, minsk_office
):
    api = Api(client, officer_alena, "capacity")
    today = timezone.localdate()
    body = {
        "uid": str(uuid.uuid4()),
        "title": "COVID-19 vaccination of migrants",
        "topic": "vaccination",
        "starts_on": (today - timedelta(days=1)).isoformat(),
        "ends_on": today.isoformat(),
        "location_id": minsk_office.pk,
        "max_score": 20,
    }
    first, again = api.post("/trainings", body), api.post("/trainings", body)
    assert (first.status_code, again.status_code) == (201, 200), first.content
    assert Training.objects.count() == 1
    person = {"uid": str(uuid.uuid4()), "name": "Inna Levchuk", "agency": "minsk-hc",
              "sex": "female", "email": "inna@example.by"}  # fmt: skip
    assert api.post("/participants", person).status_code == 201
    assert api.post("/participants", person).status_code == 200
    bad = api.post("/participants", {**person, "uid": str(uuid.uuid4()), "agency": "NOPE"})
    assert bad.status_code == 400 and "agency" in bad.json()["error"]["fields"]
    training = first.json()["id"]
    assert api.post(
        f"/trainings/{training}/enrolments", {"participants": [person["uid"]]}
    ).json() == {"changed": 1}
    day = {"uid": str(uuid.uuid4()), "day": today.isoformat(), "present": [person["uid"]]}
    assert api.post(f"/trainings/{training}/days", day).status_code == 201
    assert api.post(f"/trainings/{training}/days", day).status_code == 200
    assert TrainingDay.objects.count() == 1
    scores = {"scores": [{"participant": person["uid"], "pre": 11, "post": 21}]}
    refused = api.post(f"/trainings/{training}/scores", scores)
    assert refused.status_code == 400
    listed = api.get("/trainings").json()
    assert listed["count"] == 1 and listed["items"][0]["days_held"] == 1
    assert Api(client, officer_pavel, "capacity").get("/trainings").json()["count"] == 0
    assert Participant.objects.count() == 1
