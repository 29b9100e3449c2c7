"""Dwellings and home repairs (issue 9, item 7; seed 002: insulation, doors and windows,
painting; seed 003: a referred home in Gaziantep renovated by contractor for six people).

A repair names its works (data/shelter.json), the contractor and a bill of quantities; it has
a before inspection and after inspections (passed, or not with the defects), photos of each;
once an after inspection passed and the household is confirmed living there, completing it
records the household's `home_repair` service."""

import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kopru.core import money, uploads
from kopru.core.models import AuditEvent
from kopru.registry.models import Household
from kopru.services.models import Modality

from . import services
from .models import BoqLine, Dwelling, Inspection, InspectionPhoto, Repair

Kind = Inspection.Kind


def _ensure(actor, repair):
    services.ensure(actor, repair.dwelling.mission, repair.dwelling.location)


def _open(repair):
    if repair.status == Repair.Status.COMPLETED:
        raise ValidationError({"repair": _("The repair is completed.")})


def boq_total(repair):
    return sum((line.total for line in repair.boq.all()), Decimal("0.00"))


def last_after(repair):
    return repair.inspections.filter(kind=Kind.AFTER).order_by("-on", "-pk").first()


# --- Dwellings ------------------------------------------------------------------------------


def add_dwelling(actor, dwelling, *, request=None):
    """A household's home: idempotent on the client's uid."""
    services.ensure(actor, dwelling.mission)
    if (existing := Dwelling.objects.filter(uid=dwelling.uid).first()) is not None:
        if existing.mission_id != dwelling.mission_id:
            raise ValidationError({"uid": _("This identifier is already used.")})
        return existing
    errors = {}
    household = dwelling.household if dwelling.household_id else None
    if not isinstance(household, Household) or household.mission_id != dwelling.mission_id:
        errors["household"] = _("Choose a household registered in this mission.")
    location = dwelling.location if dwelling.location_id else None
    errors.update(services.place_error(actor, dwelling.mission, location) or {})
    dwelling.address = (dwelling.address or "").strip()
    if not dwelling.address:
        errors["address"] = _("Give the address.")
    if dwelling.tenure not in services.tenures():
        errors["tenure"] = _("Choose the tenure.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        dwelling.created_by = actor
        dwelling.save()
        services.record(actor, AuditEvent.Action.CREATE, dwelling, request=request)
    return dwelling


# --- Repairs --------------------------------------------------------------------------------


def open_repair(actor, dwelling, *, works, contractor, uid=None, request=None):
    services.ensure(actor, dwelling.mission, dwelling.location)
    if uid and (existing := Repair.objects.filter(uid=uid, dwelling=dwelling).first()):
        return existing
    errors = {}
    works = list(dict.fromkeys(works or []))
    if not works or any(w not in services.works() for w in works):
        errors["works"] = _("Choose the works from the list.")
    if not (contractor or "").strip():
        errors["contractor"] = _("Name the contractor.")
    if dwelling.repairs.filter(status=Repair.Status.OPEN).exists():
        errors["works"] = _("This dwelling has a repair under way: complete it first.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        repair = Repair.objects.create(
            uid=uid or uuid.uuid4(),
            dwelling=dwelling,
            works=works,
            contractor=contractor.strip()[:150],
            created_by=actor,
        )
        services.record(actor, AuditEvent.Action.CREATE, repair, request=request, works=works)
    return repair


def add_boq_line(actor, repair, *, item, unit, quantity, unit_price, request=None):
    """A line of the bill of quantities, while the works are open."""
    _ensure(actor, repair)
    _open(repair)
    errors = {}
    if not (item or "").strip():
        errors["item"] = _("Name the item.")
    if unit not in services.units():
        errors["unit"] = _("Choose the unit.")
    try:
        quantity = Decimal(str(quantity).replace(",", "."))
        if (
            not quantity.is_finite()
            or quantity <= 0
            or quantity != quantity.quantize(Decimal("0.01"))
            or quantity >= 10**8
        ):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["quantity"] = _("Give a quantity above zero with at most two decimals.")
    try:
        unit_price = money.parse(unit_price, "unit_price")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        line = BoqLine.objects.create(
            repair=repair, item=item.strip()[:200], unit=unit, quantity=quantity,
            unit_price=unit_price,
        )  # fmt: skip
        services.record(
            actor, AuditEvent.Action.CREATE, line, request=request, total=str(line.total)
        )
    return line


def remove_boq_line(actor, line, *, request=None):
    repair = line.repair
    _ensure(actor, repair)
    _open(repair)
    with transaction.atomic():
        services.record(actor, AuditEvent.Action.DELETE, line, request=request, item=line.item)
        line.delete()


def inspect(
    actor,
    repair,
    *,
    kind,
    on,
    inspector,
    findings="",
    passed=None,
    defects="",
    photos=(),
    request=None,
):
    """The before inspection (once, with the findings) or an after inspection (passed, or not
    with the defects), each with its photos (JPEG or PNG)."""
    _ensure(actor, repair)
    _open(repair)
    mission = repair.dwelling.mission
    errors = {}
    before = repair.inspections.filter(kind=Kind.BEFORE).first()
    try:
        services.past_date(on, mission, "on")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not (inspector or "").strip():
        errors["inspector"] = _("Name the inspector.")
    if kind == Kind.BEFORE:
        if before is not None:
            errors["kind"] = _("The before inspection is already recorded.")
        if not (findings or "").strip():
            errors["findings"] = _("Say what the inspector found.")
        passed, defects = None, ""
    elif kind == Kind.AFTER:
        if before is None:
            errors["kind"] = _("Record the before inspection first.")
        elif "on" not in errors and on < before.on:
            errors["on"] = _("The after inspection comes after the before inspection.")
        if passed is None:
            errors["passed"] = _("Say whether the works passed.")
        elif not passed and not (defects or "").strip():
            errors["defects"] = _("List the defects the contractor must put right.")
    else:
        errors["kind"] = _("Choose the inspection.")
    max_bytes = services.rules()["photo_max_bytes"]
    kinds = []
    for content in photos:
        try:
            kinds.append(
                uploads.check(content, uploads.IMAGES, max_bytes=max_bytes, field="photos")
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        inspection = Inspection.objects.create(
            repair=repair,
            kind=kind,
            on=on,
            inspector=inspector.strip()[:150],
            findings=(findings or "").strip(),
            passed=passed,
            defects=(defects or "").strip() if not passed else "",
            recorded_by=actor,
        )
        folder = f"community/{mission.code}/repairs"
        for content, content_type in zip(photos, kinds, strict=True):
            with uploads.stored(content, folder) as path:
                InspectionPhoto.objects.create(
                    inspection=inspection,
                    content_type=content_type,
                    size=len(content),
                    path=path,
                    uploaded_by=actor,
                )
        services.record(
            actor, AuditEvent.Action.CREATE, inspection, request=request, kind=kind, passed=passed
        )
    return inspection


def confirm_moved_in(actor, repair, *, on, request=None):
    """The household lives in the repaired home since that day."""
    _ensure(actor, repair)
    _open(repair)
    services.past_date(on, repair.dwelling.mission, "moved_in_on")
    with transaction.atomic():
        repair.moved_in_on = on
        repair.save(update_fields=["moved_in_on"])
        services.record(actor, AuditEvent.Action.CHANGE, repair, request=request, moved_in=str(on))
    return repair


def complete_repair(actor, repair, *, completed_on, request=None):
    """Completed once the last after inspection passed and the household lives there: the
    household's `home_repair` service is recorded."""
    _ensure(actor, repair)
    _open(repair)
    mission = repair.dwelling.mission
    errors = {}
    after = last_after(repair)
    if after is None or not after.passed:
        errors["repair"] = _("The works have not passed an after inspection.")
    elif repair.moved_in_on is None:
        errors["repair"] = _("Confirm that the household lives in the home.")
    if not repair.boq.exists():
        errors["boq"] = _("The bill of quantities is empty.")
    try:
        services.past_date(completed_on, mission, "completed_on")
        if after is not None and completed_on < after.on:
            errors["completed_on"] = _("The repair completes on or after the passed inspection.")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        repair.event = services.record_event(
            actor,
            mission,
            uid=uuid.uuid5(repair.uid, "home_repair"),
            code="home_repair",
            on=completed_on,
            location=repair.dwelling.location,
            modality=Modality.HOME_VISIT,
            request=request,
            source=repair,
            household=repair.dwelling.household,
            notes=", ".join(services.label(services.works(), w) for w in repair.works),
        )
        repair.status, repair.completed_on = Repair.Status.COMPLETED, completed_on
        repair.save(update_fields=["event", "status", "completed_on"])
        services.record(
            actor,
            AuditEvent.Action.CHANGE,
            repair,
            request=request,
            completed_on=str(completed_on),
            boq_total=str(boq_total(repair)),
        )
    return repair
