"""Calls, the panel's scores, the award's rules, deliveries with receipts, mentoring and the
business follow-ups; grants are financial and reading an application is audited."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kopru.core.models import AuditEvent
from kopru.core.tests.factories import location, mission
from kopru.livelihoods import grants
from kopru.livelihoods.models import Application, Delivery, Score
from kopru.services.models import ServiceEvent

from .conftest import ITEMS, adult, full_marks


def test_each_panel_member_scores_once_within_the_maximum(officer_emre, head_kemal, bakery):
    call = bakery.call
    with pytest.raises(ValidationError) as exc:
        grants.score_application(officer_emre, bakery, {**full_marks(call), "viability": 11})
    assert exc.value.message_dict["score_viability"] == ["Give a whole score from 0 to 10."]
    assert not Score.objects.exists()
    grants.score_application(officer_emre, bakery, full_marks(call))
    with pytest.raises(ValidationError) as exc:
        grants.score_application(officer_emre, bakery, full_marks(call))
    assert exc.value.message_dict["scores"] == ["You have already scored this application."]
    grants.score_application(head_kemal, bakery, dict.fromkeys(full_marks(call), 0))
    result = grants.results(bakery)
    assert result["maximum"] == 3 * 10 + 2 * 10 + 2 * 5 + 2 * 5 + 1 * 5
    assert result["mean"] == 37.5


def test_someone_off_the_panel_does_not_score(officer_emre, head_kemal, bakery, livelihoods_team):
    from kopru.core.tests.factories import make_user

    other = make_user("officer_selin", "livelihoods_officer", teams=[livelihoods_team])
    with pytest.raises(PermissionDenied):
        grants.score_application(other, bakery, full_marks(bakery.call))


def test_an_award_needs_two_scores_another_hand_and_the_budget(
    officer_emre, head_kemal, bakery, business_call, layla
):
    grants.score_application(officer_emre, bakery, full_marks(business_call))
    with pytest.raises(ValidationError) as exc:
        grants.award(head_kemal, bakery)
    assert exc.value.message_dict["application"] == ["1 of the 2 panel scores needed are in."]
    grants.score_application(head_kemal, bakery, full_marks(business_call))
    with pytest.raises(PermissionDenied):
        grants.award(officer_emre, bakery)  # the officer lacks livelihoods.award anyway
    grants.award(head_kemal, bakery)
    bakery.refresh_from_db()
    assert (bakery.status, bakery.awarded_amount) == ("awarded", Decimal("50000.00"))
    big = grants.submit_application(
        officer_emre,
        business_call,
        lead=layla,
        business_name="Nur Kuaför",
        plan="Hair salon.",
        items=[{"description": "Chairs", "quantity": 6, "unit_cost": "10000"}],
    )
    for judge in (officer_emre, head_kemal):
        grants.score_application(judge, big, full_marks(business_call))
    with pytest.raises(ValidationError) as exc:
        grants.award(head_kemal, big)
    assert exc.value.message_dict["amount"] == ["Only 50,000.00 of the call's budget is left."]
    assert Application.objects.get(pk=big.pk).status == "submitted"


def test_a_rejection_needs_a_reason(head_kemal, bakery):
    with pytest.raises(ValidationError) as exc:
        grants.reject(head_kemal, bakery, reason=" ")
    assert exc.value.message_dict["reason"] == ["Give the reason for the rejection."]
    grants.reject(head_kemal, bakery, reason="No market.")
    assert Application.objects.get(pk=bakery.pk).status == "rejected"


@pytest.fixture
def awarded(officer_emre, head_kemal, bakery):
    for judge in (officer_emre, head_kemal):
        grants.score_application(judge, bakery, full_marks(bakery.call))
    return grants.award(head_kemal, bakery)


def test_the_first_delivery_is_the_grant_service_and_a_bad_receipt_is_refused(
    officer_emre, awarded, settings, tmp_path
):
    settings.UPLOAD_ROOT = tmp_path
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        grants.deliver(
            officer_emre,
            awarded,
            item="Sewing machine",
            quantity=1,
            value="25000",
            delivered_on=today,
            receipt=b"MZ not a pdf",
        )
    assert exc.value.message_dict["receipt"] == [
        "Upload a file of one of these types: PDF, JPEG, PNG."
    ]
    with pytest.raises(ValidationError) as exc:
        grants.deliver(
            officer_emre,
            awarded,
            item="Sewing machine",
            quantity=1,
            value="25000",
            delivered_on=today,
        )
    assert "paper receipt" in exc.value.message_dict["receipt"][0]
    assert not Delivery.objects.exists() and not list(tmp_path.rglob("*.*"))
    grants.deliver(
        officer_emre,
        awarded,
        item="Sewing machine",
        quantity=1,
        value="25000",
        delivered_on=today,
        receipt=b"%PDF-1.4 receipt",
    )
    grants.deliver(
        officer_emre,
        awarded,
        item="Sewing machine",
        quantity=1,
        value="25000",
        delivered_on=today,
        paper_reference="IZM-001",
    )
    events = ServiceEvent.objects.filter(service_type__code="business_in_kind_grant")
    assert [e.person for e in events] == [awarded.lead]  # once, at the first delivery
    assert sorted(awarded.follow_ups.values_list("month", flat=True)) == [3, 6, 12]
    with pytest.raises(ValidationError) as exc:
        grants.deliver(
            officer_emre,
            awarded,
            item="Extra",
            quantity=1,
            value="1",
            delivered_on=today,
            paper_reference="IZM-002",
        )
    assert exc.value.message_dict["value"] == ["Deliveries would exceed the award (50,000.00)."]


def test_a_youth_team_gets_one_grant_service_each_and_group_mentoring(
    officer_emre, head_kemal, konak_centre
):
    today = timezone.localdate()
    call = grants.open_call(
        officer_emre,
        mission=mission("TR"),
        kind="youth_team",
        title="Youth",
        budget="60000",
        panel=[officer_emre, head_kemal],
        provinces=[location("TR35")],
        opens_on=today - timedelta(days=5),
        closes_on=today + timedelta(days=5),
    )
    born = today.replace(year=today.year - 22)
    team = [adult(officer_emre, konak_centre, n, born=born) for n in ("Rami", "Elif", "Omar")]
    old = adult(officer_emre, konak_centre, "Hasan", born=today.replace(year=today.year - 40))
    with pytest.raises(ValidationError) as exc:
        grants.submit_application(
            officer_emre,
            call,
            lead=team[0],
            members=[old],
            business_name="X",
            plan="Y",
            items=ITEMS,
        )
    assert "is not 18 to 29 years old." in exc.value.message_dict["members"][0]
    application = grants.submit_application(
        officer_emre,
        call,
        lead=team[0],
        members=team[1:],
        business_name="Kod Köprüsü",
        plan="An app.",
        items=ITEMS,
    )
    for judge in (officer_emre, head_kemal):
        grants.score_application(judge, application, full_marks(call))
    grants.award(head_kemal, application)
    grants.deliver(
        officer_emre,
        application,
        item="Laptop",
        quantity=1,
        value="20000",
        delivered_on=today,
        paper_reference="T-1",
    )
    given = ServiceEvent.objects.filter(service_type__code="youth_entrepreneur_grant")
    assert sorted(e.person.given_name for e in given) == ["Elif", "Omar", "Rami"]
    session = grants.mentor(
        officer_emre, application, at=timezone.now(), mentor="Ozan", topics=["marketing"]
    )
    assert session.event.subject == "group"
    assert session.event.participants.count() == 3


def test_reading_an_application_is_audited_and_other_roles_are_refused(
    login, officer_emre, clerk_zeynep, bakery
):
    client = login(officer_emre)
    response = client.get(f"/livelihoods/applications/{bakery.pk}/")
    assert response.status_code == 200
    assert "Şam Tatlıcısı" in response.text and "50000.00" in response.text
    assert AuditEvent.objects.filter(
        action="view", object_type="livelihoods.application", category="financial"
    ).exists()
    assert login(clerk_zeynep).get(f"/livelihoods/applications/{bakery.pk}/").status_code == 403
