"""What the psychosocial mobile teams record beyond the ledger: the detail of an activity (its
kind, IASC layer, topic), a team's week plan, structured programmes and who completed them,
outcome measures with the safety alerts they raise, and participants' anonymous feedback.

Every activity is a ServiceEvent (services.ledger); reporting reads only the ledger."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopru.core.models import Location, Mission, Sensitivity, Team
from kopru.registry.models import Person
from kopru.services.models import ServiceEvent


class Activity(models.Model):
    """The psychosocial detail of one ServiceEvent. Kinds, topics, activities and occasions
    are codes from data/activities.json."""

    event = models.OneToOneField(ServiceEvent, on_delete=models.PROTECT, related_name="mhpss")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="mhpss_activities")
    kind = models.CharField(_("kind"), max_length=30)
    layer = models.PositiveSmallIntegerField(_("IASC layer"))
    topic = models.CharField(_("topic"), max_length=40, blank=True)
    activity = models.CharField(_("activity"), max_length=40, blank=True)
    occasion = models.CharField(_("occasion"), max_length=40, blank=True)
    findings = models.TextField(_("notes and findings"), blank=True)
    session = models.OneToOneField(
        "ProgrammeSession",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activity",
    )
    plan_item = models.ForeignKey(
        "PlanItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="done"
    )

    class Meta:
        verbose_name = _("psychosocial activity")
        indexes = [models.Index(fields=["mission", "team", "kind"])]

    def __str__(self):
        return f"{self.kind} {self.event_id}"


class PlanItem(models.Model):
    """One line of a team's plan for a week: where it will be, what it will do."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="plan_items")
    day = models.DateField(_("day"), db_index=True)
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    kind = models.CharField(_("kind"), max_length=30)
    topic = models.CharField(_("topic"), max_length=40, blank=True)
    notes = models.CharField(_("notes"), max_length=250, blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        ordering = ["day", "pk"]
        verbose_name = _("planned activity")

    def __str__(self):
        return f"{self.team}: {self.day} {self.kind}"


class Programme(models.Model):
    """A structured group run over N sessions (a curriculum); a participant completes it by
    attending at least `threshold` per cent of the sessions."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="programmes")
    name = models.CharField(_("name"), max_length=150)
    curriculum = models.CharField(_("curriculum"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=30)
    sessions = models.PositiveSmallIntegerField(_("number of sessions"))
    threshold = models.PositiveSmallIntegerField(_("attendance needed to complete (%)"))
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    starts_on = models.DateField(_("starts on"))
    participants = models.ManyToManyField(
        Person, through="Enrolment", related_name="mhpss_programmes"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("structured programme")

    def __str__(self):
        from . import catalogue

        return self.name or catalogue.label("curricula", self.curriculum)


class Enrolment(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="enrolments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "person"], name="enrolment_once")
        ]

    def __str__(self):
        return f"{self.programme_id}: {self.person_id}"


class ProgrammeSession(models.Model):
    """Session `number` of a programme; attendance is the participants of its activity."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="runs")
    number = models.PositiveSmallIntegerField(_("session"))

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="programme_session_once")
        ]

    def __str__(self):
        return f"{self.programme}: {self.number}"


class MeasureRecord(models.Model):
    """One completed questionnaire, scored by measures.score from the answers kept here."""

    class Phase(models.TextChoices):
        PRE = "pre", _("Before (baseline)")
        DURING = "during", _("During")
        POST = "post", _("After (endline)")

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="measures")
    instrument = models.CharField(_("measure"), max_length=10)
    language = models.CharField(_("language asked in"), max_length=8)
    phase = models.CharField(_("when"), max_length=8, choices=Phase.choices)
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.SET_NULL, related_name="measures"
    )
    answers = models.JSONField()
    total = models.PositiveSmallIntegerField(_("score"))
    band = models.CharField(_("band"), max_length=30)
    at = models.DateTimeField(_("date"))
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    category = models.CharField(
        max_length=20, choices=Sensitivity.choices, default=Sensitivity.MENTAL_HEALTH
    )

    class Meta:
        ordering = ["-at"]
        verbose_name = _("outcome measure")
        indexes = [models.Index(fields=["person", "instrument", "at"])]

    def __str__(self):
        return f"{self.instrument} {self.at:%Y-%m-%d}"


class SafetyAlert(models.Model):
    """An answer that needs someone to act the same day (PHQ-9 item 9 above 0). It goes to
    the team's supervisor at once and stays open until the counsellor records the action."""

    class Action(models.TextChoices):
        SAFETY_PLAN = "safety_plan", _("Risk assessed with the person; safety plan made")
        REFERRED = "referred", _("Referred to specialised mental health care today")
        EMERGENCY = "emergency", _("Emergency services called (112)")
        ACCOMPANIED = "accompanied", _("Accompanied to a hospital")
        NO_CURRENT_RISK = "no_current_risk", _("Assessed: no current risk; follow-up booked")
        UNREACHABLE = "unreachable", _("Could not reach the person; supervisor informed")

    measure = models.ForeignKey(MeasureRecord, on_delete=models.PROTECT, related_name="alerts")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="safety_alerts")
    code = models.CharField(max_length=40)
    raised_at = models.DateTimeField(auto_now_add=True)
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="raised_alerts"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts_to_review",
    )
    seen_at = models.DateTimeField(null=True, blank=True)
    action = models.CharField(_("action taken"), max_length=30, choices=Action.choices, blank=True)
    action_notes = models.TextField(_("what was done"), blank=True)
    action_at = models.DateTimeField(null=True, blank=True)
    action_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_notes = models.TextField(_("supervisor's notes"), blank=True)

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("safety alert")

    def __str__(self):
        return f"{self.code} {self.raised_at:%Y-%m-%d %H:%M}"

    @property
    def open(self):
        return not self.action_at

    @property
    def overdue(self):
        """Still open a day after it was raised: the same-day review did not happen."""
        return self.open and self.raised_at < timezone.now() - timedelta(hours=24)


class Feedback(models.Model):
    """A participant's anonymous answers after an activity: no person is linked."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="feedback")
    satisfied = models.PositiveSmallIntegerField(null=True, blank=True)
    useful = models.PositiveSmallIntegerField(null=True, blank=True)
    safe = models.BooleanField(null=True, blank=True)
    recommend = models.BooleanField(null=True, blank=True)
    comment = models.TextField(_("comment or idea"), blank=True)
    language = models.CharField(max_length=8, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")

    def __str__(self):
        return f"{self.activity_id}: {self.recorded_at:%Y-%m-%d}"
