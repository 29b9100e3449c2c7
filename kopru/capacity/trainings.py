"""Every write of the trainings for government agencies (CONVENTIONS.md: one write path),
and the arithmetic of their tests.

Rules (seed 004 and the project's target "government staff trained"):
- a participant belongs to an agency and can be reached (an email or a phone);
- a training has a place of the teams', dates in order, and a test's maximum score; a score
  is 0..max, and the maximum cannot fall below a score already given;
- a day held lies within the training's dates, not in the future, once per day, with the
  participants present (enrolled ones); it records one group service
  `migration_health_training` counting them by sex and age band."""

import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from kopru.core import access
from kopru.core.models import AuditEvent, Location, Project
from kopru.services import services as ledger
from kopru.services.models import Modality, ServiceType

from . import governance as rules
from .models import Agency, Enrolment, Participant, Training, TrainingDay
from .models.trainings import AdultBand, Sex

SERVICE = "migration_health_training"
LEVELS = (Location.Level.SITE, Location.Level.DISTRICT)


# --- Agencies -------------------------------------------------------------------------------


def load_agencies(mission):
    """The data file's agencies of the mission, added once (idempotent)."""
    entries = [a for a in rules.data("agencies")["agencies"] if a["mission"] == mission.code]
    have = dict(Agency.objects.filter(mission=mission).values_list("code", "pk"))
    for entry in entries:
        if entry["code"] not in have:
            agency = Agency.objects.create(
                mission=mission,
                code=entry["code"],
                names=entry["names"],
                parent_id=have.get(entry.get("parent")),
            )
            have[agency.code] = agency.pk
    return Agency.objects.filter(mission=mission, active=True)


def add_agency(actor, mission, *, code, name_en, name_ru="", parent=None, request=None):
    rules.ensure(actor, mission)
    errors = {}
    code = (code or "").strip().upper()
    if not code:
        errors["code"] = _("Give the agency a short code.")
    elif Agency.objects.filter(mission=mission, code=code).exists():
        errors["code"] = _("Another agency has this code.")
    if not (name_en or "").strip():
        errors["name_en"] = _("Give the agency's name in English.")
    if parent is not None and parent.mission_id != mission.pk:
        errors["parent"] = _("Choose an agency of this mission.")
    if errors:
        raise ValidationError(errors)
    names = {"en": name_en.strip()[:200]}
    if (name_ru or "").strip():
        names["ru"] = name_ru.strip()[:200]
    with transaction.atomic():
        agency = Agency.objects.create(mission=mission, code=code, names=names, parent=parent)
        rules.audit(actor, agency, AuditEvent.Action.CREATE, request, code=code)
    return agency


# --- Participants ---------------------------------------------------------------------------


def _phone(value, mission):
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, mission.country or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError({"phone": _("This is not a valid phone number.")})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def save_participant(actor, participant, *, request=None):
    """Create or change a participant. A new one sent again with its uid is stored once."""
    mission = participant.mission
    rules.ensure(actor, mission)
    if participant.pk is None and (
        existing := ledger.sent_before(Participant, participant.uid, mission=mission)
    ):
        return existing
    errors = {}
    participant.name = " ".join((participant.name or "").split())[:150]
    if not participant.name:
        errors["name"] = _("Give the participant's name.")
    agency = participant.agency if participant.agency_id else None
    if agency is None or agency.mission_id != mission.pk:
        errors["agency"] = _("Choose the participant's agency.")
    if participant.sex not in Sex.values:
        errors["sex"] = _("Choose the participant's sex.")
    if participant.age_band not in AdultBand.values:
        errors["age_band"] = _("Choose the participant's age band.")
    participant.email = (participant.email or "").strip().lower()
    if participant.email:
        try:
            validate_email(participant.email)
        except ValidationError:
            errors["email"] = _("This is not a valid email address.")
    try:
        participant.phone = _phone(participant.phone, mission)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not participant.email and not participant.phone and "phone" not in errors:
        errors["email"] = _("Give an email address or a phone number.")
    participant.position = (participant.position or "").strip()[:150]
    if errors:
        raise ValidationError(errors)
    created = participant.pk is None
    with transaction.atomic():
        participant.created_by_id = participant.created_by_id or actor.pk
        participant.save()
        rules.audit(
            actor,
            participant,
            AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
            request,
            agency=participant.agency.code,
        )
    return participant


# --- Trainings ------------------------------------------------------------------------------


def save_training(actor, training, *, request=None):
    """Create or change a training. A new one sent again with its uid is stored once."""
    mission = training.mission
    rules.ensure(actor, mission)
    if training.pk is None and (
        existing := ledger.sent_before(Training, training.uid, mission=mission)
    ):
        return existing
    if training.pk:
        rules.ensure_place(actor, Training.objects.get(pk=training.pk).location)
    errors = {}
    training.title = " ".join((training.title or "").split())[:200]
    if not training.title:
        errors["title"] = _("Give the training a title.")
    if training.topic not in rules.codes("training_topics", "topics"):
        errors["topic"] = _("Choose the training's topic.")
    if training.starts_on is None or training.ends_on is None:
        errors["starts_on"] = _("Give the first and the last day.")
    elif training.ends_on < training.starts_on:
        errors["ends_on"] = _("The last day cannot be before the first.")
    problem = rules.place_error(
        actor, mission, training.location if training.location_id else None, levels=LEVELS
    )
    if problem:
        errors["location"] = problem
    if not isinstance(training.max_score, int) or not 1 <= training.max_score <= 1000:
        errors["max_score"] = _("The test's maximum score is a whole number from 1 to 1000.")
    elif training.pk:
        top = max(
            (
                s
                for pair in training.enrolments.values_list("pre_score", "post_score")
                for s in pair
                if s is not None
            ),
            default=0,
        )
        if top > training.max_score:
            errors["max_score"] = _(
                "A score of %(score)s is already given: the maximum cannot be lower."
            ) % {"score": _number(top)}
        days = training.days.values_list("day", flat=True)
        if (
            training.starts_on
            and training.ends_on
            and days
            and (min(days) < training.starts_on or max(days) > training.ends_on)
        ):
            errors["starts_on"] = _("Days already held fall outside these dates.")
    project = training.project if training.project_id else None
    if project is not None and (
        not isinstance(project, Project) or project.mission_id != mission.pk
    ):
        errors["project"] = _("Choose a project of this mission.")
    training.venue = (training.venue or "").strip()[:200]
    training.trainers = (training.trainers or "").strip()[:300]
    if errors:
        raise ValidationError(errors)
    created = training.pk is None
    with transaction.atomic():
        training.created_by_id = training.created_by_id or actor.pk
        training.save()
        rules.audit(
            actor,
            training,
            AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
            request,
            title=training.title,
            max_score=training.max_score,
        )
    return training


def _ensure_training(actor, training):
    rules.ensure(actor, training.mission)
    rules.ensure_place(actor, training.location)


def enrol(actor, training, participants, *, request=None):
    """Put participants on the training; those already on it stay as they are."""
    _ensure_training(actor, training)
    participants = list(participants)
    if not participants:
        raise ValidationError({"participants": _("Choose at least one participant.")})
    if any(p.mission_id != training.mission_id for p in participants):
        raise ValidationError({"participants": _("Choose participants of this mission.")})
    have = set(training.enrolments.values_list("participant_id", flat=True))
    new = [p for p in participants if p.pk not in have]
    with transaction.atomic():
        Enrolment.objects.bulk_create(Enrolment(training=training, participant=p) for p in new)
        rules.audit(actor, training, request=request, enrolled=[p.pk for p in new])
    return len(new)


def _number(value):
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)


def parse_score(value, maximum):
    """A score typed or sent: None when left empty; 0..maximum, one decimal at most."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        score = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError(_("Give the score as a number.")) from None
    if not score.is_finite() or score != score.quantize(Decimal("0.1")):
        raise ValidationError(_("Give the score as a number with one decimal at most."))
    if score < 0 or score > maximum:
        raise ValidationError(
            _("A score is from 0 to the test's maximum, %(max)s.") % {"max": maximum}
        )
    return score.quantize(Decimal("0.1"))


def record_scores(actor, training, scores, *, request=None):
    """Pre- and post-test scores: {participant pk: (pre, post)}; all or nothing, each refused
    score named by its participant."""
    _ensure_training(actor, training)
    enrolments = {e.participant_id: e for e in training.enrolments.select_related("participant")}
    errors, changed = {}, []
    for pk, (pre, post) in scores.items():
        enrolment = enrolments.get(pk)
        if enrolment is None:
            errors.setdefault("scores", []).append(_("A participant is not on this training."))
            continue
        values = []
        for field, value in (("pre", pre), ("post", post)):
            try:
                values.append(parse_score(value, training.max_score))
            except ValidationError as exc:
                errors[f"{field}_{pk}"] = _("%(name)s: %(problem)s") % {
                    "name": enrolment.participant.name,
                    "problem": exc.messages[0],
                }
        if len(values) == 2 and (enrolment.pre_score, enrolment.post_score) != tuple(values):
            enrolment.pre_score, enrolment.post_score = values
            changed.append(enrolment)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Enrolment.objects.bulk_update(changed, ["pre_score", "post_score"])
        rules.audit(actor, training, request=request, scores=len(changed))
    return len(changed)


def headcounts(participants):
    """The service's headcount: the participants present by sex and age band."""
    cells = {}
    for p in participants:
        key = (p.sex, p.age_band)
        cells[key] = cells.get(key, 0) + 1
    return [
        {"sex": sex, "age_band": band, "disability": False, "count": n}
        for (sex, band), n in sorted(cells.items())
    ]


def _team(actor, mission, location):
    """The actor's team working at the place, for the service's record."""
    for team in actor.teams.filter(mission=mission, active=True).prefetch_related("locations"):
        if any(location.path.startswith(p.path) for p in team.locations.all()):
            return team
    return None


def record_day(actor, training, *, day, present, uid=None, request=None):
    """A day held with the participants present: one group service counting them. Sent
    again with its uid, it is stored once."""
    _ensure_training(actor, training)
    if uid and (existing := TrainingDay.objects.filter(uid=uid).first()) is not None:
        if existing.training_id != training.pk:
            raise ValidationError({"uid": _("This identifier is already used.")})
        return existing
    mission = training.mission
    errors = {}
    try:
        rules.past_day(day, "day", mission)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    else:
        if not training.starts_on <= day <= training.ends_on:
            errors["day"] = _("The day is not within the training's dates.")
        elif training.days.filter(day=day).exists():
            errors["day"] = _("This day is already recorded.")
    present = list(dict.fromkeys(present or []))
    enrolled = set(training.enrolments.values_list("participant_id", flat=True))
    if not present:
        errors["present"] = _("Mark who was present.")
    elif any(p.pk not in enrolled for p in present):
        errors["present"] = _("Only participants on the training can be present.")
    service_type = ServiceType.objects.filter(mission=mission, code=SERVICE, active=True).first()
    if service_type is None:
        errors["day"] = _("This mission's catalogue does not offer migration health training.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        held = TrainingDay.objects.create(
            uid=uid or uuid.uuid4(), training=training, day=day, recorded_by=actor
        )
        held.present.set(present)
        held.event = ledger.record_service(
            actor,
            mission,
            uid=uuid.uuid5(held.uid, "service"),
            request=request,
            service_type=service_type,
            headcounts=headcounts(present),
            at=rules.moment_of(day, mission),
            location=training.location,
            team=_team(actor, mission, training.location),
            staff=actor,
            modality=Modality.CENTRE,
            projects=[(training.project, 100)] if training.project_id else [],
            language=training.language,
            notes=training.title,
        )
        held.save(update_fields=["event"])
        rules.audit(actor, held, AuditEvent.Action.CREATE, request, present=len(present))
    return held


# --- Reading --------------------------------------------------------------------------------


def visible(user, mission, queryset=None):
    """The trainings of the user's places."""
    queryset = Training.objects.all() if queryset is None else queryset
    return rules.in_places(user, queryset.filter(mission=mission), mission, "location__path")


def visible_participants(user, mission):
    """Participants of trainings in the user's places, and those on no training yet."""
    found = Participant.objects.filter(mission=mission)
    if not access.in_mission(user, mission):
        return found.none()
    prefixes = access.location_prefixes(user, mission)
    if prefixes is None:
        return found
    seen = visible(user, mission).values("pk")
    chosen = Participant.objects.filter(
        Q(enrolments__training__in=seen) | Q(enrolments__isnull=True), mission=mission
    )
    return found.filter(pk__in=chosen.values("pk"))


@dataclass
class Results:
    """A training's (or many trainings') test figures; None where no pair of tests exists."""

    tested: int  # participants with both tests
    mean_pre: Decimal | None
    mean_post: Decimal | None
    mean_gain: Decimal | None  # points
    mean_pre_pct: Decimal | None  # of the maximum
    mean_post_pct: Decimal | None
    mean_gain_pct: Decimal | None
    improved: int
    improved_pct: Decimal | None


def summarise(rows):
    """rows: (pre, post, maximum) of participants with both tests. Percentages are taken of
    each training's maximum, so trainings with different tests can be pooled."""
    rows = [(Decimal(pre), Decimal(post), Decimal(top)) for pre, post, top in rows]
    n = len(rows)
    if not n:
        return Results(0, None, None, None, None, None, None, 0, None)
    point, pct = Decimal("0.1"), Decimal("1")

    def mean(values, q):
        return (sum(values, Decimal(0)) / n).quantize(q)

    improved = sum(1 for pre, post, _top in rows if post > pre)
    return Results(
        tested=n,
        mean_pre=mean([pre for pre, _post, _top in rows], point),
        mean_post=mean([post for _pre, post, _top in rows], point),
        mean_gain=mean([post - pre for pre, post, _top in rows], point),
        mean_pre_pct=mean([100 * pre / top for pre, _post, top in rows], pct),
        mean_post_pct=mean([100 * post / top for _pre, post, top in rows], pct),
        mean_gain_pct=mean([100 * (post - pre) / top for pre, post, top in rows], pct),
        improved=improved,
        improved_pct=(Decimal(100 * improved) / n).quantize(pct),
    )


def results(trainings):
    """The pooled test figures of these trainings (a queryset)."""
    rows = Enrolment.objects.filter(
        training__in=trainings, pre_score__isnull=False, post_score__isnull=False
    ).values_list("pre_score", "post_score", "training__max_score")
    return summarise(rows)
