"""Every write of a pre-migration health assessment: opening the case, the components done,
orders and results, the TB class and DOT, presumptive treatment, fitness, travel, the
pre-embarkation check and clearance. Each checks access, validates, writes in one transaction
and audits; the work done for the person is recorded as services, so the quarterly report
counts it under Health."""

import secrets
import uuid
from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import audit
from kopru.core.models import AuditEvent, Sensitivity
from kopru.services import services as ledger
from kopru.services.models import Modality, Provider, ServiceType
from kopru.services.referrals import token_digest

from . import checklist, protocols, tb
from .models import (
    AssessmentCase,
    ComponentRecord,
    Counselling,
    DotCourse,
    DotDose,
    EmbarkationCheck,
    FollowUp,
    FollowUpLink,
    Investigation,
    TbClass,
    Treatment,
)
from .services import ensure_clinical, may_see_clinical

HEALTH = Sensitivity.HEALTH


def _audit(actor, action, obj, request, **details):
    audit.record(actor, action, obj, request=request, category=HEALTH, details=details)


def _event(actor, case, service_type_code, *, at=None, request=None):
    """The service the person received, at the case's site."""
    service_type = ServiceType.objects.get(mission=case.mission, code=service_type_code)
    return ledger.record_service(
        actor,
        case.mission,
        service_type=service_type,
        person=case.person,
        at=at or timezone.now(),
        location=case.location,
        staff=actor,
        modality=Modality.CENTRE,
        request=request,
    )


def _moment(day):
    """A past day as a moment for its service: now when it is today, else midday."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time(12)))


def _ensure(actor, case, capability="health.assess"):
    ensure_clinical(actor, case.person, capability)
    if case.status in (AssessmentCase.Status.CLOSED, AssessmentCase.Status.TRAVELLED):
        raise ValidationError(_("This health assessment is closed."))


# --- The case ---------------------------------------------------------------------------------


def open_case(
    actor,
    person,
    *,
    protocol,
    programme,
    location,
    pregnant=None,
    departure_at=None,
    uid=None,
    request=None,
):
    ensure_clinical(actor, person, "health.assess")
    if (existing := ledger.sent_before(AssessmentCase, uid, person=person)) is not None:
        return existing
    errors = {}
    entry = protocols.protocol(protocol)
    if entry is None:
        errors["protocol"] = _("Choose the destination programme.")
    if programme not in AssessmentCase.Programme.values:
        errors["programme"] = _("Choose refugee resettlement or immigrant visa.")
    if location is None or location.mission_id != person.mission_id:
        errors["location"] = _("Choose the site of the examination.")
    if person.merged_into_id:
        errors["person"] = _("%(reference)s was merged; use %(survivor)s.") % {
            "reference": person.reference,
            "survivor": person.merged_into.reference,
        }
    if pregnant and person.sex == "male":
        errors["pregnant"] = _("Pregnancy is recorded for women only.")
    if (
        entry
        and AssessmentCase.objects.filter(
            person=person,
            protocol=protocol,
            status__in=[AssessmentCase.Status.OPEN, AssessmentCase.Status.ON_HOLD],
        ).exists()
    ):
        errors["protocol"] = _("This person already has an open assessment for %(programme)s.") % {
            "programme": protocols.named(entry)
        }
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        case = AssessmentCase.objects.create(
            uid=uid or uuid.uuid4(),
            mission=person.mission,
            number=f"pending-{secrets.token_hex(6)}",
            person=person,
            destination=entry["destination"],
            programme=programme,
            protocol=protocol,
            protocol_version=protocols.version(protocol, timezone.localdate(now))["version"],
            location=location,
            pregnant=pregnant,
            departure_at=departure_at,
            opened_by=actor,
            opened_at=now,
        )
        case.number = f"HA-{person.mission.code}-{case.pk:06d}"
        case.save(update_fields=["number"])
        _audit(actor, AuditEvent.Action.CREATE, case, request, protocol=case.protocol_version)
    return case


def set_findings(actor, case, *, findings, pregnant=None, request=None):
    """What was found that changes the protocol (signs of TB, HIV, contact, pregnancy)."""
    _ensure(actor, case)
    known = set(protocols.data()["findings"])
    unknown = set(findings) - known
    if unknown:
        raise ValidationError(
            {"findings": _("Unknown finding: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}}
        )
    if pregnant and case.person.sex == "male":
        raise ValidationError({"pregnant": _("Pregnancy is recorded for women only.")})
    with transaction.atomic():
        case.findings, case.pregnant = sorted(set(findings)), pregnant
        case.save(update_fields=["findings", "pregnant", "changed_at"])
        _audit(actor, AuditEvent.Action.CHANGE, case, request, findings=case.findings)
    return case


def record_component(
    actor, case, component, *, done_on, outcome="", waived_reason="", request=None
):
    """A component the clinician did (history, examination, mental health, vaccines review,
    presumptive treatment decided elsewhere) or did not do, with why."""
    _ensure(actor, case)
    entry = protocols.data()["components"].get(component)
    errors = {}
    if entry is None or entry["kind"] == "test":
        errors["component"] = _("Tests are done by their results; choose another component.")
    if done_on is None:
        errors["done_on"] = _("Give the date.")
    elif done_on > timezone.localdate():
        errors["done_on"] = _("The date is in the future.")
    elif done_on < timezone.localdate(case.opened_at):
        errors["done_on"] = _("The date is before the case was opened.")
    waived_reason = (waived_reason or "").strip()
    if errors:
        raise ValidationError(errors)
    service_type = entry.get("service_type", "pre_departure_medical_procedures")
    category = ServiceType.objects.get(mission=case.mission, code=service_type).category
    ensure_clinical(actor, case.person, "health.assess", category)
    with transaction.atomic():
        event = None
        if not waived_reason:
            event = _event(actor, case, service_type, at=_moment(done_on), request=request)
        record = ComponentRecord.objects.create(
            case=case,
            component=component,
            done_on=done_on,
            outcome=(outcome or "").strip(),
            waived_reason=waived_reason[:300],
            event=event,
            by=actor,
        )
        if entry.get("exam") and not waived_reason:
            case.exam_on = done_on
            case.save(update_fields=["exam_on", "changed_at"])
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            case,
            request=request,
            category=category,
            details={"component": component, "waived": bool(waived_reason)},
        )
    return record


# --- Investigations -----------------------------------------------------------------------------


def order_investigation(
    actor,
    case,
    test,
    *,
    partner=None,
    specimens=1,
    pre_counselling="",
    request=None,
):
    """Order a test from a lab or imaging centre (several specimens for sputum). Tests that
    need counselling (HIV) are ordered only with the pre-test counselling recorded."""
    _ensure(actor, case)
    catalogue = protocols.tests()
    errors = {}
    if test not in catalogue:
        errors["test"] = _("Choose a test from the list.")
    if partner is not None and (
        not isinstance(partner, Provider) or partner.mission_id != case.mission_id
    ):
        errors["partner"] = _("Choose a laboratory or imaging centre of this mission.")
    if not isinstance(specimens, int) or not 1 <= specimens <= 3:
        errors["specimens"] = _("Order one to three specimens.")
    needs_counselling = catalogue.get(test, {}).get("counselling", False)
    if needs_counselling and not (pre_counselling or "").strip():
        errors["pre_counselling"] = _("Record the pre-test counselling before ordering this test.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        first = case.investigations.filter(test=test).count()
        orders = []
        for n in range(specimens):
            order = Investigation.objects.create(
                mission=case.mission,
                number=f"pending-{secrets.token_hex(6)}",
                person=case.person,
                case=case,
                test=test,
                specimen=first + n + 1,
                partner=partner,
                ordered_at=now,
                ordered_by=actor,
            )
            order.number = f"LAB-{case.mission.code}-{order.pk:06d}"
            order.save(update_fields=["number"])
            orders.append(order)
        if needs_counselling:
            event = _event(actor, case, "pre_post_test_counselling", at=now, request=request)
            for order in orders:
                Counselling.objects.create(
                    investigation=order,
                    stage=Counselling.Stage.PRE,
                    at=now,
                    notes=pre_counselling.strip(),
                    by=actor,
                    event=event,
                )
        _audit(actor, AuditEvent.Action.CREATE, case, request, ordered=test, specimens=specimens)
    return orders


RESULTS = {
    "reading": {"normal", "abnormal", "suggestive"},
    "qualitative": {"positive", "negative", "indeterminate"},
    "induration_mm": {"positive", "negative"},
    "quantitative": {"normal", "abnormal"},
}


def clean_result(investigation, interpretation, value, reading, collected_on):
    kind = protocols.tests()[investigation.test]["result"]
    errors = {}
    if investigation.status == Investigation.Status.CANCELLED:
        errors["investigation"] = _("This order was cancelled.")
    if kind == "induration_mm":
        if value is None or value < 0 or value > 60:
            errors["value"] = _("Give the induration in millimetres (0 to 60).")
        else:
            contact = "tb_contact" in (investigation.case.findings if investigation.case else [])
            interpretation = "positive" if value >= (5 if contact else 10) else "negative"
    elif kind == "quantitative" and value is None:
        errors["value"] = _("Give the measured value.")
    if interpretation not in RESULTS[kind]:
        errors["interpretation"] = _("Choose a result this test can have.")
    if kind == "reading" and not (reading or "").strip():
        errors["reading"] = _("Give the radiologist's reading.")
    if collected_on and collected_on > timezone.localdate():
        errors["collected_on"] = _("The date is in the future.")
    if collected_on and collected_on < timezone.localdate(investigation.ordered_at):
        errors["collected_on"] = _("The specimen date is before the order.")
    if errors:
        raise ValidationError(errors)
    return interpretation


def write_result(actor, investigation, interpretation, value, unit, reading, collected_on, source):
    investigation.interpretation = interpretation
    investigation.value = value
    investigation.unit = (unit or "").strip()[:20]
    investigation.reading = (reading or "").strip()
    investigation.collected_on = collected_on
    investigation.status = Investigation.Status.RESULTED
    investigation.resulted_at = timezone.now()
    investigation.result_by = actor
    investigation.result_source = source[:20]
    if investigation.event_id is None:
        investigation.event = _event(
            actor, investigation.case, "radiology_laboratory_investigation"
        )
    investigation.save()
    case = investigation.case
    if interpretation == "suggestive" and "cxr_suggestive" not in case.findings:
        # A suggestive X-ray is what makes sputum required: the checklist shows it at once.
        case.findings = sorted({*case.findings, "cxr_suggestive"})
        case.save(update_fields=["findings", "changed_at"])


def record_result(
    actor,
    investigation,
    *,
    interpretation="",
    value=None,
    unit="",
    reading="",
    collected_on=None,
    request=None,
):
    """Enter a result for an order. A second, different result for the same order is refused:
    a correction is a new order."""
    if investigation.case is None:
        raise ValidationError(_("This order belongs to no health assessment."))
    _ensure(actor, investigation.case)
    if investigation.status == Investigation.Status.RESULTED:
        raise ValidationError({"investigation": _("This order already has its result.")})
    interpretation = clean_result(investigation, interpretation, value, reading, collected_on)
    with transaction.atomic():
        write_result(
            actor, investigation, interpretation, value, unit, reading, collected_on, "entered"
        )
        _audit(actor, AuditEvent.Action.CHANGE, investigation, request, result=interpretation)
    return investigation


def record_counselling(actor, investigation, *, notes="", request=None):
    """Post-test counselling, once the result is in."""
    _ensure(actor, investigation.case)
    if investigation.status != Investigation.Status.RESULTED:
        raise ValidationError(_("Post-test counselling follows the result; it is not in yet."))
    if investigation.counselling.filter(stage=Counselling.Stage.POST).exists():
        raise ValidationError(_("Post-test counselling is already recorded."))
    with transaction.atomic():
        event = _event(actor, investigation.case, "pre_post_test_counselling", request=request)
        record = Counselling.objects.create(
            investigation=investigation,
            stage=Counselling.Stage.POST,
            at=timezone.now(),
            notes=(notes or "").strip(),
            by=actor,
            event=event,
        )
        _audit(actor, AuditEvent.Action.CREATE, investigation, request, counselling="post")
    return record


# --- TB pathway -------------------------------------------------------------------------------


def classify_tb(actor, case, tb_class, *, detail="", reason="", request=None):
    """The physician's TB class. One that differs from what the results point to needs a
    reason, kept in the audit log."""
    _ensure(actor, case, "health.decide")
    if tb_class not in TbClass.values:
        raise ValidationError({"tb_class": _("Choose a TB class.")})
    detail = (detail or "").strip()
    if tb_class == TbClass.B1_EXTRAPULMONARY and not detail:
        raise ValidationError({"detail": _("Give the site of extrapulmonary TB.")})
    if tb_class == TbClass.B3 and not detail:
        raise ValidationError({"detail": _("Give the source case of the contact.")})
    suggested, _reasons = tb.suggest(case)
    reason = (reason or "").strip()
    if suggested != tb_class and not reason:
        raise ValidationError(
            {
                "tb_class": _("The results point to %(suggested)s. To classify otherwise, say why.")
                % {"suggested": TbClass(suggested).label if suggested else _("no class yet")}
            }
        )
    with transaction.atomic():
        case.tb_class, case.tb_detail = tb_class, detail[:200]
        case.tb_classified_by, case.tb_classified_at = actor, timezone.now()
        if tb_class == TbClass.A and case.status == AssessmentCase.Status.CLEARED:
            case.status = AssessmentCase.Status.ON_HOLD
        case.save()
        _audit(
            actor,
            AuditEvent.Action.CHANGE,
            case,
            request,
            tb_class=tb_class,
            suggested=suggested or "",
            override=reason,
        )
    return case


def start_dot(actor, case, *, regimen, doses_planned, started_on, provider=None, request=None):
    """Refer the person for directly observed treatment (through the referral flow when the
    provider is outside) and open the DOT log."""
    _ensure(actor, case, "health.decide")
    errors = {}
    if not (regimen or "").strip():
        errors["regimen"] = _("Give the regimen.")
    if not isinstance(doses_planned, int) or not 1 <= doses_planned <= 400:
        errors["doses_planned"] = _("Give the number of doses planned (1 to 400).")
    if started_on is None:
        errors["started_on"] = _("Give the start date.")
    if case.dot_courses.filter(completed_on__isnull=True).exists():
        errors["regimen"] = _("A DOT course is already running.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if provider is not None:
            from kopru.services import referrals

            referrals.make_referral(
                actor,
                case.person,
                provider=provider,
                reason=_("Directly observed TB treatment: %(regimen)s") % {"regimen": regimen},
                urgency="urgent",
                service_type=ServiceType.objects.get(mission=case.mission, code="tb_dot_referral"),
                location=case.location,
                request=request,
            )
        else:
            _event(actor, case, "tb_dot_referral", request=request)
        course = DotCourse.objects.create(
            case=case,
            regimen=regimen.strip()[:120],
            doses_planned=doses_planned,
            started_on=started_on,
            provider=provider,
            by=actor,
        )
        _audit(actor, AuditEvent.Action.CREATE, case, request, dot=course.regimen)
    return course


def record_dot_dose(actor, course, *, on, observed, note="", request=None):
    """One day of the DOT log. The course completes when the planned doses were observed."""
    _ensure(actor, course.case)
    if course.completed_on:
        raise ValidationError(_("This DOT course is complete."))
    if on is None or on > timezone.localdate() or on < course.started_on:
        raise ValidationError({"on": _("Give a day between the start and today.")})
    if course.doses.filter(on=on).exists():
        raise ValidationError({"on": _("This day is already in the log.")})
    if not observed and not (note or "").strip():
        raise ValidationError({"note": _("Say why the dose was missed.")})
    with transaction.atomic():
        dose = DotDose.objects.create(
            course=course, on=on, observed=observed, note=(note or "").strip()[:200], by=actor
        )
        if course.doses.filter(observed=True).count() >= course.doses_planned:
            course.completed_on = on
            course.save(update_fields=["completed_on"])
        _audit(
            actor,
            AuditEvent.Action.CREATE,
            course.case,
            request,
            dot_day=str(on),
            observed=observed,
        )
    return dose


# --- Pre-departure ------------------------------------------------------------------------------


def give_treatment(actor, case, drug, *, given_on, override_reason="", request=None):
    """Presumptive treatment by protocol: the drug must be in the regimen for the processing
    country, and a contraindicated drug needs the physician's reason."""
    _ensure(actor, case)
    plan = checklist.presumptive(case)
    by_code = {d.code: d for d in plan.drugs}
    if drug not in by_code:
        raise ValidationError({"drug": _("This drug is not in the protocol's regimen.")})
    if given_on is None or given_on > timezone.localdate():
        raise ValidationError({"given_on": _("Give the date it was given.")})
    chosen = by_code[drug]
    override_reason = (override_reason or "").strip()
    if chosen.contraindications and not override_reason:
        raise ValidationError(
            {"drug": [*chosen.contraindications, _("To give it anyway, say why.")]}
        )
    with transaction.atomic():
        event = _event(
            actor, case, "pre_departure_medical_procedures", at=_moment(given_on), request=request
        )
        treatment = Treatment.objects.create(
            case=case,
            drug=drug,
            dose=chosen.dose[:60],
            given_on=given_on,
            override_reason=override_reason[:300] if chosen.contraindications else "",
            event=event,
            by=actor,
        )
        _audit(
            actor,
            AuditEvent.Action.CREATE,
            case,
            request,
            treatment=drug,
            override=treatment.override_reason,
        )
    return treatment


def decide_fitness(actor, case, fitness, *, conditions="", request=None):
    _ensure(actor, case, "health.decide")
    if fitness not in protocols.fitness_categories():
        raise ValidationError({"fitness": _("Choose a fitness-to-travel decision.")})
    with transaction.atomic():
        case.fitness, case.fitness_conditions = fitness, (conditions or "").strip()
        case.fitness_by, case.fitness_at = actor, timezone.now()
        if not protocols.fitness_categories()[fitness]["clears"] and (
            case.status == AssessmentCase.Status.CLEARED
        ):
            case.status = AssessmentCase.Status.ON_HOLD
        case.save()
        _audit(actor, AuditEvent.Action.CHANGE, case, request, fitness=fitness)
    return case


def set_travel(actor, case, *, departure_at=None, needs=(), escort=None, notes="", request=None):
    """The flight and the arrangements for it (oxygen, wheelchair, stretcher, escort)."""
    _ensure(actor, case)
    unknown = set(needs) - set(protocols.travel_needs())
    errors = {}
    if unknown:
        errors["needs"] = _("Choose arrangements from the list.")
    if departure_at is not None and departure_at < case.opened_at:
        errors["departure_at"] = _("The flight is before the case was opened.")
    if escort is not None and not escort.missions.filter(pk=case.mission_id).exists():
        errors["escort"] = _("The escort does not work in this mission.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case.departure_at = departure_at
        case.travel_needs = sorted(set(needs))
        case.escort = escort
        case.travel_notes = (notes or "").strip()
        case.save()
        if escort is not None or needs:
            _event(actor, case, "medical_escort", request=request)
        _audit(actor, AuditEvent.Action.CHANGE, case, request, travel=case.travel_needs)
    return case


def clear_for_travel(actor, case, *, request=None):
    """Clear the person to travel; refused, with every reason, while anything blocks it."""
    _ensure(actor, case, "health.decide")
    found = checklist.blockers(case)
    if found:
        raise ValidationError(found)
    with transaction.atomic():
        case.status = AssessmentCase.Status.CLEARED
        case.cleared_at, case.cleared_by = timezone.now(), actor
        case.save()
        _audit(actor, AuditEvent.Action.CHANGE, case, request, status="cleared")
    return case


def record_pec(actor, case, *, at, fit, findings="", request=None):
    """The pre-embarkation check, inside the protocol's window before the flight. Not fit puts
    the case on hold."""
    _ensure(actor, case)
    window = checklist.pec_window(case)
    if window is None:
        raise ValidationError({"at": _("Record the flight first.")})
    if at is None or at > timezone.now() + ledger.CLOCK_SKEW:
        raise ValidationError({"at": _("Give when the check was done; not in the future.")})
    earliest, latest = window
    if not earliest <= at <= latest:
        low, high = checklist.version_of(case)["pec_hours"]
        raise ValidationError(
            {
                "at": _(
                    "The pre-embarkation check is done %(low)s to %(high)s hours before the "
                    "flight: between %(earliest)s and %(latest)s."
                )
                % {
                    "low": low,
                    "high": high,
                    "earliest": timezone.localtime(earliest).strftime("%d.%m.%Y %H:%M"),
                    "latest": timezone.localtime(latest).strftime("%d.%m.%Y %H:%M"),
                }
            }
        )
    if case.status != AssessmentCase.Status.CLEARED and fit:
        raise ValidationError(_("The person is not cleared to travel; clear the case first."))
    with transaction.atomic():
        event = _event(actor, case, "fitness_to_travel_check", at=at, request=request)
        check = EmbarkationCheck.objects.create(
            case=case, at=at, fit=fit, findings=(findings or "").strip(), event=event, by=actor
        )
        if not fit:
            case.status = AssessmentCase.Status.ON_HOLD
            case.save(update_fields=["status", "changed_at"])
        _audit(actor, AuditEvent.Action.CREATE, case, request, pec="fit" if fit else "not fit")
    return check


def record_follow_up(
    actor, case, *, reported_on, reporter, admitted=None, treatment="", outcome="", request=None
):
    """What the receiving side reported after arrival."""
    ensure_clinical(actor, case.person, "health.assess")
    if not (reporter or "").strip():
        raise ValidationError({"reporter": _("Say who reported.")})
    if reported_on is None or reported_on > timezone.localdate():
        raise ValidationError({"reported_on": _("Give the date of the report.")})
    with transaction.atomic():
        follow_up = FollowUp.objects.create(
            case=case,
            reported_on=reported_on,
            admitted=admitted,
            treatment=(treatment or "").strip(),
            outcome=(outcome or "").strip(),
            reporter=reporter.strip()[:150],
            recorded_by=actor,
        )
        _event(actor, case, "post_arrival_follow_up", at=_moment(reported_on), request=request)
        _audit(actor, AuditEvent.Action.CREATE, case, request, follow_up=str(reported_on))
    return follow_up


def view_case(actor, case, *, request=None):
    """Audit a read of the case's clinical content; refuse roles that may not read it."""
    if not may_see_clinical(actor, case.person):
        raise PermissionDenied(_("Your role does not see clinical records."))
    _audit(actor, AuditEvent.Action.VIEW, case, request)


# --- Arrival and after --------------------------------------------------------------------------

FOLLOW_UP_CLASSES = {"A", "B0", "B1P", "B1E", "B2", "B3"}
LINK_DAYS = 90


def mark_travelled(actor, case, *, request=None):
    """The person flew: only a cleared case with a fit pre-embarkation check."""
    ensure_clinical(actor, case.person, "health.assess")
    if case.status != AssessmentCase.Status.CLEARED:
        raise ValidationError(_("Only a person cleared to travel can have travelled."))
    if not case.checks.filter(fit=True).exists():
        raise ValidationError(_("Record the pre-embarkation check first."))
    with transaction.atomic():
        case.status = AssessmentCase.Status.TRAVELLED
        case.save(update_fields=["status", "changed_at"])
        _audit(actor, AuditEvent.Action.CHANGE, case, request, status="travelled")
    return case


def needs_follow_up(cases):
    """Travelled cases with a Class A or B condition and no report from the receiving side
    yet: the receiving health department must examine them within 30-90 days of arrival."""
    return [
        c
        for c in cases
        if c.status == AssessmentCase.Status.TRAVELLED
        and c.tb_class in FOLLOW_UP_CLASSES
        and not c.follow_ups.exists()
    ]


def issue_follow_up_link(actor, case, *, recipient, request=None):
    """A one-time link for the receiving health department's report. The link shows the
    person's name and case number: a disclosure, so it needs consent for that recipient."""
    from kopru.registry.consent import granting
    from kopru.registry.models import ConsentPurpose

    ensure_clinical(actor, case.person, "health.disclose")
    recipient = (recipient or "").strip()
    if case.status != AssessmentCase.Status.TRAVELLED:
        raise ValidationError(_("A follow-up link is for a person who has travelled."))
    if not recipient or granting(case.person, ConsentPurpose.SHARING_AUTHORITY, recipient) is None:
        raise ValidationError(
            {
                "recipient": _(
                    "%(person)s has not consented to sharing their health record with "
                    "%(recipient)s. Record that consent (purpose: sharing with an authority) "
                    "first."
                )
                % {"person": case.person, "recipient": recipient or "—"}
            }
        )
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        FollowUpLink.objects.create(
            case=case,
            recipient=recipient[:150],
            token_hash=token_digest(token),
            created_by=actor,
            expires_at=timezone.now() + timedelta(days=LINK_DAYS),
        )
        _audit(actor, AuditEvent.Action.DISCLOSE, case, request, follow_up_link=recipient)
    return token


def link_case(token):
    """The link a token opens, or None when unknown, used or expired."""
    link = (
        FollowUpLink.objects.select_related("case__person", "created_by")
        .filter(token_hash=token_digest(token or ""), used_at__isnull=True)
        .first()
    )
    if link is None or link.expires_at < timezone.now():
        return None
    return link


def follow_up_by_link(
    token, *, reported_on, reporter, admitted=None, treatment="", outcome="", request=None
):
    """The receiving side's report through its link, recorded once."""
    if not (reporter or "").strip():
        raise ValidationError({"reporter": _("Say who reported.")})
    if reported_on is None or reported_on > timezone.localdate():
        raise ValidationError({"reported_on": _("Give the date of the report.")})
    with transaction.atomic():
        link = link_case(token)
        if link is None or not FollowUpLink.objects.filter(pk=link.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        ):
            raise ValidationError(_("This link was already used or has expired."))
        case = link.case
        follow_up = FollowUp.objects.create(
            case=case,
            reported_on=reported_on,
            admitted=admitted,
            treatment=(treatment or "").strip(),
            outcome=(outcome or "").strip(),
            reporter=f"{reporter.strip()} ({link.recipient})"[:150],
            via_link=True,
        )
        # The clinician who issued the link records the service the person received.
        _event(link.created_by, case, "post_arrival_follow_up", at=_moment(reported_on))
        audit.record(
            None,
            AuditEvent.Action.CREATE,
            case,
            request=request,
            category=HEALTH,
            details={"follow_up_by_link": link.recipient},
        )
    return follow_up


def recommend(actor, case, *, provider, kind, text, request=None):
    """A recommendation for special schooling or job arrangements, passed to the education or
    livelihoods team as a referral, only with the person's consent to refer to that team."""
    from kopru.registry.consent import granting
    from kopru.registry.models import ConsentPurpose
    from kopru.services import referrals

    ensure_clinical(actor, case.person, "health.assess")
    if kind not in ("schooling", "job"):
        raise ValidationError({"kind": _("Choose special schooling or job arrangements.")})
    if not (text or "").strip():
        raise ValidationError({"text": _("Say what is recommended.")})
    if provider is None or granting(case.person, ConsentPurpose.REFERRAL, provider.name) is None:
        raise ValidationError(
            {
                "provider": _(
                    "%(person)s has not consented to a referral to %(recipient)s. Record that "
                    "consent (purpose: referral) first."
                )
                % {"person": case.person, "recipient": provider.name if provider else "—"}
            }
        )
    label = _("Special schooling") if kind == "schooling" else _("Job arrangements")
    return referrals.make_referral(
        actor,
        case.person,
        provider=provider,
        reason=f"{label}: {text.strip()}",
        urgency="routine",
        service_type=ServiceType.objects.get(
            mission=case.mission, code="schooling_job_recommendation"
        ),
        location=case.location,
        request=request,
    )
