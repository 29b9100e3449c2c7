"""Trainings for government agencies (seed 004: "interagency capacity-building activities for
government agencies regarding migrant health issues").

Participants are agencies' staff, not beneficiaries: they are not registry Persons. Their
names and contacts are still personal data, read only by roles holding `capacity.manage`.
Each training day held is one group service (`migration_health_training`) whose headcount is
the participants present, so the quarterly report counts government staff trained."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kopru.core.models import Location, Mission, Project
from kopru.services.models import ServiceEvent

User = settings.AUTH_USER_MODEL


class Agency(models.Model):
    """A ministry or agency whose staff are trained, addressed or sit on the council. Seeded
    from data/agencies.json; officers add others."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=40)
    names = models.JSONField(_("names"), default=dict)  # {"en": ..., "ru": ..., ...}
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="units"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.UniqueConstraint(fields=["mission", "code"], name="capacity_agency_code")
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        from kopru.core.text import in_language

        return in_language(self.names) if self.names.get("en") else self.code


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class AdultBand(models.TextChoices):
    ADULT = "18-59", "18-59"
    OLDER = "60+", "60+"


class Participant(models.Model):
    """A member of an agency's staff who takes part in trainings."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=150)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="staff", verbose_name=_("agency")
    )
    position = models.CharField(_("position"), max_length=150, blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    age_band = models.CharField(
        _("age"), max_length=6, choices=AdultBand.choices, default=AdultBand.ADULT
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("training participant")

    def __str__(self):
        return self.name


class Training(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=40)  # a code of data/training_topics.json
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    trainers = models.CharField(_("trainers"), max_length=300, blank=True)
    max_score = models.PositiveSmallIntegerField(_("test's maximum score"))
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("training")

    def __str__(self):
        return self.title


class Enrolment(models.Model):
    """A participant on a training, with the pre- and post-test scores (0..max)."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="enrolments")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="enrolments"
    )
    pre_score = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    post_score = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["participant__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "participant"], name="capacity_enrolment_once"
            )
        ]

    def __str__(self):
        return f"{self.participant} / {self.training}"

    @property
    def improvement(self):
        if self.pre_score is None or self.post_score is None:
            return None
        return self.post_score - self.pre_score


class TrainingDay(models.Model):
    """A day held, with who was present; its service event counts them."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="days")
    day = models.DateField(_("day"))
    present = models.ManyToManyField(Participant, related_name="days_present")
    event = models.ForeignKey(
        ServiceEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["training", "day"], name="capacity_training_day_once")
        ]

    def __str__(self):
        return f"{self.training} {self.day}"
