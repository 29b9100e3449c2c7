"""/api/v1/services/: the catalogue and the ledger."""

from datetime import date, datetime, timedelta

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status

from kopru.core import access
from kopru.core.api_auth import policy
from kopru.core.models import Location, User
from kopru.registry import selectors as people

from . import appointments, referrals, selectors, services
from .models import (
    Appointment,
    Interpreter,
    Provider,
    Referral,
    Room,
    ServiceEvent,
    ServiceType,
)
from .schemas import (
    AppointmentIn,
    AppointmentOut,
    InterpreterOut,
    MoveIn,
    ProviderOut,
    ReferralIn,
    ReferralOut,
    ServiceEventIn,
    ServiceEventOut,
    ServiceTypeOut,
    StatusIn,
    TimelineEntryOut,
)

router = Router(tags=["services"])


@router.get("/catalogue", response=list[ServiceTypeOut], auth=policy("services.catalogue"))
def catalogue(request):
    """The mission's active service types, named in the request's language."""
    types = ServiceType.objects.filter(mission=request.mission, active=True).select_related(
        "sub_sector__sector", "unit"
    )
    return [
        {
            "code": t.code,
            "name": t.name,
            "sub_sector": t.sub_sector.code,
            "sector": t.sub_sector.sector.code,
            "unit": t.unit.code,
            "subjects": t.subjects,
            "category": t.category,
        }
        for t in types
    ]


def _out(event, shown=True):
    st = event.service_type
    return {
        "id": event.pk,
        "uid": event.uid,
        "shown": shown,
        "service_type": st.code if shown else None,
        "sector": st.sub_sector.sector.code if shown else None,
        "unit": st.unit.code if shown else None,
        "subject": event.subject,
        "person_id": event.person_id,
        "household_id": event.household_id,
        "at": event.at,
        "location_id": event.location_id,
        "modality": event.modality if shown else None,
        "category": event.category,
        "participants": event.participants.count(),
        "headcount_total": event.headcount_total,
        "notes": event.notes if shown else None,
    }


@router.post(
    "/events",
    response={200: ServiceEventOut, 201: ServiceEventOut},
    auth=policy("services.record_event"),
)
def record_event(request, payload: ServiceEventIn):
    """Record a service to a person, a household, or a group session (participants and/or a
    headcount). Sending the same `uid` again stores nothing and answers 200."""
    data = payload.dict()
    existed = bool(data["uid"]) and ServiceEvent.objects.filter(uid=data["uid"]).exists()
    found = services.resolve(
        request.mission,
        service_type=data["service_type"],
        person_id=data["person_id"],
        household_id=data["household_id"],
        participant_ids=data["participant_ids"],
        location_id=data["location_id"],
        team_id=data["team_id"],
        staff_id=data["staff_id"],
        project_shares=[(p["project_id"], p["share"]) for p in data["projects"]],
    )
    event = services.record_service(
        request.user,
        request.mission,
        uid=data["uid"],
        request=request,
        at=data["at"],
        modality=data["modality"],
        language=data["language"],
        interpreter=data["interpreter"],
        notes=data["notes"],
        headcounts=data["headcounts"],
        headcount_total=data["headcount_total"],
        **found,
    )
    return Status(200 if existed else 201, _out(event))


@router.get(
    "/people/{person_id}/events",
    response=list[ServiceEventOut],
    auth=policy("services.person_events"),
)
def person_events(request, person_id: int):
    """A person's services, newest first; what a service was stays hidden from roles without
    its sensitivity category."""
    person = get_object_or_404(people.visible_people(request.user, request.mission), pk=person_id)
    return [_out(e, e.shown) for e in selectors.events_of_person(request.user, person)]


# --- Directory and referrals ----------------------------------------------------------------


@router.get("/providers", response=list[ProviderOut], auth=policy("services.list_providers"))
def list_providers(request, kind: str = "", language: str = ""):
    """The service directory: internal services and outside providers."""
    found = Provider.objects.filter(mission=request.mission, active=True).prefetch_related("offers")
    if kind:
        found = found.filter(kind=kind)
    return [
        {
            "id": p.pk,
            "name": p.name,
            "kind": p.kind,
            "internal": p.is_internal,
            "location_id": p.location_id,
            "address": p.address,
            "phone": p.phone,
            "email": p.email,
            "languages": p.languages,
            "offers": [o.code for o in p.offers.all()],
            "eligibility": p.eligibility,
            "hours": p.hours,
        }
        for p in found
        if not language or language in p.languages
    ]


def _referral_out(request, r):
    shown = selectors.shown(request.user, r) or referrals.involved(request.user, r)
    return {
        "id": r.pk,
        "uid": r.uid,
        "number": r.number,
        "shown": shown,
        "person_id": r.person_id,
        "provider_id": r.provider_id if shown else None,
        "service_type": r.service_type.code if shown and r.service_type else None,
        "reason": r.reason if shown else None,
        "urgency": r.urgency,
        "status": r.status,
        "due": r.due,
        "overdue": r.status in Referral.OPEN and r.due < timezone.now(),
        "created_at": r.created_at,
        "updates": [
            {
                "status": u.status,
                "at": u.at,
                "by": (u.by.get_full_name() or u.by.username) if u.by else u.by_name,
                "channel": u.channel,
                "feedback": u.feedback if shown else "",
            }
            for u in r.updates.select_related("by")
        ]
        if shown
        else [],
    }


@router.post(
    "/referrals",
    response={200: ReferralOut, 201: ReferralOut},
    auth=policy("services.make_referral"),
)
def make_referral(request, payload: ReferralIn):
    """Refer a person to a directory entry. An outside provider needs the person's consent
    to sharing with it (registry consent, purpose "referral"); without it: 400 "consent"."""
    data = payload.dict()
    existed = bool(data["uid"]) and Referral.objects.filter(uid=data["uid"]).exists()
    person = get_object_or_404(
        people.visible_people(request.user, request.mission), pk=data["person_id"]
    )
    event = (
        ServiceEvent.objects.filter(pk=data["from_event_id"], mission=request.mission).first()
        if data["from_event_id"]
        else None
    )
    referral = referrals.make_referral(
        request.user,
        person,
        provider=Provider.objects.filter(pk=data["provider_id"]).first(),
        reason=data["reason"],
        urgency=data["urgency"],
        service_type=ServiceType.objects.filter(
            mission=request.mission, code=data["service_type"]
        ).first()
        if data["service_type"]
        else None,
        from_event=event,
        uid=data["uid"],
        request=request,
    )
    return Status(200 if existed else 201, _referral_out(request, referral))


@router.get("/referrals", response=list[ReferralOut], auth=policy("services.list_referrals"))
def list_referrals(request, status: str = "", overdue: bool = False, page: int = 1):
    """Referrals of people in your locations and those sent to your teams, newest first,
    50 a page (`page`)."""
    found = (
        referrals.overdue(request.user, request.mission)
        if overdue
        else selectors.visible_referrals(request.user, request.mission)
    )
    if status:
        found = found.filter(status=status)
    start = (max(page, 1) - 1) * 50
    return [_referral_out(request, r) for r in found[start : start + 50]]


@router.get("/inbox", response=list[ReferralOut], auth=policy("services.inbox"))
def referral_inbox(request):
    """Open referrals sent to your teams, soonest due first."""
    return [_referral_out(request, r) for r in selectors.inbox(request.user, request.mission)]


@router.get("/referrals/{referral_id}", response=ReferralOut, auth=policy("services.get_referral"))
def get_referral(request, referral_id: int):
    found = get_object_or_404(
        selectors.visible_referrals(request.user, request.mission), pk=referral_id
    )
    return _referral_out(request, found)


@router.post(
    "/referrals/{referral_id}/status",
    response=ReferralOut,
    auth=policy("services.move_referral"),
)
def move_referral(request, referral_id: int, payload: MoveIn):
    """Move a referral on: the receiving team from its inbox, or the referrer recording the
    provider's answer (give `by_name`) or closing it."""
    found = get_object_or_404(
        selectors.visible_referrals(request.user, request.mission), pk=referral_id
    )
    referrals.move(
        request.user,
        found,
        payload.status,
        feedback=payload.feedback,
        by_name=payload.by_name,
        request=request,
    )
    return _referral_out(request, found)


# --- Appointments ---------------------------------------------------------------------------


def _appointment_out(request, a):
    shown = selectors.shown(request.user, a)
    return {
        "id": a.pk,
        "uid": a.uid,
        "person_id": a.person_id,
        "site_id": a.site_id,
        "room_id": a.room_id,
        "service_type": a.service_type.code if shown else None,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "language": a.language,
        "interpreter_id": a.interpreter_id,
        "status": a.status,
    }


@router.post(
    "/appointments",
    response={200: AppointmentOut, 201: AppointmentOut},
    auth=policy("services.book_appointment"),
)
def book_appointment(request, payload: AppointmentIn):
    """Book an appointment; refused (400) outside the site's hours, or when the interpreter,
    the room or the person is already booked then."""
    data = payload.dict()
    existed = bool(data["uid"]) and Appointment.objects.filter(uid=data["uid"]).exists()
    person = get_object_or_404(
        people.visible_people(request.user, request.mission), pk=data["person_id"]
    )
    appointment = appointments.book(
        request.user,
        request.mission,
        uid=data["uid"],
        request=request,
        person=person,
        site=Location.objects.filter(pk=data["site_id"]).first(),
        room=Room.objects.filter(pk=data["room_id"]).first() if data["room_id"] else None,
        service_type=ServiceType.objects.filter(
            mission=request.mission, code=data["service_type"]
        ).first(),
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        staff=User.objects.filter(pk=data["staff_id"], missions=request.mission).first()
        if data["staff_id"]
        else None,
        language=data["language"],
        interpreter=Interpreter.objects.filter(pk=data["interpreter_id"]).first()
        if data["interpreter_id"]
        else None,
        notes=data["notes"],
    )
    return Status(200 if existed else 201, _appointment_out(request, appointment))


@router.get(
    "/appointments", response=list[AppointmentOut], auth=policy("services.list_appointments")
)
def list_appointments(request, site_id: int, day: date):
    """A site's appointments on a day (the site calendar)."""
    site = get_object_or_404(Location, pk=site_id, mission=request.mission)
    if not access.can_see_location(request.user, site):
        return []
    tz = appointments.zone(request.mission)
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    found = Appointment.objects.filter(
        site=site, starts_at__gte=start, starts_at__lt=start + timedelta(days=1)
    ).select_related("service_type")
    return [_appointment_out(request, a) for a in found]


@router.post(
    "/appointments/{appointment_id}/status",
    response=AppointmentOut,
    auth=policy("services.appointment_status"),
)
def appointment_status(request, appointment_id: int, payload: StatusIn):
    found = get_object_or_404(Appointment, pk=appointment_id, mission=request.mission)
    appointments.set_status(request.user, found, payload.status, request=request)
    return _appointment_out(request, found)


@router.get(
    "/interpreters", response=list[InterpreterOut], auth=policy("services.list_interpreters")
)
def list_interpreters(
    request,
    language: str = "",
    site_id: int | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
):
    """Interpreters, by language; with site and times, only those free then."""
    found = Interpreter.objects.filter(mission=request.mission, active=True)
    rows = [i for i in found if not language or language in i.languages]
    if site_id and starts_at and ends_at:
        site = get_object_or_404(Location, pk=site_id, mission=request.mission)
        free = {
            i.pk
            for i in appointments.free_interpreters(
                request.mission, language, site, starts_at, ends_at
            )
        }
        rows = [i for i in rows if i.pk in free]
    return [{"id": i.pk, "name": i.name, "languages": i.languages} for i in rows]


@router.get(
    "/people/{person_id}/timeline",
    response=list[TimelineEntryOut],
    auth=policy("services.person_timeline"),
)
def person_timeline(request, person_id: int):
    """Every service, referral, appointment and consent of a person, newest first; what a
    record was stays hidden from roles without its sensitivity category."""
    person = get_object_or_404(people.visible_people(request.user, request.mission), pk=person_id)
    return [
        {
            "at": e.at,
            "kind": e.kind,
            "shown": e.shown,
            "title": str(e.title),
            "detail": str(e.detail),
            "status": str(e.status),
        }
        for e in selectors.timeline(request.user, person)
    ]
