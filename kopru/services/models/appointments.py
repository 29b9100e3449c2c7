"""Appointments at a site with interpreters booked by language (issue 4, item 5)."""

import uuid

from django.db import models
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from kopru.core.models import Location, Mission, User
from kopru.registry.models import Person

from .ledger import ServiceEvent, ServiceType


class InterpretingLanguage(models.Model):
    """A language the mission books interpreters in (ISO 639-3, named by pycountry)."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("language (ISO 639-3)"), max_length=3)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "code"], name="one_interpreting_language"),
        ]

    def __str__(self):
        from kopru.registry.choices import language_name

        return language_name(self.code)


class OpeningHours(models.Model):
    """When a site takes appointments; a weekday may have several spans (a lunch break)."""

    site = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=sorted(WEEKDAYS.items()))
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["site", "weekday", "opens"]

    def __str__(self):
        return f"{self.site_id} {self.weekday} {self.opens}-{self.closes}"


class Room(models.Model):
    site = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=80)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["site", "name"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="room_unique_name")]

    def __str__(self):
        return self.name


class Interpreter(models.Model):
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="interpreters")
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="interpreter"
    )
    name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    languages = models.JSONField(_("languages"), default=list)  # ISO 639-3
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class InterpreterAvailability(models.Model):
    """A weekly span an interpreter can be booked in, at one site or (blank) anywhere."""

    interpreter = models.ForeignKey(
        Interpreter, on_delete=models.CASCADE, related_name="availability"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=sorted(WEEKDAYS.items()))
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    site = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["interpreter", "weekday", "starts"]

    def __str__(self):
        return f"{self.interpreter_id} {self.weekday} {self.starts}-{self.ends}"


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        ATTENDED = "attended", _("Attended")
        MISSED = "missed", _("Did not come")
        CANCELLED = "cancelled", _("Cancelled")

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="appointments")
    site = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("site")
    )
    room = models.ForeignKey(
        Room,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("room"),
    )
    service_type = models.ForeignKey(
        ServiceType, on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    category = models.CharField(max_length=20, db_index=True)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    staff = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("with"),
    )
    language = models.CharField(_("interpreting language"), max_length=3, blank=True)
    interpreter = models.ForeignKey(
        Interpreter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("interpreter"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    notes = models.TextField(_("notes"), blank=True)
    event = models.ForeignKey(
        ServiceEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    booked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(auto_now_add=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["site", "starts_at"], name="appointment_site_day")]

    def __str__(self):
        return f"{self.person_id} {self.starts_at:%Y-%m-%d %H:%M}"
