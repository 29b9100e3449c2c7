"""Emergency and protection case management: a case, its intake and vulnerability
assessment, its plan, follow-ups and history; the needs it asks funding for, their documents,
payments and the project budgets they draw on; and the approvals a mission requires.

Case content is protection data; needs, payments and budgets are financial data. A role sees
each only with that category (core.access). Every contact and every paid need is also a
ServiceEvent, so reporting reads only the ledger."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kopru.core.models import Location, Mission, Project, Sensitivity, Team
from kopru.registry.models import Household, Person
from kopru.services.models import Referral, ServiceEvent

User = settings.AUTH_USER_MODEL


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Opened(models.TextChoices):
        DIRECT = "direct", _("Directly")
        REFERRAL = "referral", _("From a referral")
        SERVICE = "service", _("From a service")

    class Risk(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("case number"), max_length=20, unique=True)
    kind = models.CharField(_("case type"), max_length=30)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    opened_via = models.CharField(_("opened"), max_length=10, choices=Opened.choices)
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_event = models.ForeignKey(
        ServiceEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened on"))
    caseworker = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="cases", verbose_name=_("case worker")
    )
    supervisor = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_cases",
        verbose_name=_("supervisor"),
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cases")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        Project,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("project"),
    )
    risk = models.CharField(_("risk"), max_length=8, choices=Risk.choices, blank=True)
    # Intake
    presenting_needs = models.TextField(_("presenting needs"), blank=True)
    circumstances = models.TextField(_("circumstances"), blank=True)
    next_follow_up = models.DateField(_("next follow-up"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.CharField(_("reason for closing"), max_length=30, blank=True)
    closure_notes = models.TextField(_("closing notes"), blank=True)
    category = models.CharField(
        max_length=20, choices=Sensitivity.choices, default=Sensitivity.PROTECTION
    )
    event = models.ForeignKey(
        ServiceEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("case")
        indexes = [models.Index(fields=["mission", "status", "caseworker"])]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("casework:case_detail", args=[self.pk])


class History(models.Model):
    """Every state change of a case: who, when, what, and the reason when one is needed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=30)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.case_id}: {self.action}"


class Assessment(models.Model):
    """A vulnerability assessment: the criteria met (codes of data/casework.json), their
    weighted score and the level it gives."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    at = models.DateTimeField()
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    criteria = models.JSONField(default=list)
    score = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=10)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.case}: {self.level} ({self.score})"


class Goal(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(_("goal"), max_length=300)
    achieved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.text[:80]


class Action(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(_("action"), max_length=300)
    responsible = models.CharField(_("who"), max_length=100, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self):
        return self.text[:80]


class FollowUp(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    at = models.DateTimeField(_("date"))
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    contact = models.CharField(_("how"), max_length=12)
    notes = models.TextField(_("notes"))
    event = models.ForeignKey(
        ServiceEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.case}: {self.at:%Y-%m-%d}"


class Approval(models.Model):
    """A decision the mission requires before a step counts: an assessment, a plan, a closure,
    or a funded need. The queue is the pending rows, oldest first."""

    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", _("Vulnerability assessment")
        PLAN = "plan", _("Case plan")
        CLOSURE = "closure", _("Closure")
        NEED = "need", _("Funded need")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    need = models.OneToOneField(
        "Need", null=True, blank=True, on_delete=models.CASCADE, related_name="approval"
    )
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    details = models.JSONField(default=dict, blank=True)  # e.g. the closure asked for
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["requested_at"]

    def __str__(self):
        return f"{self.case}: {self.kind} ({self.status})"


class Budget(models.Model):
    """What a project may spend on funded needs (Turkish lira)."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="ecm_budget")
    amount = models.DecimalField(_("budget"), max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default="TRY")
    set_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.project}: {self.amount} {self.currency}"


class Need(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        PAID = "paid", _("Paid")
        RECEIPTED = "receipted", _("Receipted")
        CANCELLED = "cancelled", _("Cancelled")

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="needs")
    category = models.CharField(_("what for"), max_length=30)
    description = models.CharField(_("description"), max_length=300)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="TRY")
    supplier = models.CharField(_("supplier"), max_length=150)
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payment_reference = models.CharField(_("payment reference"), max_length=60, blank=True)
    receipted_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.CharField(max_length=250, blank=True)
    event = models.ForeignKey(
        ServiceEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("funded need")

    def __str__(self):
        return f"{self.case}: {self.category} {self.amount} {self.currency}"


class Document(models.Model):
    """A quote, invoice or receipt. The bytes live under KOPRU_VAR_DIR/uploads (never under
    a served folder) and are read only through services.open_document, which audits."""

    class Kind(models.TextChoices):
        QUOTE = "quote", _("Quote")
        INVOICE = "invoice", _("Invoice")
        RECEIPT = "receipt", _("Receipt")
        OTHER = "other", _("Other")

    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("document"), max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    path = models.CharField(max_length=200)  # relative to the uploads folder
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self):
        return f"{self.need}: {self.kind}"
