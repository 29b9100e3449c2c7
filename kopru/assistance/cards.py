"""Cards and the files exchanged with the card provider (CONVENTIONS.md: one write path):
stock received by serial, a card assigned to a selected household and handed over with the
recipient's signature or thumbprint, blocked or replaced; the cycle's load file in the
provider's layout (data/provider_layouts.json), and the provider's confirmation imported
back, all or nothing: every refused row is reported, the same file twice changes nothing,
and each load confirmed is a service to the household."""

import csv
import hashlib
import io
import json
import uuid
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kopru.core import money
from kopru.core.models import AuditEvent
from kopru.services import services as ledger
from kopru.services.models import Modality

from .models import Card, Cycle, Entitlement, ProviderFile, TargetingRun
from .services import _audit, _ensure_for, _when, selected

LAYOUTS = Path(__file__).resolve().parent / "data" / "provider_layouts.json"
LOADS = uuid.UUID("3f0c8a52-6d1e-4b7a-9c2f-1a5e7d9b4c60")  # uid namespace of load services


@cache
def layouts():
    return json.loads(LAYOUTS.read_text(encoding="utf-8"))["layouts"]


def receive_cards(actor, programme, serials, *, request=None):
    """Stock from the provider: every serial new and well formed, or none is taken."""
    _ensure_for(actor, programme, "assistance.manage")
    clean = [str(s).strip() for s in serials if str(s).strip()]
    errors = []
    if not clean:
        errors.append(_("Give the cards' serial numbers."))
    bad = [s for s in clean if not s.isalnum() or len(s) > 32]
    if bad:
        errors.append(_("Not a serial number: %(serials)s.") % {"serials": ", ".join(bad[:5])})
    repeated = sorted({s for s in clean if clean.count(s) > 1})
    if repeated:
        errors.append(_("Listed twice: %(serials)s.") % {"serials": ", ".join(repeated[:5])})
    known = list(Card.objects.filter(serial__in=clean).values_list("serial", flat=True)[:5])
    if known:
        errors.append(_("Already in stock: %(serials)s.") % {"serials": ", ".join(known)})
    if errors:
        raise ValidationError({"serials": errors})
    with transaction.atomic():
        Card.objects.bulk_create(
            Card(mission=programme.mission, programme=programme, serial=s) for s in clean
        )
        _audit(actor, programme, request=request, cards_received=len(clean))
    return len(clean)


def _selected_households(programme):
    runs = programme.runs.filter(status=TargetingRun.Status.APPROVED)
    households = set()
    for run in runs:
        households.update(selected(run).values_list("household_id", flat=True))
    return households


def assign_card(actor, card, household, *, request=None):
    programme = card.programme
    _ensure_for(actor, programme, "assistance.manage")
    errors = {}
    if card.status != Card.Status.RECEIVED:
        errors["card"] = _("This card is not in stock.")
    if household.pk not in _selected_households(programme):
        errors["household"] = _("This household is not on an approved list of the programme.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            card.status, card.household = Card.Status.ASSIGNED, household
            card.assigned_at = timezone.now()
            card.save(update_fields=["status", "household", "assigned_at"])
            _audit(actor, card, request=request, household=household.reference)
    except IntegrityError:
        raise ValidationError(
            {"household": _("This household already has a card: block or replace it first.")}
        ) from None
    return card


def hand_over(actor, card, *, recipient, confirmation, at=None, request=None):
    """The card reaches the household: a current member (or their proxy recorded as a
    member) confirms by signature or thumbprint."""
    _ensure_for(actor, card.programme, "assistance.manage")
    at = _when(at)
    errors = {}
    if card.status != Card.Status.ASSIGNED:
        errors["card"] = _("Only an assigned card is handed over.")
    elif not card.household.memberships.filter(person=recipient, end_date__isnull=True).exists():
        errors["recipient"] = _("The recipient must be a current member of the household.")
    if confirmation not in Card.Confirmation.values:
        errors["confirmation"] = _("Record the recipient's signature or thumbprint.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        card.status, card.recipient, card.confirmation = (
            Card.Status.DISTRIBUTED,
            recipient,
            confirmation,
        )
        card.distributed_at = at
        card.save(update_fields=["status", "recipient", "confirmation", "distributed_at"])
        _audit(actor, card, request=request, handed_over=True, confirmation=confirmation)
    return card


def block_card(actor, card, *, reason, at=None, request=None):
    """Out of use from `at` (now, or when the loss was reported): a redemption after it is
    flagged by reconciliation."""
    _ensure_for(actor, card.programme, "assistance.manage")
    if card.status in (Card.Status.BLOCKED, Card.Status.REPLACED):
        raise ValidationError({"card": _("This card is already out of use.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the card is blocked.")})
    at = _when(at)
    if card.distributed_at and at < card.distributed_at:
        raise ValidationError({"at": _("A card is blocked after it was handed over.")})
    with transaction.atomic():
        card.status, card.block_reason = Card.Status.BLOCKED, reason.strip()[:200]
        card.blocked_at = at
        card.save(update_fields=["status", "block_reason", "blocked_at"])
        _audit(actor, card, request=request, blocked=reason)
    return card


def replace_card(actor, old, new, *, request=None):
    """A blocked card's household gets a card from stock, assigned to it at once."""
    _ensure_for(actor, old.programme, "assistance.manage")
    if old.status != Card.Status.BLOCKED:
        raise ValidationError({"card": _("Block the card before replacing it.")})
    if new.status != Card.Status.RECEIVED or new.programme_id != old.programme_id:
        raise ValidationError(
            {"new": _("The replacement must be a card of this programme in stock.")}
        )
    with transaction.atomic():
        old.status, old.replaced_by = Card.Status.REPLACED, new
        old.save(update_fields=["status", "replaced_by"])
        new.status, new.household = Card.Status.ASSIGNED, old.household
        new.assigned_at = timezone.now()
        new.save(update_fields=["status", "household", "assigned_at"])
        _audit(actor, new, request=request, replaces=old.serial)
    return new


# --- Files with the provider ----------------------------------------------------------------


def _money(amount, layout):
    text = f"{amount:.2f}"
    return text.replace(".", layout["decimal"]) if layout["decimal"] != "." else text


def load_file(actor, cycle, *, layout="default", request=None):
    """The cycle's load file: one row per entitlement, on the household's card in hand.
    Refused, naming every household, when any has no card handed over."""
    _ensure_for(actor, cycle.programme, "assistance.manage")
    spec = layouts().get(layout)
    if spec is None:
        raise ValidationError({"layout": _("Unknown file layout.")})
    if cycle.status not in (Cycle.Status.APPROVED, Cycle.Status.LOADED):
        raise ValidationError({"cycle": _("Approve the cycle before producing its load file.")})
    cards = dict(
        Card.objects.filter(programme=cycle.programme, status=Card.Status.DISTRIBUTED).values_list(
            "household_id", "pk"
        )
    )
    serials = dict(
        Card.objects.filter(programme=cycle.programme, status=Card.Status.DISTRIBUTED).values_list(
            "pk", "serial"
        )
    )
    entitlements = list(cycle.entitlements.select_related("household").order_by("household_id"))
    missing = [e.household.reference for e in entitlements if e.household_id not in cards]
    if missing:
        raise ValidationError(
            {
                "cycle": ngettext(
                    "%(n)s household has no card in hand: %(list)s.",
                    "%(n)s households have no card in hand: %(list)s.",
                    len(missing),
                )
                % {"n": len(missing), "list": ", ".join(missing[:20])}
            }
        )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=spec["delimiter"], lineterminator="\n")
    writer.writerow(spec["load_header"])
    total = Decimal(0)
    for e in entitlements:
        card = cards[e.household_id]
        values = {
            "serial": serials[card],
            "amount": _money(e.amount, spec),
            "currency": e.currency,
            "household": e.household.reference,
            "cycle": f"{cycle.programme.code}-{cycle.number}",
        }
        writer.writerow([values[c] for c in spec["load"]])
        total += e.amount
    content = out.getvalue().encode("utf-8")
    changed = [
        (cards[e.household_id], e.pk) for e in entitlements if e.card_id != cards[e.household_id]
    ]
    ops = connection.ops
    # One prepared statement for all: bulk_update's CASE grows with the batch, and the file
    # may name fifty thousand cards.
    sql = "UPDATE {} SET {} = %s WHERE {} = %s".format(  # noqa: S608  (names from the model)
        ops.quote_name(Entitlement._meta.db_table), ops.quote_name("card_id"), ops.quote_name("id")
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.executemany(sql, changed)
        record, _created = ProviderFile.objects.get_or_create(
            cycle=cycle,
            kind=ProviderFile.Kind.LOAD,
            sha256=hashlib.sha256(content).hexdigest(),
            defaults={"rows": len(entitlements), "total": total, "by": actor},
        )
        _audit(
            actor,
            cycle,
            AuditEvent.Action.EXPORT,
            request,
            load_file=record.sha256,
            rows=len(entitlements),
            total=str(total),
        )
    return content, record


def read_amount(text, layout):
    """An amount as the provider's layout writes it (decimal comma), or None."""
    text = (text or "").strip()
    if layout["decimal"] != ".":
        text = text.replace(".", "").replace(layout["decimal"], ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def import_confirmation(actor, cycle, content, *, name="", layout="default", at=None, request=None):
    """The provider's answer to a load file. All rows are checked before anything is written;
    any refused row refuses the file, and every refusal is reported by line. The same file
    twice writes nothing. Each confirmed load is a service to the household (uid per
    entitlement, so a later file repeating it adds nothing)."""
    programme = cycle.programme
    _ensure_for(actor, programme, "assistance.manage")
    loaded_at = _when(at)  # when the provider loaded the cards, as its file says
    spec = layouts()[layout]
    columns = spec["confirmation"]
    digest = hashlib.sha256(content).hexdigest()
    if ProviderFile.objects.filter(
        cycle=cycle, kind=ProviderFile.Kind.CONFIRMATION, sha256=digest
    ).exists():
        return {"already": True, "loaded": 0, "failed": 0}
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": _("The file is not UTF-8 text.")}) from None
    reader = csv.DictReader(io.StringIO(text), delimiter=spec["delimiter"])
    wanted = [columns["serial"], columns["amount"], columns["status"]]
    if not reader.fieldnames or any(c not in reader.fieldnames for c in wanted):
        raise ValidationError(
            {"file": _("The file needs the columns %(columns)s.") % {"columns": ", ".join(wanted)}}
        )
    entitled = {
        e.card.serial: e
        for e in cycle.entitlements.select_related("card", "household").filter(card__isnull=False)
    }
    errors, seen, loaded, failed = [], set(), [], 0
    for line, row in enumerate(reader, start=2):
        serial = (row.get(columns["serial"]) or "").strip()
        status = (row.get(columns["status"]) or "").strip().upper()
        amount = read_amount(row.get(columns["amount"]), spec)
        entitlement = entitled.get(serial)
        if serial in seen:
            errors.append(
                _("Line %(line)s: card %(serial)s is listed twice.")
                % {"line": line, "serial": serial}
            )
        elif entitlement is None:
            errors.append(
                _("Line %(line)s: card %(serial)s was not in this cycle's load file.")
                % {"line": line, "serial": serial or "—"}
            )
        elif amount is None:
            errors.append(_("Line %(line)s: the amount is not a number.") % {"line": line})
        elif amount != entitlement.amount:
            errors.append(
                _("Line %(line)s: %(amount)s differs from the entitlement, %(entitled)s.")
                % {
                    "line": line,
                    "amount": money.display(amount),
                    "entitled": money.display(entitlement.amount),
                }
            )
        elif status not in columns["loaded"] + columns["failed"]:
            errors.append(
                _("Line %(line)s: unknown status %(status)s.")
                % {"line": line, "status": status or "—"}
            )
        elif status in columns["loaded"]:
            loaded.append(entitlement)
        else:
            failed += 1
        seen.add(serial)
    if not seen and not errors:
        errors.append(_("The file has no rows."))
    if errors:
        raise ValidationError({"file": errors})
    with transaction.atomic():
        for e in loaded:
            if e.loaded_at:
                continue
            e.event = ledger.record_service(
                actor,
                programme.mission,
                uid=uuid.uuid5(LOADS, str(e.pk)),
                request=request,
                service_type=programme.service_type,
                household=e.household,
                at=loaded_at,
                location=e.household.location,
                staff=actor,
                modality=Modality.REMOTE,
                projects=[(programme.project, 100)],
            )
            e.loaded_at = loaded_at
        Entitlement.objects.bulk_update(loaded, ["loaded_at", "event"], batch_size=2000)
        ProviderFile.objects.create(
            cycle=cycle,
            kind=ProviderFile.Kind.CONFIRMATION,
            sha256=digest,
            rows=len(seen),
            total=sum((e.amount for e in loaded), Decimal(0)),
            name=(name or "")[:150],
            by=actor,
        )
        _audit(
            actor, cycle, request=request, confirmation=digest, loaded=len(loaded), failed=failed
        )
    return {"already": False, "loaded": len(loaded), "failed": failed}
