"""/api/v1/education/: routes and courses in the user's places, and a route's attendance for
a day or a week (the field officer's tablet; the same sheet twice, by uid, is stored once)."""

from datetime import date
from decimal import Decimal
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from kopru.core.api_auth import policy

from . import courses, transport
from .models import Route, Sheet

router = Router(tags=["education"])


class RouteOut(Schema):
    id: int
    uid: UUID
    code: str
    province: str
    district: str | None
    schools: list[str]
    vehicle_plate: str
    capacity: int
    mode: str
    monthly_cost: Decimal
    project: str
    active: bool


class RideIn(Schema):
    enrolment_id: int
    days: int  # daily: 1 present, 0 absent; weekly: days ridden in the week


class SheetIn(Schema):
    uid: UUID
    day: date
    rides: list[RideIn]


class RideOut(Schema):
    enrolment_id: int
    pupil: str
    days: int


class SheetOut(Schema):
    uid: UUID
    route_id: int
    day: date
    period: str
    rides: list[RideOut]


class CourseOut(Schema):
    id: int
    uid: UUID
    kind: str
    name: str
    centre: str
    starts_on: date
    ends_on: date
    trainer: str
    capacity: int
    learners: int
    sessions: int
    threshold: int
    status: str


@router.get("/routes", response=list[RouteOut], auth=policy("education.list_routes"))
@paginate(PageNumberPagination)
def list_routes(request, province: str | None = None, active: bool | None = None):
    """Routes in the user's places; filter by province P-code or active."""
    qs = transport.visible_routes(request.user, request.mission).select_related(
        "province", "district", "project"
    )
    if province:
        qs = qs.filter(province__pcode__iexact=province)
    if active is not None:
        qs = qs.filter(active=active)
    return [
        {
            "id": r.pk,
            "uid": r.uid,
            "code": r.code,
            "province": r.province.pcode,
            "district": r.district.pcode if r.district_id else None,
            "schools": [s.name for s in r.schools.all()],
            "vehicle_plate": r.vehicle_plate,
            "capacity": r.capacity,
            "mode": r.mode,
            "monthly_cost": r.monthly_cost,
            "project": r.project.code,
            "active": r.active,
        }
        for r in qs.prefetch_related("schools")
    ]


def _sheet(sheet):
    return {
        "uid": sheet.uid,
        "route_id": sheet.route_id,
        "day": sheet.day,
        "period": sheet.period.name,
        "rides": [
            {"enrolment_id": r.enrolment_id, "pupil": r.enrolment.pupil.reference, "days": r.days}
            for r in sheet.rides.select_related("enrolment__pupil")
        ],
    }


@router.post(
    "/routes/{pk}/attendance",
    response={200: SheetOut, 201: SheetOut},
    auth=policy("education.record_attendance"),
)
def record_attendance(request, pk: int, payload: SheetIn):
    """A route's sheet for a school day (daily) or a week (weekly). 201 when stored, 200 when
    this uid came before (nothing changes); 400 naming what is wrong."""
    route = get_object_or_404(Route, pk=pk, mission=request.mission)
    existed = Sheet.objects.filter(uid=payload.uid).exists()
    sheet = transport.record_sheet(
        request.user,
        route,
        day=payload.day,
        rides={r.enrolment_id: r.days for r in payload.rides},
        uid=payload.uid,
        request=request,
    )
    return Status(200 if existed else 201, _sheet(sheet))


@router.get("/courses", response=list[CourseOut], auth=policy("education.list_courses"))
@paginate(PageNumberPagination)
def list_courses(request, status: str | None = None, kind: str | None = None):
    """Courses at centres in the user's places; filter by status (open, closed) or kind."""
    qs = courses.visible_courses(request.user, request.mission).select_related("centre")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return [
        {
            "id": c.pk,
            "uid": c.uid,
            "kind": c.kind,
            "name": str(c),
            "centre": c.centre.name,
            "starts_on": c.starts_on,
            "ends_on": c.ends_on,
            "trainer": c.trainer,
            "capacity": c.capacity,
            "learners": c.learners.count(),
            "sessions": c.sessions.count(),
            "threshold": c.threshold,
            "status": c.status,
        }
        for c in qs
    ]
