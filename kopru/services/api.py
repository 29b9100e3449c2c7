"""/api/v1/services/: the catalogue and the ledger."""

from django.shortcuts import get_object_or_404
from ninja import Router, Status

from kopru.core.api_auth import policy
from kopru.registry import selectors as people

from . import selectors, services
from .models import ServiceEvent, ServiceType
from .schemas import ServiceEventIn, ServiceEventOut, ServiceTypeOut

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
