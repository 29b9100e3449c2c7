"""The project's coordination council (seed 004: its first meeting on 15 July, with the
Deputy Minister of Healthcare and the Chief of Mission, "to outline a plan of project
activities"): members, meetings with minutes and decisions, and the action items that
follow, each with an owner, a due date and a status."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kopru.core.models import Location, Mission, Project

from .trainings import Agency

User = settings.AUTH_USER_MODEL


class Council(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    # Where the council sits: the teams working there see it.
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("coordination council")

    def __str__(self):
        return self.name


class Member(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        CO_CHAIR = "co_chair", _("Co-chair")
        SECRETARY = "secretary", _("Secretary")
        MEMBER = "member", _("Member")
        OBSERVER = "observer", _("Observer")

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=150)
    organisation = models.CharField(_("organisation"), max_length=200)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    from_date = models.DateField(_("from"))
    to_date = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        ordering = ["from_date", "pk"]
        verbose_name = _("council member")

    def __str__(self):
        return self.name

    def sits_on(self, day):
        return self.from_date <= day and (self.to_date is None or day <= self.to_date)


class Meeting(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="meetings")
    number = models.PositiveSmallIntegerField()
    held_on = models.DateField(_("date"))
    venue = models.CharField(_("venue"), max_length=200)
    agenda = models.TextField(_("agenda"))
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_file = models.CharField(max_length=200, blank=True)  # under UPLOAD_ROOT
    present = models.ManyToManyField(Member, related_name="meetings_attended")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-number"]
        verbose_name = _("council meeting")
        constraints = [
            models.UniqueConstraint(fields=["council", "number"], name="capacity_meeting_number")
        ]

    def __str__(self):
        return f"{self.council} #{self.number}"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField(_("decision"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"{self.meeting} / {self.number}"


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    text = models.TextField(_("action"))
    owner_member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="action_items"
    )
    owner_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    note = models.TextField(_("note"), blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action item")

    def __str__(self):
        return self.text[:60]

    @property
    def owner(self):
        if self.owner_member_id:
            return self.owner_member.name
        return self.owner_user.get_full_name() or self.owner_user.username

    def overdue_on(self, today):
        return self.status in self.OPEN_STATUSES and self.due_on < today
