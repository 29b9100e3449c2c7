"""Rental agreements at a fixed rent: each month paid once at that rent within the term, a
missed month overdue, the rent changed only by a renewal, ending early; signing and renewing
each record the household's service; rents are financial."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from kopru.community import rentals, selectors
from kopru.community.models import RentalAgreement, RentPayment
from kopru.core.tests.factories import mission
from kopru.services.models import ServiceEvent


def months_back(today, n):
    month = today.replace(day=1)
    for _k in range(n):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month


@pytest.fixture
def agreement(shelter_burak, dwelling, today):
    start = months_back(today, 2)
    return rentals.sign(
        shelter_burak,
        RentalAgreement(
            dwelling=dwelling,
            landlord_name="Mehmet Yılmaz",
            landlord_phone="0532 418 22 10",
            landlord_identity="TC 1234567890",
            starts_on=start,
            ends_on=start.replace(year=start.year + 1) - dt.timedelta(days=1),
            monthly_rent="7.500,00",
            deposit="7500",
            signed_on=start - dt.timedelta(days=2),
        ),
    )


def test_signing_records_the_households_rental_support(agreement, family):
    event = ServiceEvent.objects.get()
    assert (event.service_type.code, event.household, agreement.event) == (
        "rental_agreement_support",
        family,
        event,
    )
    assert (agreement.monthly_rent, agreement.landlord_phone) == (Decimal("7500"), "+905324182210")


def test_the_rent_is_fixed_each_month_paid_once_within_the_term(shelter_burak, agreement, today):
    first = agreement.starts_on
    with pytest.raises(ValidationError) as other_amount:
        rentals.pay(shelter_burak, agreement, month=first, paid_on=today, amount="8000")
    assert "fixed at 7,500.00" in other_amount.value.message_dict["amount"][0]
    rentals.pay(shelter_burak, agreement, month=first, paid_on=today)
    with pytest.raises(ValidationError) as twice:
        rentals.pay(shelter_burak, agreement, month=first, paid_on=today)
    assert twice.value.message_dict["month"] == ["This month is already paid."]
    with pytest.raises(ValidationError) as beyond:
        rentals.pay(
            shelter_burak, agreement, month=agreement.ends_on + dt.timedelta(days=5), paid_on=today
        )
    assert beyond.value.message_dict["month"] == ["This month is outside the agreement's term."]
    assert RentPayment.objects.count() == 1


def test_a_missed_month_is_overdue_after_its_due_day(shelter_burak, agreement, today):
    first, second = rentals.months(agreement)[:2]
    rentals.pay(shelter_burak, agreement, month=first, paid_on=today)
    states = {m.month: m.state for m in rentals.schedule(agreement, second.replace(day=20))}
    assert (states[first], states[second]) == ("paid", "overdue")
    assert rentals.schedule(agreement, second.replace(day=3))[1].state == "due"
    assert rentals.schedule(agreement, first)[2].state == "upcoming"


def test_a_renewal_is_a_new_term_at_a_new_rent_and_another_service(shelter_burak, agreement, today):
    renewal = rentals.renew(
        shelter_burak,
        agreement,
        ends_on=agreement.ends_on.replace(year=agreement.ends_on.year + 1),
        monthly_rent="8400",
        signed_on=today,
    )
    assert renewal.previous == agreement
    assert renewal.starts_on == agreement.ends_on + dt.timedelta(days=1)
    assert (renewal.monthly_rent, renewal.landlord_name) == (Decimal("8400"), "Mehmet Yılmaz")
    assert ServiceEvent.objects.filter(service_type__code="rental_agreement_support").count() == 2
    with pytest.raises(ValidationError) as again:
        rentals.renew(
            shelter_burak, agreement, ends_on=renewal.ends_on, monthly_rent="9000", signed_on=today
        )
    assert again.value.message_dict["agreement"] == ["This agreement is already renewed."]


def test_ending_early_stops_the_months(shelter_burak, agreement, today):
    months = rentals.months(agreement)
    with pytest.raises(ValidationError) as no_reason:
        rentals.end_early(shelter_burak, agreement, ended_on=today, reason="")
    assert "reason" in no_reason.value.message_dict
    rentals.end_early(shelter_burak, agreement, ended_on=months[1], reason="Moved to Mersin")
    assert rentals.months(agreement) == months[:2]
    with pytest.raises(ValidationError):
        rentals.pay(shelter_burak, agreement, month=months[2], paid_on=today)


def test_a_renewed_agreement_is_not_ended_early_its_renewal_is(shelter_burak, agreement, today):
    renewal = rentals.renew(
        shelter_burak,
        agreement,
        ends_on=agreement.ends_on.replace(year=agreement.ends_on.year + 1),
        monthly_rent="8400",
        signed_on=today,
    )
    with pytest.raises(ValidationError) as refused:
        rentals.end_early(shelter_burak, agreement, ended_on=today, reason="Moved to Mersin")
    assert refused.value.message_dict["agreement"] == [
        "This agreement was renewed; end the renewal instead."
    ]
    agreement.refresh_from_db()
    assert agreement.ended_on is None and renewal.ended_on is None


def test_the_fixed_rent_is_named_as_the_officers_language_writes_it(
    shelter_burak, agreement, today
):
    with translation.override("tr"), pytest.raises(ValidationError) as refused:
        rentals.pay(
            shelter_burak, agreement, month=agreement.starts_on, paid_on=today, amount="8000"
        )
    assert "7.500,00" in refused.value.message_dict["amount"][0]


def test_overlapping_terms_for_a_dwelling_are_refused(shelter_burak, agreement, today):
    with pytest.raises(ValidationError) as refused:
        rentals.sign(
            shelter_burak,
            RentalAgreement(
                dwelling=agreement.dwelling,
                landlord_name="Other",
                landlord_phone="0532 418 22 11",
                landlord_identity="TC 1",
                starts_on=agreement.starts_on + dt.timedelta(days=40),
                ends_on=agreement.ends_on,
                monthly_rent="5000",
                deposit="0",
                signed_on=today,
            ),
        )
    assert "starts_on" in refused.value.message_dict


def test_rents_are_financial_records(volunteer_vedat, agreement, today):
    assert list(selectors.agreements(mission("TR"), volunteer_vedat)) == []
    with pytest.raises(PermissionDenied):
        rentals.pay(volunteer_vedat, agreement, month=agreement.starts_on, paid_on=today)
