"""Every write of the coordination council (CONVENTIONS.md: one write path).

Rules (seed 004: the council meets and follows a plan of activities):
- one chair at a time; a member's term ends on or after it starts;
- a meeting is recorded after it is held (not in the future), numbered in order, with an
  agenda and the members present, who sat on the council that day; its minutes are text
  and/or a PDF (kopru.core.uploads);
- an action item has exactly one owner (a council member or a Kopru user of the mission)
  and a due date; done needs the completion date (not in the future, not before the
  meeting), dropped needs a note; open or in progress after its due date is overdue."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kopru.core import uploads
from kopru.core.models import AuditEvent, Location, Project

from . import governance as rules
from .models import ActionItem, Council, Decision, Meeting, Member

MINUTES_MAX_BYTES = 10 * 1024 * 1024
LEVELS = (Location.Level.PROVINCE, Location.Level.DISTRICT, Location.Level.SITE)


def _ensure_council(actor, council):
    rules.ensure(actor, council.mission)
    rules.ensure_place(actor, council.location)


def visible(user, mission):
    return rules.in_places(user, Council.objects.filter(mission=mission), mission, "location__path")


def save_council(actor, council, *, request=None):
    rules.ensure(actor, council.mission)
    if council.pk:
        rules.ensure_place(actor, Council.objects.get(pk=council.pk).location)
    errors = {}
    council.name = " ".join((council.name or "").split())[:200]
    if not council.name:
        errors["name"] = _("Give the council a name.")
    problem = rules.place_error(
        actor, council.mission, council.location if council.location_id else None, levels=LEVELS
    )
    if problem:
        errors["location"] = problem
    if council.project_id and (
        not isinstance(council.project, Project) or council.project.mission_id != council.mission_id
    ):
        errors["project"] = _("Choose a project of this mission.")
    if errors:
        raise ValidationError(errors)
    created = council.pk is None
    with transaction.atomic():
        council.created_by_id = council.created_by_id or actor.pk
        council.save()
        rules.audit(
            actor,
            council,
            AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
            request,
            name=council.name,
        )
    return council


def save_member(actor, member, *, request=None):
    council = member.council
    _ensure_council(actor, council)
    errors = {}
    member.name = " ".join((member.name or "").split())[:150]
    if not member.name:
        errors["name"] = _("Give the member's name.")
    if member.agency_id and member.agency.mission_id != council.mission_id:
        errors["agency"] = _("Choose an agency of this mission.")
    member.organisation = (member.organisation or "").strip()[:200]
    if not member.organisation and member.agency_id:
        member.organisation = member.agency.name[:200]
    if not member.organisation:
        errors["organisation"] = _("Give the member's organisation.")
    if member.role not in Member.Role.values:
        errors["role"] = _("Choose the member's role on the council.")
    if member.from_date is None:
        errors["from_date"] = _("Give the day the member joined.")
    elif member.to_date is not None and member.to_date < member.from_date:
        errors["to_date"] = _("The term cannot end before it starts.")
    if member.role == Member.Role.CHAIR and "from_date" not in errors:
        others = council.members.filter(role=Member.Role.CHAIR).exclude(pk=member.pk)
        for other in others:
            ends = other.to_date
            if (ends is None or ends >= member.from_date) and (
                member.to_date is None or member.to_date >= other.from_date
            ):
                errors["role"] = _("%(name)s chairs the council in this period.") % {
                    "name": other.name
                }
                break
    member.position = (member.position or "").strip()[:200]
    if errors:
        raise ValidationError(errors)
    created = member.pk is None
    with transaction.atomic():
        member.save()
        rules.audit(
            actor,
            member,
            AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
            request,
            role=member.role,
        )
    return member


def _minutes_file(content):
    if not content:
        return None
    uploads.check(content, (uploads.PDF,), max_bytes=MINUTES_MAX_BYTES, field="minutes_file")
    return content


def record_meeting(
    actor, council, *, held_on, venue, agenda, present, minutes="", pdf=None, uid=None,
    request=None,
):  # fmt: skip
    """A meeting held: its agenda, who was present, its minutes (text and/or PDF)."""
    _ensure_council(actor, council)
    if uid and (existing := Meeting.objects.filter(uid=uid).first()) is not None:
        if existing.council_id != council.pk:
            raise ValidationError({"uid": _("This identifier is already used.")})
        return existing
    errors = {}
    try:
        rules.past_day(held_on, "held_on", council.mission)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    venue = (venue or "").strip()[:200]
    if not venue:
        errors["venue"] = _("Give the venue.")
    agenda = (agenda or "").strip()
    if not agenda:
        errors["agenda"] = _("Give the agenda.")
    present = list(dict.fromkeys(present or []))
    if not present:
        errors["present"] = _("Mark the members present.")
    elif any(m.council_id != council.pk for m in present):
        errors["present"] = _("Only the council's members can be present.")
    elif "held_on" not in errors:
        away = [m.name for m in present if not m.sits_on(held_on)]
        if away:
            errors["present"] = _("Not on the council that day: %(names)s.") % {
                "names": ", ".join(away)
            }
    try:
        pdf = _minutes_file(pdf)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Council.objects.select_for_update().get(pk=council.pk)  # numbers in order
        number = (council.meetings.aggregate(n=Max("number"))["n"] or 0) + 1
        meeting = Meeting(
            council=council,
            number=number,
            held_on=held_on,
            venue=venue,
            agenda=agenda,
            minutes=(minutes or "").strip(),
            recorded_by=actor,
        )
        if uid:
            meeting.uid = uid
        if pdf:
            with uploads.stored(pdf, "capacity/minutes") as path:
                meeting.minutes_file = path
                meeting.save()
        else:
            meeting.save()
        meeting.present.set(present)
        rules.audit(
            actor, meeting, AuditEvent.Action.CREATE, request, number=number, present=len(present)
        )
    return meeting


def save_minutes(actor, meeting, *, minutes="", pdf=None, request=None):
    """The minutes written up after the meeting: text, a PDF, or both."""
    _ensure_council(actor, meeting.council)
    minutes = (minutes or "").strip()
    pdf = _minutes_file(pdf)
    if not minutes and not pdf:
        raise ValidationError({"minutes": _("Write the minutes or upload them as a PDF.")})
    with transaction.atomic():
        if minutes:
            meeting.minutes = minutes
        if pdf:
            with uploads.stored(pdf, "capacity/minutes") as path:
                meeting.minutes_file = path
                meeting.save(update_fields=["minutes", "minutes_file"])
        else:
            meeting.save(update_fields=["minutes"])
        rules.audit(actor, meeting, request=request, minutes=bool(minutes), pdf=bool(pdf))
    return meeting


def open_minutes(actor, meeting, *, request=None):
    """The minutes' PDF, for a user who may see the council."""
    rules.ensure(actor, meeting.council.mission)
    rules.ensure_place(actor, meeting.council.location)
    if not meeting.minutes_file:
        raise PermissionDenied(_("This meeting has no minutes file."))
    return uploads.read(meeting.minutes_file)


def record_decision(actor, meeting, *, text, request=None):
    _ensure_council(actor, meeting.council)
    text = rules.text(text, "text", _("Write the decision."))
    with transaction.atomic():
        number = (meeting.decisions.aggregate(n=Max("number"))["n"] or 0) + 1
        decision = Decision.objects.create(
            meeting=meeting, number=number, text=text, recorded_by=actor
        )
        rules.audit(actor, decision, AuditEvent.Action.CREATE, request, number=number)
    return decision


def _owner_errors(council, owner_member, owner_user):
    if (owner_member is None) == (owner_user is None):
        return _("Name one owner: a council member or a Kopru user.")
    if owner_member is not None and owner_member.council_id != council.pk:
        return _("The owner must be a member of this council.")
    if owner_user is not None and not owner_user.missions.filter(pk=council.mission_id).exists():
        return _("The owner must work in this mission.")
    return None


def add_action_item(
    actor, meeting, *, text, due_on, owner_member=None, owner_user=None, decision=None,
    uid=None, request=None,
):  # fmt: skip
    council = meeting.council
    _ensure_council(actor, council)
    if uid and (existing := ActionItem.objects.filter(uid=uid).first()) is not None:
        if existing.meeting_id != meeting.pk:
            raise ValidationError({"uid": _("This identifier is already used.")})
        return existing
    errors = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = _("Say what is to be done.")
    problem = _owner_errors(council, owner_member, owner_user)
    if problem:
        errors["owner_member"] = problem
    if due_on is None:
        errors["due_on"] = _("Give the due date.")
    elif due_on < meeting.held_on:
        errors["due_on"] = _("The due date cannot be before the meeting.")
    if decision is not None and decision.meeting_id != meeting.pk:
        errors["decision"] = _("Choose a decision of this meeting.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = ActionItem(
            meeting=meeting,
            decision=decision,
            text=text,
            owner_member=owner_member,
            owner_user=owner_user,
            due_on=due_on,
            updated_by=actor,
        )
        if uid:
            item.uid = uid
        item.save()
        rules.audit(actor, item, AuditEvent.Action.CREATE, request, due_on=str(due_on))
    return item


def update_action_item(
    actor, item, *, status, note="", completed_on=None, due_on=None, request=None
):
    """Move an action item: done needs its completion date, dropped a note."""
    council = item.meeting.council
    _ensure_council(actor, council)
    errors = {}
    note = (note or "").strip()
    if status not in ActionItem.Status.values:
        errors["status"] = _("Choose the status.")
    elif status == ActionItem.Status.DONE:
        try:
            rules.past_day(completed_on, "completed_on", council.mission)
        except ValidationError as exc:
            errors["completed_on"] = (
                _("Give the day it was done.") if completed_on is None else exc.messages[0]
            )
        else:
            if completed_on < item.meeting.held_on:
                errors["completed_on"] = _("It cannot be done before the meeting that set it.")
    elif status == ActionItem.Status.DROPPED and not note:
        errors["note"] = _("Say why the action is dropped.")
    if due_on is not None and due_on < item.meeting.held_on:
        errors["due_on"] = _("The due date cannot be before the meeting.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = item.status
        item.status = status
        item.completed_on = completed_on if status == ActionItem.Status.DONE else None
        if note:
            item.note = note
        if due_on is not None:
            item.due_on = due_on
        item.updated_by = actor
        item.save()
        rules.audit(actor, item, request=request, status=[before, status], note=note)
    return item


def action_items(user, mission):
    return ActionItem.objects.filter(meeting__council__in=visible(user, mission)).select_related(
        "meeting__council", "owner_member", "owner_user"
    )
