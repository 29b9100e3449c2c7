"""Messages to people, through a pluggable gateway.

`queue()` writes an OutboxMessage inside the caller's transaction; `deliver()` hands queued
messages to the gateway named by settings.KOPRU_MESSAGE_GATEWAY. The default gateway prints to
the console and marks the message sent, so a deployment without an SMS contract still keeps a
true record; an SMS provider is a class with the same `send` method.
"""

import logging
import sys

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import OutboxMessage

log = logging.getLogger(__name__)


class ConsoleGateway:
    name = "console"

    def send(self, message):
        """Deliver one message; raise to mark it failed."""
        print(f"[kopru sms] to {message.to} ({message.language}): {message.body}", file=sys.stdout)


class OutboxOnlyGateway:
    """Keeps messages queued for an operator to send by hand (or a later gateway)."""

    name = "outbox"
    holds = True  # deliver() leaves the queue as it is

    def send(self, message):
        raise RuntimeError("no gateway configured")


def gateway():
    return import_string(
        getattr(settings, "KOPRU_MESSAGE_GATEWAY", "kopru.core.messaging.ConsoleGateway")
    )()


def queue(mission, *, to, body, language, purpose, obj=None):
    return OutboxMessage.objects.create(
        mission=mission,
        to=to,
        body=body,
        language=language,
        purpose=purpose,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
    )


def deliver(limit=500):
    """Send what is queued; returns (sent, failed). A failure stays on record with its error.

    Each message is sent while its row is locked (and skipped if another run holds it), so
    two runs at once, say a slow one and the next cron tick, never send a message twice."""
    sender = gateway()
    if getattr(sender, "holds", False):
        return 0, 0
    sent = failed = 0
    ids = list(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=OutboxMessage.Status.QUEUED)
                .first()
            )
            if message is None:
                continue  # sent by another run meanwhile
            try:
                sender.send(message)
            except Exception as exc:  # noqa: BLE001 - any provider error is recorded, not raised
                log.warning("message %s not sent: %s", message.pk, exc)
                message.status, message.error = OutboxMessage.Status.FAILED, str(exc)[:250]
                failed += 1
            else:
                message.status, message.sent_at = OutboxMessage.Status.SENT, timezone.now()
                sent += 1
            message.gateway = getattr(sender, "name", type(sender).__name__)
            message.save(update_fields=["status", "error", "sent_at", "gateway"])
    return sent, failed
