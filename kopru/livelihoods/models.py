"""Livelihoods: skills profiles, job matching and placements, grants and mentoring.

Code lists (occupations, education levels, permits, languages, grant types, criteria) are
data (data/*.json); the rows keep their codes. Every contact with a person is also a service
event in the ledger (the foreign keys `event`), which is what reports count."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from kopru.core.models import Location, Mission, Project, User
from kopru.registry.models import Person
from kopru.services.models import ServiceEvent

MONEY = {"max_digits": 14, "decimal_places": 2}


# --- Skills and jobs ------------------------------------------------------------------------


class Profile(models.Model):
    """What a person can do and may do: occupations (ISCO-08 unit groups with years),
    languages with a level, education (ISCED 2011), certificates, work permit, availability.
    One is current per person; a review replaces it and keeps the old one."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="skills_profiles")
    current = models.BooleanField(default=True)
    # The person's place when the profile was taken: scope and the province for matching.
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    occupations = models.JSONField(_("occupations"), default=list)  # [{"isco", "years"}]
    languages = models.JSONField(_("languages"), default=list)  # [{"code", "level"}]
    education = models.CharField(_("education (ISCED 2011)"), max_length=2)
    certificates = models.JSONField(_("certificates"), default=list)  # [{"name","issuer","year"}]
    permit = models.CharField(_("work permit"), max_length=12)
    permit_expires = models.DateField(_("permit valid until"), null=True, blank=True)
    availability = models.CharField(_("availability"), max_length=12)
    notes = models.TextField(_("notes"), blank=True)
    event = models.ForeignKey(
        ServiceEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("skills profile")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(current=True), name="one_current_profile"
            )
        ]

    def __str__(self):
        return str(self.person)


class Employer(models.Model):
    class Kind(models.TextChoices):
        EMPLOYER = "employer", _("Employer")
        PARTNER = "partner", _("Partner organisation")

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.EMPLOYER)
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=4)
    province = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("employer")
        constraints = [
            models.UniqueConstraint(fields=["mission", "name"], name="employer_unique_name")
        ]

    def __str__(self):
        return self.name


class Vacancy(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="vacancies")
    # A partner (a chamber, a municipality's job desk) may post for the employer.
    posted_by = models.ForeignKey(
        Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="posted"
    )
    title = models.CharField(_("title"), max_length=200)
    isco = models.CharField(_("occupation (ISCO-08)"), max_length=4)
    province = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    languages = models.JSONField(_("languages required"), default=list)  # [{"code", "level"}]
    min_education = models.CharField(_("minimum education"), max_length=2, default="0")
    positions = models.PositiveSmallIntegerField(_("positions"))
    opens_on = models.DateField(_("open from"))
    closes_on = models.DateField(_("closes on"))
    permit_required = models.BooleanField(_("work permit required"), default=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "title"]
        verbose_name = _("vacancy")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="vacancy_dates_ordered",
            )
        ]

    def __str__(self):
        return f"{self.title} · {self.employer}"


class Placement(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="placements")
    vacancy = models.ForeignKey(Vacancy, on_delete=models.PROTECT, related_name="placements")
    start_date = models.DateField(_("start date"))
    contract = models.CharField(_("contract type"), max_length=16)
    monthly_wage = models.DecimalField(_("monthly wage (TRY)"), **MONEY)
    event = models.ForeignKey(ServiceEvent, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("placement")
        constraints = [models.UniqueConstraint(fields=["person", "vacancy"], name="placement_once")]

    def __str__(self):
        return f"{self.person} · {self.vacancy.title}"


class FollowUp(models.Model):
    """A placement's check at 3 and 6 months: still employed, or left and why."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="follow_ups")
    month = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    employed = models.BooleanField(null=True)
    reason = models.CharField(max_length=24, blank=True)
    notes = models.TextField(blank=True)
    done_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "month"], name="follow_up_once")
        ]

    # --- Grants ---------------------------------------------------------------------------------

    def __str__(self):
        return f"{self.placement} · {self.month}"


class Call(models.Model):
    """A call for grant applications: its type (data), budget, criteria and panel."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("grant type"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    budget = models.DecimalField(_("budget (TRY)"), **MONEY)
    # The criteria as they stood when the call opened: [{"code", "weight", "max"}].
    criteria = models.JSONField(default=list)
    panel = models.ManyToManyField(User, related_name="grant_panels", verbose_name=_("panel"))
    min_scores = models.PositiveSmallIntegerField(_("panel scores needed before an award"))
    provinces = models.ManyToManyField(Location, related_name="+", verbose_name=_("provinces"))
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opens_on = models.DateField(_("open from"))
    closes_on = models.DateField(_("applications until"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on"]
        verbose_name = _("grant call")

    def __str__(self):
        return self.title


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        AWARDED = "awarded", _("Awarded")
        REJECTED = "rejected", _("Rejected")

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    # The applicant, or the team's lead; every member (the lead too) is a Member row.
    lead = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="grant_applications")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    business_name = models.CharField(_("business name"), max_length=200)
    plan = models.TextField(_("business plan summary"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    awarded_amount = models.DecimalField(null=True, blank=True, **MONEY)
    decided_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("grant application")

    def __str__(self):
        return self.business_name


class Member(models.Model):
    """A person on an application; the grant's service is recorded for each at delivery."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    lead = models.BooleanField(default=False)
    event = models.ForeignKey(
        ServiceEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-lead", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "person"], name="member_once")
        ]

    def __str__(self):
        return str(self.person)


class Item(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="items")
    description = models.CharField(_("item"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_cost = models.DecimalField(_("estimated unit cost (TRY)"), **MONEY)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.description

    @property
    def total(self):
        return self.quantity * self.unit_cost


class Score(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    criterion = models.CharField(max_length=24)
    score = models.PositiveSmallIntegerField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "member", "criterion"], name="score_once"
            )
        ]

    def __str__(self):
        return f"{self.criterion}: {self.score}"


class Delivery(models.Model):
    """Items handed over in kind, each against a receipt: a file or a paper reference."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="deliveries"
    )
    item = models.CharField(_("item"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"))
    value = models.DecimalField(_("value (TRY)"), **MONEY)
    delivered_on = models.DateField(_("delivered on"))
    receipt_path = models.CharField(max_length=200, blank=True)
    receipt_type = models.CharField(max_length=60, blank=True)
    paper_reference = models.CharField(_("paper receipt reference"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["delivered_on", "pk"]

    def __str__(self):
        return f"{self.item} × {self.quantity}"


class Mentoring(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="mentoring")
    at = models.DateTimeField(_("date and time"))
    mentor = models.CharField(_("mentor"), max_length=150)
    topics = models.JSONField(_("topics"), default=list)
    notes = models.TextField(_("notes"), blank=True)
    event = models.ForeignKey(ServiceEvent, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.mentor} · {self.at:%Y-%m-%d}"


class BusinessFollowUp(models.Model):
    """The business 3, 6 and 12 months after the first delivery."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="follow_ups"
    )
    month = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    operating = models.BooleanField(null=True)
    employees = models.PositiveSmallIntegerField(null=True)
    revenue_band = models.CharField(max_length=12, blank=True)
    notes = models.TextField(blank=True)
    done_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(fields=["application", "month"], name="business_follow_up_once")
        ]

    def __str__(self):
        return f"{self.application} · {self.month}"
