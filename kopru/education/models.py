"""Education: school transport, courses and special-education cooperation.

What the education officer records beyond the ledger. Every pupil's month on a bus, every
course session held and every special-education follow-up is a ServiceEvent
(services.ledger); the quarterly report reads only those, never these tables."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopru.core.models import Location, Mission, Project
from kopru.registry.models import Person
from kopru.services.models import Referral, ServiceEvent

# --- School transport -----------------------------------------------------------------------


class Period(models.Model):
    """A school term or a summer-school term: pupils are enrolled on a route for one."""

    class Kind(models.TextChoices):
        TERM = "term", _("School term")
        SUMMER = "summer", _("Summer school")

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("school period")
        constraints = [
            models.UniqueConstraint(fields=["mission", "name"], name="education_period_name")
        ]

    def __str__(self):
        return self.name


class Route(models.Model):
    """A school bus route: its province, the schools it serves, its stops, the vehicle and the
    contract that pays for it. Attendance is kept daily or weekly, as the route chooses."""

    class Mode(models.TextChoices):
        DAILY = "daily", _("Daily (each pupil present or absent)")
        WEEKLY = "weekly", _("Weekly (days ridden in the week)")

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=30)
    province = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    district = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("district"),
    )
    schools = models.ManyToManyField(Location, related_name="school_routes")
    vehicle_plate = models.CharField(_("vehicle plate"), max_length=20)
    seats = models.PositiveSmallIntegerField(_("seats"))
    driver = models.CharField(_("driver"), max_length=100, blank=True)
    contractor = models.CharField(_("contractor"), max_length=150, blank=True)
    capacity = models.PositiveSmallIntegerField(_("capacity (pupils)"))
    monthly_cost = models.DecimalField(_("monthly cost (TRY)"), max_digits=14, decimal_places=2)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("attendance"), max_length=8, choices=Mode.choices)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("school transport route")
        constraints = [
            models.UniqueConstraint(fields=["mission", "code"], name="education_route_code")
        ]

    def __str__(self):
        return self.code


class Stop(models.Model):
    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="stops")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("stop"), max_length=150)
    pickup = models.TimeField(_("pick-up time"))

    class Meta:
        ordering = ["order", "pickup"]

    def __str__(self):
        return f"{self.order}. {self.name} {self.pickup:%H:%M}"


class Enrolment(models.Model):
    """A pupil on a route for a period, with their school, stop and guardian. Withdrawn
    enrolments stay as history; a pupil is on one route per period at a time."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    route = models.ForeignKey(Route, on_delete=models.PROTECT, related_name="enrolments")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="enrolments")
    pupil = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    stop = models.ForeignKey(
        Stop, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    guardian = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    enrolled_on = models.DateField(_("enrolled on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("why withdrawn"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pupil__family_name", "pupil__given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "pupil"],
                condition=Q(withdrawn_on__isnull=True),
                name="education_one_route_per_period",
            )
        ]

    def __str__(self):
        return f"{self.pupil} · {self.route}"


class Sheet(models.Model):
    """One attendance sheet of a route: a school day (daily) or a week (weekly, dated on the
    week's first school day in the period). Its uid makes a resent sheet count once."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    route = models.ForeignKey(Route, on_delete=models.PROTECT, related_name="sheets")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["route", "day"], name="education_sheet_day")]

    def __str__(self):
        return f"{self.route} {self.day}"


class Ride(models.Model):
    """A pupil's line on a sheet: days ridden (0 or 1 on a daily sheet, 0 to 5 weekly)."""

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="rides")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="rides")
    days = models.PositiveSmallIntegerField(_("days ridden"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sheet", "enrolment"], name="education_ride_once")
        ]

    def __str__(self):
        return f"{self.enrolment} {self.days}"


class PupilMonth(models.Model):
    """A pupil's month on a route: its first ride and the one service it counts as (none
    when corrections left the month without a ride; the voided event stays in the ledger)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="months")
    month = models.DateField()  # the first of the month
    first_day = models.DateField(null=True, blank=True)  # the month's first ride
    event = models.ForeignKey(
        ServiceEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded = models.PositiveSmallIntegerField(default=0)  # events recorded, voided ones too

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "month"], name="education_pupil_month")
        ]

    def __str__(self):
        return f"{self.enrolment} {self.month:%Y-%m}"


# --- Courses --------------------------------------------------------------------------------


class Course(models.Model):
    """A course at a community or municipal centre; its kind (data/courses.json) gives the
    service it records and its default hours."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=30)
    title = models.CharField(_("title"), max_length=150, blank=True)
    centre = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("centre")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    schedule = models.CharField(_("schedule"), max_length=150, blank=True)
    trainer = models.CharField(_("trainer"), max_length=100)
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    language = models.CharField(_("language of instruction"), max_length=8)
    hours = models.PositiveSmallIntegerField(_("hours"))
    threshold = models.PositiveSmallIntegerField(_("attendance needed to complete (%)"))
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("course")

    def __str__(self):
        from . import courses

        return self.title or courses.kind_label(self.kind)


class Learner(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="learners")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    enrolled_at = models.DateTimeField(auto_now_add=True)
    sessions_attended = models.PositiveSmallIntegerField(default=0)
    completed = models.BooleanField(null=True)  # decided when the course closes

    class Meta:
        ordering = ["person__family_name", "person__given_name"]
        constraints = [
            models.UniqueConstraint(fields=["course", "person"], name="education_learner_once")
        ]

    def __str__(self):
        return str(self.person)


class Session(models.Model):
    """A session held: one group service with the learners present as participants."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    day = models.DateField(_("day"))
    start = models.TimeField(_("start"))
    minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    topic = models.CharField(_("topic"), max_length=150, blank=True)
    present = models.ManyToManyField(Learner, related_name="sessions")
    event = models.OneToOneField(ServiceEvent, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["day", "start"]

    def __str__(self):
        return f"{self.course} {self.day}"


class Certificate(models.Model):
    """Issued to a learner who completed; the PDF is drawn from it each time it is opened."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    learner = models.OneToOneField(Learner, on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(_("verification number"), max_length=30, unique=True)
    language = models.CharField(_("language"), max_length=8)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self):
        return self.number


# --- Special education ----------------------------------------------------------------------


class SpecialCase(models.Model):
    """A child with special needs referred to a special-education centre. The referral (and
    the centre's answer) lives in the services app; this keeps the school and follow-ups."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    needs = models.TextField(_("needs"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("special-education referral")

    def __str__(self):
        return f"{self.child} · {self.referral.provider}"


class FollowUp(models.Model):
    class Attendance(models.TextChoices):
        CENTRE = "centre", _("Attends the centre")
        SCHOOL = "school", _("Attends school")
        BOTH = "both", _("Attends the centre and school")
        NONE = "none", _("Does not attend")

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    case = models.ForeignKey(SpecialCase, on_delete=models.PROTECT, related_name="follow_ups")
    day = models.DateField(_("date"))
    attendance = models.CharField(_("attendance"), max_length=8, choices=Attendance.choices)
    notes = models.TextField(_("notes"), blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    event = models.OneToOneField(ServiceEvent, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-day", "-pk"]

    def __str__(self):
        return f"{self.case} {self.day}"
