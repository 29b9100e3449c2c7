"""The append-only audit log.

Each entry's hash is an HMAC (key: settings.AUDIT_KEY) over its content and the previous
entry's hash, and entries are numbered without gaps; so an edited, removed or inserted entry
breaks the chain, and `manage.py verify_audit` finds it. Database triggers (migration 0002)
refuse UPDATE and DELETE on the table as a first line; the chain catches whoever drops them.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import AuditEvent, Sensitivity
from .network import client_ip

GENESIS = "0" * 64
# Any constant: serialises chain appends across PostgreSQL connections.
_PG_LOCK_KEY = 7_510_431


def _canonical(entry: AuditEvent) -> bytes:
    payload = {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "actor": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "category": entry.category,
        "mission": entry.mission_id,
        "ip": entry.ip_address,
        "details": entry.details,
        "prev": entry.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(entry: AuditEvent) -> str:
    return hmac.new(settings.AUDIT_KEY.encode(), _canonical(entry), hashlib.sha256).hexdigest()


def record(
    actor,
    action,
    obj=None,
    *,
    request=None,
    category=Sensitivity.GENERAL,
    mission=None,
    object_type="",
    object_id="",
    object_repr="",
    details=None,
):
    """Append one entry. Call inside the transaction that made the change it describes."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        if mission is None and hasattr(obj, "mission_id"):
            mission = obj.mission_id
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
        entry = AuditEvent(
            seq=(last["seq"] + 1) if last else 1,
            # Microsecond precision survives every backend unchanged, so hashes re-compute.
            at=timezone.now(),
            actor=user,
            actor_name=(user.get_username() if user else str(actor or ""))[:150],
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=object_repr,
            category=category,
            mission_id=getattr(mission, "pk", mission),
            ip_address=client_ip(request),
            details=details or {},
            prev_hash=last["hash"] if last else GENESIS,
        )
        entry.hash = compute_hash(entry)
        entry.save(force_insert=True)
    return entry


def verify(batch_size=5000):
    """Walk the chain in order. Returns (entries checked, list of problems)."""
    problems = []
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    qs = AuditEvent.objects.order_by("seq")
    for entry in qs.iterator(chunk_size=batch_size):
        checked += 1
        if entry.seq != expected_seq:
            problems.append(
                {"seq": entry.seq, "problem": f"missing entries {expected_seq}..{entry.seq - 1}"}
            )
        if entry.prev_hash != expected_prev:
            problems.append({"seq": entry.seq, "problem": "previous hash does not match"})
        if compute_hash(entry) != entry.hash:
            problems.append({"seq": entry.seq, "problem": "content does not match its hash"})
        expected_prev, expected_seq = entry.hash, entry.seq + 1
    return checked, problems
