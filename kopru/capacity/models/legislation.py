"""The legislation review (seed 004: "analysis of national and international legislation
regarding the regulation of healthcare for migrants, as well as the development of
recommendations to improve migrants' access to healthcare and public health measures"):
instruments, the barriers or gaps found in them, and recommendations followed to their
outcome with a dated history of who moved them."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kopru.core.models import Mission

from .trainings import Agency

User = settings.AUTH_USER_MODEL


class Instrument(models.Model):
    class Jurisdiction(models.TextChoices):
        NATIONAL = "national", _("National")
        INTERNATIONAL = "international", _("International")

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=24)  # a code of data/legislation_kinds.json
    jurisdiction = models.CharField(_("jurisdiction"), max_length=14, choices=Jurisdiction.choices)
    number = models.CharField(_("number"), max_length=60, blank=True)
    adopted_on = models.DateField(_("date"), null=True, blank=True)
    link = models.URLField(_("link"), blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["jurisdiction", "title"]
        verbose_name = _("legal instrument")

    def __str__(self):
        return self.title


class Finding(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="findings")
    topic = models.CharField(_("topic"), max_length=40)  # data/legislation_topics.json
    text = models.TextField(_("barrier or gap found"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("finding")

    def __str__(self):
        return self.text[:60]


class Recommendation(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        DISCUSSED = "discussed", _("Discussed")
        ACCEPTED = "accepted", _("Accepted")
        IMPLEMENTED = "implemented", _("Implemented")
        REJECTED = "rejected", _("Rejected")

    class Priority(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="recommendations")
    text = models.TextField(_("recommendation"))
    addressed_to = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("addressed to")
    )
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    status_on = models.DateField(_("since"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("recommendation")

    def __str__(self):
        return self.text[:60]


class RecommendationChange(models.Model):
    """One step of a recommendation's history: the status it took, on which day, who moved
    it and why."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="history"
    )
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, choices=Recommendation.Status.choices)
    on = models.DateField()
    note = models.TextField(blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self):
        return f"{self.from_status} -> {self.to_status}"
