"""Education's shared write rules (CONVENTIONS.md: one write path) and school periods.

Who: `education.manage` (the education officer), in the missions and, unless mission-wide,
the places of their teams. Transport, courses and special education each have their module
(transport.py, courses.py, special.py) built on these helpers."""

import json
from datetime import date
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import access, audit
from kopru.core.models import AuditEvent, Location, Sensitivity

from .models import Period

DATA = Path(__file__).resolve().parent / "data"
CAPABILITY = "education.manage"


@cache
def rules():
    return json.loads((DATA / "rules.json").read_text(encoding="utf-8"))


def ensure(actor, mission):
    access.ensure(actor, mission, CAPABILITY)


def ensure_place(actor, location):
    """The record's place must be among the user's teams' places."""
    access.ensure(actor, location.mission, CAPABILITY, location=location)


def audit_it(actor, obj, action=AuditEvent.Action.CHANGE, request=None, **details):
    audit.record(actor, action, obj, request=request, category=Sensitivity.GENERAL, details=details)


def when(at):
    """A moment given for a record entered after the fact: not in the future."""
    now = timezone.now()
    if at is not None and at > now:
        raise ValidationError({"at": _("The time cannot be in the future.")})
    return at or now


def not_future(day, field="day"):
    if day is None:
        raise ValidationError({field: _("Give the date.")})
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    return day


def age_on(person, on):
    b = person.birth_date
    if b is None:
        return None
    return on.year - b.year - ((on.month, on.day) < (b.month, b.day))


def is_school_day(day):
    return day.weekday() in rules()["school_weekdays"]


def in_mission_place(location, mission, *, level=None, site_types=None):
    return (
        isinstance(location, Location)
        and location.mission_id == mission.pk
        and (level is None or location.level == level)
        and (site_types is None or location.site_type in site_types)
    )


# --- Periods --------------------------------------------------------------------------------


def save_period(actor, period, *, request=None):
    """A term or summer school: a name, a kind, and dates in order."""
    ensure(actor, period.mission)
    errors = {}
    period.name = (period.name or "").strip()
    if not period.name:
        errors["name"] = _("Give the period a name.")
    elif (
        Period.objects.filter(mission=period.mission, name=period.name)
        .exclude(pk=period.pk)
        .exists()
    ):
        errors["name"] = _("Another period has this name.")
    if period.kind not in Period.Kind.values:
        errors["kind"] = _("Choose a school term or summer school.")
    if not isinstance(period.starts_on, date) or not isinstance(period.ends_on, date):
        errors["starts_on"] = _("Give the first and the last day.")
    elif period.ends_on < period.starts_on:
        errors["ends_on"] = _("The period ends before it starts.")
    if errors:
        raise ValidationError(errors)
    created = period.pk is None
    with transaction.atomic():
        period.created_by_id = period.created_by_id or actor.pk
        period.save()
        audit_it(
            actor,
            period,
            AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
            request,
            kind=period.kind,
            starts_on=str(period.starts_on),
            ends_on=str(period.ends_on),
        )
    return period
