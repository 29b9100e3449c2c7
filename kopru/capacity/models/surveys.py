"""Health needs surveys (issue 9 item 8): responses to the forms under data/survey_*.json,
entered on a page or imported from KoboToolbox/ODK exports. Every response is health data."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from kopru.core.models import Location, Mission, User
from kopru.registry.models import Person

__all__ = ["SurveyImport", "SurveyResponse"]


class SurveyImport(models.Model):
    """One export file taken in: the same file twice is recognised by its digest."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    form_code = models.CharField(_("form"), max_length=40)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    path = models.CharField(max_length=200)  # under UPLOAD_ROOT, never served
    rows = models.PositiveIntegerField(_("rows"), default=0)
    stored = models.PositiveIntegerField(_("responses stored"), default=0)
    imported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "form_code", "sha256"], name="survey_import_once"
            )
        ]

    def __str__(self):
        return f"{self.form_code} {self.file_name}"


class SurveyResponse(models.Model):
    class Source(models.TextChoices):
        ENTERED = "entered", _("Entered on the page")
        IMPORTED = "imported", _("Imported from an export")

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    form_code = models.CharField(_("form"), max_length=40)
    form_version = models.CharField(_("form version"), max_length=20)
    # The collecting tool's id (_uuid or meta/instanceID; the uid for one entered here).
    submission_id = models.CharField(_("submission"), max_length=100)
    answers = models.JSONField(default=dict)
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    collected_on = models.DateField(_("collected on"))
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered person"),
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    batch = models.ForeignKey(
        SurveyImport, null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-collected_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "form_code", "submission_id"], name="survey_submission_once"
            )
        ]
        indexes = [models.Index(fields=["mission", "form_code", "collected_on"])]

    def __str__(self):
        return f"{self.form_code} {self.collected_on}"
