"""Every write of the psychosocial teams (CONVENTIONS.md: one write path): the week plan,
activities (each a ServiceEvent through services.record_service), structured programmes and
their sessions, outcome measures and the safety alerts they raise, and feedback."""

import uuid
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from kopru.core import access, audit, messaging
from kopru.core.models import AuditEvent, Location, Sensitivity, Team
from kopru.services import services as ledger
from kopru.services.models import Modality, ServiceType

from . import catalogue, measures
from .models import (
    Activity,
    Enrolment,
    Feedback,
    MeasureRecord,
    PlanItem,
    Programme,
    ProgrammeSession,
    SafetyAlert,
)


def _ensure_team(actor, team, capability="mhpss.record"):
    access.require(actor, capability)
    if not access.in_mission(actor, team.mission):
        raise PermissionDenied(_("You do not work in this mission."))
    if not (
        access.has(actor, "mhpss.supervise")
        or team.members.filter(pk=actor.pk).exists()
        or team.supervisor_id == actor.pk
    ):
        raise PermissionDenied(_("You are not a member of this team."))


def team_for(actor, mission, location=None):
    """The actor's team in this mission (the one working at `location` when several do)."""
    teams = Team.objects.filter(mission=mission, active=True).filter(members=actor)
    if location is not None and teams.count() > 1:
        here = [t for t in teams.prefetch_related("locations") if _covers(t, location)]
        if here:
            return here[0]
    return teams.first()


def _covers(team, location):
    paths = [loc.path for loc in team.locations.all()]
    if team.base_id:
        paths.append(team.base.path)
    return any(location.path.startswith(p) for p in paths)


# --- The week plan --------------------------------------------------------------------------


def plan_activity(actor, team, *, day, location, kind, topic="", notes="", request=None):
    _ensure_team(actor, team)
    errors = {}
    if kind not in catalogue.kinds():
        errors["kind"] = _("Choose the kind of activity.")
    if topic and topic not in catalogue.topics():
        errors["topic"] = _("Choose a topic from the list.")
    if not isinstance(location, Location) or location.mission_id != team.mission_id:
        errors["location"] = _("Choose a place in this mission.")
    elif not _covers(team, location):
        errors["location"] = _("The team does not work in this place.")
    if day is None:
        errors["day"] = _("Give the day.")
    elif day < timezone.localdate() - timedelta(days=7):
        errors["day"] = _("A plan is for the days ahead; record what was done instead.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = PlanItem.objects.create(
            team=team,
            day=day,
            location=location,
            kind=kind,
            topic=topic,
            notes=(notes or "").strip()[:250],
            planned_by=actor,
        )
        audit.record(
            actor, AuditEvent.Action.CREATE, item, request=request, mission=team.mission_id
        )
    return item


def cancel_plan_item(actor, item, *, request=None):
    _ensure_team(actor, item.team)
    if item.done.exists():
        raise ValidationError({"item": _("This activity was done; it cannot be cancelled.")})
    with transaction.atomic():
        item.cancelled = True
        item.save(update_fields=["cancelled"])
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            item,
            request=request,
            mission=item.team.mission_id,
            details={"cancelled": True},
        )
    return item


# --- Activities -----------------------------------------------------------------------------


def record_activity(
    actor,
    team,
    *,
    kind,
    at,
    location,
    layer=None,
    topic="",
    activity="",
    occasion="",
    findings="",
    person=None,
    participants=(),
    headcounts=(),
    headcount_total=None,
    session=None,
    plan_item=None,
    modality=Modality.MOBILE,
    language="",
    interpreter="",
    notes="",
    projects=(),
    uid=None,
    request=None,
):
    """Record one activity of a team: its ServiceEvent and its psychosocial detail. Sending
    the same `uid` again stores nothing and returns the first record."""
    _ensure_team(actor, team)
    mission = team.mission
    if uid and (existing := Activity.objects.filter(event__uid=uid).first()) is not None:
        if existing.mission_id != mission.pk:
            raise ValidationError({"uid": _("This identifier is already used.")})
        return existing
    spec = catalogue.kinds().get(kind)
    errors = {}
    service_type = None
    if spec is None:
        errors["kind"] = _("Choose the kind of activity.")
    else:
        service_type = ServiceType.objects.filter(
            mission=mission, code=spec["service_type"], active=True
        ).first()
        if service_type is None:
            errors["kind"] = _("This mission's catalogue does not offer this activity.")
        needs = spec.get("needs")
        if needs == "topic" and topic not in catalogue.topics():
            errors["topic"] = _("Choose the topic of the awareness session.")
        if needs == "activity" and activity not in catalogue.activities():
            errors["activity"] = _("Choose the activity.")
        if needs == "occasion" and occasion not in catalogue.occasions():
            errors["occasion"] = _("Choose the occasion.")
        if needs == "findings" and not (findings or "").strip():
            errors["findings"] = _("Write the discussion's main findings.")
        if spec["subject"] == "person" and person is None:
            errors["person"] = _("An individual session is with one registered person.")
        if spec["subject"] == "group" and person is not None:
            errors["person"] = _("A group activity lists participants or a headcount.")
    if topic and topic not in catalogue.topics():
        errors["topic"] = _("Choose a topic from the list.")
    layer = layer or (spec or {}).get("layer")
    if layer not in catalogue.layers():
        errors["layer"] = _("Choose the layer of the IASC pyramid.")
    if session is not None and session.programme.team_id != team.pk:
        errors["session"] = _("This session belongs to another team's programme.")
    if plan_item is not None and plan_item.team_id != team.pk:
        errors["plan_item"] = _("This planned activity is another team's.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        event = ledger.record_service(
            actor,
            mission,
            uid=uid,
            request=request,
            service_type=service_type,
            person=person,
            participants=list(participants),
            headcounts=list(headcounts),
            headcount_total=headcount_total,
            at=at,
            location=location,
            team=team,
            staff=actor,
            modality=modality,
            language=language,
            interpreter=interpreter,
            notes=notes,
            projects=list(projects),
        )
        return Activity.objects.create(
            event=event,
            mission=mission,
            team=team,
            kind=kind,
            layer=layer,
            topic=topic or "",
            activity=activity or "",
            occasion=occasion or "",
            findings=(findings or "").strip(),
            session=session,
            plan_item=plan_item,
        )


# --- Structured programmes ------------------------------------------------------------------


def create_programme(
    actor,
    team,
    *,
    name,
    location,
    starts_on,
    sessions=None,
    curriculum="",
    kind="group_focused",
    threshold=None,
    participants=(),
    uid=None,
    request=None,
):
    _ensure_team(actor, team)
    if (existing := ledger.sent_before(Programme, uid, team=team)) is not None:
        return existing
    errors = {}
    spec = catalogue.curricula().get(curriculum) if curriculum else None
    if curriculum and spec is None:
        errors["curriculum"] = _("Choose a curriculum from the list.")
    if spec:
        kind = spec["kind"]
        sessions = sessions or spec["sessions"]
    if not (name or "").strip() and not spec:
        # A curriculum's programme may go unnamed: it shows the curriculum's name, in
        # each reader's language.
        errors["name"] = _("Name the programme.")
    if catalogue.kinds().get(kind, {}).get("subject") != "group":
        errors["kind"] = _("A structured programme is a group activity.")
    if not isinstance(sessions, int) or not 1 <= sessions <= 60:
        errors["sessions"] = _("A programme has 1 to 60 sessions.")
    threshold = catalogue.completion_threshold() if threshold in (None, "") else threshold
    if not isinstance(threshold, int) or not 1 <= threshold <= 100:
        errors["threshold"] = _("The attendance needed is a percentage from 1 to 100.")
    if not isinstance(location, Location) or location.mission_id != team.mission_id:
        errors["location"] = _("Choose a place in this mission.")
    if starts_on is None:
        errors["starts_on"] = _("Give the first day.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        programme = Programme.objects.create(
            uid=uid or uuid.uuid4(),
            mission=team.mission,
            team=team,
            name=(name or "").strip()[:150],
            curriculum=curriculum or "",
            kind=kind,
            sessions=sessions,
            threshold=threshold,
            location=location,
            starts_on=starts_on,
            created_by=actor,
        )
        audit.record(actor, AuditEvent.Action.CREATE, programme, request=request)
        if participants:
            _enrol(actor, programme, participants, request)
    return programme


def enrol(actor, programme, people, *, request=None):
    _ensure_team(actor, programme.team)
    with transaction.atomic():
        return _enrol(actor, programme, people, request)


def _enrol(actor, programme, people, request):
    added = 0
    for person in people:
        if person.mission_id != programme.mission_id:
            raise ValidationError(
                {
                    "participants": _("%(reference)s is not registered in this mission.")
                    % {"reference": person.reference}
                }
            )
        _obj, created = Enrolment.objects.get_or_create(programme=programme, person=person)
        added += created
    if added:
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            programme,
            request=request,
            details={"enrolled": added},
        )
    return added


def record_programme_session(
    actor, programme, *, number, at, present, headcounts=(), uid=None, request=None, **extra
):
    """Session `number` of a programme and who attended it. Attendance is taken from the
    enrolled: someone not enrolled is enrolled first, so the register stays whole."""
    _ensure_team(actor, programme.team)
    if uid and (existing := Activity.objects.filter(event__uid=uid).first()) is not None:
        if existing.session is None or existing.session.programme_id != programme.pk:
            raise ValidationError({"uid": _("This identifier is already used.")})
        return existing
    if not isinstance(number, int) or not 1 <= number <= programme.sessions:
        raise ValidationError(
            {"number": _("This programme has sessions 1 to %(n)s.") % {"n": programme.sessions}}
        )
    if ProgrammeSession.objects.filter(programme=programme, number=number).exists():
        raise ValidationError({"number": _("Session %(n)s is already recorded.") % {"n": number}})
    if not present and not headcounts:
        raise ValidationError({"participants": _("Mark who attended.")})
    with transaction.atomic():
        _enrol(actor, programme, present, request)
        session = ProgrammeSession.objects.create(programme=programme, number=number)
        return record_activity(
            actor,
            programme.team,
            kind=programme.kind,
            at=at,
            location=extra.pop("location", programme.location),
            participants=present,
            headcounts=headcounts,
            session=session,
            uid=uid,
            request=request,
            **extra,
        )


# --- Outcome measures and safety alerts -----------------------------------------------------


def _ensure_measures(actor, person, capability="mhpss.measure"):
    access.require(actor, capability)
    if not access.in_mission(actor, person.mission):
        raise PermissionDenied(_("You do not work in this mission."))
    if not access.can_see_category(actor, Sensitivity.MENTAL_HEALTH):
        raise PermissionDenied(_("Your role does not see mental-health records."))
    if not access.can_see_location(actor, person.location):
        raise PermissionDenied(_("This person is outside your teams' locations."))


def record_measure(
    actor,
    person,
    *,
    instrument,
    answers,
    language,
    phase,
    at,
    location,
    team=None,
    programme=None,
    uid=None,
    request=None,
):
    """Score a questionnaire and keep it. An answer that needs action the same day raises a
    SafetyAlert to the team's supervisor in the same transaction, with a message to their
    phone that names no one."""
    _ensure_measures(actor, person)
    if (existing := ledger.sent_before(MeasureRecord, uid, person=person)) is not None:
        return existing
    errors = {}
    if phase not in MeasureRecord.Phase.values:
        errors["phase"] = _("Say whether this is before, during or after the support.")
    if at is None:
        errors["at"] = _("Give the date.")
    elif at > timezone.now() + ledger.CLOCK_SKEW:
        errors["at"] = _("The date is in the future.")
    if not isinstance(location, Location) or location.mission_id != person.mission_id:
        errors["location"] = _("Choose a place in this mission.")
    if programme is not None and programme.mission_id != person.mission_id:
        errors["programme"] = _("Choose a programme of this mission.")
    try:
        result = measures.score(instrument, answers or {}, language)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        result = None
    if errors:
        raise ValidationError(errors)
    team = team or team_for(actor, person.mission, location)
    with transaction.atomic():
        record = MeasureRecord.objects.create(
            uid=uid or uuid.uuid4(),
            mission=person.mission,
            person=person,
            instrument=instrument,
            language=(language or "en")[:8],
            phase=phase,
            programme=programme,
            answers={str(k): int(v) for k, v in answers.items()},
            total=result.total,
            band=result.band,
            at=at,
            location=location,
            team=team,
            recorded_by=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            record,
            request=request,
            category=Sensitivity.MENTAL_HEALTH,
            mission=person.mission_id,
            details={"instrument": instrument, "total": result.total, "alerts": len(result.alerts)},
        )
        for alert in result.alerts:
            _raise_alert(actor, record, alert, team, request)
    return record


def supervisor_of(team, actor):
    """Who answers for this team's alerts: its supervisor, else no one named (the mission's
    supervisors see unassigned alerts in their queue)."""
    if team is not None and team.supervisor_id and team.supervisor_id != actor.pk:
        return team.supervisor
    return None


def _raise_alert(actor, record, alert, team, request):
    supervisor = supervisor_of(team, actor)
    raised = SafetyAlert.objects.create(
        measure=record,
        mission=record.mission,
        person=record.person,
        code=alert["code"],
        counsellor=actor,
        supervisor=supervisor,
    )
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        raised,
        request=request,
        category=Sensitivity.MENTAL_HEALTH,
        mission=record.mission_id,
        details={"code": alert["code"], "supervisor": supervisor.pk if supervisor else None},
    )
    if supervisor is not None and supervisor.phone:
        language = supervisor.language or record.mission.default_language
        with override(language):
            body = _(
                "Kopru: a safety alert from %(counsellor)s needs your review today. Open "
                "Kopru to see it."
            ) % {"counsellor": actor.get_full_name() or actor.username}
        messaging.queue(
            record.mission,
            to=supervisor.phone,
            body=body,
            language=language,
            purpose="safety_alert",
            obj=raised,
        )
    return raised


def may_handle_alert(user, alert) -> bool:
    """The counsellor who raised it, its supervisor, and anyone who supervises MHPSS here."""
    if not access.can_see_category(user, Sensitivity.MENTAL_HEALTH):
        return False
    if not access.in_mission(user, alert.mission):
        return False
    if user.pk in (alert.counsellor_id, alert.supervisor_id):
        return True
    return access.has(user, "mhpss.supervise") and access.can_see_location(
        user, alert.person.location
    )


def record_alert_action(actor, alert, *, action, notes, request=None):
    """What was done about an alert. Required before it closes; written once."""
    if not may_handle_alert(actor, alert):
        raise PermissionDenied(_("This alert is not yours to handle."))
    errors = {}
    if alert.action_at:
        errors["action"] = _("The action on this alert is already recorded.")
    if action not in SafetyAlert.Action.values:
        errors["action"] = _("Choose what was done.")
    if not (notes or "").strip():
        errors["action_notes"] = _("Describe what was done and what follows.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        alert.action = action
        alert.action_notes = notes.strip()
        alert.action_at = timezone.now()
        alert.action_by = actor
        alert.save(update_fields=["action", "action_notes", "action_at", "action_by"])
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            alert,
            request=request,
            category=Sensitivity.MENTAL_HEALTH,
            details={"action": action},
        )
    return alert


def view_alert(actor, alert, *, request=None):
    """The alert's page names the person and the score: a mental-health read, audited."""
    if not may_handle_alert(actor, alert):
        raise PermissionDenied(_("This alert is not yours to handle."))
    audit.record(
        actor,
        AuditEvent.Action.VIEW,
        alert,
        request=request,
        category=Sensitivity.MENTAL_HEALTH,
        mission=alert.mission_id,
    )


def review_alert(actor, alert, *, notes="", request=None):
    """The supervisor has looked at the alert (and, once recorded, at the action)."""
    access.require(actor, "mhpss.supervise")
    if not may_handle_alert(actor, alert):
        raise PermissionDenied(_("This alert is not yours to handle."))
    if actor.pk == alert.counsellor_id:
        raise ValidationError({"review_notes": _("Someone other than the counsellor reviews.")})
    with transaction.atomic():
        now = timezone.now()
        alert.seen_at = alert.seen_at or now
        fields = ["seen_at"]
        if (notes or "").strip():
            alert.review_notes = notes.strip()
            alert.reviewed_at, alert.reviewed_by = now, actor
            fields += ["review_notes", "reviewed_at", "reviewed_by"]
        alert.save(update_fields=fields)
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            alert,
            request=request,
            category=Sensitivity.MENTAL_HEALTH,
            details={"reviewed": bool(notes)},
        )
    return alert


def view_measures(actor, person, *, request=None):
    """A person's scored questionnaires, with the audit entry a mental-health read needs."""
    _ensure_measures(actor, person)
    audit.record(
        actor,
        AuditEvent.Action.VIEW,
        person,
        request=request,
        category=Sensitivity.MENTAL_HEALTH,
        object_repr=person.reference,
        details={"what": "outcome measures"},
    )
    return list(person.measures.select_related("programme", "recorded_by").order_by("at"))


# --- Feedback -------------------------------------------------------------------------------


def _rating(value, field, errors):
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 5:
        errors[field] = _("Choose an answer from 1 to 5.")
        return None
    return number


def record_feedback(
    actor,
    activity,
    *,
    satisfied=None,
    useful=None,
    safe=None,
    recommend=None,
    comment="",
    language="",
    uid=None,
    request=None,
):
    """One participant's anonymous answers after an activity."""
    _ensure_team(actor, activity.team)
    if activity.event.subject != "group":
        # Feedback is anonymous; after a one-to-one session it would name the person.
        raise ValidationError({"satisfied": _("Feedback is collected after group activities.")})
    if uid and (existing := Feedback.objects.filter(uid=uid).first()) is not None:
        if existing.activity_id != activity.pk:
            raise ValidationError({"uid": _("This identifier is already used.")})
        return existing
    errors = {}
    satisfied = _rating(satisfied, "satisfied", errors)
    useful = _rating(useful, "useful", errors)
    comment = (comment or "").strip()
    if (
        not errors
        and satisfied is None
        and useful is None
        and safe is None
        and recommend is None
        and not comment
    ):
        errors["satisfied"] = _("The form is empty: record at least one answer.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        feedback = Feedback.objects.create(
            uid=uid or uuid.uuid4(),
            activity=activity,
            satisfied=satisfied,
            useful=useful,
            safe=safe,
            recommend=recommend,
            comment=comment[:2000],
            language=(language or "")[:8],
            recorded_by=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            feedback,
            request=request,
            mission=activity.mission_id,
        )
    return feedback
