"""/api/v1/community/: stabilisation projects with their progress, a milestone marked done
from the field (sent twice, done once), the rent months due or overdue, and a month's rent
paid (idempotent on the client's uid). Rents are financial: a role without the category gets
none."""

import datetime as dt
import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from kopru.core import access
from kopru.core.api_auth import policy

from . import projects, rentals, selectors, services
from .models import Milestone, RentPayment

router = Router(tags=["community"])
MAX_PAGE = 200


class ProjectOut(Schema):
    id: int
    uid: uuid.UUID
    title: str
    municipality: str
    province: str
    district: str
    facility: str
    status: str
    starts_on: dt.date
    ends_on: dt.date
    completed_on: dt.date | None
    progress: int
    catchment: int
    budget: Decimal | None
    spent: Decimal | None
    currency: str


class ProjectFilter(Schema):
    province: str | None = None  # P-code, e.g. TR01
    status: str | None = None
    page: int = 1
    size: int = 50


class ProjectPage(Schema):
    count: int
    page: int
    items: list[ProjectOut]


class DoneIn(Schema):
    done_on: dt.date


class MilestoneOut(Schema):
    id: int
    uid: uuid.UUID
    project_id: int
    name: str
    weight: int
    done_on: dt.date | None
    project_progress: int
    project_status: str


class DueOut(Schema):
    agreement_id: int
    agreement_uid: uuid.UUID
    household: str
    landlord: str
    address: str
    month: dt.date
    due_on: dt.date
    amount: Decimal
    currency: str
    state: str


class PaymentIn(Schema):
    uid: uuid.UUID
    month: dt.date
    paid_on: dt.date
    amount: Decimal | None = None
    reference: str = ""


class PaymentOut(Schema):
    id: int
    uid: uuid.UUID
    agreement_id: int
    month: dt.date
    amount: Decimal
    paid_on: dt.date
    reference: str


def _window(page, size):
    size = max(1, min(size, MAX_PAGE))
    page = max(1, page)
    return page, (page - 1) * size, page * size


@router.get("/projects", response=ProjectPage, auth=policy("community.list_projects"))
def list_projects(request, filters: Query[ProjectFilter]):
    """The projects in the user's places, newest first; budget and spent only for roles that
    see financial records."""
    rows = selectors.projects(request.mission, request.user)
    if filters.province:
        rows = rows.filter(district__parent__pcode=filters.province)
    if filters.status:
        rows = rows.filter(status=filters.status)
    page, start, end = _window(filters.page, filters.size)
    money = services.may_see_money(request.user)
    items = [
        {
            "id": p.pk,
            "uid": p.uid,
            "title": p.title,
            "municipality": p.municipality,
            "province": p.district.parent.pcode,
            "district": p.district.pcode,
            "facility": p.facility,
            "status": p.status,
            "starts_on": p.starts_on,
            "ends_on": p.ends_on,
            "completed_on": p.completed_on,
            "progress": projects.progress(p),
            "catchment": projects.catchment_total(p),
            "budget": p.budget if money else None,
            "spent": projects.spent(p) if money else None,
            "currency": p.currency,
        }
        for p in rows[start:end]
    ]
    return {"count": rows.count(), "page": page, "items": items}


@router.post(
    "/milestones/{pk}/done",
    response={200: MilestoneOut},
    auth=policy("community.milestone_done"),
)
def milestone_done(request, pk: int, body: DoneIn):
    """Mark a milestone done on a day. Sent again, it returns the milestone as first done."""
    milestone = get_object_or_404(
        Milestone.objects.select_related("project", "project__district"),
        pk=pk,
        project__mission=request.mission,
    )
    if not access.can_see_location(request.user, milestone.project.district):
        raise PermissionDenied(_("This project is outside your teams' places."))
    milestone = projects.mark_done(request.user, milestone, done_on=body.done_on, request=request)
    project = milestone.project
    project.refresh_from_db()
    return Status(
        200,
        {
            "id": milestone.pk,
            "uid": milestone.uid,
            "project_id": project.pk,
            "name": milestone.name,
            "weight": milestone.weight,
            "done_on": milestone.done_on,
            "project_progress": projects.progress(project),
            "project_status": project.status,
        },
    )


@router.get("/rent-due", response=list[DueOut], auth=policy("community.rent_due"))
def rent_due(request, state: str | None = None):
    """Every month due or overdue today across the user's agreements (`state=overdue` for the
    late ones only)."""
    if not services.may_see_money(request.user):
        raise PermissionDenied(_("Your role does not see financial records."))
    today = services.today(request.mission)
    rows = []
    for agreement in selectors.agreements(request.mission, request.user):
        for month in rentals.owed(agreement, today):
            if state and month.state != state:
                continue
            rows.append(
                {
                    "agreement_id": agreement.pk,
                    "agreement_uid": agreement.uid,
                    "household": agreement.household.reference,
                    "landlord": agreement.landlord_name,
                    "address": agreement.dwelling.address,
                    "month": month.month,
                    "due_on": month.due_on,
                    "amount": agreement.monthly_rent,
                    "currency": agreement.currency,
                    "state": month.state,
                }
            )
    services.viewed(request.user, None, request=request, mission=request.mission, api="rent_due")
    return sorted(rows, key=lambda r: (r["month"], r["agreement_id"]))


@router.post(
    "/rentals/{pk}/payments",
    response={201: PaymentOut, 200: PaymentOut},
    auth=policy("community.record_rent_payment"),
)
def record_rent_payment(request, pk: int, body: PaymentIn):
    """A month's rent paid: 201 when recorded, 200 when this uid came before (nothing
    changes); 400 with the field when the month is outside the term, already paid, or the
    amount is not the fixed rent."""
    agreements = selectors.agreements(request.mission, request.user)
    if not services.may_see_money(request.user):
        raise PermissionDenied(_("Your role does not see financial records."))
    agreement = get_object_or_404(agreements, pk=pk)
    before = RentPayment.objects.filter(uid=body.uid).exists()
    payment = rentals.pay(
        request.user,
        agreement,
        month=body.month,
        paid_on=body.paid_on,
        amount=body.amount,
        reference=body.reference,
        uid=body.uid,
        request=request,
    )
    return Status(
        200 if before else 201,
        {
            "id": payment.pk,
            "uid": payment.uid,
            "agreement_id": agreement.pk,
            "month": payment.month,
            "amount": payment.amount,
            "paid_on": payment.paid_on,
            "reference": payment.reference,
        },
    )
