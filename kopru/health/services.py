"""Every write of clinic care (CONVENTIONS.md: one write path): consultations and doses of
vaccine. Each checks access, validates, writes the ServiceEvent through record_service and the
clinical detail in one transaction, and audits under the health (or mental-health) category.

Assessment cases have theirs in assessments.py; disclosures in disclosures.py."""

import json
import uuid
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import access, audit
from kopru.core.models import AuditEvent, Sensitivity
from kopru.services import services as ledger
from kopru.services.models import Modality, ServiceType

from . import codes, growth, immunization, protocols
from .models import Diagnosis, Encounter, Immunization, Prescription

VITALS = ("temperature_c", "pulse", "respiratory_rate", "systolic", "diastolic", "spo2")
MEASURES = ("weight_kg", "height_cm", "muac_mm")
SCHEDULES = {"TR": "tr_national"}  # a mission's national schedule; others check spacing only


@lru_cache(maxsize=1)
def _limits():
    path = Path(__file__).resolve().parent / "data" / "vitals.json"
    return json.loads(path.read_text(encoding="utf-8"))["limits"]


def ensure_clinical(actor, person, capability, category=Sensitivity.HEALTH):
    """The actor may do `capability` for this person and read what it writes."""
    access.require(actor, capability)
    if not access.in_mission(actor, person.mission):
        raise PermissionDenied(_("You do not work in this mission."))
    if not access.can_see_category(actor, category):
        raise PermissionDenied(_("Your role does not see clinical records."))
    if not access.can_see_location(actor, person.location):
        raise PermissionDenied(_("This person is outside your teams' locations."))


def may_see_clinical(user, person, category=Sensitivity.HEALTH) -> bool:
    return (
        access.can_see_category(user, category)
        and access.in_mission(user, person.mission)
        and access.can_see_location(user, person.location)
    )


def _number(value, field, errors):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = _("Enter a number.")
        return None
    if not number.is_finite():
        errors[field] = _("Enter a number.")
        return None
    return number


def check_vitals(values: dict, overrides: dict) -> tuple[dict, list]:
    """Clean vital signs and measurements. An impossible value is refused; an unusual one
    needs the clinician's reason in `overrides[field]` (kept with the record)."""
    errors, clean, kept = {}, {}, []
    for field in (*VITALS, *MEASURES):
        number = _number(values.get(field), field, errors)
        if number is None:
            clean[field] = None
            continue
        low, high = _limits()[field]["impossible"]
        soft_low, soft_high = _limits()[field]["unusual"]
        if not low <= number <= high:
            errors[field] = _("%(value)s is not possible here (%(low)s to %(high)s).") % {
                "value": number,
                "low": low,
                "high": high,
            }
        elif not soft_low <= number <= soft_high:
            reason = (overrides.get(field) or "").strip()
            if not reason:
                errors[field] = _(
                    "%(value)s is unusual (expected %(low)s to %(high)s): check it, or confirm "
                    "it with a reason."
                ) % {"value": number, "low": soft_low, "high": soft_high}
            else:
                kept.append({"check": field, "value": str(number), "reason": reason[:300]})
        clean[field] = number
    pressures = clean["systolic"], clean["diastolic"]
    if None not in pressures and pressures[1] >= pressures[0]:
        errors["diastolic"] = _("The diastolic pressure must be below the systolic.")
    for field in ("pulse", "respiratory_rate", "systolic", "diastolic", "spo2", "muac_mm"):
        if clean[field] is not None and field not in errors:
            if clean[field] != clean[field].to_integral_value():
                errors[field] = _("Enter a whole number.")
            clean[field] = int(clean[field])
    if errors:
        raise ValidationError(errors)
    return clean, kept


def _nutrition(person, on, clean, lying, oedema):
    """WHO z-scores and the acute malnutrition class for a child under five, else blanks."""
    blank = {"whz": None, "haz": None, "waz": None, "nutrition_status": ""}
    if not person.birth_date or (on - person.birth_date).days > 1856:
        return blank
    weight = float(clean["weight_kg"]) if clean["weight_kg"] is not None else None
    length = float(clean["height_cm"]) if clean["height_cm"] is not None else None
    z = growth.child_zscores(
        person.sex, person.birth_date, on, weight_kg=weight, length_cm=length, lying=lying
    )
    status = ""
    if (on - person.birth_date).days >= 183:  # WHO classifies acute malnutrition from 6 months
        status, _reasons = growth.classify_acute_malnutrition(z["whz"], clean["muac_mm"], oedema)
        status = "" if status == "unknown" else status
    if oedema:
        # WHO: oedema makes weight meaningless for the weight-based scores.
        z["whz"] = z["waz"] = None
    return {
        "whz": z["whz"],
        "haz": z["haz"],
        "waz": z["waz"],
        "nutrition_status": status,
    }


def _clean_diagnoses(diagnoses, errors):
    known, found = codes.icd10(), []
    for entry in diagnoses or []:
        code = (entry.get("code") or "").strip().upper()
        if not code:
            continue
        if code not in known:
            errors["diagnoses"] = _("%(code)s is not in the ICD-10 list.") % {"code": code}
            continue
        certainty = entry.get("certainty") or Diagnosis.Certainty.CONFIRMED
        if certainty not in Diagnosis.Certainty.values:
            errors["diagnoses"] = _("Say whether the diagnosis is confirmed or provisional.")
        found.append({"code": code, "certainty": certainty, "primary": bool(entry.get("primary"))})
    if found and not any(d["primary"] for d in found):
        found[0]["primary"] = True
    if len({d["code"] for d in found}) != len(found):
        errors["diagnoses"] = _("Each diagnosis is named once.")
    return found


def _clean_prescriptions(prescriptions, errors):
    found = []
    for entry in prescriptions or []:
        medicine = (entry.get("medicine") or "").strip()
        if not medicine:
            continue
        dose = (entry.get("dose") or "").strip()
        if not dose:
            errors["prescriptions"] = _("Give the dose of %(medicine)s.") % {"medicine": medicine}
        days, quantity = entry.get("duration_days"), entry.get("quantity")
        for value in (days, quantity):
            if value not in (None, "") and (not str(value).isdigit() or int(value) > 3650):
                errors["prescriptions"] = _("Days and quantity are whole numbers.")
        found.append(
            {
                "medicine": medicine[:150],
                "dose": dose[:60],
                "frequency": (entry.get("frequency") or "").strip()[:60],
                "duration_days": int(days) if str(days or "").isdigit() else None,
                "quantity": int(quantity) if str(quantity or "").isdigit() else None,
                "dispensed": bool(entry.get("dispensed")),
            }
        )
    return found


def record_consultation(
    actor,
    person,
    *,
    kind,
    at,
    location,
    reason,
    history="",
    examination="",
    assessment="",
    plan="",
    follow_up_on=None,
    vitals=None,
    lying=None,
    oedema=None,
    pregnant=None,
    diagnoses=(),
    prescriptions=(),
    overrides=None,
    case=None,
    team=None,
    modality=Modality.CENTRE,
    language="",
    interpreter="",
    uid=None,
    request=None,
):
    """Record a consultation and its service. Sending the same `uid` again stores nothing."""
    ctype = protocols.consultation_types().get(kind)
    service_type = (
        ServiceType.objects.filter(mission=person.mission, code=ctype["service_type"]).first()
        if ctype
        else None
    )
    category = service_type.category if service_type else Sensitivity.HEALTH
    ensure_clinical(actor, person, "health.consult", category)
    if (existing := ledger.sent_before(Encounter, uid, person=person)) is not None:
        return existing
    errors = {}
    if service_type is None:
        errors["kind"] = _("Choose the type of consultation.")
    if not (reason or "").strip():
        errors["reason"] = _("Say why the person came.")
    if case is not None and case.person_id != person.pk:
        errors["case"] = _("That health assessment is another person's.")
    try:
        clean, kept = check_vitals(vitals or {}, overrides or {})
    except ValidationError as exc:
        errors.update(exc.message_dict)
        clean, kept = None, []
    found_dx = _clean_diagnoses(diagnoses, errors)
    found_rx = _clean_prescriptions(prescriptions, errors)
    if at and follow_up_on and follow_up_on < timezone.localdate(at):
        errors["follow_up_on"] = _("The follow-up date is before the consultation.")
    if errors:
        raise ValidationError(errors)
    day = timezone.localdate(at) if at else date.today()
    nutrition = _nutrition(person, day, clean, lying, oedema)
    with transaction.atomic():
        event = ledger.record_service(
            actor,
            person.mission,
            service_type=service_type,
            person=person,
            at=at,
            location=location,
            team=team,
            staff=actor,
            modality=modality,
            language=language,
            interpreter=interpreter,
            request=request,
        )
        encounter = Encounter.objects.create(
            uid=uid or uuid.uuid4(),
            mission=person.mission,
            person=person,
            event=event,
            case=case,
            kind=kind,
            category=category,
            at=at,
            location=location,
            clinician=actor,
            reason=reason.strip(),
            history=(history or "").strip(),
            examination=(examination or "").strip(),
            assessment=(assessment or "").strip(),
            plan=(plan or "").strip(),
            follow_up_on=follow_up_on,
            lying=lying,
            oedema=oedema,
            pregnant=pregnant,
            overrides=kept,
            recorded_by=actor,
            **clean,
            **nutrition,
        )
        Diagnosis.objects.bulk_create(Diagnosis(encounter=encounter, **d) for d in found_dx)
        Prescription.objects.bulk_create(Prescription(encounter=encounter, **p) for p in found_rx)
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            encounter,
            request=request,
            category=category,
            details={"kind": kind, "overrides": [k["check"] for k in kept]},
        )
    return encounter


# --- Vaccination record ---------------------------------------------------------------------


def schedule_for(person, case=None):
    """The schedule a dose is checked against: the destination's for an assessment, else the
    mission's national one (None where none ships)."""
    if case is not None and case.destination == "USA":
        return "us_overseas_refugee"
    return SCHEDULES.get(person.mission.code)


def record_immunization(
    actor,
    person,
    *,
    cvx,
    given_on,
    source,
    dose_number=None,
    lot="",
    body_site="",
    location=None,
    at=None,
    case=None,
    override_reason="",
    team=None,
    uid=None,
    request=None,
):
    """Add a dose to the record. A dose given here becomes a service; one copied from a card
    does not (the service was given elsewhere). A dose given before its minimum age or interval
    is refused unless the clinician gives a reason, which is kept and audited."""
    ensure_clinical(actor, person, "health.immunize")
    if (existing := ledger.sent_before(Immunization, uid, person=person)) is not None:
        return existing
    errors = {}
    vaccines = immunization.load_vaccines()
    if cvx not in vaccines:
        errors["cvx"] = _("Choose a vaccine from the list.")
    if source not in Immunization.Source.values:
        errors["source"] = _("Say where the dose was given.")
    if given_on is None:
        errors["given_on"] = _("Give the date of the dose.")
    elif given_on > timezone.localdate():
        errors["given_on"] = _("The date is in the future.")
    elif person.birth_date and given_on < person.birth_date:
        errors["given_on"] = _("The date is before the person was born.")
    if case is not None and case.person_id != person.pk:
        errors["case"] = _("That health assessment is another person's.")
    given_here = source == Immunization.Source.GIVEN_HERE
    if given_here and location is None:
        errors["location"] = _("Choose where the dose was given.")
    if errors:
        raise ValidationError(errors)
    warnings = []
    schedule = schedule_for(person, case)
    if person.birth_date and schedule:
        prior = [
            {"cvx": d.cvx, "date": d.given_on} for d in Immunization.objects.filter(person=person)
        ]
        warnings = immunization.check_new_dose(schedule, person.birth_date, prior, cvx, given_on)
    override_reason = (override_reason or "").strip()
    if warnings and given_here and not override_reason:
        raise ValidationError({"cvx": [*warnings, _("To give it anyway, say why.")]})
    with transaction.atomic():
        event = None
        if given_here:
            service_type = ServiceType.objects.get(
                mission=person.mission,
                code="pre_migration_vaccination" if case is not None else "immunization",
            )
            event = ledger.record_service(
                actor,
                person.mission,
                service_type=service_type,
                person=person,
                at=at or timezone.now(),
                location=location,
                team=team,
                staff=actor,
                modality=Modality.CENTRE,
                request=request,
            )
        dose = Immunization.objects.create(
            uid=uid or uuid.uuid4(),
            mission=person.mission,
            person=person,
            event=event,
            case=case,
            cvx=cvx,
            dose_number=dose_number,
            given_on=given_on,
            lot=(lot or "").strip()[:40],
            body_site=(body_site or "").strip()[:30],
            source=source,
            location=location,
            given_by=actor if given_here else None,
            override_reason=override_reason[:300] if warnings else "",
            recorded_by=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            dose,
            request=request,
            category=Sensitivity.HEALTH,
            details={"cvx": cvx, "source": source, "overridden": warnings if given_here else []},
        )
    return dose


def view_record(actor, person, what, *, request=None, obj=None):
    """Audit that `actor` read `what` of a person's clinical record (pages and API call it
    before showing anything)."""
    ensure_clinical(actor, person, "registry.view_people")
    audit.record(
        actor,
        AuditEvent.Action.VIEW,
        obj or person,
        request=request,
        category=Sensitivity.HEALTH,
        details={"what": what},
    )
