"""The legislation review: recommendations go proposed -> discussed -> accepted ->
implemented one step at a time (or are rejected with a reason), each step dated and kept
with who made it; lists filter by status and topic."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kopru.capacity import legislation, trainings
from kopru.capacity.models import Instrument, Recommendation, RecommendationChange
from kopru.core.tests.factories import mission

pytestmark = pytest.mark.django_db


@pytest.fixture
def health_law(officer_alena):
    return legislation.save_instrument(
        officer_alena,
        Instrument(mission=mission("BY"), title="Law on Health Care", kind="law",
                   jurisdiction="national", number="2435-XII"),
    )  # fmt: skip


def _recommend(officer, law, topic="access_to_care", days_ago=30):
    finding = legislation.add_finding(
        officer, law, topic=topic, text="Free care for temporary residents is emergency care only."
    )
    return legislation.add_recommendation(
        officer,
        finding,
        text="Include TB diagnosis and treatment for every migrant.",
        addressed_to=trainings.load_agencies(mission("BY")).get(code="MOH"),
        priority="high",
        on=timezone.localdate() - timedelta(days=days_ago),
    )


def test_an_instrument_needs_a_kind_from_the_data_file(officer_alena):
    with pytest.raises(ValidationError) as refused:
        legislation.save_instrument(
            officer_alena,
            Instrument(mission=mission("BY"), title="X", kind="edict", jurisdiction="galactic"),
        )
    assert refused.value.message_dict["kind"] == ["Choose the kind of instrument."]
    assert refused.value.message_dict["jurisdiction"] == ["Choose national or international."]
    assert not Instrument.objects.exists()


def test_a_recommendation_moves_one_step_at_a_time_with_its_history(health_law, officer_alena):
    rec = _recommend(officer_alena, health_law)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as skip:
        legislation.move_recommendation(officer_alena, rec, status="implemented", on=today)
    assert skip.value.message_dict["status"] == [
        "A recommendation proposed cannot become implemented."
    ]
    with pytest.raises(ValidationError) as early:
        legislation.move_recommendation(
            officer_alena, rec, status="discussed", on=today - timedelta(days=40)
        )
    assert "before the last one" in early.value.message_dict["on"][0]
    for step in ("discussed", "accepted", "implemented"):
        legislation.move_recommendation(officer_alena, rec, status=step, on=today)
    history = list(rec.history.values_list("from_status", "to_status", "by__username"))
    assert history == [
        ("", "proposed", "officer_alena"),
        ("proposed", "discussed", "officer_alena"),
        ("discussed", "accepted", "officer_alena"),
        ("accepted", "implemented", "officer_alena"),
    ]
    with pytest.raises(ValidationError):
        legislation.move_recommendation(officer_alena, rec, status="rejected", note="late")


def test_a_rejection_says_why(health_law, officer_alena):
    rec = _recommend(officer_alena, health_law)
    with pytest.raises(ValidationError) as refused:
        legislation.move_recommendation(officer_alena, rec, status="rejected")
    assert refused.value.message_dict["note"] == ["Say why it was rejected."]
    assert RecommendationChange.objects.count() == 1
    assert Recommendation.objects.get(pk=rec.pk).status == "proposed"


def test_lists_filter_by_status_and_topic(health_law, officer_alena):
    care = _recommend(officer_alena, health_law)
    status = _recommend(officer_alena, health_law, topic="legal_status")
    legislation.move_recommendation(officer_alena, status, status="discussed")
    by = mission("BY")
    assert list(legislation.recommendations(by, status="discussed")) == [status]
    assert list(legislation.recommendations(by, topic="access_to_care")) == [care]


def test_other_roles_are_refused(health_law, clerk_zeynep, minsk_me_officer):
    for user in (clerk_zeynep, minsk_me_officer):
        with pytest.raises(PermissionDenied):
            legislation.add_finding(user, health_law, topic="financing", text="Fees")
