"""/api/v1/casework/: the cases a user may see (names of GBV cases withheld, each list
audited as a protection read) and the approvals waiting for the user's decision."""

from django.utils import timezone
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate

from kopru.core import audit
from kopru.core.api_auth import policy
from kopru.core.models import AuditEvent, Sensitivity

from . import selectors, services
from .schemas import ApprovalOut, CaseOut

router = Router(tags=["casework"])


@router.get("/cases", response=list[CaseOut], auth=policy("casework.list_cases"))
@paginate(PageNumberPagination)
def list_cases(request, status: str = "open", kind: str = "", mine: bool = False):
    """Cases in the user's places, newest first. The list is audited as a protection read."""
    cases = selectors.visible_cases(request.user, request.mission)
    if status in ("open", "closed"):
        cases = cases.filter(status=status)
    if kind:
        cases = cases.filter(kind=kind)
    if mine:
        cases = cases.filter(caseworker=request.user)
    audit.record(
        request.user,
        AuditEvent.Action.VIEW,
        request=request,
        category=Sensitivity.PROTECTION,
        mission=request.mission.pk,
        object_type="casework.case",
        object_repr="API case list",
        details={"status": status, "kind": kind, "at": timezone.now().isoformat()},
    )
    return [
        {
            "id": c.pk,
            "number": c.number,
            "kind": c.kind,
            "status": c.status,
            "risk": c.risk,
            "person_id": c.person_id,
            "person_name": selectors.list_name(c),
            "person_reference": c.person.reference,
            "caseworker": str(c.caseworker),
            "team_id": c.team_id,
            "location_id": c.location_id,
            "opened_at": c.opened_at,
            "next_follow_up": c.next_follow_up,
        }
        for c in cases.order_by("-opened_at")[:2000]
    ]


@router.get("/approvals", response=list[ApprovalOut], auth=policy("casework.approvals"))
def approvals(request):
    """What waits for this user's decision, oldest first (own requests and needs above the
    role's limit are not listed)."""
    return [
        {
            "id": a.pk,
            "case_id": a.case_id,
            "case_number": a.case.number,
            "kind": a.kind,
            "requested_by": str(a.requested_by),
            "requested_at": a.requested_at,
            "amount": a.need.amount if a.need else None,
            "category": a.need.category if a.need else "",
        }
        for a in services.queue(request.user, request.mission)
    ]
