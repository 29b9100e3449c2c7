"""Every write of the legislation review (CONVENTIONS.md: one write path).

Instruments are the country's law or international law: they belong to the mission, not to
a place, so every `capacity.manage` role of the mission works on them. A finding names the
barrier or gap in an instrument, by topic (data/legislation_topics.json); a recommendation
addresses an agency and moves proposed -> discussed -> accepted -> implemented one step at a
time, or is rejected before it is implemented; each move is dated (not in the future, not
before the last one) and kept with who made it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kopru.core.models import AuditEvent

from . import governance as rules
from .models import Finding, Instrument, Recommendation, RecommendationChange

Status = Recommendation.Status
NEXT = {
    Status.PROPOSED: (Status.DISCUSSED, Status.REJECTED),
    Status.DISCUSSED: (Status.ACCEPTED, Status.REJECTED),
    Status.ACCEPTED: (Status.IMPLEMENTED, Status.REJECTED),
    Status.IMPLEMENTED: (),
    Status.REJECTED: (),
}


def moves(recommendation):
    return [(s, Status(s).label) for s in NEXT[recommendation.status]]


def save_instrument(actor, instrument, *, request=None):
    rules.ensure(actor, instrument.mission)
    errors = {}
    instrument.title = " ".join((instrument.title or "").split())[:300]
    if not instrument.title:
        errors["title"] = _("Give the instrument's title.")
    if instrument.kind not in rules.codes("legislation_kinds", "kinds"):
        errors["kind"] = _("Choose the kind of instrument.")
    if instrument.jurisdiction not in Instrument.Jurisdiction.values:
        errors["jurisdiction"] = _("Choose national or international.")
    if instrument.adopted_on is not None:
        try:
            rules.past_day(instrument.adopted_on, "adopted_on", instrument.mission)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    instrument.link = (instrument.link or "").strip()
    if instrument.link and not instrument.link.startswith(("https://", "http://")):
        errors["link"] = _("Give the link as a web address (https://...).")
    instrument.number = (instrument.number or "").strip()[:60]
    if errors:
        raise ValidationError(errors)
    created = instrument.pk is None
    with transaction.atomic():
        instrument.created_by_id = instrument.created_by_id or actor.pk
        instrument.save()
        rules.audit(
            actor,
            instrument,
            AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
            request,
            title=instrument.title,
        )
    return instrument


def add_finding(actor, instrument, *, topic, text, request=None):
    rules.ensure(actor, instrument.mission)
    errors = {}
    if topic not in rules.codes("legislation_topics", "topics"):
        errors["topic"] = _("Choose the topic.")
    text = (text or "").strip()
    if not text:
        errors["text"] = _("Describe the barrier or gap found.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        finding = Finding.objects.create(
            instrument=instrument, topic=topic, text=text, created_by=actor
        )
        rules.audit(actor, finding, AuditEvent.Action.CREATE, request, topic=topic)
    return finding


def add_recommendation(
    actor, finding, *, text, addressed_to, priority, on=None, uid=None, request=None
):
    mission = finding.instrument.mission
    rules.ensure(actor, mission)
    if uid and (existing := Recommendation.objects.filter(uid=uid).first()) is not None:
        if existing.finding_id != finding.pk:
            raise ValidationError({"uid": _("This identifier is already used.")})
        return existing
    errors = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = _("Write the recommendation.")
    if addressed_to is None or addressed_to.mission_id != mission.pk:
        errors["addressed_to"] = _("Choose the agency it is addressed to.")
    if priority not in Recommendation.Priority.values:
        errors["priority"] = _("Choose the priority.")
    on = on or rules.today(mission)
    try:
        rules.past_day(on, "on", mission)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        recommendation = Recommendation(
            mission=mission,
            finding=finding,
            text=text,
            addressed_to=addressed_to,
            priority=priority,
            status=Status.PROPOSED,
            status_on=on,
            created_by=actor,
        )
        if uid:
            recommendation.uid = uid
        recommendation.save()
        RecommendationChange.objects.create(
            recommendation=recommendation, to_status=Status.PROPOSED, on=on, by=actor
        )
        rules.audit(actor, recommendation, AuditEvent.Action.CREATE, request, priority=priority)
    return recommendation


def move_recommendation(actor, recommendation, *, status, on=None, note="", request=None):
    """One step of the recommendation's way, dated and kept with who made it."""
    mission = recommendation.mission
    rules.ensure(actor, mission)
    errors = {}
    if status not in NEXT.get(recommendation.status, ()):
        errors["status"] = _("A recommendation %(now)s cannot become %(then)s.") % {
            "now": Status(recommendation.status).label.lower(),
            "then": Status(status).label.lower() if status in Status.values else status,
        }
    on = on or rules.today(mission)
    try:
        rules.past_day(on, "on", mission)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    else:
        if on < recommendation.status_on:
            errors["on"] = _("The change cannot be dated before the last one (%(day)s).") % {
                "day": recommendation.status_on.isoformat()
            }
    note = (note or "").strip()
    if status == Status.REJECTED and not note:
        errors["note"] = _("Say why it was rejected.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = recommendation.status
        recommendation.status, recommendation.status_on = status, on
        recommendation.save(update_fields=["status", "status_on"])
        RecommendationChange.objects.create(
            recommendation=recommendation,
            from_status=before,
            to_status=status,
            on=on,
            note=note,
            by=actor,
        )
        rules.audit(actor, recommendation, request=request, status=[before, status], on=str(on))
    return recommendation


def recommendations(mission, *, status="", topic="", priority="", agency=None):
    found = Recommendation.objects.filter(mission=mission).select_related(
        "finding__instrument", "addressed_to"
    )
    if status in Status.values:
        found = found.filter(status=status)
    if topic:
        found = found.filter(finding__topic=topic)
    if priority in Recommendation.Priority.values:
        found = found.filter(priority=priority)
    if agency is not None:
        found = found.filter(addressed_to=agency)
    return found
