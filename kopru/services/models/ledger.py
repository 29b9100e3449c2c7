"""The service catalogue and the ledger of every contact (ARCHITECTURE.md, "The spine").

Every programme records its work as a ServiceEvent through services.record_service; reports
count from these rows and never from programme tables."""

import uuid

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kopru.core.models import Location, Mission, Project, Sensitivity, Team, User
from kopru.registry.models import Household, Person


class Named(models.Model):
    """Catalogue entries carry their names in every language as data, so an administrator
    adds a service in Turkish and Arabic without a translator touching the code."""

    code = models.SlugField(_("code"), max_length=60)
    names = models.JSONField(_("names"), default=dict)  # {"en": ..., "tr": ..., ...}
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        language = (get_language() or "en").split("-")[0]
        return self.names.get(language) or self.names.get("en") or self.code


class Unit(Named):
    """The organisation's programme unit (Migration Health, Protection and Resilience...)."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="units")

    class Meta(Named.Meta):
        constraints = [models.UniqueConstraint(fields=["mission", "code"], name="unit_code")]


class Sector(Named):
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="sectors")

    class Meta(Named.Meta):
        constraints = [models.UniqueConstraint(fields=["mission", "code"], name="sector_code")]


class SubSector(Named):
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="sub_sectors")

    class Meta(Named.Meta):
        constraints = [
            models.UniqueConstraint(fields=["sector", "code"], name="sub_sector_code"),
        ]


class Subject(models.TextChoices):
    PERSON = "person", _("A person")
    HOUSEHOLD = "household", _("A household")
    GROUP = "group", _("A group session")


class ServiceType(Named):
    """What was done: the catalogue's leaf, mapped to a sub-sector, sector and unit."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="service_types")
    sub_sector = models.ForeignKey(
        SubSector, on_delete=models.PROTECT, related_name="service_types"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="service_types")
    subjects = models.JSONField(_("given to"), default=list)  # Subject values
    category = models.CharField(
        _("sensitivity"), max_length=20, choices=Sensitivity.choices, default="general"
    )

    class Meta(Named.Meta):
        constraints = [
            models.UniqueConstraint(fields=["mission", "code"], name="service_type_code"),
        ]

    @property
    def sector(self):
        return self.sub_sector.sector


class Modality(models.TextChoices):
    CENTRE = "centre", _("At a centre or clinic")
    MOBILE = "mobile", _("Mobile team or vehicle")
    REMOTE = "remote", _("Remote (phone or online)")
    HOME_VISIT = "home_visit", _("Home visit")


class ServiceEvent(models.Model):
    """One contact: a service to a person, to a household, or a group session."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("given to"), max_length=10, choices=Subject.choices)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="services"
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="services"
    )
    at = models.DateTimeField(_("date and time"), db_index=True)
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("site or place")
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    staff = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("given by"),
    )
    modality = models.CharField(_("modality"), max_length=12, choices=Modality.choices)
    language = models.CharField(_("language used"), max_length=8, blank=True)
    interpreter = models.CharField(_("interpreter"), max_length=150, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Copied from the service type when recorded: access filters on it without a join, and a
    # later change of the catalogue does not expose what was recorded as sensitive.
    category = models.CharField(max_length=20, choices=Sensitivity.choices, db_index=True)
    headcount_total = models.PositiveIntegerField(
        _("people not registered one by one"), null=True, blank=True
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["mission", "at"], name="service_mission_at")]

    def __str__(self):
        return f"{self.service_type} {self.at:%Y-%m-%d}"


class Participation(models.Model):
    """A registered person in a group session."""

    event = models.ForeignKey(ServiceEvent, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="participations")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="one_participation"),
        ]

    def __str__(self):
        return f"{self.person} @ {self.event_id}"


class AgeBand(models.TextChoices):
    UNDER_5 = "0-4", "0-4"
    CHILD = "5-11", "5-11"
    ADOLESCENT = "12-17", "12-17"
    ADULT = "18-59", "18-59"
    OLDER = "60+", "60+"


class HeadcountSex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class Headcount(models.Model):
    """People at a group session who were not registered, counted by sex, age and disability
    (the seeds' awareness sessions and celebrations). Reports label them non-unique."""

    event = models.ForeignKey(ServiceEvent, on_delete=models.CASCADE, related_name="headcounts")
    sex = models.CharField(max_length=6, choices=HeadcountSex.choices)
    age_band = models.CharField(max_length=5, choices=AgeBand.choices)
    disability = models.BooleanField(default=False)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "sex", "age_band", "disability"], name="one_headcount_cell"
            ),
        ]

    def __str__(self):
        return f"{self.sex} {self.age_band}: {self.count}"


class ServiceProject(models.Model):
    """Donor attribution: the projects an event counts for, with their shares (sum 100)."""

    event = models.ForeignKey(ServiceEvent, on_delete=models.CASCADE, related_name="projects")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    share = models.PositiveSmallIntegerField(default=100)  # per cent

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "project"], name="one_share_per_project"),
        ]

    def __str__(self):
        return f"{self.project_id}: {self.share}%"


class ServiceEventVersion(models.Model):
    """What an event was before each edit or void: history kept, nothing overwritten."""

    event = models.ForeignKey(ServiceEvent, on_delete=models.CASCADE, related_name="versions")
    saved_at = models.DateTimeField(auto_now_add=True)
    saved_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField()

    def __str__(self):
        return f"{self.event_id} before {self.saved_at:%Y-%m-%d %H:%M}"
