"""The coordination council: one chair at a time, meetings held with members sitting that
day, minutes as a checked PDF, and action items with one owner whose done needs a date,
dropped a note, and whose lateness is flagged."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kopru.capacity import council
from kopru.capacity.models import ActionItem, Council, Meeting, Member
from kopru.core.tests.factories import location, mission

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture
def board(officer_alena, minsk_office):
    body = council.save_council(
        officer_alena,
        Council(
            mission=mission("BY"), name="Project Coordination Council", location=location("BY02")
        ),
    )
    start = timezone.localdate() - timedelta(days=60)
    chair = council.save_member(
        officer_alena,
        Member(council=body, name="Aleksandr Tarasenko", organisation="Ministry of Health",
               position="Deputy Minister of Healthcare", role="chair", from_date=start),
    )  # fmt: skip
    chief = council.save_member(
        officer_alena,
        Member(council=body, name="Mahym Orazmuhammedova", organisation="IOM Belarus",
               position="Chief of Mission", role="co_chair", from_date=start),
    )  # fmt: skip
    return body, chair, chief


def _meet(officer, body, members, days_ago=30, **extra):
    return council.record_meeting(
        officer,
        body,
        held_on=timezone.localdate() - timedelta(days=days_ago),
        venue="Ministry of Health, Minsk",
        agenda="1. Opening\n2. Plan of activities",
        present=members,
        **extra,
    )


def test_one_chair_at_a_time(board, officer_alena):
    body, chair, _chief = board
    with pytest.raises(ValidationError) as refused:
        council.save_member(
            officer_alena,
            Member(council=body, name="Another", organisation="MoH", role="chair",
                   from_date=chair.from_date + timedelta(days=5)),
        )  # fmt: skip
    assert refused.value.message_dict["role"] == [
        "Aleksandr Tarasenko chairs the council in this period."
    ]
    assert Member.objects.count() == 2


def test_a_meeting_needs_members_sitting_that_day_and_is_numbered(board, officer_alena):
    body, chair, chief = board
    later = council.save_member(
        officer_alena,
        Member(council=body, name="Late Joiner", organisation="MVD", role="member",
               from_date=timezone.localdate() - timedelta(days=5)),
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        _meet(officer_alena, body, [chair, later])
    assert refused.value.message_dict["present"] == ["Not on the council that day: Late Joiner."]
    with pytest.raises(ValidationError) as future:
        _meet(officer_alena, body, [chair], days_ago=-2)
    assert future.value.message_dict["held_on"] == ["The date cannot be in the future."]
    assert not Meeting.objects.exists()
    first = _meet(officer_alena, body, [chair, chief], pdf=PDF)
    second = _meet(officer_alena, body, [chair, later], days_ago=1)
    assert (first.number, second.number) == (1, 2)
    assert council.open_minutes(officer_alena, first) == PDF


def test_minutes_that_are_not_a_pdf_are_refused(board, officer_alena):
    body, chair, _chief = board
    with pytest.raises(ValidationError) as refused:
        _meet(officer_alena, body, [chair], pdf=b"MZ\x90\x00 not a pdf")
    assert refused.value.message_dict["minutes_file"] == [
        "Upload a file of one of these types: PDF."
    ]
    assert not Meeting.objects.exists()


def test_action_items_one_owner_done_with_a_date_dropped_with_a_note(board, officer_alena):
    body, chair, chief = board
    meeting = _meet(officer_alena, body, [chair, chief])
    with pytest.raises(ValidationError) as two_owners:
        council.add_action_item(
            officer_alena, meeting, text="Approve the plan", due_on=meeting.held_on,
            owner_member=chair, owner_user=officer_alena,
        )  # fmt: skip
    assert two_owners.value.message_dict["owner_member"] == [
        "Name one owner: a council member or a Kopru user."
    ]
    item = council.add_action_item(
        officer_alena, meeting, text="Approve the plan", due_on=meeting.held_on + timedelta(days=7),
        owner_member=chair,
    )  # fmt: skip
    assert item.overdue_on(timezone.localdate())  # due three weeks ago, still open
    with pytest.raises(ValidationError) as no_date:
        council.update_action_item(officer_alena, item, status="done")
    assert no_date.value.message_dict["completed_on"] == ["Give the day it was done."]
    with pytest.raises(ValidationError) as no_note:
        council.update_action_item(officer_alena, item, status="dropped")
    assert no_note.value.message_dict["note"] == ["Say why the action is dropped."]
    item.refresh_from_db()
    assert item.status == "open"
    council.update_action_item(
        officer_alena, item, status="done", completed_on=timezone.localdate()
    )
    assert not ActionItem.objects.get(pk=item.pk).overdue_on(timezone.localdate())


def test_another_province_cannot_see_or_write_the_council(board, officer_pavel):
    body, chair, _chief = board
    assert list(council.visible(officer_pavel, mission("BY"))) == []
    with pytest.raises(PermissionDenied):
        _meet(officer_pavel, body, [chair])
    assert not Meeting.objects.exists()
