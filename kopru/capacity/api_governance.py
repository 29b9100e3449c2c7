"""/api/v1/capacity/: trainings, their participants, days held and scores (what the project
officer records from a tablet at the venue), the council's action items and the legislation
review's recommendations. Writes take a client-made uid: sent twice, stored once (200 the
second time, 201 the first). Operations sit on the app's router (api.py imports this)."""

import datetime
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from kopru.core.api_auth import policy
from kopru.core.models import Location, Project

from . import council, governance, legislation, trainings
from .api import router
from .models import ActionItem, Agency, Participant, Training, TrainingDay


class TrainingIn(Schema):
    uid: uuid.UUID
    title: str
    topic: str
    starts_on: datetime.date
    ends_on: datetime.date
    location_id: int
    venue: str = ""
    trainers: str = ""
    max_score: int
    project_id: int | None = None


class TrainingOut(Schema):
    id: int
    uid: uuid.UUID
    title: str
    topic: str
    starts_on: datetime.date
    ends_on: datetime.date
    location: str
    max_score: int
    participants: int
    days_held: int
    tested: int
    mean_pre_pct: Decimal | None
    mean_post_pct: Decimal | None
    mean_gain: Decimal | None
    improved_pct: Decimal | None


class ParticipantIn(Schema):
    uid: uuid.UUID
    name: str
    agency: str  # the agency's code
    position: str = ""
    sex: str
    age_band: str = "18-59"
    email: str = ""
    phone: str = ""


class ParticipantOut(Schema):
    id: int
    uid: uuid.UUID
    name: str
    agency: str
    position: str
    sex: str
    age_band: str
    email: str
    phone: str


class EnrolIn(Schema):
    participants: list[uuid.UUID]


class DayIn(Schema):
    uid: uuid.UUID
    day: datetime.date
    present: list[uuid.UUID]


class DayOut(Schema):
    id: int
    uid: uuid.UUID
    training_id: int
    day: datetime.date
    present: int
    service_event: uuid.UUID | None


class ScoreIn(Schema):
    participant: uuid.UUID
    pre: Decimal | None = None
    post: Decimal | None = None


class ScoresIn(Schema):
    scores: list[ScoreIn]


class CountOut(Schema):
    changed: int


class ActionItemOut(Schema):
    id: int
    council: str
    meeting: int
    text: str
    owner: str
    due_on: datetime.date
    status: str
    completed_on: datetime.date | None
    overdue: bool


class RecommendationOut(Schema):
    id: int
    uid: uuid.UUID
    text: str
    instrument: str
    topic: str
    addressed_to: str
    priority: str
    status: str
    status_on: datetime.date


def _training_out(t):
    found = trainings.results(Training.objects.filter(pk=t.pk))
    return {
        "id": t.pk,
        "uid": t.uid,
        "title": t.title,
        "topic": t.topic,
        "starts_on": t.starts_on,
        "ends_on": t.ends_on,
        "location": t.location.pcode,
        "max_score": t.max_score,
        "participants": t.enrolments.count(),
        "days_held": t.days.count(),
        "tested": found.tested,
        "mean_pre_pct": found.mean_pre_pct,
        "mean_post_pct": found.mean_post_pct,
        "mean_gain": found.mean_gain,
        "improved_pct": found.improved_pct,
    }


def _participant_out(p):
    return {
        "id": p.pk,
        "uid": p.uid,
        "name": p.name,
        "agency": p.agency.code,
        "position": p.position,
        "sex": p.sex,
        "age_band": p.age_band,
        "email": p.email,
        "phone": p.phone,
    }


def _training(request, pk):
    training = get_object_or_404(
        Training.objects.select_related("location"), pk=pk, mission=request.mission
    )
    governance.ensure_place(request.user, training.location)
    return training


def _participants(request, uids):
    found = {
        p.uid: p
        for p in trainings.visible_participants(request.user, request.mission).filter(uid__in=uids)
    }
    missing = [str(u) for u in uids if u not in found]
    if missing:
        raise ValidationError(
            {"participants": _("Unknown participants: %(uids)s.") % {"uids": ", ".join(missing)}}
        )
    return [found[u] for u in uids]


@router.get("/trainings", response=list[TrainingOut], auth=policy("capacity.list_trainings"))
@paginate(PageNumberPagination)
def list_trainings(request, topic: str = ""):
    """Trainings in the user's places, newest first, with their test figures."""
    found = trainings.visible(request.user, request.mission).select_related("location")
    if topic:
        found = found.filter(topic=topic)
    return [_training_out(t) for t in found]


@router.post(
    "/trainings",
    response={200: TrainingOut, 201: TrainingOut},
    auth=policy("capacity.create_training"),
)
def create_training(request, body: TrainingIn):
    mission = request.mission
    existing = Training.objects.filter(uid=body.uid, mission=mission).first()
    training = trainings.save_training(
        request.user,
        Training(
            uid=body.uid,
            mission=mission,
            title=body.title,
            topic=body.topic,
            starts_on=body.starts_on,
            ends_on=body.ends_on,
            location=Location.objects.filter(pk=body.location_id, mission=mission).first(),
            venue=body.venue,
            trainers=body.trainers,
            max_score=body.max_score,
            project=Project.objects.filter(pk=body.project_id, mission=mission).first()
            if body.project_id
            else None,
        ),
        request=request,
    )
    return Status(200 if existing else 201, _training_out(training))


@router.get(
    "/participants", response=list[ParticipantOut], auth=policy("capacity.list_participants")
)
@paginate(PageNumberPagination)
def list_participants(request, agency: str = "", q: str = ""):
    found = trainings.visible_participants(request.user, request.mission).select_related("agency")
    if agency:
        found = found.filter(agency__code=agency.upper())
    if q:
        found = found.filter(name__icontains=q)
    return [_participant_out(p) for p in found]


@router.post(
    "/participants",
    response={200: ParticipantOut, 201: ParticipantOut},
    auth=policy("capacity.create_participant"),
)
def create_participant(request, body: ParticipantIn):
    mission = request.mission
    existing = Participant.objects.filter(uid=body.uid, mission=mission).exists()
    participant = trainings.save_participant(
        request.user,
        Participant(
            uid=body.uid,
            mission=mission,
            name=body.name,
            agency=Agency.objects.filter(mission=mission, code=body.agency.upper()).first(),
            position=body.position,
            sex=body.sex,
            age_band=body.age_band,
            email=body.email,
            phone=body.phone,
        ),
        request=request,
    )
    return Status(200 if existing else 201, _participant_out(participant))


@router.post(
    "/trainings/{pk}/enrolments",
    response=CountOut,
    auth=policy("capacity.enrol"),
)
def enrol(request, pk: int, body: EnrolIn):
    """Put participants (by uid) on the training; those on it already stay."""
    training = _training(request, pk)
    people = _participants(request, body.participants)
    return {"changed": trainings.enrol(request.user, training, people, request=request)}


@router.post(
    "/trainings/{pk}/days",
    response={200: DayOut, 201: DayOut},
    auth=policy("capacity.record_training_day"),
)
def record_day(request, pk: int, body: DayIn):
    """A day held with the participants present (by uid): one group service."""
    training = _training(request, pk)
    existing = TrainingDay.objects.filter(uid=body.uid).exists()
    held = trainings.record_day(
        request.user,
        training,
        day=body.day,
        present=_participants(request, body.present),
        uid=body.uid,
        request=request,
    )
    return Status(
        200 if existing else 201,
        {
            "id": held.pk,
            "uid": held.uid,
            "training_id": training.pk,
            "day": held.day,
            "present": held.present.count(),
            "service_event": held.event.uid if held.event_id else None,
        },
    )


@router.post(
    "/trainings/{pk}/scores",
    response=CountOut,
    auth=policy("capacity.record_scores"),
)
def record_scores(request, pk: int, body: ScoresIn):
    """Pre- and post-test scores; all or nothing. The same scores twice change nothing."""
    training = _training(request, pk)
    people = _participants(request, [s.participant for s in body.scores])
    scores = {p.pk: (s.pre, s.post) for p, s in zip(people, body.scores, strict=True)}
    return {"changed": trainings.record_scores(request.user, training, scores, request=request)}


@router.get(
    "/action-items", response=list[ActionItemOut], auth=policy("capacity.list_action_items")
)
@paginate(PageNumberPagination)
def list_action_items(request, status: str = "", overdue: bool = False):
    mission = request.mission
    today = governance.today(mission)
    found = council.action_items(request.user, mission)
    if status in ActionItem.Status.values:
        found = found.filter(status=status)
    if overdue:
        found = found.filter(status__in=ActionItem.OPEN_STATUSES, due_on__lt=today)
    return [
        {
            "id": i.pk,
            "council": i.meeting.council.name,
            "meeting": i.meeting.number,
            "text": i.text,
            "owner": i.owner,
            "due_on": i.due_on,
            "status": i.status,
            "completed_on": i.completed_on,
            "overdue": i.overdue_on(today),
        }
        for i in found
    ]


@router.get(
    "/recommendations",
    response=list[RecommendationOut],
    auth=policy("capacity.list_recommendations"),
)
@paginate(PageNumberPagination)
def list_recommendations(request, status: str = "", topic: str = "", priority: str = ""):
    found = legislation.recommendations(
        request.mission, status=status, topic=topic, priority=priority
    )
    return [
        {
            "id": r.pk,
            "uid": r.uid,
            "text": r.text,
            "instrument": r.finding.instrument.title,
            "topic": r.finding.topic,
            "addressed_to": r.addressed_to.code,
            "priority": r.priority,
            "status": r.status,
            "status_on": r.status_on,
        }
        for r in found
    ]
