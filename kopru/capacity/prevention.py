"""Every write of access to prevention (CONVENTIONS.md: one write path): a registered migrant
referred to a national communicable-disease programme (data/prevention_programmes.json) at a
facility of the directory, and whether they were reached; a group outreach session as a tally.

The referral goes through the directory's own writer (services.referrals.make_referral: the
person's consent to share with that facility, the number, the loop with the facility) and is
a `prevention_programme_referral` service. A vaccination reached is written into the person's
vaccination record through the health module's record_immunization, as a dose from another
record (the national programme gave it, so the health module records no `immunization` event),
and is the person's `vaccination_through_referral` service: the report's people reached by
vaccination, under Health > Vaccination, while referrals count under Health > Prevention of
communicable diseases. Health data throughout."""

import json
import uuid
from datetime import datetime, time
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import access, audit
from kopru.core.models import AuditEvent, Location, Sensitivity
from kopru.core.text import in_language
from kopru.health import services as health
from kopru.health.models import Immunization
from kopru.services import referrals
from kopru.services import services as ledger
from kopru.services.models import Modality, Provider, Referral, ServiceType

from .models import PreventionReferral, PreventionTally

DATA = Path(__file__).resolve().parent / "data" / "prevention_programmes.json"
SERVICE = "prevention_programme_referral"
VACCINATED = "vaccination_through_referral"


@lru_cache(maxsize=1)
def _data():
    return json.loads(DATA.read_text(encoding="utf-8"))


def programmes():
    return {p["code"]: p for p in _data()["programmes"]}


def reasons():
    return {r["code"]: r for r in _data()["not_reached_reasons"]}


def name(code):
    found = programmes().get(code) or reasons().get(code)
    return in_language(found["names"]) if found else code


def _ensure(actor, mission):
    access.ensure(actor, mission, "capacity.manage", category=Sensitivity.HEALTH)


def _ensure_person(actor, person):
    _ensure(actor, person.mission)
    if not access.can_see_location(actor, person.location):
        raise PermissionDenied(_("This person is outside your teams' locations."))


def may_read(user, mission):
    return (
        access.has(user, "capacity.manage")
        and access.in_mission(user, mission)
        and access.can_see_category(user, Sensitivity.HEALTH)
    )


def visible(user, mission):
    """Referrals of people in the user's places, for roles that read health records."""
    if not may_read(user, mission):
        return PreventionReferral.objects.none()
    rows = PreventionReferral.objects.select_related("person", "facility")
    return access.scope(user, rows, mission, path_field="person__location__path")


def require_referral(user, item):
    if not may_read(user, item.mission) or not access.can_see_location(user, item.person.location):
        raise PermissionDenied(_("This person is outside your teams' locations."))


def viewed(actor, item, *, request=None):
    audit.record(actor, AuditEvent.Action.VIEW, item, request=request, category=Sensitivity.HEALTH)


def facilities(mission):
    """Directory entries a migrant can be referred to for prevention: those offering it."""
    return Provider.objects.filter(mission=mission, active=True, offers__code=SERVICE).distinct()


def _service_type(mission, code=SERVICE):
    return ServiceType.objects.filter(mission=mission, code=code).first()


def _at(mission, day):
    """Noon of that day in the mission's zone, or now when that is still to come."""
    at = datetime.combine(day, time(12, 0), ZoneInfo(mission.timezone or "UTC"))
    return min(at, timezone.now())


def _check_day(day, field, errors, *, after=None):
    if day is None:
        errors[field] = _("Give the date.")
    elif day > timezone.localdate():
        errors[field] = _("The date is in the future.")
    elif after is not None and day < after:
        errors[field] = _("The date is before the referral (%(date)s).") % {
            "date": after.isoformat()
        }


def _place(actor, mission, location, errors):
    if not isinstance(location, Location) or location.mission_id != mission.pk:
        errors["location"] = _("Choose a place in this mission.")
    elif location.level not in (Location.Level.SITE, Location.Level.DISTRICT):
        errors["location"] = _("Choose a site or a district.")
    elif not access.can_see_location(actor, location):
        errors["location"] = _("This place is outside your teams' locations.")


def refer(
    actor,
    person,
    *,
    programme,
    facility,
    referred_on,
    location,
    team=None,
    projects=(),
    note="",
    uid=None,
    request=None,
):
    """Refer a registered person to a programme at a facility. The same `uid` again returns
    the stored referral and writes nothing."""
    _ensure_person(actor, person)
    if (existing := ledger.sent_before(PreventionReferral, uid, person=person)) is not None:
        return existing
    mission = person.mission
    errors = {}
    if programme not in programmes():
        errors["programme"] = _("Choose a programme from the list.")
    elif PreventionReferral.objects.filter(
        person=person, programme=programme, status=PreventionReferral.Status.REFERRED
    ).exists():
        errors["programme"] = _(
            "%(person)s is already referred to this programme; record whether they were "
            "reached first."
        ) % {"person": person.reference}
    if not isinstance(facility, Provider) or facility.mission_id != mission.pk:
        errors["facility"] = _("Choose a facility from this mission's directory.")
    _check_day(referred_on, "referred_on", errors)
    _place(actor, mission, location, errors)
    service_type = _service_type(mission)
    if service_type is None:
        errors["programme"] = _("This mission's catalogue does not offer this service.")
    if errors:
        raise ValidationError(errors)
    uid = uid or uuid.uuid4()
    with transaction.atomic():
        referral = referrals.make_referral(
            actor,
            person,
            provider=facility,
            reason=programmes()[programme]["names"]["en"],
            urgency=Referral.Urgency.ROUTINE,
            service_type=service_type,
            location=location,
            team=team,
            uid=uuid.uuid5(uid, "referral"),
            request=request,
        )
        event = ledger.record_service(
            actor,
            mission,
            uid=uuid.uuid5(uid, "event"),
            service_type=service_type,
            person=person,
            at=_at(mission, referred_on),
            location=location,
            team=team,
            staff=actor,
            modality=Modality.CENTRE,
            projects=list(projects),
            notes=name(programme),
            request=request,
        )
        item = PreventionReferral.objects.create(
            uid=uid,
            mission=mission,
            programme=programme,
            person=person,
            facility=facility,
            referral=referral,
            event=event,
            referred_on=referred_on,
            location=location,
            team=team,
            note=(note or "").strip()[:300],
            recorded_by=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            item,
            request=request,
            category=Sensitivity.HEALTH,
            details={"programme": programme, "facility": facility.name},
        )
    return item


def _dose(actor, item, vaccine, day, dose, request):
    """The dose in the person's record: one already there (same vaccine, same day) is kept,
    never written twice."""
    same = Immunization.objects.filter(person=item.person, cvx=vaccine, given_on=day).first()
    if same is not None:
        return same
    return health.record_immunization(
        actor,
        item.person,
        cvx=vaccine,
        given_on=day,
        source=Immunization.Source.RECORD,
        dose_number=dose,
        location=item.facility.location,
        uid=uuid.uuid5(item.uid, "immunization"),
        request=request,
    )


def _vaccinated(actor, item, day, request):
    mission = item.event.mission
    return ledger.record_service(
        actor,
        mission,
        uid=uuid.uuid5(item.uid, "vaccinated"),
        service_type=_service_type(mission, VACCINATED),
        person=item.person,
        at=_at(mission, day),
        location=item.event.location,
        team=item.event.team,
        staff=actor,
        modality=item.event.modality,
        projects=[(p.project, p.share) for p in item.event.projects.all()],
        notes=name(item.programme),
        request=request,
    )


def _close_loop(actor, referral, reached, feedback, request):
    """Move the directory's referral to its end as far as it is still open (the facility may
    have answered it itself)."""
    path = ["accepted", "completed"] if reached else ["closed"]
    for status in path:
        current = Referral.objects.get(pk=referral.pk).status
        if status in referrals.allowed_next(current):
            referrals.move(
                actor,
                referral,
                status,
                feedback=feedback if status != "accepted" else "",
                channel="referrer",
                request=request,
            )


def record_outcome(
    actor, item, *, reached, on=None, reason="", note="", vaccine="", dose=None, request=None
):
    """Reached (the date; for a vaccination, the vaccine and dose, which go into the person's
    vaccination record) or not reached (the reason). Answered once."""
    _ensure_person(actor, item.person)
    errors = {}
    if item.status != PreventionReferral.Status.REFERRED:
        raise ValidationError(
            {
                "status": _("This referral was already answered: %(status)s.")
                % {"status": item.get_status_display().lower()}
            }
        )
    programme = programmes().get(item.programme, {"vaccines": []})
    vaccine = str(vaccine or "").strip()
    if reached:
        _check_day(on, "on", errors, after=item.referred_on)
        if programme["vaccines"]:
            if vaccine not in programme["vaccines"]:
                errors["vaccine"] = _("Choose the vaccine given.")
            if dose is not None and not (isinstance(dose, int) and 1 <= dose <= 9):
                errors["dose"] = _("A dose is a number from 1 to 9.")
        elif vaccine:
            errors["vaccine"] = _("This programme gives no vaccine.")
    elif reason not in reasons():
        errors["reason"] = _("Say why the person was not reached.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if reached and vaccine:
            item.immunization = _dose(actor, item, vaccine, on, dose, request)
            item.vaccinated_event = _vaccinated(actor, item, on, request)
        feedback = (
            name(item.programme) if reached else in_language(reasons()[reason]["names"], "en")
        )
        _close_loop(actor, item.referral, reached, feedback, request)
        item.status = (
            PreventionReferral.Status.REACHED if reached else PreventionReferral.Status.NOT_REACHED
        )
        item.reached_on = on if reached else None
        item.not_reached_reason = "" if reached else reason
        if note.strip():
            item.note = note.strip()[:300]
        item.save()
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            item,
            request=request,
            category=Sensitivity.HEALTH,
            details={"status": item.status, "reason": item.not_reached_reason, "cvx": vaccine},
        )
    return item


def record_tally(
    actor,
    mission,
    *,
    programme,
    held_on,
    location,
    headcounts,
    facility=None,
    reached=None,
    team=None,
    projects=(),
    notes="",
    uid=None,
    request=None,
):
    """People referred at a group outreach session who are not registered, counted by sex and
    age band (and how many the facility reported reached, when known)."""
    _ensure(actor, mission)
    if (existing := ledger.sent_before(PreventionTally, uid, mission=mission)) is not None:
        return existing
    errors = {}
    if programme not in programmes():
        errors["programme"] = _("Choose a programme from the list.")
    if facility is not None and facility.mission_id != mission.pk:
        errors["facility"] = _("Choose a facility from this mission's directory.")
    _check_day(held_on, "held_on", errors)
    _place(actor, mission, location, errors)
    total = sum(c.get("count") or 0 for c in headcounts if isinstance(c.get("count"), int))
    if not total:
        errors["headcounts"] = _("Count the people referred by sex and age band.")
    if reached is not None and not (isinstance(reached, int) and 0 <= reached <= total):
        errors["reached"] = _(
            "Reached is a whole number from 0 to the people referred (%(n)s)."
        ) % {"n": total}
    service_type = _service_type(mission)
    if service_type is None:
        errors["programme"] = _("This mission's catalogue does not offer this service.")
    if errors:
        raise ValidationError(errors)
    uid = uid or uuid.uuid4()
    with transaction.atomic():
        event = ledger.record_service(
            actor,
            mission,
            uid=uuid.uuid5(uid, "event"),
            service_type=service_type,
            headcounts=headcounts,
            at=_at(mission, held_on),
            location=location,
            team=team,
            staff=actor,
            modality=Modality.MOBILE,
            projects=list(projects),
            notes=name(programme),
            request=request,
        )
        tally = PreventionTally.objects.create(
            uid=uid,
            mission=mission,
            programme=programme,
            facility=facility,
            event=event,
            held_on=held_on,
            location=location,
            referred=total,
            reached=reached,
            notes=(notes or "").strip(),
            recorded_by=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            tally,
            request=request,
            category=Sensitivity.HEALTH,
            details={"programme": programme, "referred": total, "reached": reached},
        )
    return tally
