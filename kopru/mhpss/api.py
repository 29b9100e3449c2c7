"""/api/v1/mhpss/: the teams' activities (the field app's writes, sent twice, stored once)
and outcome measures, scored on the server; a safety alert is raised in the same write."""

from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import PageNumberPagination, paginate

from kopru.core.api_auth import policy
from kopru.core.models import Location
from kopru.registry import selectors as people

from . import selectors, services
from .models import Activity, MeasureRecord, Programme
from .schemas import ActivityIn, ActivityOut, MeasureIn, MeasureOut

router = Router(tags=["mhpss"])


def _one(activity):
    return selectors.with_counts(
        Activity.objects.filter(pk=activity.pk).select_related("event")
    ).get()


@router.get("/activities", response=list[ActivityOut], auth=policy("mhpss.list_activities"))
@paginate(PageNumberPagination)
def list_activities(request, kind: str = "", team_id: int | None = None):
    """Activities in the user's places, newest first; focused sessions only for roles that
    see mental-health data."""
    found = selectors.with_counts(selectors.visible_activities(request.user, request.mission))
    if kind:
        found = found.filter(kind=kind)
    if team_id:
        found = found.filter(team_id=team_id)
    return found.order_by("-event__at", "-pk")


@router.post(
    "/activities",
    response={200: ActivityOut, 201: ActivityOut},
    auth=policy("mhpss.record_activity"),
)
def record_activity(request, payload: ActivityIn):
    """Record an activity and its service. Sending the same `uid` again answers 200."""
    data = payload.dict()
    existed = bool(data["uid"]) and Activity.objects.filter(event__uid=data["uid"]).exists()
    team = get_object_or_404(
        selectors.my_teams(request.user, request.mission), pk=data.pop("team_id")
    )
    visible = people.visible_people(request.user, request.mission)
    person_id = data.pop("person_id")
    participant_ids = data.pop("participant_ids")
    activity = services.record_activity(
        request.user,
        team,
        location=Location.objects.filter(
            pk=data.pop("location_id"), mission=request.mission
        ).first(),
        person=get_object_or_404(visible, pk=person_id) if person_id else None,
        participants=list(visible.filter(pk__in=participant_ids)),
        headcounts=list(data.pop("headcounts")),
        request=request,
        **data,
    )
    return Status(200 if existed else 201, _one(activity))


@router.post(
    "/measures",
    response={200: MeasureOut, 201: MeasureOut},
    auth=policy("mhpss.record_measure"),
)
def record_measure(request, payload: MeasureIn):
    """Score a questionnaire and keep it. An answer needing action today raises a safety
    alert to the team's supervisor in the same write."""
    data = payload.dict()
    existed = bool(data["uid"]) and MeasureRecord.objects.filter(uid=data["uid"]).exists()
    person = get_object_or_404(
        people.visible_people(request.user, request.mission), pk=data.pop("person_id")
    )
    programme_id = data.pop("programme_id")
    record = services.record_measure(
        request.user,
        person,
        location=Location.objects.filter(
            pk=data.pop("location_id"), mission=request.mission
        ).first(),
        programme=Programme.objects.filter(pk=programme_id, mission=request.mission).first()
        if programme_id
        else None,
        request=request,
        **data,
    )
    alert = record.alerts.first()
    return Status(
        200 if existed else 201,
        {
            "id": record.pk,
            "uid": record.uid,
            "person_id": person.pk,
            "instrument": record.instrument,
            "total": record.total,
            "band": record.band,
            "phase": record.phase,
            "at": record.at,
            "safety_alert_id": alert.pk if alert else None,
        },
    )
