"""Vendors, the provider's redemption files and the reconciliation of a cycle (CONVENTIONS.md:
one write path).

A redemption file goes in whole or not at all: every malformed row is reported by line and
nothing is written; the same file twice changes nothing; a transaction already imported from
an overlapping file is skipped, not doubled. What happened in the shops is kept as reported,
even where it should not have happened: that is what the anomalies (data/vendors.json) point
at, for the officer to explain or refer.

Files run to a million rows, so they are read into columns and written with one prepared
statement per batch rather than a model instance per row."""

import csv
import hashlib
import io
import json
import zoneinfo
from collections import Counter, deque
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core.models import AuditEvent, Location

from .cards import layouts, read_amount
from .eligibility import to_decimal
from .models import (
    Anomaly,
    Card,
    Contract,
    Cycle,
    Entitlement,
    ProviderFile,
    Reconciliation,
    Redemption,
    Vendor,
)
from .services import _audit, _ensure, _ensure_for

DATA = Path(__file__).resolve().parent / "data" / "vendors.json"
BATCH = 5000
MAX_ERRORS = 200  # reported by line; beyond that the count


@cache
def settings_():
    return json.loads(DATA.read_text(encoding="utf-8"))


def categories():
    return {c["code"]: c for c in settings_()["categories"]}


# --- Vendors --------------------------------------------------------------------------------


def save_vendor(actor, vendor, *, request=None):
    _ensure(actor, vendor.mission, "assistance.manage")
    errors = {}
    vendor.code = (vendor.code or "").strip()
    vendor.name = (vendor.name or "").strip()
    if not vendor.code or not vendor.code.replace("-", "").isalnum():
        errors["code"] = _("Give the merchant code the provider uses (letters and digits).")
    elif (
        Vendor.objects.filter(mission=vendor.mission, code=vendor.code)
        .exclude(pk=vendor.pk)
        .exists()
    ):
        errors["code"] = _("Another vendor has this merchant code.")
    if not vendor.name:
        errors["name"] = _("Give the shop's name.")
    if not isinstance(vendor.location, Location) or vendor.location.mission_id != (
        vendor.mission_id
    ):
        errors["location"] = _("Choose where the shop is.")
    unknown = [c for c in vendor.categories or [] if c not in categories()]
    if unknown or not vendor.categories:
        errors["categories"] = _("Choose what the shop may sell on the card.")
    if errors:
        raise ValidationError(errors)
    created = vendor.pk is None
    with transaction.atomic():
        vendor.save()
        _audit(
            actor,
            vendor,
            AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
            request,
            categories=vendor.categories,
        )
    return vendor


def contract(actor, vendor, programme, *, starts_on, ends_on, request=None):
    _ensure_for(actor, programme, "assistance.manage")
    if vendor.mission_id != programme.mission_id:
        raise ValidationError({"vendor": _("Choose a vendor of this mission.")})
    if not starts_on or not ends_on or ends_on < starts_on:
        raise ValidationError({"ends_on": _("The contract ends after it starts.")})
    with transaction.atomic():
        row, _created = Contract.objects.update_or_create(
            vendor=vendor,
            programme=programme,
            defaults={"starts_on": starts_on, "ends_on": ends_on},
        )
        _audit(actor, row, request=request, starts_on=str(starts_on), ends_on=str(ends_on))
    return row


# --- Redemption files -----------------------------------------------------------------------


def _cents(value):
    """Whole kuruş of a stored amount (SQLite hands decimals back as floats)."""
    if isinstance(value, Decimal):
        return int(value * 100)
    return round(float(value) * 100)


def _read(cycle, text, spec):
    """Parse and check every row; columns of what is good, the list of what is not."""
    columns = spec["redemption"]
    tz = zoneinfo.ZoneInfo(columns.get("timezone", "UTC"))
    iso = columns["at_format"] == "%Y-%m-%d %H:%M:%S"
    reader = csv.reader(io.StringIO(text), delimiter=spec["delimiter"])
    header = next(reader, None) or []
    wanted = [columns[k] for k in ("transaction", "serial", "merchant", "at", "amount", "category")]
    if any(c not in header for c in wanted[:5]):
        raise ValidationError(
            {
                "file": _("The file needs the columns %(columns)s.")
                % {"columns": ", ".join(wanted[:5])}
            }
        )
    at_txn, at_serial, at_merchant, at_time, at_amount = (header.index(c) for c in wanted[:5])
    at_category = header.index(wanted[5]) if wanted[5] in header else None
    cards = {
        serial: pk
        for pk, serial in Card.objects.filter(programme=cycle.programme).values_list("pk", "serial")
    }
    width = len(header)
    rows = {k: [] for k in ("line", "txn", "card", "merchant", "at", "amount", "category")}
    errors, seen = [], {}
    for line, row in enumerate(reader, start=2):
        if not row or not any(row):
            continue
        problem = None
        if len(row) < width:
            problem = _("Line %(line)s: %(n)s columns, %(width)s expected.") % {
                "line": line,
                "n": len(row),
                "width": width,
            }
        else:
            txn, serial = row[at_txn].strip(), row[at_serial].strip()
            merchant = row[at_merchant].strip()
            card = cards.get(serial)
            amount = read_amount(row[at_amount], spec)
            try:
                if iso:
                    at = datetime.fromisoformat(row[at_time].strip())
                else:
                    at = datetime.strptime(row[at_time].strip(), columns["at_format"])
                at = at.replace(tzinfo=tz) if at.tzinfo is None else at
            except ValueError:
                at = None
            if not txn or len(txn) > 64:
                problem = _("Line %(line)s: no transaction number.") % {"line": line}
            elif txn in seen:
                problem = _("Line %(line)s: transaction %(txn)s repeats line %(first)s.") % {
                    "line": line,
                    "txn": txn,
                    "first": seen[txn],
                }
            elif card is None:
                problem = _("Line %(line)s: card %(serial)s is not a card of this programme.") % {
                    "line": line,
                    "serial": serial or "—",
                }
            elif not merchant or len(merchant) > 40:
                problem = _("Line %(line)s: no merchant code.") % {"line": line}
            elif at is None:
                problem = _("Line %(line)s: the time is not a date and time.") % {"line": line}
            elif amount is None or amount <= 0 or amount.as_tuple().exponent < -2:
                problem = _("Line %(line)s: the amount is not an amount in lira.") % {"line": line}
            else:
                seen[txn] = line
                rows["line"].append(line)
                rows["txn"].append(txn)
                rows["card"].append(card)
                rows["merchant"].append(merchant)
                rows["at"].append(at)
                rows["amount"].append(int(amount * 100))
                category = row[at_category].strip()[:40] if at_category is not None else ""
                rows["category"].append(category)
                continue
        errors.append(problem)
    if not rows["line"] and not errors:
        errors.append(_("The file has no rows."))
    return rows, errors


def import_redemptions(actor, cycle, content, *, name="", layout="default", request=None):
    """The provider's transactions for a cycle. Checked whole before anything is written;
    then reconciled, which flags the anomalies."""
    programme = cycle.programme
    _ensure_for(actor, programme, "assistance.manage")
    if cycle.status not in (Cycle.Status.LOADED, Cycle.Status.CLOSED):
        raise ValidationError({"file": _("Redemptions come after the cycle is loaded.")})
    spec = layouts().get(layout)
    if spec is None or "redemption" not in spec:
        raise ValidationError({"layout": _("Unknown file layout.")})
    digest = hashlib.sha256(content).hexdigest()
    if ProviderFile.objects.filter(
        cycle=cycle, kind=ProviderFile.Kind.REDEMPTION, sha256=digest
    ).exists():
        return {"already": True, "imported": 0, "skipped": 0}
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": _("The file is not UTF-8 text.")}) from None
    rows, errors = _read(cycle, text, spec)
    if errors:
        shown = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            shown.append(_("… and %(n)s more refused lines.") % {"n": len(errors) - MAX_ERRORS})
        raise ValidationError({"file": shown})
    known = set(
        Redemption.objects.filter(cycle=cycle, transaction__in=rows["txn"]).values_list(
            "transaction", flat=True
        )
        if len(rows["txn"]) < 900
        else Redemption.objects.filter(cycle=cycle).values_list("transaction", flat=True)
    )
    entitlements = entitled_cards(cycle)
    vendors = dict(Vendor.objects.filter(mission=programme.mission).values_list("code", "pk"))
    ops = connection.ops
    if connection.vendor == "sqlite":  # what ops.adapt_datetimefield_value does, a row faster
        stamp = lambda at: at.astimezone(UTC).replace(tzinfo=None).isoformat(" ")  # noqa: E731
    else:
        stamp = ops.adapt_datetimefield_value
    with transaction.atomic():
        record = ProviderFile.objects.create(
            cycle=cycle,
            kind=ProviderFile.Kind.REDEMPTION,
            sha256=digest,
            rows=len(rows["line"]),
            total=Decimal(sum(rows["amount"])) / 100,
            name=(name or "")[:150],
            by=actor,
        )
        table = Redemption._meta.db_table
        fields = [
            "cycle_id",
            "file_id",
            "line",
            "transaction",
            "card_id",
            "entitlement_id",
            "merchant",
            "vendor_id",
            "at",
            "amount",
            "category",
        ]
        # Names from the model, values as parameters.
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            ops.quote_name(table),
            ", ".join(ops.quote_name(f) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        batch, imported = [], 0
        with connection.cursor() as cursor:
            for i, txn in enumerate(rows["txn"]):
                if txn in known:
                    continue
                card, merchant = rows["card"][i], rows["merchant"][i]
                batch.append(
                    (
                        cycle.pk,
                        record.pk,
                        rows["line"][i],
                        txn,
                        card,
                        entitlements.get(card),
                        merchant,
                        vendors.get(merchant),
                        stamp(rows["at"][i]),
                        Decimal(rows["amount"][i]).scaleb(-2),
                        rows["category"][i],
                    )
                )
                if len(batch) == BATCH:
                    cursor.executemany(sql, batch)
                    imported += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                imported += len(batch)
        _audit(
            actor,
            cycle,
            AuditEvent.Action.CREATE,
            request,
            redemption_file=digest,
            rows=len(rows["line"]),
            imported=imported,
        )
        summary = reconcile(actor, cycle, request=request, audited=False)
    return {
        "already": False,
        "imported": imported,
        "skipped": len(rows["line"]) - imported,
        "reconciliation": summary,
    }


def entitled_cards(cycle):
    """card id -> the cycle's entitlement it spends, following replacements: the provider
    moves the balance to the new card."""
    mapping = dict(cycle.entitlements.filter(card__isnull=False).values_list("card", "pk"))
    replaced = dict(
        Card.objects.filter(programme=cycle.programme, replaced_by__isnull=False).values_list(
            "pk", "replaced_by"
        )
    )
    for card, entitlement in list(mapping.items()):
        seen = {card}
        while card in replaced and replaced[card] not in seen:
            card = replaced[card]
            seen.add(card)
            mapping.setdefault(card, entitlement)
    return mapping


# --- Reconciliation -------------------------------------------------------------------------


def _epoch(value):
    """Seconds of a stored time: SQLite hands back naive UTC text, PostgreSQL a datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.timestamp()


def _contracted(programme):
    """vendor id -> (from, until) as epoch seconds, the whole of both days."""
    periods = {}
    tz = timezone.get_current_timezone()
    for vendor, start, end in Contract.objects.filter(programme=programme).values_list(
        "vendor_id", "starts_on", "ends_on"
    ):
        since = datetime(start.year, start.month, start.day, tzinfo=tz).timestamp()
        until = datetime(end.year, end.month, end.day, 23, 59, 59, tzinfo=tz).timestamp()
        periods[vendor] = (since, until)
    return periods


class _Walk:
    """One pass over a cycle's redemptions in time order: the totals, the table per vendor
    and the anomalies, holding per card and per shop only what the rules need (a cycle may
    hold a million rows)."""

    def __init__(self, cycle):
        rules = settings_()["anomalies"]["burst"]
        self.window, self.wanted, self.minutes = (
            rules["minutes"] * 60,
            rules["cards"],
            rules["minutes"],
        )
        self.contracts = _contracted(cycle.programme)
        self.allowed = dict(
            Vendor.objects.filter(mission=cycle.programme.mission).values_list("pk", "categories")
        )
        self.loaded = {
            pk: _cents(amount)
            for pk, amount in cycle.entitlements.filter(loaded_at__isnull=False).values_list(
                "pk", "amount"
            )
        }
        self.blocked = {
            pk: (at.timestamp(), at)
            for pk, at in Card.objects.filter(
                programme=cycle.programme, blocked_at__isnull=False
            ).values_list("pk", "blocked_at")
        }
        self.flags = {}
        self.spent = Counter()
        self.shops = {}
        self.households = set()
        self.redeemed = self.flagged = self.transactions = 0

    def add(self, pk, card, entitlement, vendor, merchant, at, cents, category):
        flags, found = self.flags, False
        period = self.contracts.get(vendor)
        if period is None or not (period[0] <= at <= period[1]):
            flags[(Anomaly.Kind.NOT_CONTRACTED, pk)] = {"merchant": merchant}
            found = True
        elif category and category not in self.allowed.get(vendor, ()):
            flags[(Anomaly.Kind.NOT_CONTRACTED, pk)] = {"merchant": merchant, "category": category}
            found = True
        key = entitlement or -card  # a card not loaded this cycle spends alone
        self.spent[key] += cents
        allowance = self.loaded.get(entitlement, 0)
        if self.spent[key] > allowance:
            flags[(Anomaly.Kind.OVER, pk)] = {
                "loaded": f"{allowance / 100:.2f}",
                "spent": f"{self.spent[key] / 100:.2f}",
            }
            found = True
        if card in self.blocked and at > self.blocked[card][0]:
            flags[(Anomaly.Kind.BLOCKED, pk)] = {"blocked_at": self.blocked[card][1].isoformat()}
            found = True
        shop = self.shops.get(merchant)
        if shop is None:
            shop = self.shops[merchant] = {
                "vendor": vendor,
                "merchant": merchant,
                "cards": set(),
                "n": 0,
                "c": 0,
                "f": 0,
                "recent": deque(),
                "counts": Counter(),
                "bursting": False,
            }
        found = self._burst(shop, pk, card, at) or found
        shop["cards"].add(card)
        shop["n"] += 1
        shop["c"] += cents
        self.redeemed += cents
        self.transactions += 1
        if found:
            shop["f"] += cents
            self.flagged += cents
        if entitlement:
            self.households.add(entitlement)

    def _burst(self, shop, pk, card, at):
        """Many different cards at one shop within the window: flagged once per burst."""
        recent, counts = shop["recent"], shop["counts"]
        recent.append((at, card))
        counts[card] += 1
        while recent[0][0] < at - self.window:
            _old_at, old_card = recent.popleft()
            counts[old_card] -= 1
            if not counts[old_card]:
                del counts[old_card]
        if len(counts) >= self.wanted and not shop["bursting"]:
            shop["bursting"] = True
            self.flags[(Anomaly.Kind.BURST, pk)] = {
                "merchant": shop["merchant"],
                "cards": len(counts),
                "minutes": self.minutes,
            }
            return True
        if len(counts) < self.wanted:
            shop["bursting"] = False
        return False

    def vendors(self):
        return [
            {
                "vendor": v["vendor"],
                "merchant": v["merchant"],
                "transactions": v["n"],
                "cards": len(v["cards"]),
                "amount": f"{v['c'] / 100:.2f}",
                "flagged": f"{v['f'] / 100:.2f}",
            }
            for v in sorted(self.shops.values(), key=lambda v: -v["c"])
        ]


def reconcile(actor, cycle, *, request=None, audited=True):
    """Work out loaded, redeemed and outstanding for the cycle, per vendor, and flag what
    needs a look. Anomalies already found keep their review."""
    _ensure_for(actor, cycle.programme, "assistance.manage")
    # Read without the ORM's converters, in chunks: a cycle holds up to a million rows.
    q = connection.ops.quote_name
    columns = ("id", "card_id", "entitlement_id", "vendor_id", "merchant", "at", "amount")
    sql = "SELECT {} FROM {} WHERE {} = %s ORDER BY {}, {}".format(  # noqa: S608  (model names)
        ", ".join(q(c) for c in (*columns, "category")),
        q(Redemption._meta.db_table),
        q("cycle_id"),
        q("at"),
        q("id"),
    )
    walk = _Walk(cycle)
    with connection.cursor() as cursor:
        cursor.execute(sql, [cycle.pk])
        while chunk := cursor.fetchmany(10000):
            for pk, card, ent, vendor, merchant, at, amount, category in chunk:
                walk.add(pk, card, ent, vendor, merchant, _epoch(at), _cents(amount), category)
    loaded = sum(walk.loaded.values())
    with transaction.atomic():
        existing = set(Anomaly.objects.filter(cycle=cycle).values_list("kind", "redemption_id"))
        Anomaly.objects.bulk_create(
            (
                Anomaly(cycle=cycle, kind=kind, redemption_id=pk, details=details)
                for (kind, pk), details in walk.flags.items()
                if (kind, pk) not in existing
            ),
            batch_size=BATCH,
        )
        summary, _created = Reconciliation.objects.update_or_create(
            cycle=cycle,
            defaults={
                "at": timezone.now(),
                "loaded": to_decimal(loaded),
                "redeemed": to_decimal(walk.redeemed),
                "outstanding": to_decimal(loaded - walk.redeemed),
                "flagged": to_decimal(walk.flagged),
                "households": len(walk.households),
                "transactions": walk.transactions,
                "vendors": walk.vendors(),
                "anomalies": dict(Counter(str(kind) for kind, _pk in walk.flags)),
            },
        )
        if audited:
            _audit(actor, cycle, request=request, reconciled=str(summary.outstanding))
    return summary


def review_anomaly(actor, anomaly, *, status, note, request=None):
    """The officer explains an anomaly (a shop's second till, a card replaced the same day)
    or refers it for investigation."""
    _ensure_for(actor, anomaly.cycle.programme, "assistance.manage")
    if status not in (Anomaly.Status.EXPLAINED, Anomaly.Status.REFERRED):
        raise ValidationError({"status": _("Explain it or refer it.")})
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what was found.")})
    with transaction.atomic():
        anomaly.status, anomaly.note = status, note.strip()[:500]
        anomaly.reviewed_by, anomaly.reviewed_at = actor, timezone.now()
        anomaly.save(update_fields=["status", "note", "reviewed_by", "reviewed_at"])
        _audit(actor, anomaly, request=request, status=status)
    return anomaly


def households(cycle):
    """Per household of the cycle: entitled, loaded, redeemed and outstanding (a queryset, to
    page through)."""
    from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
    from django.db.models.functions import Coalesce

    spent = (
        Redemption.objects.filter(entitlement=OuterRef("pk"))
        .values("entitlement")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    return (
        Entitlement.objects.filter(cycle=cycle)
        .select_related("household", "card")
        .annotate(
            redeemed=Coalesce(Subquery(spent, output_field=money), Value(0), output_field=money)
        )
        .order_by("household__reference")
    )
