"""In-kind distributions (CONVENTIONS.md: one write path): kits are data (data/kits.json),
stock is the sum of a warehouse's moves, a distribution list gathers a cycle's households for
one site and day, and each receipt (by the household's recipient, another member or a proxy)
moves the kit's items out of the warehouse and is a service to the household."""

import json
import uuid
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from kopru.core.models import AuditEvent, Location
from kopru.services import services as ledger
from kopru.services.models import Modality

from .eligibility import named
from .models import Card, Cycle, Distribution, Programme, Receipt, StockMove, Warehouse
from .services import _audit, _ensure, _ensure_for, _when

DATA = Path(__file__).resolve().parent / "data" / "kits.json"
RECEIPTS = uuid.UUID("9b1d6e3a-2f4c-4d8e-a7b5-6c3f1e0d2a94")  # uid namespace of kit services


@cache
def _data():
    return json.loads(DATA.read_text(encoding="utf-8"))


def kits():
    return {k["code"]: k for k in _data()["kits"]}


def items():
    return {i["code"]: i for i in _data()["items"]}


def stock(warehouse):
    """item code -> quantity in the warehouse now."""
    rows = warehouse.moves.values("item").annotate(n=Sum("quantity")).values_list("item", "n")
    return {item: n for item, n in rows if n}


def kits_in_stock(warehouse, kit):
    """How many whole kits the warehouse can make up."""
    have = stock(warehouse)
    return min(have.get(item, 0) // n for item, n in kits()[kit]["contents"].items())


def add_warehouse(actor, warehouse, *, request=None):
    _ensure(actor, warehouse.mission, "assistance.manage")
    if not (warehouse.name or "").strip():
        raise ValidationError({"name": _("Give the warehouse a name.")})
    if warehouse.location.mission_id != warehouse.mission_id:
        raise ValidationError({"location": _("Choose a place in this mission.")})
    with transaction.atomic():
        warehouse.save()
        _audit(actor, warehouse, AuditEvent.Action.CREATE, request, name=warehouse.name)
    return warehouse


def move_stock(actor, warehouse, *, item, quantity, reason, note="", request=None):
    """Items received, lost, counted or transferred; never below zero."""
    _ensure(actor, warehouse.mission, "assistance.manage")
    errors = {}
    if item not in items():
        errors["item"] = _("Choose an item of the kit lists.")
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        quantity = 0
    if not quantity:
        errors["quantity"] = _("Give a whole number of items, negative for items going out.")
    if reason not in StockMove.Reason.values or reason == StockMove.Reason.DISTRIBUTED:
        errors["reason"] = _("Choose why the stock moves.")
    elif reason == StockMove.Reason.RECEIVED and quantity < 0:
        errors["quantity"] = _("Items received come in: give a positive number.")
    elif (reason != StockMove.Reason.RECEIVED or quantity < 0) and not (note or "").strip():
        errors["note"] = _("Say what happened.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Warehouse.objects.select_for_update().get(pk=warehouse.pk)  # one writer at a time
        if stock(warehouse).get(item, 0) + quantity < 0:
            raise ValidationError({"quantity": _("The warehouse does not hold that many.")})
        move = StockMove.objects.create(
            warehouse=warehouse,
            item=item,
            quantity=quantity,
            reason=reason,
            note=(note or "").strip()[:200],
            by=actor,
        )
        _audit(actor, move, AuditEvent.Action.CREATE, request, item=item, quantity=quantity)
    return move


def plan_distribution(actor, cycle, *, site, warehouse, day, request=None):
    """The list for one site and day: the cycle's households living around the site that are
    on no other list yet."""
    programme = cycle.programme
    _ensure_for(actor, programme, "assistance.manage")
    errors = {}
    if programme.modality != Programme.Modality.IN_KIND:
        errors["cycle"] = _("Only an in-kind programme has distribution lists.")
    elif cycle.status != Cycle.Status.APPROVED and cycle.status != Cycle.Status.LOADED:
        errors["cycle"] = _("Approve the cycle before planning its distributions.")
    if not isinstance(site, Location) or site.mission_id != programme.mission_id:
        errors["site"] = _("Choose the distribution site.")
    if not isinstance(warehouse, Warehouse) or warehouse.mission_id != programme.mission_id:
        errors["warehouse"] = _("Choose the warehouse the kits come from.")
    if day is None or not (cycle.starts_on <= day <= cycle.ends_on):
        errors["day"] = _("Choose a day within the cycle.")
    if errors:
        raise ValidationError(errors)
    area = site.parent if site.level == Location.Level.SITE and site.parent_id else site
    listed = Receipt.objects.filter(distribution__cycle=cycle).values("entitlement")
    chosen = list(
        cycle.entitlements.filter(household__location__path__startswith=area.path)
        .exclude(pk__in=listed)
        .values_list("pk", "household_id")
    )
    if not chosen:
        raise ValidationError({"site": _("No household of the cycle around this site is left.")})
    with transaction.atomic():
        distribution = Distribution.objects.create(
            cycle=cycle,
            site=site,
            warehouse=warehouse,
            day=day,
            kit=programme.kit,
            created_by=actor,
        )
        Receipt.objects.bulk_create(
            Receipt(distribution=distribution, entitlement_id=e, household_id=h) for e, h in chosen
        )
        _audit(actor, distribution, AuditEvent.Action.CREATE, request, households=len(chosen))
    return distribution


def record_receipt(
    actor,
    receipt,
    *,
    receiver,
    person=None,
    proxy_name="",
    proxy_document="",
    confirmation,
    at=None,
    request=None,
):
    """The household's kits handed over: the items leave the warehouse and the household is
    served. A proxy is named with their document; a member is a current one."""
    distribution = receipt.distribution
    programme = distribution.cycle.programme
    _ensure_for(actor, programme, "assistance.manage")
    errors = {}
    if receipt.received_at:
        errors["receipt"] = _("This household has already received its kit.")
    if distribution.status == Distribution.Status.CLOSED:
        errors["receipt"] = _("This distribution is closed.")
    if receiver not in Receipt.Receiver.values:
        errors["receiver"] = _("Say who took the kit.")
    elif receiver == Receipt.Receiver.PROXY:
        if not (proxy_name or "").strip() or not (proxy_document or "").strip():
            errors["proxy_name"] = _("Name the proxy and their document.")
    elif (
        person is None
        or not receipt.household.memberships.filter(person=person, end_date__isnull=True).exists()
    ):
        errors["person"] = _("The person taking the kit must be a current member.")
    if confirmation not in Card.Confirmation.values:
        errors["confirmation"] = _("Record the signature or thumbprint.")
    if errors:
        raise ValidationError(errors)
    contents = kits()[distribution.kit]["contents"]
    now = _when(at)
    with transaction.atomic():
        Warehouse.objects.select_for_update().get(pk=distribution.warehouse_id)
        # Read again under the lock: two clerks on the same line must not take two kits out.
        if Receipt.objects.filter(pk=receipt.pk, received_at__isnull=False).exists():
            raise ValidationError({"receipt": _("This household has already received its kit.")})
        have = stock(distribution.warehouse)
        short = [i for i, n in contents.items() if have.get(i, 0) < n * receipt.kits]
        if short:
            raise ValidationError(
                {
                    "receipt": _("The warehouse is out of %(items)s.")
                    % {"items": ", ".join(named(items()[i]) for i in short)}
                }
            )
        receipt.receiver = receiver
        receipt.person = person if receiver != Receipt.Receiver.PROXY else None
        receipt.proxy_name = (proxy_name or "").strip()[:150]
        receipt.proxy_document = (proxy_document or "").strip()[:60]
        receipt.confirmation, receipt.received_at, receipt.recorded_by = confirmation, now, actor
        StockMove.objects.bulk_create(
            StockMove(
                warehouse=distribution.warehouse,
                item=item,
                quantity=-n * receipt.kits,
                reason=StockMove.Reason.DISTRIBUTED,
                receipt=receipt,
                at=now,
                by=actor,
            )
            for item, n in contents.items()
        )
        receipt.event = ledger.record_service(
            actor,
            programme.mission,
            uid=uuid.uuid5(RECEIPTS, str(receipt.pk)),
            request=request,
            service_type=programme.service_type,
            household=receipt.household,
            at=now,
            location=distribution.site,
            staff=actor,
            modality=Modality.CENTRE,
            projects=[(programme.project, 100)],
        )
        receipt.save()
        entitlement = receipt.entitlement
        entitlement.loaded_at, entitlement.event = now, receipt.event
        entitlement.save(update_fields=["loaded_at", "event"])
        _audit(actor, receipt, request=request, receiver=receiver, kits=receipt.kits)
    return receipt


def close_distribution(actor, distribution, *, request=None):
    _ensure_for(actor, distribution.cycle.programme, "assistance.manage")
    if distribution.status == Distribution.Status.CLOSED:
        raise ValidationError({"distribution": _("This distribution is closed.")})
    with transaction.atomic():
        distribution.status = Distribution.Status.CLOSED
        distribution.save(update_fields=["status"])
        missing = distribution.lines.filter(received_at__isnull=True).count()
        _audit(actor, distribution, request=request, closed=True, not_received=missing)
    return distribution
