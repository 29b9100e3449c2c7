"""Missions, locations, roles, users, teams, projects, API tokens and the audit log."""

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .text import fold


class Sensitivity(models.TextChoices):
    """The categories the access policy decides on; every record carries one."""

    GENERAL = "general", _("General")
    HEALTH = "health", _("Health")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    PROTECTION = "protection", _("Protection / GBV")
    FINANCIAL = "financial", _("Financial")


class Mission(models.Model):
    """A country office. Every record belongs to exactly one."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=100)
    country = models.CharField(_("country (ISO 3166-1 alpha-2)"), max_length=2)
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    default_language = models.CharField(_("default language"), max_length=8, default="en")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mission")

    def __str__(self):
        return gettext(self.name)


class Location(models.Model):
    """A node of a mission's location tree: country > province > district > site."""

    class Level(models.TextChoices):
        COUNTRY = "country", _("Country")
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District")
        SITE = "site", _("Site")

    class SiteType(models.TextChoices):
        CLINIC = "clinic", _("Clinic")
        COMMUNITY_CENTRE = "community_centre", _("Community centre")
        MUNICIPAL_CENTRE = "municipal_centre", _("Municipal centre")
        MOBILE_BASE = "mobile_base", _("Mobile team base")
        SCHOOL = "school", _("School")
        OFFICE = "office", _("Office")

    PARENT_LEVEL = {
        Level.PROVINCE: Level.COUNTRY,
        Level.DISTRICT: Level.PROVINCE,
        Level.SITE: Level.DISTRICT,
    }

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="locations")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    name = models.CharField(_("name"), max_length=150)
    name_folded = models.CharField(max_length=150, db_index=True, editable=False)
    pcode = models.CharField(_("P-code"), max_length=20, unique=True)
    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=10, blank=True)
    site_type = models.CharField(
        _("site type"), max_length=20, choices=SiteType.choices, blank=True
    )
    # Materialised path of P-codes ("TR/TR34/TR3401/"): a subtree is one indexed prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("location")
        indexes = [models.Index(fields=["mission", "level"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("core:location_detail", args=[self.pk])

    def ancestors(self):
        codes = self.path.strip("/").split("/")[:-1]
        by_code = {loc.pcode: loc for loc in Location.objects.filter(pcode__in=codes)}
        return [by_code[c] for c in codes if c in by_code]


class Role(models.Model):
    """Roles ship as data (core/data/roles.json); administrators may change the 2FA rule."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    mission_wide = models.BooleanField(
        _("mission-wide"),
        default=False,
        help_text=_("Sees every location of the mission, not only the teams' locations."),
    )
    categories = models.JSONField(_("sensitivity categories"), default=list, blank=True)
    capabilities = models.JSONField(_("capabilities"), default=list, blank=True)
    require_otp = models.BooleanField(_("require a second factor"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("role")

    def __str__(self):
        return gettext(self.name)


class User(AbstractUser):
    role = models.ForeignKey(
        Role, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    missions = models.ManyToManyField(Mission, blank=True, related_name="users")
    language = models.CharField(_("language"), max_length=8, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")

    def __str__(self):
        return self.get_full_name() or self.username


class Team(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=150)
    base = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="based_teams",
        verbose_name=_("base"),
    )
    locations = models.ManyToManyField(
        Location, blank=True, related_name="teams", verbose_name=_("working locations")
    )
    members = models.ManyToManyField(
        User, blank=True, related_name="teams", verbose_name=_("members")
    )
    # Safety alerts and approvals go to this person; cases of the team are supervised by them.
    supervisor = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_teams",
        verbose_name=_("supervisor"),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        constraints = [models.UniqueConstraint(fields=["mission", "name"], name="team_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("core:team_detail", args=[self.pk])


class Donor(models.Model):
    name = models.CharField(_("name"), max_length=150, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("donor")

    def __str__(self):
        return self.short_name or self.name


class Project(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="projects")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    donor = models.ForeignKey(
        Donor, on_delete=models.PROTECT, related_name="projects", verbose_name=_("donor")
    )
    grant_code = models.CharField(_("grant code"), max_length=60, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    provinces = models.ManyToManyField(
        Location, blank=True, related_name="projects", verbose_name=_("provinces")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-start_date", "code"]
        verbose_name = _("project")
        constraints = [
            models.UniqueConstraint(fields=["mission", "code"], name="project_unique_code"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="project_dates_ordered",
                violation_error_message=_("The project cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("core:project_detail", args=[self.pk])


class ProjectTarget(models.Model):
    """A donor target: what the project promised to reach, counted later by reporting."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField(_("indicator"), max_length=200)
    target = models.PositiveIntegerField(_("target"))
    unit = models.CharField(_("unit"), max_length=40, default="people")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "indicator"], name="target_unique")
        ]

    def __str__(self):
        return f"{self.indicator}: {self.target} {self.unit}"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self):
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class AuditEvent(models.Model):
    """Append-only, hash-chained. Written only by kopru.core.audit; see verify_audit."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        CHANGE = "change", _("changed")
        DELETE = "delete", _("deleted")
        VIEW = "view", _("viewed")
        EXPORT = "export", _("exported")
        DISCLOSE = "disclose", _("disclosed")
        LOGIN = "login", _("logged in")
        LOGOUT = "logout", _("logged out")
        LOGIN_FAILED = "login_failed", _("failed login")

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(max_length=60, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    category = models.CharField(
        max_length=20, choices=Sensitivity.choices, default=Sensitivity.GENERAL
    )
    mission = models.ForeignKey(
        Mission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"#{self.seq} {self.actor_name} {self.action} {self.object_type}:{self.object_id}"


class AuditVerification(models.Model):
    """The outcome of one run of the audit chain check (queued from the audit page)."""

    requested_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(null=True)
    checked = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"audit check {self.requested_at:%Y-%m-%d %H:%M}: {self.ok}"


class OutboxMessage(models.Model):
    """Every message Kopru sends a person (SMS, later others) goes here first; the configured
    gateway delivers it (kopru.core.messaging). The table is the record of what was sent."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    to = models.CharField(_("to"), max_length=32)
    body = models.TextField(_("message"))
    language = models.CharField(_("language"), max_length=8)
    purpose = models.CharField(_("purpose"), max_length=40)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    gateway = models.CharField(max_length=60, blank=True)
    error = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.purpose} to {self.to[:-4]}**** ({self.status})"
