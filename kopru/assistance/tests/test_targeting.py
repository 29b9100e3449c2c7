"""Targeting a programme over registered households, the officer's decisions, approval
(which freezes the list), duplicates that block a second enrolment, cycles and entitlements."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from kopru.assistance import services
from kopru.assistance.models import Candidate, Cycle, Entitlement, TargetingRun
from kopru.core.models import AuditEvent
from kopru.registry.models import DuplicateCandidate

pytestmark = pytest.mark.django_db


def test_a_run_scores_every_household_of_the_provinces_with_its_reasons(
    programme, homes, cash_canan
):
    run = services.run_targeting(cash_canan, programme)
    found = {c.household_id: c for c in run.candidates.all()}
    widow = found[homes["widow"].pk]
    # 5 people (>= 4: 2), female head (2), no income (1), single parent (1)
    assert (widow.score, widow.eligible, widow.size) == (6, True, 5)
    assert widow.met == ["household_size", "female_headed", "no_income", "single_parent"]
    assert len(widow.snapshot["members"]) == 5
    couple, alone = found[homes["couple"].pk], found[homes["alone"].pk]
    assert (couple.score, couple.eligible) == (0, False)
    assert (alone.score, alone.eligible) == (0, False)
    assert (run.households, run.eligible) == (3, 1)
    assert AuditEvent.objects.filter(
        object_type="assistance.targetingrun", category="financial"
    ).exists()


def test_an_officer_includes_or_excludes_with_a_reason_until_the_list_is_approved(
    programme, homes, cash_canan, head_kemal
):
    run = services.run_targeting(cash_canan, programme)
    couple = run.candidates.get(household=homes["couple"])
    with pytest.raises(ValidationError):
        services.decide(cash_canan, couple, include=True, reason=" ")
    services.decide(cash_canan, couple, include=True, reason="Husband injured; no income now")
    assert set(services.selected(run).values_list("household_id", flat=True)) == {
        homes["widow"].pk,
        homes["couple"].pk,
    }
    with pytest.raises(PermissionDenied):
        services.approve_run(cash_canan, run)  # the officer's role does not approve
    services.approve_run(head_kemal, run)
    with pytest.raises(ValidationError):
        services.decide(cash_canan, couple, include=False, reason="Changed my mind")


def test_a_frozen_list_keeps_the_household_as_it_was(
    programme, homes, cash_canan, head_kemal, clerk_zeynep
):
    from kopru.registry import services as registry
    from kopru.registry.models import Membership

    run = services.run_targeting(cash_canan, programme)
    services.approve_run(head_kemal, run)
    child = Membership.objects.filter(household=homes["widow"], relationship="child").first()
    registry.end_membership(clerk_zeynep, child, reason="Moved to an aunt's household")
    widow = run.candidates.get(household=homes["widow"])
    assert widow.size == 5 and len(widow.snapshot["members"]) == 5
    cycle = services.create_cycle(
        cash_canan, run, starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 31)
    )
    # 5 people: the table's largest row (4: 3000) + one extra (250) = 3250, under the cap
    assert cycle.entitlements.get(household=homes["widow"]).amount == Decimal("3250.00")


def test_a_probable_duplicate_blocks_the_second_household_at_approval(
    programme, homes, cash_canan, head_kemal
):
    run = services.run_targeting(cash_canan, programme)
    couple = run.candidates.get(household=homes["couple"])
    services.decide(cash_canan, couple, include=True, reason="Referred by the case worker")
    widow_member = homes["widow"].memberships.first().person
    couple_member = homes["couple"].memberships.first().person
    DuplicateCandidate.objects.create(
        mission=programme.mission, person_a=widow_member, person_b=couple_member, score=0.97
    )
    services.approve_run(head_kemal, run)
    later = max(homes["widow"].pk, homes["couple"].pk)
    blocked = run.candidates.get(household_id=later)
    assert blocked.decision == Candidate.Decision.EXCLUDE
    assert "same person" in blocked.decision_reason
    assert later not in services.selected(run).values_list("household_id", flat=True)


def test_a_cycle_gives_one_entitlement_per_household_and_moves_through_its_states(
    programme, homes, cash_canan, head_kemal
):
    run = services.run_targeting(cash_canan, programme)
    services.approve_run(head_kemal, run)
    cycle = services.create_cycle(
        cash_canan, run, starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 31)
    )
    assert cycle.entitlements.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Entitlement.objects.create(
            cycle=cycle,
            household=homes["widow"],
            candidate=run.candidates.get(household=homes["widow"]),
            amount=Decimal("1.00"),
        )
    with pytest.raises(PermissionDenied):
        services.advance_cycle(cash_canan, cycle)  # the officer's role does not approve
    for who, status in [
        (head_kemal, Cycle.Status.APPROVED),
        (cash_canan, Cycle.Status.LOADED),
        (cash_canan, Cycle.Status.CLOSED),
    ]:
        services.advance_cycle(who, cycle)
        assert cycle.status == status
    with pytest.raises(ValidationError):
        services.advance_cycle(cash_canan, cycle)


def test_a_cycle_beyond_the_budget_or_of_a_list_not_approved_is_refused(
    programme, homes, cash_canan, head_kemal
):
    run = services.run_targeting(cash_canan, programme)
    with pytest.raises(ValidationError) as exc:
        services.create_cycle(
            cash_canan, run, starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 31)
        )
    assert "run" in exc.value.message_dict
    services.approve_run(head_kemal, run)
    programme.budget = Decimal("3000.00")
    programme.save()
    with pytest.raises(ValidationError) as exc:
        services.create_cycle(
            cash_canan, run, starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 31)
        )
    assert "budget" in exc.value.messages[0]
    assert not Cycle.objects.exists() and not Entitlement.objects.exists()


def test_roles_without_the_capability_or_financial_data_are_refused(
    programme, caseworker_omer, clerk_zeynep
):
    for user in (clerk_zeynep, caseworker_omer):
        with pytest.raises(PermissionDenied):
            services.run_targeting(user, programme)
    assert not TargetingRun.objects.exists()


def test_whoever_prepared_a_list_or_a_cycle_does_not_approve_it(programme, homes, cash_canan):
    """Even a role that may do both (here the officer's role given approval too)."""
    cash_canan.role.capabilities = [*cash_canan.role.capabilities, "assistance.approve"]
    cash_canan.role.save()
    cash_canan.__dict__.pop("_kopru_caps", None)  # the capabilities are kept per request
    run = services.run_targeting(cash_canan, programme)
    with pytest.raises(ValidationError) as exc:
        services.approve_run(cash_canan, run)
    assert "Someone other than" in exc.value.messages[0]
    assert TargetingRun.objects.get(pk=run.pk).status == TargetingRun.Status.DRAFT
