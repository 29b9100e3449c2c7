"""Profiles, matching with reasons, placements (closed or full refused) and follow-ups."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kopru.livelihoods import matching, skills
from kopru.livelihoods.models import Placement, Profile
from kopru.services.models import ServiceEvent

from .conftest import PROFILE, profile_for


def test_a_profile_with_counselling_is_a_service_and_a_review_keeps_the_old_one(
    officer_emre, ahmad
):
    first = profile_for(officer_emre, ahmad, counselling=True)
    assert first.event.service_type.code == "vocational_counselling"
    assert first.province.pcode == "TR35"
    second = profile_for(officer_emre, ahmad, education="3")
    first.refresh_from_db()
    assert (first.current, second.current) == (False, True)
    assert Profile.objects.filter(person=ahmad).count() == 2


def test_a_bad_profile_names_each_field_and_writes_nothing(officer_emre, ahmad):
    with pytest.raises(ValidationError) as exc:
        skills.save_profile(
            officer_emre,
            ahmad,
            **{
                **PROFILE,
                "occupations": [{"isco": "9999", "years": 1}],
                "permit": "granted",
                "education": "x",
            },
        )
    errors = exc.value.message_dict
    assert "9999 is not an ISCO-08 unit group of the list." in errors["occupations"]
    assert errors["education"] == ["Choose the education level."]
    assert errors["permit_expires"] == ["Give the date the work permit runs until."]
    assert not Profile.objects.exists()


def test_another_province_is_refused(officer_canan, ahmad):
    with pytest.raises(PermissionDenied):
        profile_for(officer_canan, ahmad)
    assert not Profile.objects.exists()


def test_matches_rank_by_occupation_level_with_reasons(officer_emre, ahmad, layla, sewing_job):
    same = profile_for(officer_emre, ahmad)
    minor = profile_for(officer_emre, layla, occupations=[{"isco": "7533", "years": 2}])
    ranked = matching.for_vacancy(sewing_job, [minor, same])
    assert [m.profile for m in ranked] == [same]  # 7533 shares no sub-major group with 8153
    texts = [t for _p, t in ranked[0].reasons]
    assert texts[0].startswith("Same occupation: 8153 Sewing machine operators, 6 years")
    assert "Speaks Turkish as asked" in texts and "Holds a valid work permit or is exempt" in texts


def test_no_permit_is_not_listed_where_the_vacancy_needs_one(officer_emre, ahmad, sewing_job):
    profile = profile_for(officer_emre, ahmad, permit="none")
    assert matching.fit(profile, sewing_job) is None
    sewing_job.permit_required = False
    assert matching.fit(profile, sewing_job).score > 0


def test_a_person_sees_the_open_vacancies_that_fit(officer_emre, ahmad, sewing_job):
    profile = profile_for(officer_emre, ahmad)
    found = matching.for_profile(profile, skills.open_vacancies(officer_emre, ahmad.mission))
    assert [m.vacancy for m in found] == [sewing_job]


def test_a_placement_is_a_service_and_a_full_vacancy_is_refused(
    officer_emre, ahmad, layla, sewing_job
):
    today = timezone.localdate()
    placement = skills.place(
        officer_emre,
        sewing_job,
        ahmad,
        start_date=today,
        contract="permanent",
        monthly_wage="22.104,00",
    )
    assert placement.event.service_type.code == "skills_matching_placement"
    assert str(placement.monthly_wage) == "22104.00"
    assert sorted(placement.follow_ups.values_list("month", flat=True)) == [3, 6]
    with pytest.raises(ValidationError) as exc:
        skills.place(
            officer_emre,
            sewing_job,
            layla,
            start_date=today,
            contract="permanent",
            monthly_wage="20000",
        )
    assert exc.value.message_dict["vacancy"] == ["All positions of this vacancy are filled."]
    assert Placement.objects.count() == 1
    assert ServiceEvent.objects.filter(service_type__code="skills_matching_placement").count() == 1


def test_a_closed_vacancy_is_refused(officer_emre, ahmad, sewing_job):
    sewing_job.closes_on = timezone.localdate() - timedelta(days=1)
    sewing_job.save()
    with pytest.raises(ValidationError) as exc:
        skills.place(
            officer_emre,
            sewing_job,
            ahmad,
            start_date=timezone.localdate(),
            contract="permanent",
            monthly_wage="20000",
        )
    assert exc.value.message_dict["vacancy"] == ["This vacancy is closed."]


def test_follow_ups_fall_due_and_overdue(officer_emre, ahmad, sewing_job):
    today = timezone.localdate()
    start = today - timedelta(days=30)
    sewing_job.opens_on = start - timedelta(days=5)
    sewing_job.save()
    placement = skills.place(
        officer_emre,
        sewing_job,
        ahmad,
        start_date=start,
        contract="fixed_term",
        monthly_wage="20000",
        at=timezone.now() - timedelta(days=31),
    )
    three = placement.follow_ups.get(month=3)
    assert three.due_on == skills.add_months(start, 3)
    assert skills.follow_up_state(three, today) == "later"
    assert skills.follow_up_state(three, three.due_on - timedelta(days=3)) == "due"
    assert skills.follow_up_state(three, three.due_on + timedelta(days=1)) == "overdue"
    with pytest.raises(ValidationError) as exc:
        skills.record_follow_up(officer_emre, three, employed=False, reason="")
    assert exc.value.message_dict["reason"] == ["Say why the person left."]
    skills.record_follow_up(officer_emre, three, employed=False, reason="moved")
    assert skills.follow_up_state(three) == "done"
