"""Special-education cooperation: only children with a difficulty recorded, only with the
guardian's consent to share with the centre; the centre's answer; each follow-up a service."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kopru.core.tests.factories import mission
from kopru.education import special
from kopru.education.models import FollowUp, SpecialCase
from kopru.services.models import Referral, ServiceEvent

from .conftest import TODAY, consent_to


def _refer(officer, child, centre):
    return special.refer(officer, child, centre=centre, needs="Cannot read the board.")


def test_a_child_without_a_recorded_difficulty_is_not_referred(officer_fatma, family, ram):
    with pytest.raises(ValidationError) as refused:
        _refer(officer_fatma, family["ali"], ram)
    assert "No difficulty is recorded for Ali Yusuf" in refused.value.message_dict["child"][0]
    assert not SpecialCase.objects.exists() and not Referral.objects.exists()


def test_the_guardian_s_consent_to_share_with_the_centre_comes_first(
    officer_fatma, clerk_zeynep, family, ram
):
    with pytest.raises(ValidationError) as refused:
        _refer(officer_fatma, family["rami"], ram)
    assert "has not consented to sharing" in refused.value.message_dict["consent"][0]
    assert not SpecialCase.objects.exists()
    consent_to(clerk_zeynep, family["rami"], family["amina"], ram)
    case = _refer(officer_fatma, family["rami"], ram)
    assert special.status_of(case) == special.Status.WAITING
    assert case.referral.provider == ram and case.referral.status == "sent"


@pytest.fixture
def case(officer_fatma, clerk_zeynep, family, ram):
    consent_to(clerk_zeynep, family["rami"], family["amina"], ram)
    return _refer(officer_fatma, family["rami"], ram)


def test_follow_ups_start_with_the_centre_s_acceptance_and_each_is_a_service(officer_fatma, case):
    with pytest.raises(ValidationError, match="once the centre has accepted"):
        special.record_follow_up(officer_fatma, case, day=TODAY, attendance="centre", notes="x")
    with pytest.raises(ValidationError, match="Say why the centre declined"):
        special.record_answer(officer_fatma, case, accepted=False)
    special.record_answer(officer_fatma, case, accepted=True)
    special.record_follow_up(
        officer_fatma,
        case,
        day=TODAY,
        attendance="both",
        notes="Large-print books help; attends the centre twice a week.",
        next_step="Eye examination",
    )
    case.referral.refresh_from_db()
    assert special.status_of(case) == special.Status.FOLLOWED
    event = FollowUp.objects.get().event
    assert (event.service_type.code, event.person) == ("special_education_support", case.child)
    assert ServiceEvent.objects.filter(service_type__code="special_education_support").count() == 1


def test_a_declined_referral_keeps_its_reason_and_takes_no_follow_up(officer_fatma, case):
    special.record_answer(officer_fatma, case, accepted=False, reason="No place until March.")
    case.referral.refresh_from_db()
    assert special.status_of(case) == special.Status.DECLINED
    assert case.referral.updates.filter(feedback="No place until March.").exists()
    with pytest.raises(ValidationError):
        special.record_follow_up(officer_fatma, case, day=TODAY, attendance="none", notes="x")


def test_another_province_s_officer_sees_no_child_and_cannot_act(officer_hale, case, login):
    assert not special.visible_cases(officer_hale, mission("TR")).exists()
    with pytest.raises(PermissionDenied):
        special.record_answer(officer_hale, case, accepted=True)
    assert login(officer_hale).get(f"/education/special/{case.pk}/").status_code == 403
