"""Rental agreements with landlords at fixed rates (issue 9, item 7; seed 002: rental
contracts that give migrants a secure term at a fixed rate).

The monthly rent is fixed for the term: each month is paid once, at that rent, never beyond
the term (or the day it ended early); a month not paid shows as due until the due day of
data/rules.json and overdue after it. The rent changes only by a renewal, a new term linked
to the previous one. Signing records the household's `rental_agreement_support` service, each
renewal another. Rents and payments are financial records."""

import datetime as dt
import uuid
from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kopru.core import money
from kopru.core.models import AuditEvent
from kopru.services.models import Modality

from . import services
from .models import Dwelling, RentalAgreement, RentPayment


def _ensure(actor, agreement):
    services.ensure(actor, agreement.mission, agreement.dwelling.location, financial=True)


def first_of(day):
    return day.replace(day=1)


def next_month(month):
    return (month + dt.timedelta(days=32)).replace(day=1)


def months(agreement):
    """The first days of the months the agreement runs (to its end, or its early end)."""
    month, last = first_of(agreement.starts_on), agreement.last_day
    found = []
    while month <= last:
        found.append(month)
        month = next_month(month)
    return found


@dataclass
class Month:
    month: dt.date
    due_on: dt.date
    state: str  # paid, due, overdue, upcoming
    payment: RentPayment | None


def due_day(month):
    return month.replace(day=min(int(services.rules()["rent_due_day"]), 28))


def schedule(agreement, today):
    """Every month of the term with its state on `today`."""
    paid = {p.month: p for p in agreement.payments.all()}
    rows = []
    for month in months(agreement):
        due_on = due_day(month)
        if month in paid:
            state = "paid"
        elif today < month:
            state = "upcoming"
        elif today <= due_on:
            state = "due"
        else:
            state = "overdue"
        rows.append(Month(month, due_on, state, paid.get(month)))
    return rows


def owed(agreement, today):
    """The months due or overdue on `today`."""
    return [m for m in schedule(agreement, today) if m.state in ("due", "overdue")]


def _clean_terms(agreement, errors):
    if not agreement.starts_on or not agreement.ends_on:
        errors["ends_on"] = _("Give the term's start and end.")
    elif agreement.ends_on <= agreement.starts_on:
        errors["ends_on"] = _("The term ends after it starts.")
    try:
        agreement.monthly_rent = money.parse(agreement.monthly_rent, "monthly_rent")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        agreement.deposit = money.parse(agreement.deposit, "deposit", allow_zero=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)


def _overlapping(agreement):
    """Another agreement of the dwelling running in the same days."""
    others = RentalAgreement.objects.filter(dwelling=agreement.dwelling).exclude(pk=agreement.pk)
    return [
        a
        for a in others.filter(starts_on__lte=agreement.ends_on)
        if a.last_day >= agreement.starts_on
    ]


def _record_signing(actor, agreement, request):
    return services.record_event(
        actor,
        agreement.mission,
        uid=uuid.uuid5(agreement.uid, "signed"),
        code="rental_agreement_support",
        on=agreement.signed_on,
        location=agreement.dwelling.location,
        modality=Modality.CENTRE,
        request=request,
        source=agreement,
        household=agreement.household,
    )


def sign(actor, agreement, *, request=None):
    """A new agreement for a household's dwelling (idempotent on the client's uid)."""
    dwelling = agreement.dwelling
    services.ensure(actor, dwelling.mission, dwelling.location, financial=True)
    if (existing := RentalAgreement.objects.filter(uid=agreement.uid).first()) is not None:
        if existing.dwelling_id != dwelling.pk:
            raise ValidationError({"uid": _("This identifier is already used.")})
        return existing
    errors = {}
    agreement.mission = dwelling.mission
    agreement.household = dwelling.household
    agreement.landlord_name = (agreement.landlord_name or "").strip()
    agreement.landlord_identity = (agreement.landlord_identity or "").strip()
    if not agreement.landlord_name:
        errors["landlord_name"] = _("Name the landlord.")
    if not agreement.landlord_identity:
        errors["landlord_identity"] = _("Give the landlord's identity number or document.")
    try:
        number = phonenumbers.parse(agreement.landlord_phone or "", dwelling.mission.country)
        if not phonenumbers.is_valid_number(number):
            raise phonenumbers.NumberParseException(0, "invalid")
        agreement.landlord_phone = phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.E164
        )
    except phonenumbers.NumberParseException:
        errors["landlord_phone"] = _("Give the landlord's phone number.")
    _clean_terms(agreement, errors)
    try:
        services.past_date(agreement.signed_on, dwelling.mission, "signed_on")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if "ends_on" not in errors and _overlapping(agreement):
        errors["starts_on"] = _("Another agreement for this dwelling runs in these months.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # One signing at a time per dwelling, so two agreements (or two renewals) never overlap.
        Dwelling.objects.select_for_update().get(pk=dwelling.pk)
        if _overlapping(agreement):
            raise ValidationError(
                {"starts_on": _("Another agreement for this dwelling runs in these months.")}
            )
        agreement.created_by = actor
        agreement.save()
        agreement.event = _record_signing(actor, agreement, request)
        agreement.save(update_fields=["event"])
        services.record(
            actor,
            AuditEvent.Action.CREATE,
            agreement,
            request=request,
            financial=True,
            monthly_rent=str(agreement.monthly_rent),
            renewal_of=agreement.previous_id,
        )
    return agreement


def renew(actor, agreement, *, ends_on, monthly_rent, deposit=None, signed_on, uid=None,
          request=None):  # fmt: skip
    """A new term from the day after the current one ends, at the rent agreed now; the
    landlord and the household stay."""
    _ensure(actor, agreement)
    if agreement.ended_on:
        raise ValidationError({"agreement": _("This agreement was ended early.")})
    if hasattr(agreement, "renewal"):
        raise ValidationError({"agreement": _("This agreement is already renewed.")})
    return sign(
        actor,
        RentalAgreement(
            uid=uid or uuid.uuid4(),
            dwelling=agreement.dwelling,
            landlord_name=agreement.landlord_name,
            landlord_phone=agreement.landlord_phone,
            landlord_identity=agreement.landlord_identity,
            starts_on=agreement.ends_on + dt.timedelta(days=1),
            ends_on=ends_on,
            monthly_rent=monthly_rent,
            deposit=agreement.deposit if deposit in (None, "") else deposit,
            currency=agreement.currency,
            signed_on=signed_on,
            previous=agreement,
        ),
        request=request,
    )


def end_early(actor, agreement, *, ended_on, reason, request=None):
    """The agreement stops before its term: no month after that day is paid."""
    _ensure(actor, agreement)
    errors = {}
    if agreement.ended_on:
        errors["agreement"] = _("This agreement was already ended.")
    elif hasattr(agreement, "renewal"):
        errors["agreement"] = _("This agreement was renewed; end the renewal instead.")
    if not (reason or "").strip():
        errors["reason"] = _("Say why.")
    try:
        services.past_date(ended_on, agreement.mission, "ended_on")
        if not agreement.starts_on <= ended_on < agreement.ends_on:
            errors["ended_on"] = _("Give a day within the term, before its end.")
        elif agreement.payments.filter(month__gt=ended_on).exists():
            errors["ended_on"] = _("A month after this day is already paid.")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        agreement.ended_on, agreement.end_reason = ended_on, reason.strip()[:250]
        agreement.save(update_fields=["ended_on", "end_reason"])
        services.record(
            actor, AuditEvent.Action.CHANGE, agreement, request=request, financial=True,
            ended_on=str(ended_on), reason=reason,
        )  # fmt: skip
    return agreement


def pay(actor, agreement, *, month, paid_on, amount=None, reference="", uid=None, request=None):
    """One month's rent, at the agreement's fixed rent, once, within the term. Sent again
    with its uid, the payment is returned unchanged."""
    _ensure(actor, agreement)
    if uid and (existing := RentPayment.objects.filter(uid=uid).first()) is not None:
        if existing.agreement_id != agreement.pk:
            raise ValidationError({"uid": _("This identifier is already used.")})
        return existing
    errors = {}
    if not isinstance(month, dt.date):
        errors["month"] = _("Choose the month.")
    else:
        month = first_of(month)
        if month not in months(agreement):
            errors["month"] = _("This month is outside the agreement's term.")
        elif agreement.payments.filter(month=month).exists():
            errors["month"] = _("This month is already paid.")
    if amount in (None, ""):
        amount = agreement.monthly_rent
    else:
        try:
            amount = money.parse(amount, "amount")
            if amount != agreement.monthly_rent:
                errors["amount"] = _(
                    "The rent is fixed at %(rent)s for the term; it changes only by a renewal."
                ) % {"rent": money.display(agreement.monthly_rent)}
        except ValidationError as exc:
            errors.update(exc.message_dict)
    try:
        services.past_date(paid_on, agreement.mission, "paid_on")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        RentalAgreement.objects.select_for_update().get(pk=agreement.pk)
        if agreement.payments.filter(month=month).exists():
            raise ValidationError({"month": _("This month is already paid.")})
        payment = RentPayment.objects.create(
            uid=uid or uuid.uuid4(),
            agreement=agreement,
            month=month,
            amount=amount,
            paid_on=paid_on,
            reference=(reference or "").strip()[:60],
            recorded_by=actor,
        )
        services.record(
            actor, AuditEvent.Action.CREATE, payment, request=request, financial=True,
            month=f"{month:%Y-%m}", amount=str(amount),
        )  # fmt: skip
    return payment
