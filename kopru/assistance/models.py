"""Basic needs assistance: cash and e-voucher programmes and in-kind distributions.

A programme says how it targets (criteria with weights and a cut-off, held on the row so an
officer edits them without code) and what a household is entitled to (a transfer-value table
by household size, with a cap). Targeting runs produce candidates, each with its score, its
reasons and a snapshot of the household as it was, so later edits of the registry do not
change what was decided. Cycles carry one entitlement per household.

Money is Decimal in the programme's currency (Turkish lira), never a float. Financial data is
its own sensitivity category (core.access)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopru.core.models import Location, Mission, Project, Sensitivity
from kopru.registry.models import Household
from kopru.services.models import ServiceType

User = settings.AUTH_USER_MODEL


class Programme(models.Model):
    class Modality(models.TextChoices):
        CARD = "multipurpose_card", _("Multi-purpose cash on a reloadable prepaid card")
        EVOUCHER = "restricted_evoucher", _("Restricted e-voucher at contracted vendors")
        IN_KIND = "in_kind", _("In-kind kit")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    modality = models.CharField(_("modality"), max_length=24, choices=Modality.choices)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    provinces = models.ManyToManyField(Location, related_name="+", verbose_name=_("provinces"))
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+")
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default="TRY")
    # [{"code": "household_size", "weight": 2, "threshold": 5}, ...] (codes of data/criteria.json)
    criteria = models.JSONField(_("criteria"), default=list)
    cutoff = models.PositiveSmallIntegerField(_("score needed"), default=1)
    # {"by_size": {"1": "1500.00", ...}, "extra_member": "250.00", "cap": "5000.00"}
    transfer_values = models.JSONField(_("transfer values"), default=dict)
    recurring = models.BooleanField(_("recurring"), default=False)
    kit = models.CharField(_("kit"), max_length=40, blank=True)  # in kind: a code of data/kits.json
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("assistance programme")
        constraints = [
            models.UniqueConstraint(fields=["mission", "code"], name="assistance_programme_code")
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class TargetingRun(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being reviewed")
        APPROVED = "approved", _("Approved and frozen")
        DISCARDED = "discarded", _("Discarded")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="runs")
    run_at = models.DateTimeField(auto_now_add=True)
    run_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    criteria = models.JSONField()  # the rules as they were when it ran
    cutoff = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    households = models.PositiveIntegerField(default=0)
    eligible = models.PositiveIntegerField(default=0)
    approved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-run_at"]

    def __str__(self):
        return f"{self.programme.code} {self.run_at:%Y-%m-%d %H:%M}"


class Candidate(models.Model):
    """A household as targeting found it: the score, the criteria it met, and (frozen when the
    run is approved) its size and members at that moment."""

    class Decision(models.TextChoices):
        AUTO = "auto", _("As scored")
        INCLUDE = "include", _("Included by the officer")
        EXCLUDE = "exclude", _("Excluded by the officer")

    run = models.ForeignKey(TargetingRun, on_delete=models.CASCADE, related_name="candidates")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()
    met = models.JSONField(default=list)  # criterion codes met
    eligible = models.BooleanField()  # by the score alone
    decision = models.CharField(max_length=8, choices=Decision.choices, default=Decision.AUTO)
    decision_reason = models.CharField(max_length=250, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    size = models.PositiveSmallIntegerField()
    snapshot = models.JSONField(default=dict)  # {"members": [person ids], "head": id, ...}

    class Meta:
        ordering = ["-score", "household_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "household"], name="candidate_once_per_run")
        ]
        indexes = [models.Index(fields=["run", "eligible", "decision"])]

    def __str__(self):
        return f"{self.run_id}: {self.household_id} ({self.score})"

    @property
    def selected(self):
        if self.decision == self.Decision.AUTO:
            return self.eligible
        return self.decision == self.Decision.INCLUDE


class Cycle(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        LOADED = "loaded", _("Loaded")
        CLOSED = "closed", _("Closed")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveSmallIntegerField(_("cycle"))
    run = models.ForeignKey(TargetingRun, on_delete=models.PROTECT, related_name="cycles")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    loaded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="cycle_number_once")
        ]

    def __str__(self):
        return f"{self.programme.code} #{self.number}"


class Entitlement(models.Model):
    """What one household receives in one cycle; never two in a cycle (the constraint)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="entitlements")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="TRY")
    category = models.CharField(max_length=20, default=Sensitivity.FINANCIAL, editable=False)
    card = models.ForeignKey(
        "Card", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    loaded_at = models.DateTimeField(null=True, blank=True)
    event = models.ForeignKey(
        "services.ServiceEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["cycle", "household_id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "household"], name="one_entitlement_per_cycle")
        ]

    def __str__(self):
        return f"{self.cycle}: {self.household_id} {self.amount} {self.currency}"


class Card(models.Model):
    """A prepaid card or e-voucher card from the provider's stock, by serial number."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("In stock")
        ASSIGNED = "assigned", _("Assigned")
        DISTRIBUTED = "distributed", _("Handed over")
        BLOCKED = "blocked", _("Blocked")
        REPLACED = "replaced", _("Replaced")

    class Confirmation(models.TextChoices):
        SIGNATURE = "signature", _("Signature")
        THUMBPRINT = "thumbprint", _("Thumbprint")

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cards")
    serial = models.CharField(_("serial number"), max_length=32, unique=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmation = models.CharField(max_length=12, choices=Confirmation.choices, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    distributed_at = models.DateTimeField(null=True, blank=True)
    blocked_at = models.DateTimeField(null=True, blank=True)
    block_reason = models.CharField(max_length=200, blank=True)
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )

    class Meta:
        ordering = ["serial"]
        constraints = [
            # One card in use per household and programme: a replacement retires the old one.
            models.UniqueConstraint(
                fields=["programme", "household"],
                condition=models.Q(status__in=["assigned", "distributed"]),
                name="one_active_card_per_household",
            )
        ]

    def __str__(self):
        return self.serial


class ProviderFile(models.Model):
    """A file exchanged with the card provider: a load file sent, a confirmation received.
    Its SHA-256 makes the same file imported twice a no-op."""

    class Kind(models.TextChoices):
        LOAD = "load", _("Load file")
        CONFIRMATION = "confirmation", _("Load confirmation")
        REDEMPTION = "redemption", _("Redemptions")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    total = models.DecimalField(max_digits=14, decimal_places=2)
    name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kind", "sha256"], name="provider_file_once")
        ]

    def __str__(self):
        return f"{self.cycle} {self.kind} {self.at:%Y-%m-%d}"


# --- Vendors and redemptions ----------------------------------------------------------------


class Vendor(models.Model):
    """A shop where cards are spent, by the merchant code the provider's files carry."""

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("merchant code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("location")
    )
    address = models.CharField(_("address"), max_length=250, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    categories = models.JSONField(_("allowed item categories"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["mission", "code"], name="vendor_code")]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Contract(models.Model):
    """A vendor contracted for a programme, for a period."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="contracts")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="contracts")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))

    class Meta:
        ordering = ["vendor__name"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "programme"], name="contract_once")
        ]

    def __str__(self):
        return f"{self.vendor} / {self.programme.code}"


class Redemption(models.Model):
    """A card transaction as the provider reported it. Kept as reported (the merchant code and
    serial as text) even when the vendor is not ours: that is what the anomalies are about."""

    # A million rows a cycle: no index beyond what reconciliation reads by (the unique one
    # leads with the cycle; households are summed by entitlement). Cards, files and vendors
    # are never deleted, so their keys need none.
    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="redemptions", db_index=False
    )
    file = models.ForeignKey(
        ProviderFile, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    line = models.PositiveIntegerField()
    transaction = models.CharField(max_length=64)
    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="+", db_index=False)
    entitlement = models.ForeignKey(
        Entitlement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    merchant = models.CharField(max_length=40)
    vendor = models.ForeignKey(
        Vendor, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    at = models.DateTimeField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    category = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "transaction"], name="redemption_once")
        ]

    def __str__(self):
        return f"{self.transaction} {self.amount}"


class Anomaly(models.Model):
    """A redemption that needs a look, found by reconciliation; the officer explains it or
    refers it for investigation."""

    class Kind(models.TextChoices):
        NOT_CONTRACTED = "not_contracted", _("At a vendor not contracted for the programme")
        OVER = "over_entitlement", _("Over what was loaded on the card")
        BLOCKED = "after_block", _("Card used after it was blocked")
        BURST = "burst", _("Many cards at one vendor within minutes")

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        EXPLAINED = "explained", _("Explained")
        REFERRED = "referred", _("Referred for investigation")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="anomalies")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    redemption = models.ForeignKey(Redemption, on_delete=models.CASCADE, related_name="+")
    details = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    note = models.CharField(max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "kind", "redemption__at"]
        constraints = [models.UniqueConstraint(fields=["kind", "redemption"], name="anomaly_once")]

    def __str__(self):
        return f"{self.kind} {self.redemption_id}"


class Reconciliation(models.Model):
    """Loaded against redeemed for a cycle, as it stood when last worked out: the totals and
    the table per vendor. Loaded = redeemed + outstanding, to the kuruş."""

    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="reconciliation")
    at = models.DateTimeField()
    loaded = models.DecimalField(max_digits=14, decimal_places=2)
    redeemed = models.DecimalField(max_digits=14, decimal_places=2)
    outstanding = models.DecimalField(max_digits=14, decimal_places=2)
    flagged = models.DecimalField(max_digits=14, decimal_places=2)
    households = models.PositiveIntegerField()
    transactions = models.PositiveIntegerField()
    # [{"vendor": id|None, "merchant": code, "transactions": n, "households": n,
    #   "amount": "0.00", "flagged": "0.00"}, ...]
    vendors = models.JSONField(default=list)
    anomalies = models.JSONField(default=dict)  # {kind: count}

    def __str__(self):
        return f"{self.cycle} {self.at:%Y-%m-%d %H:%M}"


# --- In kind --------------------------------------------------------------------------------


class Warehouse(models.Model):
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=150)
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("location")
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Distribution(models.Model):
    """A distribution list: the households of a cycle to be served at one site on one day,
    from one warehouse."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CLOSED = "closed", _("Closed")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="distributions")
    site = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("site")
    )
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="+", verbose_name=_("warehouse")
    )
    day = models.DateField(_("day"))
    kit = models.CharField(max_length=40)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "site__name"]

    def __str__(self):
        return f"{self.site} {self.day}"


class Receipt(models.Model):
    """A household on a distribution list, and who took its kits."""

    class Receiver(models.TextChoices):
        RECIPIENT = "recipient", _("The household's recipient")
        MEMBER = "member", _("Another member")
        PROXY = "proxy", _("A proxy")

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="lines")
    entitlement = models.OneToOneField(Entitlement, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    kits = models.PositiveSmallIntegerField(default=1)
    received_at = models.DateTimeField(null=True, blank=True)
    receiver = models.CharField(max_length=10, choices=Receiver.choices, blank=True)
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proxy_name = models.CharField(_("proxy's name"), max_length=150, blank=True)
    proxy_document = models.CharField(_("proxy's document"), max_length=60, blank=True)
    confirmation = models.CharField(max_length=12, choices=Card.Confirmation.choices, blank=True)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    event = models.ForeignKey(
        "services.ServiceEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["distribution", "household_id"]

    def __str__(self):
        return f"{self.distribution}: {self.household_id}"


class StockMove(models.Model):
    """Items in (+) or out (-) of a warehouse; the stock is their sum."""

    class Reason(models.TextChoices):
        RECEIVED = "received", _("Received")
        DISTRIBUTED = "distributed", _("Distributed")
        TRANSFER = "transfer", _("Transfer between warehouses")
        LOSS = "loss", _("Lost or damaged")
        COUNT = "count", _("Stock count correction")

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="moves")
    item = models.CharField(max_length=40)
    quantity = models.IntegerField()
    reason = models.CharField(max_length=12, choices=Reason.choices)
    receipt = models.ForeignKey(
        Receipt, null=True, blank=True, on_delete=models.PROTECT, related_name="moves"
    )
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["warehouse", "item"])]

    def __str__(self):
        return f"{self.warehouse} {self.item} {self.quantity:+d}"


# --- Monitoring and accountability ----------------------------------------------------------


class PdmResponse(models.Model):
    """A post-distribution monitoring interview with a household drawn in the cycle's sample."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="pdm")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    sampled_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    refused = models.BooleanField(default=False)
    answers = models.JSONField(default=dict)
    by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["cycle", "household_id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "household"], name="pdm_once_per_cycle")
        ]

    def __str__(self):
        return f"PDM {self.cycle}: {self.household_id}"


class Complaint(models.Model):
    """A complaint or feedback about assistance, answered within the mission's time."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=20)
    category = models.CharField(_("about"), max_length=30)
    text = models.TextField(_("what they said"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    received_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    response = models.TextField(_("response"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["mission", "status"])]

    def __str__(self):
        return f"{self.category} {self.received_at:%Y-%m-%d}"
