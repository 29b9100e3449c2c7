"""Courses at community and municipal centres (CONVENTIONS.md: one write path): the course,
its learners, each session held (one group service with the learners present as
participants), closing by the attendance threshold, and certificates for those who completed.

Kinds, their catalogue services, default hours and the default threshold are data
(data/courses.json)."""

import json
import secrets
import uuid
from datetime import date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import access
from kopru.core.models import AuditEvent, Location, Project
from kopru.core.text import in_language
from kopru.registry.models import Person
from kopru.services import services as ledger
from kopru.services.models import Modality, ServiceType

from .models import Certificate, Course, Learner, Session
from .services import DATA, audit_it, ensure, ensure_place, not_future, rules

CENTRES = ("community_centre", "municipal_centre", "school")
LANGUAGES = ("tr", "ar", "fa", "en", "ru", "ku")


@cache
def _data():
    return json.loads((DATA / "courses.json").read_text(encoding="utf-8"))


def kinds():
    return {k["code"]: k for k in _data()["kinds"]}


def kind_label(code, language=None):
    kind = kinds().get(code)
    return in_language(kind["names"], language) if kind else code


def default_threshold():
    return _data()["completion_threshold"]


def visible_courses(user, mission):
    if not access.in_mission(user, mission):
        return Course.objects.none()
    return access.in_places(user, Course.objects.filter(mission=mission), mission, "centre__path")


def require_course(user, course):
    ensure_place(user, course.centre)


def may_open(user, course):
    try:
        require_course(user, course)
    except PermissionDenied:
        return False
    return True


def save_course(actor, course, *, request=None):
    """Create or change a course. Its hours and threshold default to the kind's."""
    ensure(actor, course.mission)
    errors = {}
    kind = kinds().get(course.kind)
    if kind is None:
        errors["kind"] = _("Choose the kind of course.")
    centre = course.centre if course.centre_id else None
    if (
        centre is None
        or centre.mission_id != course.mission_id
        or centre.level != Location.Level.SITE
        or centre.site_type not in CENTRES
    ):
        errors["centre"] = _("Choose a community or municipal centre.")
    elif not access.can_see_location(actor, centre):
        errors["centre"] = _("This place is outside your teams' places.")
    if not isinstance(course.starts_on, date) or not isinstance(course.ends_on, date):
        errors["starts_on"] = _("Give the first and the last day.")
    elif course.ends_on < course.starts_on:
        errors["ends_on"] = _("The course ends before it starts.")
    if not (course.trainer or "").strip():
        errors["trainer"] = _("Name the trainer.")
    if not course.capacity or course.capacity < 1:
        errors["capacity"] = _("Give how many learners the course takes.")
    elif course.pk and course.learners.count() > course.capacity:
        errors["capacity"] = _("More learners than this are enrolled.")
    if course.language not in LANGUAGES:
        errors["language"] = _("Choose the language of instruction.")
    if kind is not None and not course.hours:
        course.hours = kind["hours"]
    if course.threshold in (None, ""):
        course.threshold = default_threshold()
    if not 1 <= int(course.threshold) <= 100:
        errors["threshold"] = _("The threshold is a per cent from 1 to 100.")
    if not isinstance(course.project if course.project_id else None, Project) or (
        course.project.mission_id != course.mission_id
    ):
        errors["project"] = _("Choose a project of this mission.")
    if course.pk and course.status == Course.Status.CLOSED:
        errors["course"] = _("The course is closed.")
    if errors:
        raise ValidationError(errors)
    created = course.pk is None
    with transaction.atomic():
        course.created_by_id = course.created_by_id or actor.pk
        course.save()
        audit_it(
            actor,
            course,
            AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
            request,
            kind=course.kind,
            threshold=course.threshold,
        )
    return course


def _open(course):
    if course.status == Course.Status.CLOSED:
        raise ValidationError({"course": _("The course is closed.")})


def enrol(actor, course, person, *, uid=None, request=None):
    """A registered learner on the course; refused beyond its capacity."""
    require_course(actor, course)
    if uid and (existing := Learner.objects.filter(uid=uid).first()) is not None:
        if existing.course_id != course.pk:
            raise ValidationError({"uid": _("This identifier is already used.")})
        return existing
    _open(course)
    if not isinstance(person, Person) or person.mission_id != course.mission_id:
        raise ValidationError({"person": _("Choose a person registered in this mission.")})
    if person.merged_into_id:
        raise ValidationError(
            {
                "person": _("%(reference)s was merged; use %(survivor)s.")
                % {"reference": person.reference, "survivor": person.merged_into.reference}
            }
        )
    with transaction.atomic():
        Course.objects.select_for_update().get(pk=course.pk)
        if course.learners.filter(person=person).exists():
            raise ValidationError(
                {"person": _("%(person)s is already on the course.") % {"person": person}}
            )
        if course.learners.count() >= course.capacity:
            raise ValidationError(
                {
                    "person": _("The course is full: it takes %(n)s learners.")
                    % {"n": course.capacity}
                }
            )
        learner = Learner.objects.create(uid=uid or uuid.uuid4(), course=course, person=person)
        audit_it(actor, learner, AuditEvent.Action.CREATE, request, person=person.reference)
    return learner


def record_session(
    actor, course, *, day, start, minutes, topic="", present, uid=None, request=None
):
    """A session held: the learners present are the participants of one group service."""
    require_course(actor, course)
    if uid and (existing := Session.objects.filter(uid=uid).first()) is not None:
        if existing.course_id != course.pk:
            raise ValidationError({"uid": _("This identifier is already used.")})
        return existing
    _open(course)
    errors = {}
    try:
        not_future(day)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if "day" not in errors and not course.starts_on <= day <= course.ends_on:
        errors["day"] = _("The session must fall within the course's dates.")
    if not isinstance(start, time):
        errors["start"] = _("Give the start time.")
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        minutes = 0
    if not 15 <= minutes <= 480:
        errors["minutes"] = _("A session lasts 15 minutes to 8 hours.")
    learners = list(course.learners.filter(pk__in=[p.pk for p in present]).select_related("person"))
    if len(learners) != len({p.pk for p in present}):
        errors["present"] = _("Only the course's learners can be marked present.")
    elif not learners:
        errors["present"] = _("Mark the learners present: a session nobody attended is not held.")
    zone = ZoneInfo(course.mission.timezone or "UTC")
    at = (
        datetime.combine(day, start, tzinfo=zone)
        if "day" not in errors and "start" not in errors
        else None
    )
    if at is not None and at > timezone.now():
        errors["start"] = _("The session cannot start in the future.")
    if (
        "day" not in errors
        and "start" not in errors
        and course.sessions.filter(day=day, start=start).exists()
    ):
        errors["start"] = _("A session at this time is already recorded.")
    if errors:
        raise ValidationError(errors)
    service_type = ServiceType.objects.get(
        mission=course.mission, code=kinds()[course.kind]["service_type"]
    )
    with transaction.atomic():
        session_uid = uid or uuid.uuid4()
        event = ledger.record_service(
            actor,
            course.mission,
            uid=uuid.uuid5(session_uid, "session"),
            request=request,
            service_type=service_type,
            participants=[learner.person for learner in learners],
            at=at,
            location=course.centre,
            modality=Modality.CENTRE,
            projects=[(course.project, 100)],
            language=course.language,
            notes=(topic or "").strip()[:150],
        )
        session = Session.objects.create(
            uid=session_uid,
            course=course,
            day=day,
            start=start,
            minutes=minutes,
            topic=(topic or "").strip()[:150],
            event=event,
            recorded_by=actor,
        )
        session.present.set(learners)
        audit_it(actor, session, AuditEvent.Action.CREATE, request, present=len(learners))
    return session


def attendance(course):
    """{learner id: sessions attended} and the number of sessions held."""
    held = course.sessions.count()
    counts = {learner.pk: 0 for learner in course.learners.all()}
    for learner_id in Session.present.through.objects.filter(session__course=course).values_list(
        "learner_id", flat=True
    ):
        counts[learner_id] = counts.get(learner_id, 0) + 1
    return counts, held


def completes(attended, held, threshold):
    """Attended at least `threshold` per cent of the sessions held."""
    return held > 0 and attended * 100 >= threshold * held


def close_course(actor, course, *, request=None):
    """Each learner completed or not, by the share of sessions attended."""
    require_course(actor, course)
    _open(course)
    counts, held = attendance(course)
    if not held:
        raise ValidationError({"course": _("No session was recorded: nothing to close.")})
    with transaction.atomic():
        done = 0
        for learner in course.learners.all():
            learner.sessions_attended = counts.get(learner.pk, 0)
            learner.completed = completes(learner.sessions_attended, held, course.threshold)
            done += learner.completed
            learner.save(update_fields=["sessions_attended", "completed"])
        course.status, course.closed_at = Course.Status.CLOSED, timezone.now()
        course.save(update_fields=["status", "closed_at"])
        audit_it(actor, course, request=request, closed=True, sessions=held, completed=done)
    return course


# --- Certificates ---------------------------------------------------------------------------


def certificate_language(person, mission):
    """The person's first spoken language Kopru prints in; else the mission's."""
    table = rules()["certificate_languages"]
    for code in [*(person.languages or []), person.interpreter_language]:
        if code and code in table:
            return table[code]
    return mission.default_language or "en"


def _number(course):
    return f"EDU-{course.mission.code}-{course.pk:05d}-{secrets.token_hex(3).upper()}"


def issue_certificate(actor, learner, *, language=None, request=None):
    """Only for a learner who completed; one per learner (issuing again returns it)."""
    course = learner.course
    require_course(actor, course)
    learner.refresh_from_db()  # completion is decided at closing; read what was decided
    course.refresh_from_db()
    if hasattr(learner, "certificate"):
        return learner.certificate
    if course.status != Course.Status.CLOSED:
        raise ValidationError({"learner": _("Close the course before issuing certificates.")})
    if not learner.completed:
        raise ValidationError(
            {
                "learner": _("%(person)s did not complete the course: no certificate.")
                % {"person": learner.person}
            }
        )
    language = language or certificate_language(learner.person, course.mission)
    with transaction.atomic():
        certificate = Certificate.objects.create(
            learner=learner,
            number=_number(course),
            language=language,
            issued_at=timezone.now(),
            issued_by=actor,
        )
        audit_it(
            actor,
            certificate,
            AuditEvent.Action.CREATE,
            request,
            person=learner.person.reference,
            course=course.pk,
            language=language,
        )
    return certificate


def certificate_html(certificate):
    from django.template.loader import render_to_string
    from django.utils.translation import get_language_bidi, override

    learner = certificate.learner
    course = learner.course
    with override(certificate.language):
        return render_to_string(
            "education/certificate.html",
            {
                "certificate": certificate,
                "person": learner.person,
                "course": course,
                "kind": kind_label(course.kind, certificate.language),
                "lang": certificate.language,
                "rtl": get_language_bidi(),
            },
        )


def certificate_pdf(actor, certificate, *, request=None):
    """The PDF, drawn each time it is opened; the download is audited."""
    from weasyprint import HTML

    require_course(actor, certificate.learner.course)
    pdf = HTML(string=certificate_html(certificate)).write_pdf()
    audit_it(actor, certificate, AuditEvent.Action.EXPORT, request, number=certificate.number)
    return pdf
