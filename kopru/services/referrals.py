"""Referrals: every write (CONVENTIONS.md: one write path), the consent rule and the loop.

A referral to an outside provider is refused unless the person consented to sharing with that
recipient (registry consent, purpose "referral"); an internal referral stays inside the
organisation and needs no such consent. The receiving side moves it on: a team in Kopru from
its inbox, an outside provider through a one-time link, or the referrer records the answer.
"""

import hashlib
import json
import secrets
import uuid
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import access, audit
from kopru.core.models import AuditEvent, Sensitivity
from kopru.registry.consent import granting
from kopru.registry.models import ConsentPurpose

from .models import Provider, Referral, ReferralLink, ReferralUpdate
from .services import sent_before

RULES = Path(__file__).resolve().parent / "data" / "referral_rules.json"
SENSITIVITY_ORDER = ["general", "financial", "protection", "health", "mental_health", "gbv"]


@lru_cache(maxsize=1)
def rules():
    return json.loads(RULES.read_text(encoding="utf-8"))


def allowed_next(status):
    return rules()["transitions"][status]


def consent_for(person, provider):
    """The consent event that lets a referral to `provider` go out, or None."""
    if provider.is_internal:
        return None
    return granting(person, ConsentPurpose.REFERRAL, provider.name)


def _no_consent(person, provider):
    return _(
        "%(person)s has not consented to sharing their data with %(recipient)s. "
        "Record that consent (purpose: referral) first."
    ) % {"person": person, "recipient": provider.name}


def _stricter(*categories):
    known = [c for c in categories if c]
    return max(known, key=lambda c: SENSITIVITY_ORDER.index(c) if c in SENSITIVITY_ORDER else 0)


def make_referral(
    actor,
    person,
    *,
    provider,
    reason,
    urgency,
    service_type=None,
    from_event=None,
    location=None,
    team=None,
    uid=None,
    request=None,
):
    """Refer a person to a directory entry. Sending the same `uid` again stores nothing."""
    access.require(actor, "services.refer")
    mission = person.mission
    if not access.in_mission(actor, mission) or not access.can_see_location(actor, person.location):
        raise PermissionDenied(_("This person is outside your teams' locations."))
    if (existing := sent_before(Referral, uid, person=person)) is not None:
        return existing
    errors = {}
    if person.merged_into_id:
        errors["person"] = _("%(reference)s was merged; use %(survivor)s.") % {
            "reference": person.reference,
            "survivor": person.merged_into.reference,
        }
    if not isinstance(provider, Provider) or provider.mission_id != mission.pk:
        errors["provider"] = _("Choose a service from this mission's directory.")
    elif not provider.active:
        errors["provider"] = _("This provider is no longer in the directory.")
    if not (reason or "").strip():
        errors["reason"] = _("Say why the person is referred.")
    if urgency not in Referral.Urgency.values:
        errors["urgency"] = _("Choose how urgent the referral is.")
    if service_type is not None and service_type.mission_id != mission.pk:
        errors["service_type"] = _("Choose a service from this mission's catalogue.")
    if from_event is not None and not (
        from_event.person_id == person.pk or from_event.participants.filter(person=person).exists()
    ):
        errors["from_event"] = _("That service was not given to this person.")
    consent = None
    if "provider" not in errors:
        consent = consent_for(person, provider)
        if consent is None and not provider.is_internal:
            errors["consent"] = _no_consent(person, provider)
    location = location or getattr(from_event, "location", None) or person.location
    if errors:
        raise ValidationError(errors)
    category = _stricter(
        Sensitivity.GENERAL,
        getattr(service_type, "category", None),
        getattr(from_event, "category", None),
    )
    now = timezone.now()
    with transaction.atomic():
        referral = Referral.objects.create(
            uid=uid or uuid.uuid4(),
            mission=mission,
            number=f"pending-{secrets.token_hex(6)}",
            person=person,
            provider=provider,
            service_type=service_type,
            from_event=from_event,
            reason=reason.strip(),
            urgency=urgency,
            category=category,
            due=now + timedelta(hours=rules()["answer_within_hours"][urgency]),
            consent=consent,
            referred_by=actor,
            team=team,
            location=location,
        )
        referral.number = f"R-{mission.code}-{referral.pk:06d}"
        referral.save(update_fields=["number"])
        ReferralUpdate.objects.create(
            referral=referral, status=Referral.Status.SENT, by=actor, channel="referrer"
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            referral,
            request=request,
            category=category,
            details={"provider": provider.name, "urgency": urgency},
        )
        if not provider.is_internal:
            # The referral is the decision to share: it names the consent it relied on.
            audit.record(
                actor,
                AuditEvent.Action.DISCLOSE,
                person,
                request=request,
                category=category,
                details={
                    "recipient": provider.name,
                    "referral": referral.number,
                    "consent": str(consent.uid),
                },
            )
    return referral


def receives(user, referral):
    """Is the user on the receiving side (a member of the provider's team in Kopru)?"""
    team = referral.provider.team_id
    return bool(team) and user.teams.filter(pk=team).exists()


def involved(user, referral):
    """The referrer and the receiving team follow a referral whatever its category: a case
    worker who refers someone for psychosocial support sees the answer."""
    return referral.referred_by_id == user.pk or receives(user, referral)


def may_see(user, referral):
    """The referring side sees referrals of people in its locations; the receiving team sees
    the referrals sent to it."""
    if not access.in_mission(user, referral.mission):
        return False
    if involved(user, referral):
        return True
    return (
        access.has(user, "registry.view_people")
        and access.can_see_location(user, referral.person.location)
        and access.can_see_category(user, referral.category)
    )


def move(actor, referral, status, *, feedback="", by_name="", channel=None, request=None):
    """Move a referral on. The receiving team acts from its inbox; the referring side may
    record the provider's answer and close (withdraw) its own referral. An outside provider's
    answer by link goes through `answer_by_link`, never through here."""
    access.require(actor, "services.refer")
    if not may_see(actor, referral):
        raise PermissionDenied(_("This referral is not yours to answer."))
    channel = channel or ("inbox" if receives(actor, referral) else "referrer")
    if channel not in (ReferralUpdate.Channel.INBOX, ReferralUpdate.Channel.REFERRER) or (
        channel == ReferralUpdate.Channel.INBOX and not receives(actor, referral)
    ):
        raise PermissionDenied(_("This referral is not yours to answer."))
    with transaction.atomic():
        return _move(actor, referral, status, feedback, by_name, channel, request)


def _move(actor, referral, status, feedback, by_name, channel, request):
    """Check and write one step; the caller holds a transaction. The row is locked and its
    status read again, so two answers given at once cannot both pass the check."""
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    referral.status, referral.due = current.status, current.due
    feedback, by_name = (feedback or "").strip(), (by_name or "").strip()[:150]
    errors = {}
    if status not in allowed_next(referral.status):
        errors["status"] = _("A referral that is %(now)s cannot become %(next)s.") % {
            "now": referral.get_status_display().lower(),
            "next": Referral.Status(status).label.lower()
            if status in Referral.Status.values
            else status,
        }
    elif status == Referral.Status.DECLINED and not feedback:
        errors["feedback"] = _(
            "Say why the referral is declined, so the person can be helped elsewhere."
        )
    if channel == ReferralUpdate.Channel.LINK and not by_name:
        errors["by_name"] = _("Give your name.")
    if errors:
        raise ValidationError(errors)
    by = actor if channel != ReferralUpdate.Channel.LINK else None
    referral.status = status
    if status == Referral.Status.ACCEPTED:
        days = rules()["complete_within_days"][referral.urgency]
        referral.due = timezone.now() + timedelta(days=days)
    referral.save(update_fields=["status", "due", "changed_at"])
    update = ReferralUpdate.objects.create(
        referral=referral, status=status, by=by, by_name=by_name, channel=channel, feedback=feedback
    )
    audit.record(
        by,
        AuditEvent.Action.CHANGE,
        referral,
        request=request,
        category=referral.category,
        details={"status": status, "channel": channel, "by": by_name},
    )
    return update


def token_digest(token):
    """What is stored of a one-time link's token (health follow-up links use it too)."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link(actor, referral, *, request=None):
    """A one-time link for an outside provider's answer; the token is shown once."""
    access.require(actor, "services.refer")
    if not may_see(actor, referral):
        raise PermissionDenied(_("This referral is not yours to answer."))
    if referral.status not in Referral.OPEN:
        raise ValidationError(_("This referral is finished."))
    if (
        not referral.provider.is_internal
        and consent_for(referral.person, referral.provider) is None
    ):
        # A link shows the person's data to the provider: a disclosure, refused once the
        # consent the referral relied on was withdrawn.
        raise ValidationError({"consent": _no_consent(referral.person, referral.provider)})
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        ReferralLink.objects.create(
            referral=referral,
            token_hash=token_digest(token),
            created_by=actor,
            expires_at=timezone.now() + timedelta(days=rules()["link_valid_days"]),
        )
        audit.record(
            actor,
            AuditEvent.Action.DISCLOSE,
            referral,
            request=request,
            category=referral.category,
            details={"link_for": referral.provider.name},
        )
    return token


def link_referral(token):
    """The referral a link opens, or None when the link is unknown, used or expired, or the
    person has withdrawn their consent to share with the provider since."""
    link = (
        ReferralLink.objects.select_related("referral__provider", "referral__person")
        .filter(token_hash=token_digest(token or ""), used_at__isnull=True)
        .first()
    )
    if link is None or link.expires_at < timezone.now():
        return None
    referral = link.referral
    if (
        not referral.provider.is_internal
        and consent_for(referral.person, referral.provider) is None
    ):
        return None
    return link


def answer_by_link(token, status, *, feedback="", by_name="", request=None):
    with transaction.atomic():
        link = link_referral(token)
        # Spend the link first, and only if nobody else did meanwhile: a link used twice at
        # once answers once. A refused answer rolls this back and leaves the link usable.
        if link is None or not ReferralLink.objects.filter(pk=link.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        ):
            raise ValidationError(_("This link was already used or has expired."))
        return _move(None, link.referral, status, feedback, by_name, "link", request)


def overdue(user, mission, now=None):
    """Open referrals past their due time that the user sees, oldest first."""
    from .selectors import visible_referrals

    now = now or timezone.now()
    return (
        visible_referrals(user, mission)
        .filter(status__in=Referral.OPEN, due__lt=now)
        .order_by("due")
    )


def save_provider(actor, provider, *, offers=None, request=None):
    """Create or change a directory entry."""
    access.require(actor, "services.manage_directory")
    if not access.in_mission(actor, provider.mission):
        raise PermissionDenied(_("You do not work in this mission."))
    provider.full_clean()
    if provider.team_id and provider.team.mission_id != provider.mission_id:
        raise ValidationError({"team": _("This team works in another mission.")})
    if provider.location.mission_id != provider.mission_id:
        raise ValidationError({"location": _("Choose a place in this mission.")})
    if offers is not None and any(o.mission_id != provider.mission_id for o in offers):
        raise ValidationError({"offers": _("Choose a service from this mission's catalogue.")})
    if provider.kind == Provider.Kind.INTERNAL and not provider.team_id:
        raise ValidationError(
            {"team": _("Name the team that receives our own service's referrals.")}
        )
    created = provider.pk is None
    with transaction.atomic():
        provider.save()
        if offers is not None:
            provider.offers.set(offers)
        audit.record(
            actor,
            AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
            provider,
            request=request,
        )
    return provider
