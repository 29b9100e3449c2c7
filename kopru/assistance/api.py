"""/api/v1/assistance/: programmes with what they committed and delivered, a cycle's
reconciliation, and the provider's redemption file posted by the provider's integration or a
script (the same all-or-nothing import as the page: 400 with every refused line)."""

from datetime import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from kopru.core.api_auth import policy

from . import redemptions, selectors, services
from .models import Cycle

router = Router(tags=["assistance"])


class ProgrammeOut(Schema):
    id: int
    code: str
    name: str
    modality: str
    status: str
    project: str
    provinces: list[str]
    currency: str
    budget: Decimal
    committed: Decimal
    delivered: Decimal
    households_reached: int


class VendorLine(Schema):
    vendor_id: int | None
    merchant: str
    transactions: int
    cards: int
    amount: Decimal
    flagged: Decimal


class ReconciliationOut(Schema):
    cycle_id: int
    worked_out_at: datetime
    loaded: Decimal
    redeemed: Decimal
    outstanding: Decimal
    flagged: Decimal
    balances: bool
    households: int
    transactions: int
    anomalies: dict[str, int]
    vendors: list[VendorLine]


class ImportOut(Schema):
    already: bool
    imported: int
    skipped: int
    reconciliation: ReconciliationOut | None


def _reconciliation(summary):
    return {
        "cycle_id": summary.cycle_id,
        "worked_out_at": summary.at,
        "loaded": summary.loaded,
        "redeemed": summary.redeemed,
        "outstanding": summary.outstanding,
        "flagged": summary.flagged,
        "balances": summary.loaded == summary.redeemed + summary.outstanding,
        "households": summary.households,
        "transactions": summary.transactions,
        "anomalies": summary.anomalies,
        "vendors": [
            {
                "vendor_id": v["vendor"],
                "merchant": v["merchant"],
                "transactions": v["transactions"],
                "cards": v["cards"],
                "amount": Decimal(v["amount"]),
                "flagged": Decimal(v["flagged"]),
            }
            for v in summary.vendors
        ],
    }


def _cycle(request, cycle_id):
    cycle = get_object_or_404(
        Cycle.objects.select_related("programme"),
        pk=cycle_id,
        programme__mission=request.mission,
    )
    services.require_programme(request.user, cycle.programme)
    return cycle


@router.get("/programmes", response=list[ProgrammeOut], auth=policy("assistance.list_programmes"))
def list_programmes(request):
    return [
        {
            "id": p.pk,
            "code": p.code,
            "name": p.name,
            "modality": p.modality,
            "status": p.status,
            "project": p.project.code,
            "provinces": [province.pcode for province in p.provinces.all()],
            "currency": p.currency,
            "budget": p.budget,
            "committed": p.committed,
            "delivered": p.delivered,
            "households_reached": p.reached,
        }
        for p in selectors.programmes(request.mission, request.user)
    ]


@router.get(
    "/cycles/{cycle_id}/reconciliation",
    response={200: ReconciliationOut, 404: dict},
    auth=policy("assistance.reconciliation"),
)
def reconciliation(request, cycle_id: int):
    """The cycle's reconciliation as last worked out (404 before any redemption)."""
    cycle = _cycle(request, cycle_id)
    summary = getattr(cycle, "reconciliation", None)
    if summary is None:
        return Status(404, {"detail": _("Nothing redeemed yet.")})
    services.viewed(request.user, cycle, request=request, api="reconciliation")
    return Status(200, _reconciliation(summary))


@router.post(
    "/cycles/{cycle_id}/redemptions",
    response={201: ImportOut, 200: ImportOut},
    auth=policy("assistance.import_redemptions"),
)
def import_redemptions(request, cycle_id: int, file: UploadedFile = File(...)):  # noqa: B008
    """The provider's redemption file (CSV in the provider's layout). 201 when imported,
    200 when the same file came before (nothing changes), 400 with every refused line."""
    cycle = _cycle(request, cycle_id)
    result = redemptions.import_redemptions(
        request.user, cycle, file.read(), name=file.name or "", request=request
    )
    summary = result.get("reconciliation")
    body = {**result, "reconciliation": _reconciliation(summary) if summary else None}
    return Status(200 if result["already"] else 201, body)
