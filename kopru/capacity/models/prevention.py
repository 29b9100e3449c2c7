"""Access to prevention (issue 9 item 12): registered migrants referred to the national
communicable-disease programmes (data/prevention_programmes.json) and whether they were
reached; group outreach as a tally. Health data."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from kopru.core.models import Location, Mission, Team, User
from kopru.registry.models import Person

__all__ = ["PreventionReferral", "PreventionTally"]


class PreventionReferral(models.Model):
    class Status(models.TextChoices):
        REFERRED = "referred", _("Referred")
        REACHED = "reached", _("Reached")
        NOT_REACHED = "not_reached", _("Not reached")

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    programme = models.CharField(_("programme"), max_length=40, db_index=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey(
        "services.Provider", on_delete=models.PROTECT, related_name="+", verbose_name=_("facility")
    )
    # The directory's referral: its consent rule, number and loop with the facility.
    referral = models.OneToOneField(
        "services.Referral", on_delete=models.PROTECT, related_name="prevention"
    )
    event = models.OneToOneField(
        "services.ServiceEvent", on_delete=models.PROTECT, related_name="prevention_referral"
    )
    referred_on = models.DateField(_("referred on"))
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("referred at")
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REFERRED
    )
    reached_on = models.DateField(_("reached on"), null=True, blank=True)
    not_reached_reason = models.CharField(_("why not reached"), max_length=30, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    immunization = models.OneToOneField(
        "health.Immunization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="prevention_referral",
    )
    # The vaccination reached, as the person's service under Health > Vaccination: the
    # report's "people reached by vaccination".
    vaccinated_event = models.OneToOneField(
        "services.ServiceEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="prevention_vaccination",
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-referred_on", "-id"]
        indexes = [models.Index(fields=["mission", "programme", "referred_on"])]

    def __str__(self):
        return f"{self.programme} {self.person.reference}"


class PreventionTally(models.Model):
    """People referred at a group outreach session who were not registered: the headcount by
    sex and age band is on the event; `reached` is how many the facility reported seeing."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    programme = models.CharField(_("programme"), max_length=40, db_index=True)
    facility = models.ForeignKey(
        "services.Provider",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("facility"),
    )
    event = models.OneToOneField(
        "services.ServiceEvent", on_delete=models.PROTECT, related_name="prevention_tally"
    )
    held_on = models.DateField(_("date"))
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    referred = models.PositiveIntegerField(_("people referred"))
    reached = models.PositiveIntegerField(_("people reached"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.programme} {self.held_on} ({self.referred})"
