"""A case from intake to closure: who may open and read it, the vulnerability assessment and
the plan a Türkiye supervisor approves, follow-ups, transfers, closing and reopening. Every
step is a row of the case's history."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kopru.casework import services
from kopru.casework.models import (
    Action,
    Approval,
    Assessment,
    Case,
    FollowUp,
    Goal,
    History,
    Need,
)
from kopru.core.models import AuditEvent
from kopru.core.tests.factories import make_user
from kopru.services.models import Modality, ServiceEvent

pytestmark = pytest.mark.django_db

NEEDS = "Rent arrears of three months; her son needs surgery follow-up."


def actions(case):
    """The case's history, oldest first, as the names of its steps."""
    return list(History.objects.filter(case=case).order_by("pk").values_list("action", flat=True))


def last_history(case, action):
    return History.objects.filter(case=case, action=action).order_by("-pk").first()


def open_for(actor, person, place, team, **fields):
    return services.open_case(
        actor,
        person,
        **{
            "kind": "ecm",
            "location": place,
            "team": team,
            "presenting_needs": NEEDS,
            **fields,
        },
    )


def pending(case, kind):
    return Approval.objects.get(case=case, kind=kind, status=Approval.Status.PENDING)


def closed_case(case, caseworker, supervisor):
    approval = services.request_closure(caseworker, case, reason="goals_met", notes="Rent paid")
    services.decide(supervisor, approval, approve=True)
    case.refresh_from_db()
    return case


@pytest.fixture
def caseworker_leyla(sanliurfa_team):
    """A case worker in Şanlıurfa: another team, another province."""
    return make_user("caseworker_leyla", "caseworker", teams=[sanliurfa_team])


# --- Opening --------------------------------------------------------------------------------


def test_opening_a_case_records_the_service_the_supervisor_and_a_number(
    caseworker_omer, supervisor_derya, fatima, sahinbey_centre, gaziantep_team
):
    events_before = ServiceEvent.objects.filter(person=fatima).count()
    case = open_for(caseworker_omer, fatima, sahinbey_centre, gaziantep_team)

    year = timezone.localdate(case.opened_at).year
    assert case.number == f"TR-C{year}-00001"
    assert re.fullmatch(r"TR-C\d{4}-\d{5}", case.number)
    assert case.status == Case.Status.OPEN
    assert case.caseworker == caseworker_omer
    assert case.supervisor == supervisor_derya
    assert case.presenting_needs == NEEDS
    assert case.opened_via == Case.Opened.DIRECT

    events = ServiceEvent.objects.filter(person=fatima)
    assert events.count() == events_before + 1
    event = events.get(pk=case.event_id)
    assert event.service_type.code == "emergency_case_management"
    assert event.person == fatima
    assert event.staff == caseworker_omer
    assert event.location == sahinbey_centre
    assert actions(case) == ["opened"]

    # The next case of the mission that year takes the next number.
    second = open_for(caseworker_omer, fatima, sahinbey_centre, gaziantep_team)
    assert second.number == f"TR-C{year}-00002"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "tax_advice"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"presenting_needs": ""}, "presenting_needs"),
        ({"presenting_needs": "   \n "}, "presenting_needs"),
    ],
)
def test_opening_without_a_known_kind_or_the_needs_is_refused_and_writes_nothing(
    caseworker_omer, supervisor_derya, fatima, sahinbey_centre, gaziantep_team, fields, field
):
    cases, events, history = (
        Case.objects.count(),
        ServiceEvent.objects.count(),
        History.objects.count(),
    )
    with pytest.raises(ValidationError) as refused:
        open_for(caseworker_omer, fatima, sahinbey_centre, gaziantep_team, **fields)
    assert field in refused.value.message_dict
    assert Case.objects.count() == cases
    assert ServiceEvent.objects.count() == events
    assert History.objects.count() == history


def test_a_cash_officer_can_neither_open_nor_read_a_case(
    cash_canan, ecm_case, fatima, sahinbey_centre, gaziantep_team
):
    cases, events = Case.objects.count(), ServiceEvent.objects.count()
    with pytest.raises(PermissionDenied):
        open_for(cash_canan, fatima, sahinbey_centre, gaziantep_team)
    assert (Case.objects.count(), ServiceEvent.objects.count()) == (cases, events)

    assert services.may_see_case(cash_canan, ecm_case) is False
    views = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).count()
    with pytest.raises(PermissionDenied):
        services.view_case(cash_canan, ecm_case)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).count() == views


def test_only_case_workers_and_supervisors_of_the_place_see_a_case(
    ecm_case, caseworker_omer, supervisor_derya, head_kemal, clerk_zeynep, caseworker_leyla
):
    assert services.may_see_case(caseworker_omer, ecm_case)
    assert services.may_see_case(supervisor_derya, ecm_case)
    assert services.may_see_case(head_kemal, ecm_case)  # mission-wide head of unit
    assert not services.may_see_case(clerk_zeynep, ecm_case)  # no protection data
    assert not services.may_see_case(caseworker_leyla, ecm_case)  # Şanlıurfa, not Gaziantep
    with pytest.raises(PermissionDenied):
        services.view_case(caseworker_leyla, ecm_case)


def test_reading_a_case_is_audited_as_a_protection_read(caseworker_omer, ecm_case):
    assert services.view_case(caseworker_omer, ecm_case) == ecm_case
    reads = AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_type="casework.case", object_id=str(ecm_case.pk)
    )
    assert reads.count() == 1
    entry = reads.get()
    assert entry.category == "protection"
    assert entry.actor == caseworker_omer
    assert entry.mission_id == ecm_case.mission_id

    services.view_case(caseworker_omer, ecm_case)
    assert reads.count() == 2  # every read, not only the first


# --- The vulnerability assessment -----------------------------------------------------------


@pytest.mark.parametrize(
    ("criteria", "score", "level", "days"),
    [
        ([], 0, "low", 30),
        (["serious_medical"], 3, "low", 30),
        (["serious_medical", "no_documents"], 4, "medium", 14),
        (["serious_medical", "disability", "debt", "no_documents"], 7, "medium", 14),
        (["serious_medical", "survivor", "disability"], 8, "high", 7),
        # A criterion ticked twice counts once.
        (["survivor", "survivor", "child_at_risk", "eviction"], 8, "high", 7),
    ],
)
def test_the_assessment_scores_the_weighted_criteria_and_sets_the_risk(
    caseworker_omer, ecm_case, criteria, score, level, days
):
    assessment = services.assess(caseworker_omer, ecm_case, criteria=criteria)
    assert (assessment.score, assessment.level) == (score, level)
    ecm_case.refresh_from_db()
    assert ecm_case.risk == level
    assert ecm_case.next_follow_up == timezone.localdate(assessment.at) + timedelta(days=days)
    entry = last_history(ecm_case, "assessed")
    assert entry.details == {"score": score, "level": level}


def test_an_unknown_criterion_is_refused(caseworker_omer, ecm_case):
    with pytest.raises(ValidationError) as refused:
        services.assess(caseworker_omer, ecm_case, criteria=["serious_medical", "is_tall"])
    assert "criteria" in refused.value.message_dict
    assert not Assessment.objects.filter(case=ecm_case).exists()
    assert not Approval.objects.filter(case=ecm_case).exists()


def test_in_turkiye_the_assessment_waits_for_a_supervisor_not_its_author(
    caseworker_omer, caseworker_hasan, supervisor_derya, ecm_case
):
    assessment = services.assess(
        caseworker_omer, ecm_case, criteria=["serious_medical", "survivor", "disability"]
    )
    approval = pending(ecm_case, Approval.Kind.ASSESSMENT)
    assert approval.assessment == assessment
    assert approval.requested_by == caseworker_omer

    with pytest.raises(ValidationError) as own:
        services.decide(caseworker_omer, approval, approve=True)
    assert "approval" in own.value.message_dict
    assert "own request" in own.value.messages[0]
    # A fellow case worker is not a supervisor either.
    with pytest.raises(ValidationError) as colleague:
        services.decide(caseworker_hasan, approval, approve=True)
    assert "supervisor" in colleague.value.messages[0]
    approval.refresh_from_db()
    assert approval.status == Approval.Status.PENDING

    services.decide(supervisor_derya, approval, approve=True, note="Agreed: high risk")
    approval.refresh_from_db()
    assert approval.status == Approval.Status.APPROVED
    assert approval.decided_by == supervisor_derya
    assert approval.decided_at is not None
    assert actions(ecm_case)[-2:] == ["assessed", "assessment_approved"]
    # Decided once: a second decision is refused.
    with pytest.raises(ValidationError):
        services.decide(supervisor_derya, approval, approve=False, note="Changed my mind")


def test_a_new_assessment_replaces_the_one_still_waiting(caseworker_omer, ecm_case):
    services.assess(caseworker_omer, ecm_case, criteria=["debt"])
    first = pending(ecm_case, Approval.Kind.ASSESSMENT)
    second_assessment = services.assess(caseworker_omer, ecm_case, criteria=["survivor"])
    first.refresh_from_db()
    assert first.status == Approval.Status.WITHDRAWN
    assert pending(ecm_case, Approval.Kind.ASSESSMENT).assessment == second_assessment


# --- The plan -------------------------------------------------------------------------------


def test_a_plan_needs_a_goal_with_an_action_before_it_is_submitted(
    caseworker_omer, supervisor_derya, ecm_case
):
    with pytest.raises(ValidationError) as empty:
        services.submit_plan(caseworker_omer, ecm_case)
    assert "plan" in empty.value.message_dict

    goal = services.add_goal(caseworker_omer, ecm_case, text="Secure the rent for six months")
    with pytest.raises(ValidationError) as no_action:
        services.submit_plan(caseworker_omer, ecm_case)
    assert "plan" in no_action.value.message_dict
    assert not Approval.objects.filter(case=ecm_case, kind=Approval.Kind.PLAN).exists()

    with pytest.raises(ValidationError) as blank:
        services.add_action(caseworker_omer, goal, text="  ")
    assert "text" in blank.value.message_dict
    with pytest.raises(ValidationError) as early:
        services.add_action(
            caseworker_omer,
            goal,
            text="Negotiate with the landlord",
            due=timezone.localdate(ecm_case.opened_at) - timedelta(days=1),
        )
    assert "due" in early.value.message_dict

    services.add_action(
        caseworker_omer,
        goal,
        text="Negotiate with the landlord",
        due=timezone.localdate() + timedelta(days=7),
    )
    approval = services.submit_plan(caseworker_omer, ecm_case)
    assert approval.status == Approval.Status.PENDING
    assert approval.kind == Approval.Kind.PLAN
    assert approval.details == {
        "goals": [
            {
                "text": "Secure the rent for six months",
                "actions": ["Negotiate with the landlord"],
            }
        ]
    }
    services.decide(supervisor_derya, approval, approve=True)
    assert actions(ecm_case)[-4:] == [
        "goal_added",
        "action_added",
        "plan_submitted",
        "plan_approved",
    ]


def test_a_goal_needs_its_text(caseworker_omer, ecm_case):
    with pytest.raises(ValidationError) as refused:
        services.add_goal(caseworker_omer, ecm_case, text=" ")
    assert "text" in refused.value.message_dict
    assert not Goal.objects.filter(case=ecm_case).exists()


def test_completing_an_action_is_kept_in_the_history(caseworker_omer, ecm_case):
    goal = services.add_goal(caseworker_omer, ecm_case, text="Stable housing")
    # Written directly so that this test checks complete_action alone.
    action = Action.objects.create(goal=goal, text="Visit the landlord")
    services.complete_action(caseworker_omer, action)
    action.refresh_from_db()
    assert action.done_at is not None
    entry = last_history(ecm_case, "action_done")
    assert action.pk in entry.details.values()  # whatever the key, the action is named
    # Completing it again changes nothing.
    done_at = action.done_at
    services.complete_action(caseworker_omer, action)
    action.refresh_from_db()
    assert action.done_at == done_at
    assert actions(ecm_case).count("action_done") == 1


# --- Follow-ups -----------------------------------------------------------------------------


def test_a_follow_up_records_a_service_and_moves_the_next_follow_up(
    caseworker_omer, ecm_case, fatima
):
    events = ServiceEvent.objects.filter(person=fatima).count()
    next_on = timezone.localdate() + timedelta(days=5)
    assert ecm_case.next_follow_up != next_on
    follow_up = services.record_follow_up(
        caseworker_omer,
        ecm_case,
        at=timezone.now(),
        contact="visit",
        notes="Visited at home; the landlord agreed to wait a month.",
        next_on=next_on,
    )
    assert ServiceEvent.objects.filter(person=fatima).count() == events + 1
    event = follow_up.event
    assert event.service_type.code == "emergency_case_management"
    assert event.modality == Modality.HOME_VISIT
    assert event.person == fatima
    ecm_case.refresh_from_db()
    assert ecm_case.next_follow_up == next_on
    assert last_history(ecm_case, "followed_up").details == {"contact": "visit"}


def test_without_a_date_the_next_follow_up_follows_the_risk(caseworker_omer, ecm_case):
    services.assess(
        caseworker_omer, ecm_case, criteria=["serious_medical", "survivor", "disability"]
    )
    overdue = timezone.localdate() - timedelta(days=3)
    Case.objects.filter(pk=ecm_case.pk).update(next_follow_up=overdue)
    ecm_case.refresh_from_db()
    now = timezone.now()
    services.record_follow_up(
        caseworker_omer, ecm_case, at=now, contact="phone", notes="Called; surgery booked."
    )
    ecm_case.refresh_from_db()
    assert ecm_case.risk == "high"
    assert ecm_case.next_follow_up == timezone.localdate(now) + timedelta(days=7)


@pytest.mark.parametrize(
    ("shift", "field"),
    [
        (-timedelta(hours=1), "at"),  # before the case was opened
        (timedelta(days=2), "at"),  # in the future
    ],
)
def test_a_follow_up_outside_the_case_life_is_refused(caseworker_omer, ecm_case, shift, field):
    at = ecm_case.opened_at + shift
    events, follow_ups = ServiceEvent.objects.count(), FollowUp.objects.count()
    due = ecm_case.next_follow_up
    with pytest.raises(ValidationError) as refused:
        services.record_follow_up(
            caseworker_omer, ecm_case, at=at, contact="office", notes="Came to the centre."
        )
    assert field in refused.value.message_dict
    assert (ServiceEvent.objects.count(), FollowUp.objects.count()) == (events, follow_ups)
    ecm_case.refresh_from_db()
    assert ecm_case.next_follow_up == due
    assert "followed_up" not in actions(ecm_case)


def test_a_follow_up_needs_a_known_contact_and_notes(caseworker_omer, ecm_case):
    with pytest.raises(ValidationError) as refused:
        services.record_follow_up(
            caseworker_omer, ecm_case, at=timezone.now(), contact="pigeon", notes=""
        )
    assert {"contact", "notes"} <= set(refused.value.message_dict)
    assert not FollowUp.objects.filter(case=ecm_case).exists()


# --- Transfer -------------------------------------------------------------------------------


def test_a_transfer_needs_a_reason(caseworker_omer, caseworker_hasan, ecm_case):
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as refused:
            services.transfer(caseworker_omer, ecm_case, caseworker=caseworker_hasan, reason=reason)
        assert "reason" in refused.value.message_dict
    ecm_case.refresh_from_db()
    assert ecm_case.caseworker == caseworker_omer
    assert "transferred" not in actions(ecm_case)


def test_a_case_goes_only_to_a_case_worker_of_the_receiving_team(
    caseworker_omer, caseworker_leyla, clerk_zeynep, ecm_case, sanliurfa_team
):
    # Leyla is not a member of Gaziantep's team, which keeps the case.
    with pytest.raises(ValidationError) as outsider:
        services.transfer(
            caseworker_omer, ecm_case, caseworker=caseworker_leyla, reason="She speaks Kurmanji"
        )
    assert "member of the receiving team" in outsider.value.message_dict["caseworker"][0]
    # With her own team, the case's place is outside the places she works in.
    with pytest.raises(ValidationError) as elsewhere:
        services.transfer(
            caseworker_omer,
            ecm_case,
            caseworker=caseworker_leyla,
            team=sanliurfa_team,
            reason="She speaks Kurmanji",
        )
    assert "caseworker" in elsewhere.value.message_dict
    # A data clerk does not manage cases.
    with pytest.raises(ValidationError) as clerk:
        services.transfer(caseworker_omer, ecm_case, caseworker=clerk_zeynep, reason="Leave")
    assert "caseworker" in clerk.value.message_dict
    ecm_case.refresh_from_db()
    assert ecm_case.caseworker == caseworker_omer
    assert "transferred" not in actions(ecm_case)


def test_a_transfer_changes_the_case_worker_and_keeps_the_reason(
    caseworker_omer, caseworker_hasan, supervisor_derya, ecm_case, gaziantep_team
):
    services.transfer(
        caseworker_omer,
        ecm_case,
        caseworker=caseworker_hasan,
        reason="  Ömer is on leave until March  ",
    )
    ecm_case.refresh_from_db()
    assert ecm_case.caseworker == caseworker_hasan
    assert ecm_case.team == gaziantep_team
    assert ecm_case.supervisor == supervisor_derya
    entry = last_history(ecm_case, "transferred")
    assert entry.by == caseworker_omer
    assert entry.details["reason"] == "Ömer is on leave until March"
    assert entry.details["before"]["caseworker"] == caseworker_omer.pk
    assert entry.details["after"]["caseworker"] == caseworker_hasan.pk

    with pytest.raises(ValidationError) as again:
        services.transfer(caseworker_omer, ecm_case, caseworker=caseworker_hasan, reason="Again")
    assert "already theirs" in again.value.message_dict["caseworker"][0]


# --- Closing and reopening ------------------------------------------------------------------


def test_a_case_with_an_open_need_cannot_close(caseworker_omer, supervisor_derya, ecm_case):
    need = services.request_need(
        caseworker_omer,
        ecm_case,
        category="medical",
        description="Dressings after surgery",
        amount="800",
        supplier="Eczane Şifa",
    )
    with pytest.raises(ValidationError) as refused:
        services.request_closure(caseworker_omer, ecm_case, reason="goals_met")
    assert "reason" in refused.value.message_dict
    assert "needs still open" in refused.value.message_dict["reason"][0]
    assert not Approval.objects.filter(case=ecm_case, kind=Approval.Kind.CLOSURE).exists()

    # Approved but unpaid is still open.
    services.decide(supervisor_derya, need.approval, approve=True)
    with pytest.raises(ValidationError):
        services.request_closure(caseworker_omer, ecm_case, reason="goals_met")

    services.cancel_need(caseworker_omer, need, reason="The hospital covered it")
    approval = services.request_closure(caseworker_omer, ecm_case, reason="goals_met")
    assert approval.status == Approval.Status.PENDING
    ecm_case.refresh_from_db()
    assert ecm_case.status == Case.Status.OPEN


def test_an_unknown_closure_reason_is_refused(caseworker_omer, ecm_case):
    with pytest.raises(ValidationError) as refused:
        services.request_closure(caseworker_omer, ecm_case, reason="bored")
    assert "reason" in refused.value.message_dict
    ecm_case.refresh_from_db()
    assert ecm_case.status == Case.Status.OPEN


def test_in_turkiye_a_case_closes_when_the_supervisor_approves(
    caseworker_omer, supervisor_derya, ecm_case
):
    approval = services.request_closure(
        caseworker_omer, ecm_case, reason="goals_met", notes="Rent settled, surgery done"
    )
    assert approval.kind == Approval.Kind.CLOSURE
    assert approval.details == {"reason": "goals_met", "notes": "Rent settled, surgery done"}
    ecm_case.refresh_from_db()
    assert ecm_case.status == Case.Status.OPEN
    assert ecm_case.closed_at is None
    assert actions(ecm_case)[-1] == "closure_requested"

    with pytest.raises(ValidationError):
        services.decide(caseworker_omer, approval, approve=True)
    ecm_case.refresh_from_db()
    assert ecm_case.status == Case.Status.OPEN

    services.decide(supervisor_derya, approval, approve=True)
    ecm_case.refresh_from_db()
    assert ecm_case.status == Case.Status.CLOSED
    assert ecm_case.closed_at is not None
    assert ecm_case.closure_reason == "goals_met"
    assert ecm_case.closure_notes == "Rent settled, surgery done"
    assert ecm_case.next_follow_up is None
    assert actions(ecm_case)[-3:] == ["closure_requested", "closure_approved", "closed"]


def test_a_rejected_closure_leaves_the_case_open(caseworker_omer, supervisor_derya, ecm_case):
    approval = services.request_closure(caseworker_omer, ecm_case, reason="lost_contact")
    with pytest.raises(ValidationError) as no_note:
        services.decide(supervisor_derya, approval, approve=False)
    assert "note" in no_note.value.message_dict
    services.decide(supervisor_derya, approval, approve=False, note="Try the neighbour first")
    ecm_case.refresh_from_db()
    assert ecm_case.status == Case.Status.OPEN
    assert actions(ecm_case)[-1] == "closure_rejected"


def test_reopening_needs_a_reason(caseworker_omer, supervisor_derya, ecm_case):
    case = closed_case(ecm_case, caseworker_omer, supervisor_derya)
    assert case.status == Case.Status.CLOSED
    with pytest.raises(ValidationError) as refused:
        services.reopen(caseworker_omer, case, reason="  ")
    assert "reason" in refused.value.message_dict
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED

    services.reopen(caseworker_omer, case, reason="A new eviction notice")
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN
    assert case.closed_at is None
    assert case.next_follow_up is not None
    entry = last_history(case, "reopened")
    assert entry.details == {"reason": "A new eviction notice"}
    with pytest.raises(ValidationError) as open_already:
        services.reopen(caseworker_omer, case, reason="Twice")
    assert "case" in open_already.value.message_dict


def test_a_closed_case_takes_no_new_need_nor_follow_up(caseworker_omer, supervisor_derya, ecm_case):
    case = closed_case(ecm_case, caseworker_omer, supervisor_derya)
    with pytest.raises(ValidationError) as refused:
        services.request_need(
            caseworker_omer,
            case,
            category="food",
            description="Food parcel",
            amount="500",
            supplier="BİM",
        )
    assert "case" in refused.value.message_dict
    assert not Need.objects.filter(case=case).exists()
    with pytest.raises(ValidationError) as follow_up:
        services.record_follow_up(
            caseworker_omer, case, at=timezone.now(), contact="phone", notes="Called"
        )
    assert "case" in follow_up.value.message_dict


def test_every_step_of_a_case_is_in_its_history(
    caseworker_omer, caseworker_hasan, supervisor_derya, ecm_case
):
    services.assess(caseworker_omer, ecm_case, criteria=["serious_medical", "eviction"])
    services.decide(supervisor_derya, pending(ecm_case, Approval.Kind.ASSESSMENT), approve=True)
    goal = services.add_goal(caseworker_omer, ecm_case, text="Stable housing")
    services.add_action(caseworker_omer, goal, text="Apply for the municipality's rent aid")
    services.submit_plan(caseworker_omer, ecm_case)
    services.decide(supervisor_derya, pending(ecm_case, Approval.Kind.PLAN), approve=True)
    services.record_follow_up(
        caseworker_omer, ecm_case, at=timezone.now(), contact="office", notes="Came in"
    )
    services.transfer(caseworker_omer, ecm_case, caseworker=caseworker_hasan, reason="Leave")
    services.request_closure(caseworker_hasan, ecm_case, reason="goals_met")
    services.decide(supervisor_derya, pending(ecm_case, Approval.Kind.CLOSURE), approve=True)
    ecm_case.refresh_from_db()
    services.reopen(caseworker_hasan, ecm_case, reason="Evicted again")

    assert actions(ecm_case) == [
        "opened",
        "assessed",
        "assessment_approved",
        "goal_added",
        "action_added",
        "plan_submitted",
        "plan_approved",
        "followed_up",
        "transferred",
        "closure_requested",
        "closure_approved",
        "closed",
        "reopened",
    ]
    by = dict(
        History.objects.filter(case=ecm_case).values_list("action", "by__username").order_by("pk")
    )
    assert by["closure_approved"] == "supervisor_derya"
    assert by["closure_requested"] == "caseworker_hasan"
    assert by["transferred"] == "caseworker_omer"


def test_a_case_worker_of_another_team_in_the_same_place_does_not_see_the_case(
    client, login, ecm_case, sahinbey_centre
):
    """Need to know: working in Gaziantep is not enough; the case is the team's."""
    from kopru.casework import selectors
    from kopru.core.tests.factories import location, make_team, make_user

    legal = make_team("Legal aid Gaziantep", base=sahinbey_centre, locations=[location("TR27")])
    other = make_user("caseworker_selma", "caseworker", teams=[legal])
    assert not services.may_see_case(other, ecm_case)
    assert ecm_case not in selectors.visible_cases(other, ecm_case.mission)
    login(other)
    assert client.get(f"/cases/{ecm_case.pk}/").status_code == 403


def test_a_case_is_listed_once_however_many_people_its_team_has(
    ecm_case, caseworker_omer, caseworker_hasan, supervisor_derya
):
    from kopru.casework import selectors

    mission = ecm_case.mission
    assert list(selectors.visible_cases(caseworker_omer, mission)) == [ecm_case]
    assert list(selectors.visible_cases(caseworker_hasan, mission)) == [ecm_case]
    assert [c.pk for c in selectors.dashboard(caseworker_omer, mission)["cases"]] == [ecm_case.pk]
    assert [row["open"] for row in selectors.caseload(supervisor_derya, mission)] == [1]
