"""Pre-migration health assessment: the case per person and destination, what the protocol
asked and what was done, investigations with outside partners, the TB pathway, pre-departure
care and travel, disclosures and post-arrival follow-up."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from kopru.core.models import Location, Mission, User
from kopru.registry.models import ConsentEvent, Person
from kopru.services.models import Provider, ServiceEvent


class TbClass(models.TextChoices):
    NONE = "none", _("No TB classification")
    A = "A", _("Class A: infectious TB, treat before travel")
    B0 = "B0", _("Class B0: pulmonary TB treated under DOT")
    B1_PULMONARY = "B1P", _("Class B1 pulmonary TB")
    B1_EXTRAPULMONARY = "B1E", _("Class B1 extrapulmonary TB")
    B2 = "B2", _("Class B2: latent TB infection")
    B3 = "B3", _("Class B3: TB contact")


class AssessmentCase(models.Model):
    """A person's health assessment for one destination programme. The protocol version is
    fixed when the case opens, so later rule changes do not rewrite what was required."""

    class Programme(models.TextChoices):
        REFUGEE = "refugee", _("Refugee resettlement")
        IMMIGRANT = "immigrant", _("Immigrant visa")

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        CLEARED = "cleared", _("Cleared to travel")
        ON_HOLD = "on_hold", _("On hold")
        TRAVELLED = "travelled", _("Travelled")
        CLOSED = "closed", _("Closed")

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("case number"), max_length=20, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assessments")
    destination = models.CharField(_("destination"), max_length=3)  # ISO 3166 alpha-3
    programme = models.CharField(_("programme"), max_length=10, choices=Programme.choices)
    protocol = models.CharField(_("protocol"), max_length=30)
    protocol_version = models.CharField(_("protocol version"), max_length=20)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    pregnant = models.BooleanField(_("pregnant"), null=True, blank=True)
    findings = models.JSONField(default=list, blank=True)  # codes that trigger components
    exam_on = models.DateField(_("medical examination completed"), null=True, blank=True)
    departure_at = models.DateTimeField(_("flight departure"), null=True, blank=True)

    tb_class = models.CharField(_("TB class"), max_length=4, choices=TbClass.choices, blank=True)
    tb_detail = models.CharField(_("TB detail (site, source case)"), max_length=200, blank=True)
    tb_classified_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tb_classified_at = models.DateTimeField(null=True, blank=True)

    fitness = models.CharField(_("fitness to travel"), max_length=30, blank=True)
    fitness_conditions = models.TextField(_("conditions"), blank=True)
    fitness_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fitness_at = models.DateTimeField(null=True, blank=True)
    travel_needs = models.JSONField(_("travel arrangements"), default=list, blank=True)
    escort = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("medical escort"),
    )
    travel_notes = models.TextField(_("travel notes"), blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    opened_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self):
        return f"{self.number} {self.person.reference} → {self.destination}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("health:case_detail", args=[self.pk])


class ComponentRecord(models.Model):
    """A protocol component the clinician did (history, examination, mental health...) or
    decided not to do, with why. Tests are done by their results, not by these."""

    case = models.ForeignKey(AssessmentCase, on_delete=models.CASCADE, related_name="components")
    component = models.CharField(max_length=30)
    done_on = models.DateField(_("date"))
    outcome = models.TextField(_("findings"), blank=True)
    waived_reason = models.CharField(_("not done because"), max_length=300, blank=True)
    event = models.ForeignKey(
        ServiceEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_on", "id"]

    def __str__(self):
        return f"{self.case.number} {self.component} {self.done_on}"


class Investigation(models.Model):
    """An order to a lab or imaging centre, and its result (entered or imported)."""

    class Status(models.TextChoices):
        ORDERED = "ordered", _("Ordered")
        RESULTED = "resulted", _("Result received")
        CANCELLED = "cancelled", _("Cancelled")

    class Interpretation(models.TextChoices):
        POSITIVE = "positive", _("Positive")
        NEGATIVE = "negative", _("Negative")
        INDETERMINATE = "indeterminate", _("Indeterminate")
        NORMAL = "normal", _("Normal")
        ABNORMAL = "abnormal", _("Abnormal, not suggestive of TB")
        SUGGESTIVE = "suggestive", _("Suggestive of TB")

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("order number"), max_length=24, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="investigations")
    case = models.ForeignKey(
        AssessmentCase,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="investigations",
    )
    test = models.CharField(_("test (LOINC)"), max_length=12)
    specimen = models.PositiveSmallIntegerField(_("specimen"), default=1)
    partner = models.ForeignKey(
        Provider,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("laboratory or imaging centre"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ORDERED
    )
    ordered_at = models.DateTimeField()
    ordered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey(
        ServiceEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    collected_on = models.DateField(_("specimen taken or image made"), null=True, blank=True)
    interpretation = models.CharField(
        _("result"), max_length=14, choices=Interpretation.choices, blank=True
    )
    value = models.DecimalField(_("value"), max_digits=9, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    reading = models.TextField(_("reading or report"), blank=True)
    resulted_at = models.DateTimeField(null=True, blank=True)
    result_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result_source = models.CharField(max_length=20, blank=True)  # entered, csv:<file>, fhir:<file>

    class Meta:
        ordering = ["ordered_at", "id"]

    def __str__(self):
        return f"{self.number} {self.test}"


class Counselling(models.Model):
    class Stage(models.TextChoices):
        PRE = "pre", _("Pre-test counselling")
        POST = "post", _("Post-test counselling")

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="counselling"
    )
    stage = models.CharField(_("stage"), max_length=4, choices=Stage.choices)
    at = models.DateTimeField(_("when"))
    notes = models.TextField(_("notes"), blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey(
        ServiceEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["investigation", "stage"], name="one_counselling_each")
        ]

    def __str__(self):
        return f"{self.investigation.number} {self.stage}"


class DotCourse(models.Model):
    """Directly observed TB treatment the person was referred to; complete when every planned
    dose was observed (missed doses are made up at the end)."""

    case = models.ForeignKey(AssessmentCase, on_delete=models.CASCADE, related_name="dot_courses")
    regimen = models.CharField(_("regimen"), max_length=120)
    doses_planned = models.PositiveSmallIntegerField(_("doses planned"))
    started_on = models.DateField(_("started"))
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["started_on", "id"]

    def __str__(self):
        return f"{self.case.number} DOT {self.regimen}"


class DotDose(models.Model):
    course = models.ForeignKey(DotCourse, on_delete=models.CASCADE, related_name="doses")
    on = models.DateField(_("date"))
    observed = models.BooleanField(_("observed"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["on"]
        constraints = [models.UniqueConstraint(fields=["course", "on"], name="one_dose_a_day")]

    def __str__(self):
        return f"{self.on} {'observed' if self.observed else 'missed'}"


class Treatment(models.Model):
    """A pre-departure medical procedure: presumptive treatment given by protocol."""

    case = models.ForeignKey(AssessmentCase, on_delete=models.CASCADE, related_name="treatments")
    drug = models.CharField(_("medicine"), max_length=30)
    dose = models.CharField(_("dose"), max_length=60)
    given_on = models.DateField(_("given on"))
    override_reason = models.CharField(max_length=300, blank=True)
    event = models.ForeignKey(
        ServiceEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["given_on", "id"]

    def __str__(self):
        return f"{self.case.number} {self.drug} {self.given_on}"


class EmbarkationCheck(models.Model):
    """The pre-embarkation check, within the protocol's window before the flight."""

    case = models.ForeignKey(AssessmentCase, on_delete=models.CASCADE, related_name="checks")
    at = models.DateTimeField(_("when"))
    fit = models.BooleanField(_("fit to fly"))
    findings = models.TextField(_("findings"), blank=True)
    event = models.ForeignKey(
        ServiceEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at"]

    def __str__(self):
        return f"{self.case.number} PEC {self.at:%Y-%m-%d %H:%M}"


class Disclosure(models.Model):
    """A health record that left the organisation: what, to whom, why, by whom, under which
    consent."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="disclosures")
    case = models.ForeignKey(
        AssessmentCase, null=True, blank=True, on_delete=models.PROTECT, related_name="disclosures"
    )
    document = models.CharField(_("document"), max_length=30)
    recipient = models.CharField(_("recipient"), max_length=150)
    purpose = models.CharField(_("purpose"), max_length=200)
    consent = models.ForeignKey(ConsentEvent, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("how"), max_length=20)  # download, command
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.document} to {self.recipient}"


class FollowUp(models.Model):
    """What the receiving side reported after arrival."""

    case = models.ForeignKey(AssessmentCase, on_delete=models.CASCADE, related_name="follow_ups")
    reported_on = models.DateField(_("reported on"))
    admitted = models.BooleanField(_("admitted to hospital"), null=True, blank=True)
    treatment = models.TextField(_("treatment"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    reporter = models.CharField(_("reported by"), max_length=150)
    via_link = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reported_on", "id"]

    def __str__(self):
        return f"{self.case.number} follow-up {self.reported_on}"


class FollowUpLink(models.Model):
    """A one-time link the receiving health department answers through after arrival; only
    its hash is kept, and it names the recipient the person consented to."""

    case = models.ForeignKey(
        AssessmentCase, on_delete=models.CASCADE, related_name="follow_up_links"
    )
    recipient = models.CharField(max_length=150)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"follow-up link for {self.case.number}"
