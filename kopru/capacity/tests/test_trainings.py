"""Trainings for government agencies: participants are agencies' staff, scores are 0..max,
the improvement and the training's means follow from them, and each day held is one group
service counting the participants present by sex and age band."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from kopru.capacity import trainings
from kopru.capacity.models import Agency, Enrolment, Participant, Training, TrainingDay
from kopru.core.tests.factories import mission
from kopru.services.models import ServiceEvent

pytestmark = pytest.mark.django_db


def agency(code):
    return trainings.load_agencies(mission("BY")).get(code=code)


def staff(officer, name, code="MOH", sex="female", age_band="18-59", **fields):
    return trainings.save_participant(
        officer,
        Participant(
            mission=mission("BY"),
            name=name,
            agency=agency(code),
            sex=sex,
            age_band=age_band,
            email=fields.pop("email", f"{name.split()[0].lower()}@example.by"),
            **fields,
        ),
    )


def plan(officer, place, project=None, **fields):
    today = timezone.localdate()
    values = {
        "title": "Migrant health and communicable diseases: TB and HIV",
        "topic": "communicable_diseases",
        "starts_on": today - timedelta(days=10),
        "ends_on": today - timedelta(days=9),
        "location": place,
        "venue": "Ministry of Health, conference hall",
        "trainers": "Dr Irina Sokolova",
        "max_score": 20,
        "project": project,
    }
    values.update(fields)
    return trainings.save_training(officer, Training(mission=mission("BY"), **values))


@pytest.fixture
def tb_course(officer_alena, minsk_office, by_project):
    training = plan(officer_alena, minsk_office, by_project)
    people = [
        staff(officer_alena, "Tatsiana Ivanova"),
        staff(officer_alena, "Siarhei Novik", "MVD-DCM", sex="male"),
        staff(officer_alena, "Volha Marozava", "RCHEPH", age_band="60+"),
    ]
    trainings.enrol(officer_alena, training, people)
    return training, people


def test_a_participant_needs_an_agency_and_a_way_to_reach_them(officer_alena):
    with pytest.raises(ValidationError) as refused:
        trainings.save_participant(
            officer_alena,
            Participant(mission=mission("BY"), name="Nobody", sex="female", email="", phone=""),
        )
    assert "Choose the participant's agency." in refused.value.message_dict["agency"]
    assert refused.value.message_dict["email"] == ["Give an email address or a phone number."]
    with pytest.raises(ValidationError) as bad_phone:
        staff(officer_alena, "Ina Kaval", email="", phone="12")
    assert bad_phone.value.message_dict["phone"] == ["This is not a valid phone number."]
    assert not Participant.objects.exists()
    ok = staff(officer_alena, "Ina Kaval", email="", phone="+375 29 123-45-67")
    assert ok.phone == "+375291234567"


def test_a_participant_sent_twice_is_stored_once(officer_alena):
    uid = uuid.uuid4()
    first = staff(officer_alena, "Ales Hlebau", uid=uid)
    again = staff(officer_alena, "Ales Hlebau", uid=uid)
    assert first.pk == again.pk and Participant.objects.count() == 1


def test_scores_above_the_maximum_are_refused_and_nothing_is_written(tb_course, officer_alena):
    training, (tatsiana, siarhei, volha) = tb_course
    with pytest.raises(ValidationError) as refused:
        trainings.record_scores(
            officer_alena, training, {tatsiana.pk: ("10", "18"), siarhei.pk: ("9", "21")}
        )
    assert refused.value.message_dict[f"post_{siarhei.pk}"] == [
        "Siarhei Novik: A score is from 0 to the test's maximum, 20."
    ]
    assert not Enrolment.objects.filter(pre_score__isnull=False).exists()


def test_the_improvement_and_the_training_means(tb_course, officer_alena):
    training, (tatsiana, siarhei, volha) = tb_course
    trainings.record_scores(
        officer_alena,
        training,
        {tatsiana.pk: ("10", "16"), siarhei.pk: ("11,5", "17"), volha.pk: ("12", "12")},
    )
    assert training.enrolments.get(participant=siarhei).improvement == Decimal("5.5")
    found = trainings.results(Training.objects.filter(pk=training.pk))
    assert found.tested == 3
    assert (found.mean_pre, found.mean_post) == (Decimal("11.2"), Decimal("15.0"))
    assert found.mean_gain == Decimal("3.8")  # (6 + 5.5 + 0) / 3
    assert (found.mean_pre_pct, found.mean_post_pct, found.mean_gain_pct) == (56, 75, 19)
    assert (found.improved, found.improved_pct) == (2, 67)


def test_the_maximum_cannot_fall_below_a_score_given(tb_course, officer_alena):
    training, (tatsiana, *_rest) = tb_course
    trainings.record_scores(officer_alena, training, {tatsiana.pk: ("10", "18")})
    training.max_score = 15
    with pytest.raises(ValidationError) as refused:
        trainings.save_training(officer_alena, training)
    assert "the maximum cannot be lower" in refused.value.message_dict["max_score"][0]


@given(
    st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)).map(sorted), min_size=1, max_size=30)
)
def test_the_means_lie_within_the_scores(pairs):
    found = trainings.summarise([(pre, post, 50) for pre, post in pairs])
    assert min(p for p, _q in pairs) <= found.mean_pre <= max(p for p, _q in pairs)
    assert found.mean_gain >= 0 and 0 <= found.improved_pct <= 100
    assert found.improved == sum(1 for pre, post in pairs if post > pre)


def test_a_day_held_is_one_group_service_counting_those_present(tb_course, officer_alena):
    training, (tatsiana, siarhei, volha) = tb_course
    uid = uuid.uuid4()
    held = trainings.record_day(
        officer_alena, training, day=training.starts_on, present=[tatsiana, siarhei, volha], uid=uid
    )
    again = trainings.record_day(
        officer_alena, training, day=training.starts_on, present=[tatsiana], uid=uid
    )
    assert again.pk == held.pk and ServiceEvent.objects.count() == 1
    event = held.event
    assert event.service_type.code == "migration_health_training"
    assert event.subject == "group" and event.location == training.location
    cells = {(h.sex, h.age_band): h.count for h in event.headcounts.all()}
    assert cells == {("female", "18-59"): 1, ("male", "18-59"): 1, ("female", "60+"): 1}
    assert [p.project.code for p in event.projects.all()] == ["BY-CD-T"]


def test_a_day_is_refused_outside_the_dates_twice_or_with_strangers(tb_course, officer_alena):
    training, (tatsiana, siarhei, volha) = tb_course
    outsider = staff(officer_alena, "Maryia Zhuk")
    cases = [
        (training.ends_on + timedelta(days=1), [tatsiana], "day", "not within the training"),
        (timezone.localdate() + timedelta(days=1), [tatsiana], "day", "in the future"),
        (training.starts_on, [], "present", "Mark who was present."),
        (training.starts_on, [outsider], "present", "Only participants on the training"),
    ]
    for day, present, field, message in cases:
        with pytest.raises(ValidationError) as refused:
            trainings.record_day(officer_alena, training, day=day, present=present)
        assert message in refused.value.message_dict[field][0]
    trainings.record_day(officer_alena, training, day=training.starts_on, present=[tatsiana])
    with pytest.raises(ValidationError) as twice:
        trainings.record_day(officer_alena, training, day=training.starts_on, present=[siarhei])
    assert twice.value.message_dict["day"] == ["This day is already recorded."]
    assert TrainingDay.objects.count() == 1 and ServiceEvent.objects.count() == 1


def test_another_province_and_other_roles_are_refused(tb_course, officer_pavel, clerk_zeynep):
    training, (tatsiana, *_rest) = tb_course
    with pytest.raises(PermissionDenied):
        trainings.record_day(officer_pavel, training, day=training.starts_on, present=[tatsiana])
    with pytest.raises(PermissionDenied):
        trainings.save_participant(
            clerk_zeynep, Participant(mission=mission("BY"), name="X", agency=agency("MOH"))
        )
    assert list(trainings.visible(officer_pavel, mission("BY"))) == []
    assert list(trainings.visible_participants(officer_pavel, mission("BY"))) == []
    assert not TrainingDay.objects.exists()


def test_a_training_outside_the_officers_places_is_refused(officer_pavel, minsk_office):
    with pytest.raises(ValidationError) as refused:
        plan(officer_pavel, minsk_office)
    assert refused.value.message_dict["location"] == [
        "This place is outside your teams' locations."
    ]
    assert not Training.objects.exists()


def test_agencies_come_with_the_reference_data_once_and_others_are_addable(officer_alena):
    by = mission("BY")
    # load_reference (run for the test database as on every install) brought them; a page
    # only reads them, and loading again adds nothing.
    assert Agency.objects.filter(mission=by, code="MVD-DCM").get().parent.code == "MVD"
    before = Agency.objects.count()
    trainings.load_agencies(by)
    assert Agency.objects.count() == before
    n = Agency.objects.count()
    trainings.add_agency(officer_alena, by, code="mchs", name_en="Ministry of Emergency Situations")
    with pytest.raises(ValidationError) as refused:
        trainings.add_agency(officer_alena, by, code="MCHS", name_en="Again")
    assert refused.value.message_dict["code"] == ["Another agency has this code."]
    assert Agency.objects.count() == n + 1
