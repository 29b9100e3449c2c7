"""Special-education cooperation (CONVENTIONS.md: one write path): a child with special needs
(a difficulty recorded in the registry's Washington Group questions) referred to a
special-education centre, the centre's answer, and the follow-ups, each one
`special_education_support` service for the child.

The centre is an outside provider of the services directory and the referral is the
services app's (its consent rule, its statuses, its audit): this module only adds the child's
school and the follow-ups."""

import uuid
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import access
from kopru.core.models import AuditEvent, Location
from kopru.registry.models import WG_DOMAINS, Person
from kopru.services import catalogue, referrals
from kopru.services import services as ledger
from kopru.services.models import Modality, Provider, Referral

from .models import FollowUp, SpecialCase
from .services import age_on, audit_it, ensure, ensure_place, not_future, rules, when

SERVICE = "special_education_support"


class Status:
    """What the list shows, from the referral's status and the follow-ups."""

    WAITING = "waiting"
    ACCEPTED = "accepted"
    FOLLOWED = "followed"
    DECLINED = "declined"
    CLOSED = "closed"


def status_labels():
    return {
        Status.WAITING: _("Waiting for the centre"),
        Status.ACCEPTED: _("Accepted by the centre"),
        Status.FOLLOWED: _("Followed up"),
        Status.DECLINED: _("Declined by the centre"),
        Status.CLOSED: _("Closed"),
    }


def status_of(case):
    s = case.referral.status
    if s == Referral.Status.SENT:
        return Status.WAITING
    if s == Referral.Status.DECLINED:
        return Status.DECLINED
    if s in (Referral.Status.COMPLETED, Referral.Status.CLOSED):
        return Status.CLOSED
    return Status.FOLLOWED if s == Referral.Status.IN_PROGRESS else Status.ACCEPTED


STATUS_FILTER = {
    Status.WAITING: [Referral.Status.SENT],
    Status.ACCEPTED: [Referral.Status.ACCEPTED],
    Status.FOLLOWED: [Referral.Status.IN_PROGRESS],
    Status.DECLINED: [Referral.Status.DECLINED],
    Status.CLOSED: [Referral.Status.COMPLETED, Referral.Status.CLOSED],
}


def visible_cases(user, mission):
    if not access.in_mission(user, mission):
        return SpecialCase.objects.none()
    return access.in_places(
        user, SpecialCase.objects.filter(mission=mission), mission, "child__location__path"
    )


def require_case(user, case):
    ensure_place(user, case.child.location)


def centres(mission):
    return Provider.objects.filter(
        mission=mission, kind=Provider.Kind.SPECIAL_EDUCATION, active=True
    ).select_related("location")


def difficulties(person):
    """The Washington Group domains at or above the level that makes a need."""
    level = rules()["special_education"]["min_wg_level"]
    return [d for d in WG_DOMAINS if (getattr(person, d) or 0) >= level]


def refer(
    actor, child, *, centre, needs, school=None, urgency="routine", at=None, uid=None, request=None
):
    """Refer a child to a special-education centre. The child must be under 18 with a
    difficulty recorded; the services app refuses it without the guardian's consent to share
    with the centre."""
    ensure(actor, child.mission)
    if uid and (existing := SpecialCase.objects.filter(uid=uid).first()) is not None:
        if existing.child_id != child.pk:
            raise ValidationError({"uid": _("This identifier is already used.")})
        return existing
    errors = {}
    if not isinstance(child, Person):
        raise ValidationError({"child": _("Choose a person registered in this mission.")})
    if not access.can_see_location(actor, child.location):
        raise PermissionDenied(_("This person is outside your teams' locations."))
    age = age_on(child, timezone.localdate())
    if age is None or age > rules()["special_education"]["max_age"]:
        errors["child"] = _("Special-education referrals are for children under 18.")
    elif not difficulties(child):
        errors["child"] = _(
            "No difficulty is recorded for %(person)s: record the Washington Group questions "
            "in the registry first."
        ) % {"person": child}
    if not isinstance(centre, Provider) or centre.kind != Provider.Kind.SPECIAL_EDUCATION:
        errors["centre"] = _("Choose a special-education centre of the directory.")
    if not (needs or "").strip():
        errors["needs"] = _("Describe the child's needs.")
    if school is not None and (
        not isinstance(school, Location)
        or school.mission_id != child.mission_id
        or school.site_type != Location.SiteType.SCHOOL
    ):
        errors["school"] = _("Choose a school site.")
    if (
        "child" not in errors
        and SpecialCase.objects.filter(child=child, referral__status__in=Referral.OPEN).exists()
    ):
        errors["child"] = _("%(person)s already has an open special-education referral.") % {
            "person": child
        }
    try:
        opened = when(at)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    service_type = catalogue.offered(child.mission, SERVICE)
    with transaction.atomic():
        case_uid = uid or uuid.uuid4()
        referral = referrals.make_referral(
            actor,
            child,
            provider=centre,
            reason=needs.strip(),
            urgency=urgency,
            service_type=service_type,
            location=school,
            uid=uuid.uuid5(case_uid, "referral"),
            request=request,
        )
        case = SpecialCase.objects.create(
            uid=case_uid,
            mission=child.mission,
            child=child,
            referral=referral,
            school=school,
            needs=needs.strip(),
            opened_by=actor,
            opened_at=opened,
        )
        audit_it(actor, case, AuditEvent.Action.CREATE, request, centre=centre.name)
    return case


def record_answer(actor, case, *, accepted, reason="", request=None):
    """The centre's answer as the officer heard it: accepted, or declined with its reason."""
    require_case(actor, case)
    if case.referral.status != Referral.Status.SENT:
        raise ValidationError({"answer": _("The centre has already answered.")})
    if not accepted and not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the centre declined.")})
    with transaction.atomic():
        referrals.move(
            actor,
            case.referral,
            Referral.Status.ACCEPTED if accepted else Referral.Status.DECLINED,
            feedback=(reason or "").strip(),
            channel="referrer",
            request=request,
        )
        audit_it(actor, case, request=request, accepted=bool(accepted))
    case.referral.refresh_from_db()
    return case


def record_follow_up(
    actor, case, *, day, attendance, notes="", next_step="", uid=None, request=None
):
    """A follow-up of an accepted child: where the child attends, notes and the next step.
    Each is one special-education support service for the child."""
    require_case(actor, case)
    if uid and (existing := FollowUp.objects.filter(uid=uid).first()) is not None:
        if existing.case_id != case.pk:
            raise ValidationError({"uid": _("This identifier is already used.")})
        return existing
    errors = {}
    status = case.referral.status
    if status not in (Referral.Status.ACCEPTED, Referral.Status.IN_PROGRESS):
        errors["case"] = _("Follow-ups start once the centre has accepted the child.")
    try:
        not_future(day)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if "day" not in errors and day < timezone.localtime(case.opened_at).date():
        errors["day"] = _("The follow-up cannot come before the referral.")
    if attendance not in FollowUp.Attendance.values:
        errors["attendance"] = _("Say where the child attends.")
    if not (notes or "").strip():
        errors["notes"] = _("Write what was found.")
    if errors:
        raise ValidationError(errors)
    mission = case.mission
    place = case.school or case.referral.location or case.child.location
    if place.level not in (Location.Level.SITE, Location.Level.DISTRICT):
        place = case.child.location
    zone = ZoneInfo(mission.timezone or "UTC")
    at = min(datetime.combine(day, time(11, 0), tzinfo=zone), timezone.now())
    with transaction.atomic():
        follow_uid = uid or uuid.uuid4()
        event = ledger.record_service(
            actor,
            mission,
            uid=uuid.uuid5(follow_uid, "service"),
            request=request,
            service_type=catalogue.offered(mission, SERVICE),
            person=case.child,
            at=at,
            location=place,
            modality=Modality.CENTRE,
            notes=(next_step or "").strip()[:200],
        )
        follow_up = FollowUp.objects.create(
            uid=follow_uid,
            case=case,
            day=day,
            attendance=attendance,
            notes=notes.strip(),
            next_step=(next_step or "").strip()[:200],
            event=event,
            recorded_by=actor,
        )
        if status == Referral.Status.ACCEPTED:
            referrals.move(
                actor,
                case.referral,
                Referral.Status.IN_PROGRESS,
                channel="referrer",
                request=request,
            )
        audit_it(actor, follow_up, AuditEvent.Action.CREATE, request, attendance=attendance)
    return follow_up


def close_case(actor, case, *, reason, request=None):
    """The cooperation ends (placement done, the family moved...)."""
    require_case(actor, case)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the follow-up ends.")})
    status = case.referral.status
    target = (
        Referral.Status.COMPLETED
        if status == Referral.Status.IN_PROGRESS
        else Referral.Status.CLOSED
    )
    if target not in referrals.allowed_next(status):
        raise ValidationError({"reason": _("This referral is finished.")})
    with transaction.atomic():
        referrals.move(
            actor,
            case.referral,
            target,
            feedback=reason.strip(),
            channel="referrer",
            request=request,
        )
        audit_it(actor, case, request=request, closed=reason.strip())
    return case
