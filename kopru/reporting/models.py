"""The reporting projection of the ledger, and indicators.

`Reach` and `Tally` are derived from service events (reporting.projection keeps them current in
the same transaction as every write, and `manage.py rebuild_reporting` rebuilds them). Reports
read them and never the programme tables."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kopru.core.models import Location, Mission, Project
from kopru.services.models import Sector, ServiceEvent, ServiceType, SubSector, Unit

# Codes of the small columns, in the order reports list them.
SEXES = ["female", "male", "other"]
AGE_BANDS = ["0-4", "5-11", "12-17", "18-59", "60+"]
AGE_UNKNOWN = 9
# Tally's project for events that name no project, so per-project figures can say what no
# project covers (project 0 is every event). The largest value the column holds.
UNATTRIBUTED = 2**31 - 1


# Reach and Tally are derived from the ledger, which holds the real foreign keys: theirs are not
# constraints in the database (Django still cascades deletes), so a rebuild writing tens of
# millions of rows does not check each reference at commit.


class Reach(models.Model):
    """One registered person reached by one live service event (and one of its projects):
    served directly, as a participant of a group session, or as a member of a household served.

    Person attributes are copied as they were on the day of the service (age band, household) or
    as they are now (sex, population group, disability); projection refreshes them when the
    person's record changes or is merged (rows then name the surviving record), so counting distinct
    `person_id` after a merge counts the person once."""

    event = models.ForeignKey(
        ServiceEvent, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    # Plain numbers, not foreign keys: a merge in the registry moves every foreign key to a
    # person, and these rows are re-projected instead (projection.refresh_people).
    person_id = models.PositiveIntegerField(db_index=True)
    household_id = models.PositiveIntegerField(null=True, db_index=True)
    mission = models.ForeignKey(
        Mission, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    day = models.DateField()  # in the mission's time zone
    service_type = models.ForeignKey(
        ServiceType, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    project_id = models.PositiveIntegerField(default=0)  # 0: the event names no project
    # True on one row per event and person (its first project's): totals read these rows only.
    main_row = models.BooleanField(default=True)
    sex = models.PositiveSmallIntegerField()  # index in SEXES
    age_band = models.PositiveSmallIntegerField()  # index in AGE_BANDS, AGE_UNKNOWN
    population_group = models.PositiveSmallIntegerField()  # index in PopulationGroup.values
    disability = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["mission", "day"], name="reach_mission_day")]

    def __str__(self):
        return f"{self.person_id} @ {self.event_id}"


class Tally(models.Model):
    """Additive figures per day and per month: services delivered, and people counted by
    headcount at group sessions (by sex, age band and disability).

    A row with project 0 counts every event once; a row with a project's id counts that
    project's events, so an event shared by two projects is one service in the total; a row
    with UNATTRIBUTED counts the events that name no project; a row with project 0 and a
    donor's id counts that donor's events once.
    Services rows leave sex and age band empty; headcount rows have services 0."""

    class Grain(models.TextChoices):
        DAY = "D"
        MONTH = "M"

    mission = models.ForeignKey(
        Mission, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    grain = models.CharField(max_length=1, choices=Grain.choices)
    start = models.DateField()  # the day, or the first day of the month
    service_type = models.ForeignKey(
        ServiceType, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    project_id = models.PositiveIntegerField(default=0)
    # With project 0: the events of this donor's projects, each once (two projects of one
    # donor may share an event).
    donor_id = models.PositiveIntegerField(default=0)
    sex = models.CharField(max_length=6, blank=True)
    age_band = models.CharField(max_length=5, blank=True)
    disability = models.BooleanField(default=False)
    services = models.IntegerField(default=0)
    people = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "mission",
                    "grain",
                    "start",
                    "service_type",
                    "location",
                    "project_id",
                    "donor_id",
                    "sex",
                    "age_band",
                    "disability",
                ],
                name="one_tally_cell",
            )
        ]

    def __str__(self):
        return f"{self.grain}{self.start} {self.service_type_id}@{self.location_id}"


class Rollup(models.Model):
    """Unique people and households of a whole calendar month, quarter or year of a mission,
    per breakdown value, with no filter: what the full report of such a period reads instead
    of counting Reach rows. reporting.rollup keeps it current with Reach."""

    class Grain(models.TextChoices):
        MONTH = "M"
        QUARTER = "Q"
        YEAR = "Y"
        STALE = "S"  # marks a mission whose rollup waits for a rebuild

    mission = models.ForeignKey(
        Mission, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    grain = models.CharField(max_length=1, choices=Grain.choices)
    start = models.DateField()
    # total, a reporting.engine dimension, project, donor, sex_age, group or disability
    dimension = models.CharField(max_length=12)
    value = models.BigIntegerField()  # the dimension's id or code; 0 for the total
    measure = models.CharField(max_length=10)  # people, households or contacts
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "grain", "start", "dimension", "value", "measure"],
                name="one_rollup_count",
            )
        ]

    def __str__(self):
        return f"{self.grain}{self.start} {self.dimension}={self.value} {self.measure}"


# --- Indicators -------------------------------------------------------------------------------
# An M&E officer defines what to count as data (DHIS2's indicators and targets, ActivityInfo's
# indicators per database); reporting.indicators counts them from Reach and Tally above.


def sex_choices():
    from .report import SEX_NAMES

    return [(s, SEX_NAMES[s]) for s in SEXES]


def group_choices():
    from .engine import GROUP_ORDER
    from .report import GROUP_NAMES

    return [(g, GROUP_NAMES[g]) for g in GROUP_ORDER]


class Indicator(models.Model):
    """A count of people, services or households over chosen services and people, or a ratio
    of two counts shown as a percentage. Its definition is data: no code changes to add one."""

    class Kind(models.TextChoices):
        COUNT = "count", _("Count")
        RATIO = "ratio", _("Ratio of two counts (a percentage)")

    class Measure(models.TextChoices):
        PEOPLE = "people", _("People reached (registered people and people counted by head)")
        UNIQUE = "unique", _("Unique registered people")
        SERVICES = "services", _("Services delivered")
        HOUSEHOLDS = "households", _("Households reached")

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="indicators")
    code = models.CharField(
        _("code"),
        max_length=40,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                _("Use letters, digits, dots, dashes and underscores, e.g. PSS-01."),
            )
        ],
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices, default=Kind.COUNT)
    # A count's definition (empty on a ratio).
    measure = models.CharField(
        _("what to count"), max_length=10, choices=Measure.choices, blank=True
    )
    service_types = models.ManyToManyField(
        ServiceType, blank=True, related_name="+", verbose_name=_("services")
    )
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sector"),
    )
    sub_sector = models.ForeignKey(
        SubSector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sub-sector"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    sex = models.CharField(_("sex"), max_length=6, choices=sex_choices, blank=True)
    age_bands = models.JSONField(_("age bands"), default=list, blank=True)  # AGE_BANDS codes
    population_group = models.CharField(
        _("population group"), max_length=30, choices=group_choices, blank=True
    )
    disability_only = models.BooleanField(_("people with a disability only"), default=False)
    # A ratio's definition: two counts of the same mission (empty on a count).
    numerator = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("numerator"),
    )
    denominator = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("denominator"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        constraints = [
            models.UniqueConstraint(fields=["mission", "code"], name="indicator_unique_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_ratio(self):
        return self.kind == self.Kind.RATIO

    @property
    def people_filters(self):
        return bool(self.sex or self.age_bands or self.population_group or self.disability_only)

    def clean(self):
        """The rules of a definition, each message on the field it is about. The chosen
        services (a many-to-many) are checked by services.save_indicator."""
        errors = {}
        if self.code and self.mission_id:
            taken = Indicator.objects.filter(mission_id=self.mission_id, code__iexact=self.code)
            if taken.exclude(pk=self.pk).exists():
                errors["code"] = gettext("Another indicator of this mission has this code.")
        if self.kind == self.Kind.RATIO:
            self._clean_ratio(errors)
        else:
            self._clean_count(errors)
        if self.pk and self.kind == self.Kind.RATIO:
            users = Indicator.objects.filter(
                models.Q(numerator=self) | models.Q(denominator=self)
            ).exclude(pk=self.pk)
            if users.exists():
                errors["kind"] = gettext(
                    "%(codes)s use this indicator in a ratio, so it stays a count."
                ) % {"codes": ", ".join(users.values_list("code", flat=True))}
        if errors:
            raise ValidationError(errors)

    def _clean_count(self, errors):
        # A count's own definition: a ratio's sides are cleared.
        self.numerator = self.denominator = None
        if self.measure not in self.Measure.values:
            errors["measure"] = gettext("Say what the indicator counts.")
        elif self.measure == self.Measure.SERVICES and self.people_filters:
            errors["measure"] = gettext(
                "A count of services takes no filter on people (sex, age, population group, "
                "disability): a group session serves many people. Count people instead."
            )
        bands = list(self.age_bands or [])
        if not isinstance(self.age_bands, list) or set(bands) - set(AGE_BANDS):
            errors["age_bands"] = gettext("Choose age bands from the list.")
        else:
            self.age_bands = [b for b in AGE_BANDS if b in bands]
        for name in ("sector", "unit"):
            entry = getattr(self, name)
            if entry is not None and entry.mission_id != self.mission_id:
                errors[name] = gettext("Choose from this mission's catalogue.")
        if self.sub_sector is not None:
            if self.sub_sector.sector.mission_id != self.mission_id:
                errors["sub_sector"] = gettext("Choose from this mission's catalogue.")
            elif self.sector is not None and self.sub_sector.sector_id != self.sector_id:
                errors["sub_sector"] = gettext(
                    "%(sub_sector)s is not in the sector %(sector)s."
                ) % {"sub_sector": self.sub_sector, "sector": self.sector}

    def _clean_ratio(self, errors):
        # A ratio's filters live in its two counts.
        self.measure, self.sex, self.population_group = "", "", ""
        self.sector = self.sub_sector = self.unit = None
        self.age_bands, self.disability_only = [], False
        for name, missing in (
            ("numerator", gettext("A ratio needs a numerator: the count above the line.")),
            ("denominator", gettext("A ratio needs a denominator: the count below the line.")),
        ):
            side = getattr(self, name)
            if side is None:
                errors[name] = missing
            elif side.mission_id != self.mission_id:
                errors[name] = gettext("Choose an indicator of this mission.")
            elif side.kind != self.Kind.COUNT:
                errors[name] = gettext("Choose a count: a ratio is made of two counts.")
            elif self.pk and side.pk == self.pk:
                errors[name] = gettext("An indicator cannot be a side of itself.")
        if not errors and self.numerator_id == self.denominator_id:
            errors["denominator"] = gettext("Choose two different counts.")


class Target(models.Model):
    """What an indicator should reach in a period, for a project or (no project) the whole
    mission. A ratio's target is a percentage."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_targets",
        verbose_name=_("project"),
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    value = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator__code", "start", "end", "project__code"]
        verbose_name = _("target")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "project", "start", "end"],
                condition=models.Q(project__isnull=False),
                name="one_project_target_per_period",
            ),
            models.UniqueConstraint(
                fields=["indicator", "start", "end"],
                condition=models.Q(project__isnull=True),
                name="one_mission_target_per_period",
            ),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="target_dates_ordered"
            ),
            models.CheckConstraint(condition=models.Q(value__gt=0), name="target_positive"),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.start}–{self.end}: {self.value_text}"

    @property
    def value_text(self):
        """The value without trailing zeros: 3500, 7.5."""
        return format(Decimal(str(self.value)).normalize(), "f")

    @property
    def value_places(self):
        """For the templates' floatformat: as many decimals as the value has, grouped."""
        return f"{max(0, -Decimal(self.value_text).as_tuple().exponent)}g"

    def clean(self):
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = gettext("The period ends before it starts.")
        if self.value is not None:
            if self.value <= 0:
                errors["value"] = gettext("A target is a number above zero.")
            elif not self.indicator.is_ratio and self.value != int(self.value):
                errors["value"] = gettext("A count's target is a whole number.")
        project = self.project
        if project is not None:
            if project.mission_id != self.indicator.mission_id:
                errors["project"] = gettext("Choose a project of this mission.")
            elif (
                self.start
                and self.end
                and "end" not in errors
                and (self.start < project.start_date or self.end > project.end_date)
            ):
                errors["start" if self.start < project.start_date else "end"] = gettext(
                    "The project runs from %(start)s to %(end)s; the target's period lies "
                    "within it."
                ) % {
                    "start": date_format(project.start_date),
                    "end": date_format(project.end_date),
                }
        if not errors:
            same = Target.objects.filter(
                indicator_id=self.indicator_id,
                project=self.project,
                start=self.start,
                end=self.end,
            ).exclude(pk=self.pk)
            if same.exists():
                errors[NON_FIELD_ERRORS] = gettext(
                    "This indicator already has a target for this project and period: change "
                    "that one."
                )
        if errors:
            raise ValidationError(errors)
