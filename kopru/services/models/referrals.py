"""The service directory and closed-loop referrals (issue 4, item 4)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from kopru.core.models import Location, Mission, Sensitivity, Team, User
from kopru.registry.models import ConsentEvent, Person

from .ledger import ServiceEvent, ServiceType


class Provider(models.Model):
    """A service in the directory: one of the organisation's own (received by a Kopru team)
    or an outside provider (hospital, municipal migrant centre, legal aid, NGO...)."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", _("Our own service")
        HOSPITAL = "hospital", _("Hospital or health centre")
        MUNICIPAL = "municipal_centre", _("Municipal migrant centre")
        LEGAL_AID = "legal_aid", _("Legal aid")
        SPECIAL_EDUCATION = "special_education", _("Special education centre")
        NGO = "ngo", _("Non-governmental organisation")
        PUBLIC = "public_office", _("Public office")
        UN = "un_agency", _("UN agency")

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="providers")
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="providers",
        verbose_name=_("receiving team in Kopru"),
        help_text=_("Its members answer referrals in their inbox."),
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("where")
    )
    address = models.CharField(_("address"), max_length=250, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    offers = models.ManyToManyField(
        ServiceType, blank=True, related_name="providers", verbose_name=_("services offered")
    )
    description = models.TextField(_("what they offer"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)  # ISO 639-3
    eligibility = models.TextField(_("who is eligible"), blank=True)
    hours = models.CharField(_("opening hours"), max_length=150, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "name"], name="provider_unique_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_internal(self):
        return self.kind == self.Kind.INTERNAL


class Referral(models.Model):
    class Urgency(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        URGENT = "urgent", _("Urgent")
        EMERGENCY = "emergency", _("Emergency")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CLOSED = "closed", _("Closed")

    OPEN = (Status.SENT, Status.ACCEPTED, Status.IN_PROGRESS)

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("referral number"), max_length=20, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("referred to")
    )
    service_type = models.ForeignKey(
        ServiceType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service requested"),
    )
    from_event = models.ForeignKey(
        ServiceEvent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("from the service"),
    )
    reason = models.TextField(_("reason"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    # Copied like a service event's: a referral made from a health service is health data.
    category = models.CharField(max_length=20, choices=Sensitivity.choices, db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SENT, db_index=True
    )
    due = models.DateTimeField(_("answer due"))
    consent = models.ForeignKey(
        ConsentEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referred_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["mission", "status", "due"], name="referral_open_due")]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("services:referral_detail", args=[self.pk])


class ReferralUpdate(models.Model):
    """One step of a referral: who moved it where, from which side, with what feedback."""

    class Channel(models.TextChoices):
        REFERRER = "referrer", _("Recorded by the referring side")
        INBOX = "inbox", _("Receiving team in Kopru")
        LINK = "link", _("Provider's answer by link")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=12, choices=Referral.Status.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    by_name = models.CharField(_("answered by"), max_length=150, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    feedback = models.TextField(_("feedback"), blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.referral_id}: {self.status}"


class ReferralLink(models.Model):
    """A one-time link an outside provider answers through; only its hash is kept."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"link for {self.referral_id}"
