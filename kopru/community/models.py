"""Community stabilisation and shelter: municipal stabilisation projects, home repairs
and rental agreements.

A stabilisation project improves a public facility with a municipality; its milestones carry
weights (progress = the done ones' weights), its photos and contractor payments show the work,
and on completion its estimated catchment becomes one group service (headcounts: non-unique
reach). A home repair of a dwelling records the household's service once the after inspection
passed and the household lives there; a rental agreement (fixed monthly rent for its term)
records one when signed and another at each renewal. Rents and payments are financial."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kopru.core.models import Location, Mission, Project
from kopru.registry.models import Household
from kopru.services.models import AgeBand, HeadcountSex, ServiceEvent

User = settings.AUTH_USER_MODEL
MONEY = {"max_digits": 14, "decimal_places": 2}


class StabilisationProject(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    municipality = models.CharField(_("municipality"), max_length=150)
    district = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    facility = models.CharField(_("facility"), max_length=30)  # a code of data/facilities.json
    facility_name = models.CharField(_("facility's name"), max_length=200, blank=True)
    project = models.ForeignKey(
        Project,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("project and donor"),
    )
    budget = models.DecimalField(_("budget"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="TRY")
    contractor = models.CharField(_("contractor"), max_length=150, blank=True)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("planned end"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    handover_note = models.TextField(_("hand-over note"), blank=True)
    cancel_reason = models.CharField(_("why it was cancelled"), max_length=250, blank=True)
    event = models.OneToOneField(
        ServiceEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("stabilisation project")

    def __str__(self):
        return self.title

    @property
    def province(self):
        return self.district.parent


class Milestone(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    project = models.ForeignKey(
        StabilisationProject, on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(_("milestone"), max_length=150)
    planned_on = models.DateField(_("planned date"))
    weight = models.PositiveSmallIntegerField(_("weight (%)"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["planned_on", "pk"]

    def __str__(self):
        return self.name


class ProgressPhoto(models.Model):
    project = models.ForeignKey(
        StabilisationProject, on_delete=models.CASCADE, related_name="photos"
    )
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos"
    )
    caption = models.CharField(_("caption"), max_length=200)
    taken_on = models.DateField(_("taken on"))
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    path = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["taken_on", "pk"]

    def __str__(self):
        return self.caption


class ContractorPayment(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    project = models.ForeignKey(
        StabilisationProject, on_delete=models.CASCADE, related_name="payments"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference"), max_length=60)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["paid_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "reference"], name="community_payment_ref")
        ]

    def __str__(self):
        return f"{self.reference} {self.amount}"


class CatchmentCell(models.Model):
    """The people the improved facility serves, estimated by sex and age band."""

    project = models.ForeignKey(
        StabilisationProject, on_delete=models.CASCADE, related_name="catchment"
    )
    sex = models.CharField(max_length=6, choices=HeadcountSex.choices)
    age_band = models.CharField(max_length=5, choices=AgeBand.choices)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "sex", "age_band"], name="community_catchment_cell"
            )
        ]

    def __str__(self):
        return f"{self.sex} {self.age_band}: {self.count}"


class CatchmentGroup(models.Model):
    """The same catchment by population group, when the municipality can say."""

    project = models.ForeignKey(
        StabilisationProject, on_delete=models.CASCADE, related_name="catchment_groups"
    )
    group = models.CharField(max_length=24)  # registry PopulationGroup values
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "group"], name="community_catchment_group")
        ]

    # --- Shelter --------------------------------------------------------------------------------

    def __str__(self):
        return f"{self.group}: {self.count}"


class Dwelling(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    address = models.CharField(_("address"), max_length=250)
    tenure = models.CharField(_("tenure"), max_length=20)  # a code of data/shelter.json
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("dwelling")

    def __str__(self):
        return self.address


class Repair(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Under way")
        COMPLETED = "completed", _("Completed")

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    dwelling = models.ForeignKey(Dwelling, on_delete=models.PROTECT, related_name="repairs")
    works = models.JSONField(_("works"), default=list)  # codes of data/shelter.json
    contractor = models.CharField(_("contractor"), max_length=150)
    currency = models.CharField(max_length=3, default="TRY")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    moved_in_on = models.DateField(_("household living there since"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    event = models.OneToOneField(
        ServiceEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("home repair")

    def __str__(self):
        return f"{self.dwelling}: {', '.join(self.works)}"


class BoqLine(models.Model):
    """A line of the bill of quantities."""

    repair = models.ForeignKey(Repair, on_delete=models.CASCADE, related_name="boq")
    item = models.CharField(_("item"), max_length=200)
    unit = models.CharField(_("unit"), max_length=10)  # a code of data/shelter.json
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit_price = models.DecimalField(_("unit price"), **MONEY)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.item} {self.quantity} x {self.unit_price}"

    @property
    def total(self):
        return (self.quantity * self.unit_price).quantize(self.unit_price)


class Inspection(models.Model):
    class Kind(models.TextChoices):
        BEFORE = "before", _("Before the works")
        AFTER = "after", _("After the works")

    repair = models.ForeignKey(Repair, on_delete=models.CASCADE, related_name="inspections")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    on = models.DateField(_("date"))
    inspector = models.CharField(_("inspector"), max_length=150)
    findings = models.TextField(_("findings"), blank=True)
    passed = models.BooleanField(null=True)  # after the works only
    defects = models.TextField(_("defects"), blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self):
        return f"{self.kind} {self.on:%d.%m.%Y}"


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    path = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return f"{self.inspection} photo {self.pk}"


class RentalAgreement(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    dwelling = models.ForeignKey(Dwelling, on_delete=models.PROTECT, related_name="agreements")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    landlord_name = models.CharField(_("landlord"), max_length=150)
    landlord_phone = models.CharField(_("landlord's phone"), max_length=32)
    landlord_identity = models.CharField(_("landlord's identity reference"), max_length=40)
    starts_on = models.DateField(_("term starts"))
    ends_on = models.DateField(_("term ends"))
    monthly_rent = models.DecimalField(_("monthly rent"), **MONEY)
    deposit = models.DecimalField(_("deposit"), **MONEY)
    currency = models.CharField(max_length=3, default="TRY")
    signed_on = models.DateField(_("signed on"))
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewal"
    )
    ended_on = models.DateField(_("ended early on"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended early"), max_length=250, blank=True)
    event = models.OneToOneField(
        ServiceEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("rental agreement")

    def __str__(self):
        return f"{self.landlord_name} {self.starts_on:%d.%m.%Y}-{self.ends_on:%d.%m.%Y}"

    @property
    def last_day(self):
        """The last day the agreement runs: its end, or the day it was ended early."""
        return self.ended_on or self.ends_on


class RentPayment(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    agreement = models.ForeignKey(
        RentalAgreement, on_delete=models.PROTECT, related_name="payments"
    )
    month = models.DateField(_("month"))  # its first day
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "month"], name="community_rent_month")
        ]

    def __str__(self):
        return f"{self.month:%m.%Y} {self.amount}"
