"""Stabilisation projects: milestones and progress, payments within the budget, photos, and
completion recording the catchment as one group service."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kopru.community import projects
from kopru.community.models import ContractorPayment, Milestone, ProgressPhoto
from kopru.services.models import ServiceEvent

from .conftest import CATCHMENT, image, new_project, with_milestones


def test_milestone_weights_make_at_most_a_hundred(shelter_burak, school, today):
    with_milestones(shelter_burak, school, (40, 50))
    with pytest.raises(ValidationError) as refused:
        projects.add_milestone(shelter_burak, school, name="Paint", planned_on=today, weight=20)
    assert "90%; 10% is left" in refused.value.message_dict["weight"][0]
    assert school.milestones.count() == 2


def test_progress_is_the_weight_of_done_milestones_and_done_twice_is_done_once(
    shelter_burak, school, today
):
    first, _second = with_milestones(shelter_burak, school, (40, 60))
    assert school.status == "planned"
    projects.mark_done(shelter_burak, first, done_on=today)
    again = projects.mark_done(shelter_burak, first, done_on=today - dt.timedelta(days=1))
    assert again.done_on == today
    school.refresh_from_db()
    assert (projects.progress(school), school.status) == (40, "in_progress")


def test_a_milestone_cannot_be_done_in_the_future(shelter_burak, school, today):
    (milestone,) = with_milestones(shelter_burak, school, (100,))
    with pytest.raises(ValidationError) as refused:
        projects.mark_done(shelter_burak, milestone, done_on=today + dt.timedelta(days=1))
    assert "future" in refused.value.message_dict["done_on"][0]
    assert Milestone.objects.get(pk=milestone.pk).done_on is None


def test_payments_stay_within_the_budget(shelter_burak, school, today):
    projects.record_payment(
        shelter_burak, school, amount="60.000,00", paid_on=today, reference="HKD-1"
    )
    with pytest.raises(ValidationError) as refused:
        projects.record_payment(
            shelter_burak, school, amount="50000", paid_on=today, reference="HKD-2"
        )
    assert "40,000.00 is left" in refused.value.message_dict["amount"][0]
    with pytest.raises(ValidationError) as twice:
        projects.record_payment(
            shelter_burak, school, amount="10", paid_on=today, reference="HKD-1"
        )
    assert "reference" in twice.value.message_dict
    assert list(ContractorPayment.objects.values_list("amount", flat=True)) == [60000]


def test_photos_are_images_checked_by_their_bytes(shelter_burak, school, today):
    with pytest.raises(ValidationError) as refused:
        projects.add_photo(
            shelter_burak, school, b"%PDF-1.4 not a photo", caption="Roof", taken_on=today
        )
    assert "JPEG, PNG" in refused.value.message_dict["photo"][0]
    photo = projects.add_photo(shelter_burak, school, image(), caption="Roof", taken_on=today)
    assert (ProgressPhoto.objects.count(), photo.content_type) == (1, "image/png")


def test_completion_needs_every_milestone_done(shelter_burak, school, today):
    first, _second = with_milestones(shelter_burak, school, (40, 60))
    projects.mark_done(shelter_burak, first, done_on=today)
    with pytest.raises(ValidationError) as refused:
        projects.complete_project(
            shelter_burak, school, completed_on=today, handover_note="Handed over", cells=CATCHMENT
        )
    assert refused.value.message_dict["project"] == ["Not every milestone is done: Stage 2."]
    school.refresh_from_db()
    assert (school.status, school.event_id, ServiceEvent.objects.count()) == (
        "in_progress",
        None,
        0,
    )


def test_groups_must_add_up_to_the_catchment(shelter_burak, school):
    with pytest.raises(ValidationError) as refused:
        projects.set_catchment(
            shelter_burak, school, cells=CATCHMENT, groups={"host_community": 100}
        )
    assert "100, the catchment to 325" in refused.value.message_dict["groups"][0]
    assert not school.catchment.exists()


def _complete(actor, project, today):
    for milestone in with_milestones(actor, project, (40, 60)):
        projects.mark_done(actor, milestone, done_on=today)
    return projects.complete_project(
        actor,
        project,
        completed_on=today,
        handover_note="Handed over to the municipality",
        cells=CATCHMENT,
        groups={"temporary_protection": 200, "host_community": 125},
    )


def test_a_completed_school_is_one_school_repair_with_its_catchment_as_headcounts(
    shelter_burak, school, today
):
    _complete(shelter_burak, school, today)
    event = ServiceEvent.objects.get()
    assert (event.service_type.code, event.subject, event.headcount_total) == (
        "school_repair",
        "group",
        325,
    )
    assert school.event == event and school.status == "completed"
    cells = {(h.sex, h.age_band): h.count for h in event.headcounts.all()}
    assert cells == CATCHMENT
    with pytest.raises(ValidationError):
        projects.add_milestone(shelter_burak, school, name="More", planned_on=today, weight=1)


def test_a_park_is_a_public_facility_improvement(shelter_burak, today):
    park = new_project(shelter_burak, facility="park", title="Seyhan park")
    _complete(shelter_burak, park, today)
    assert ServiceEvent.objects.get().service_type.code == "public_facility_improvement"


def test_another_provinces_engineer_may_not_work_on_the_project(shelter_selma, school, today):
    with pytest.raises(PermissionDenied):
        projects.record_payment(shelter_selma, school, amount="10", paid_on=today, reference="X")


def test_a_project_outside_the_engineers_places_is_refused(shelter_selma):
    with pytest.raises(ValidationError) as refused:
        new_project(shelter_selma)
    assert "outside your teams' places" in refused.value.message_dict["district"][0]
