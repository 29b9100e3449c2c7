"""After the flight: the receiving side reports through a one-time link given with consent,
Class A/B arrivals without a report are flagged, and recommendations for schooling or work go
to the other teams as referrals only with consent."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kopru.core.models import AuditEvent
from kopru.health import assessments
from kopru.health.models import AssessmentCase, FollowUp
from kopru.registry import services as registry
from kopru.services.models import Provider, Referral

pytestmark = pytest.mark.django_db

DEPARTMENT = "Texas DSHS refugee health program"


@pytest.fixture
def travelled(dr_ayse, us_case):
    AssessmentCase.objects.filter(pk=us_case.pk).update(status="cleared", tb_class="B2")
    us_case.refresh_from_db()
    us_case.departure_at = timezone.now() + timedelta(hours=30)
    us_case.save()
    assessments.record_pec(dr_ayse, us_case, at=timezone.now(), fit=True)
    return assessments.mark_travelled(dr_ayse, us_case)


def consent(actor, person, purpose, recipient):
    registry.record_consent(
        actor,
        person,
        purpose=purpose,
        decision="given",
        language="ar",
        recipient=recipient,
        guardian_name="Ahmad Haddad",
        guardian_relationship="father",
    )


def test_only_a_cleared_case_with_a_fit_pec_can_travel(dr_ayse, us_case):
    with pytest.raises(ValidationError):
        assessments.mark_travelled(dr_ayse, us_case)


def test_a_b2_arrival_is_flagged_until_the_receiving_side_reports_by_link(
    client, dr_ayse, travelled
):
    assert assessments.needs_follow_up([travelled]) == [travelled]
    with pytest.raises(ValidationError):  # no consent to share with the department yet
        assessments.issue_follow_up_link(dr_ayse, travelled, recipient=DEPARTMENT)
    consent(dr_ayse, travelled.person, "sharing_authority", DEPARTMENT)
    token = assessments.issue_follow_up_link(dr_ayse, travelled, recipient=DEPARTMENT)
    assert AuditEvent.objects.filter(action="disclose", object_id=str(travelled.pk)).exists()
    url = reverse("health:follow_up_answer", args=[token])
    page = client.get(url)
    assert travelled.number in page.content.decode()
    answer = {
        "reported_on": timezone.localdate().isoformat(),
        "reporter": "Dr. Lee",
        "admitted": "",
        "treatment": "LTBI treatment started (4R)",
    }
    assert "Thank you" in client.post(url, answer).content.decode()
    follow_up = FollowUp.objects.get()
    assert follow_up.via_link and DEPARTMENT in follow_up.reporter
    assert assessments.needs_follow_up([travelled]) == []
    assert client.post(url, answer).status_code == 410  # the link works once
    assert FollowUp.objects.count() == 1


def test_a_recommendation_goes_to_the_education_team_only_with_consent(
    dr_ayse, us_case, admin_selin, fatih_clinic
):
    school = Provider.objects.create(
        mission=us_case.mission,
        name="Special education centre Fatih",
        kind=Provider.Kind.SPECIAL_EDUCATION,
        location=fatih_clinic,
    )
    with pytest.raises(ValidationError):
        assessments.recommend(
            dr_ayse, us_case, provider=school, kind="schooling", text="Hearing support"
        )
    assert not Referral.objects.exists()
    consent(dr_ayse, us_case.person, "referral", school.name)
    referral = assessments.recommend(
        dr_ayse, us_case, provider=school, kind="schooling", text="Hearing support in class"
    )
    assert referral.service_type.code == "schooling_job_recommendation"
    assert "Hearing support in class" in referral.reason
