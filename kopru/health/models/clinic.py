"""Clinic care: consultations with their vital signs, diagnoses and prescriptions, and the
vaccination record. Each consultation and each dose given here is a ServiceEvent; these tables
hold the clinical detail the ledger must not carry."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from kopru.core.models import Location, Mission, Sensitivity, User
from kopru.registry.models import Person
from kopru.services.models import ServiceEvent


class Encounter(models.Model):
    """One consultation. Its kind (data/consultation_types.json) decides the service type and
    so the sensitivity: a mental-health consultation is seen only by roles that see mental
    health."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="encounters")
    event = models.OneToOneField(ServiceEvent, on_delete=models.PROTECT, related_name="encounter")
    case = models.ForeignKey(
        "health.AssessmentCase",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="encounters",
        verbose_name=_("health assessment"),
    )
    kind = models.CharField(_("consultation type"), max_length=30)
    category = models.CharField(max_length=20, choices=Sensitivity.choices, db_index=True)
    at = models.DateTimeField(_("date and time"))
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    clinician = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    reason = models.TextField(_("reason for the visit"))
    history = models.TextField(_("history"), blank=True)
    examination = models.TextField(_("examination"), blank=True)
    assessment = models.TextField(_("assessment"), blank=True)
    plan = models.TextField(_("plan"), blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)

    temperature_c = models.DecimalField(
        _("temperature (°C)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    pulse = models.PositiveSmallIntegerField(_("pulse (/min)"), null=True, blank=True)
    respiratory_rate = models.PositiveSmallIntegerField(
        _("respiratory rate (/min)"), null=True, blank=True
    )
    systolic = models.PositiveSmallIntegerField(_("systolic (mmHg)"), null=True, blank=True)
    diastolic = models.PositiveSmallIntegerField(_("diastolic (mmHg)"), null=True, blank=True)
    spo2 = models.PositiveSmallIntegerField(_("SpO₂ (%)"), null=True, blank=True)
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    height_cm = models.DecimalField(
        _("height or length (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    lying = models.BooleanField(_("length measured lying"), null=True, blank=True)
    muac_mm = models.PositiveSmallIntegerField(_("MUAC (mm)"), null=True, blank=True)
    oedema = models.BooleanField(_("bilateral pitting oedema"), null=True, blank=True)
    pregnant = models.BooleanField(_("pregnant"), null=True, blank=True)
    # Computed once at save from the WHO tables, so a growth chart reads them back.
    whz = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    haz = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    waz = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    nutrition_status = models.CharField(_("nutrition status"), max_length=8, blank=True)
    overrides = models.JSONField(default=list, blank=True)  # [{"check", "reason"}]

    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person", "at"])]

    def __str__(self):
        return f"{self.person.reference} {self.kind} {self.at:%Y-%m-%d}"


class Diagnosis(models.Model):
    class Certainty(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        PROVISIONAL = "provisional", _("Provisional")

    encounter = models.ForeignKey(Encounter, on_delete=models.CASCADE, related_name="diagnoses")
    code = models.CharField(_("ICD-10 code"), max_length=8)
    certainty = models.CharField(
        _("certainty"), max_length=12, choices=Certainty.choices, default=Certainty.CONFIRMED
    )
    primary = models.BooleanField(_("main diagnosis"), default=False)

    class Meta:
        ordering = ["-primary", "id"]

    def __str__(self):
        return self.code


class Prescription(models.Model):
    encounter = models.ForeignKey(Encounter, on_delete=models.CASCADE, related_name="prescriptions")
    medicine = models.CharField(_("medicine"), max_length=150)
    dose = models.CharField(_("dose"), max_length=60)
    frequency = models.CharField(_("how often"), max_length=60, blank=True)
    duration_days = models.PositiveSmallIntegerField(_("days"), null=True, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    dispensed = models.BooleanField(_("dispensed here"), default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.medicine} {self.dose}"


class Immunization(models.Model):
    """One dose in a person's vaccination record: given here (with its ServiceEvent) or
    copied from a card or another record."""

    class Source(models.TextChoices):
        GIVEN_HERE = "given_here", _("Given here")
        CARD = "card", _("From a vaccination card")
        RECORD = "record", _("From another health record")

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="immunizations")
    event = models.OneToOneField(
        ServiceEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="immunization"
    )
    case = models.ForeignKey(
        "health.AssessmentCase",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="immunizations",
    )
    cvx = models.CharField(_("vaccine (CVX)"), max_length=4)
    dose_number = models.PositiveSmallIntegerField(_("dose"), null=True, blank=True)
    given_on = models.DateField(_("date given"))
    lot = models.CharField(_("lot number"), max_length=40, blank=True)
    body_site = models.CharField(_("site"), max_length=30, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    given_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    override_reason = models.CharField(
        _("why the warning was overridden"), max_length=300, blank=True
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["given_on", "id"]
        indexes = [models.Index(fields=["person", "given_on"])]

    def __str__(self):
        return f"{self.person.reference} CVX {self.cvx} {self.given_on}"
