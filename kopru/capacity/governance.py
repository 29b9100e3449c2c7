"""Rules shared by the trainings, the coordination council and the legislation review: who
may write (the `capacity.manage` capability, in the record's mission and, for records tied to
a place, within the teams' places), the audit entry, dates given after the fact, and the
data files' labels."""

import datetime
import json
import zoneinfo
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import access
from kopru.core import audit as core_audit
from kopru.core.models import AuditEvent, Location, Sensitivity
from kopru.core.text import in_language

DATA = Path(__file__).resolve().parent / "data"
CAPABILITY = "capacity.manage"


def ensure(actor, mission):
    access.ensure(actor, mission, CAPABILITY)


def ensure_place(actor, location):
    """A record tied to a place is written and read by the teams working there."""
    access.ensure(actor, location.mission, CAPABILITY, location=location)


def place_error(actor, mission, location, *, levels):
    """The message refusing `location` for a record of `mission`, or None."""
    if not isinstance(location, Location) or location.mission_id != mission.pk:
        return _("Choose a place in this mission.")
    if location.level not in levels:
        return _("Choose a place at the right level: %(levels)s.") % {
            "levels": ", ".join(str(Location.Level(level).label) for level in levels)
        }
    if not access.can_see_location(actor, location):
        return _("This place is outside your teams' locations.")
    return None


def in_places(user, queryset, mission, path_field):
    """Rows of `mission` the user may see, by the place at `path_field`."""
    if not access.in_mission(user, mission):
        return queryset.none()
    return access.in_places(user, queryset, mission, path_field)


def audit(actor, obj, action=AuditEvent.Action.CHANGE, request=None, **details):
    core_audit.record(
        actor, action, obj, request=request, category=Sensitivity.GENERAL, details=details
    )


def today(mission):
    return timezone.now().astimezone(zoneinfo.ZoneInfo(mission.timezone)).date()


def past_day(value, field, mission, *, required=True):
    """A day given after the fact: not in the future (in the mission's zone)."""
    if value is None:
        if required:
            raise ValidationError({field: _("Give the date.")})
        return None
    if not isinstance(value, datetime.date):
        raise ValidationError({field: _("Give the date.")})
    if value > today(mission):
        raise ValidationError({field: _("The date cannot be in the future.")})
    return value


def moment_of(day, mission, hour=10):
    """The day at that hour in the mission's zone, or now if that is still to come."""
    zone = zoneinfo.ZoneInfo(mission.timezone)
    at = datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone)
    return min(at, timezone.now())


@cache
def data(name):
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def codes(name, key):
    """{code: entry} of a data file's list."""
    return {entry["code"]: entry for entry in data(name)[key]}


def named(entry):
    return in_language(entry["names"])


def label(name, key, code):
    entry = codes(name, key).get(code)
    return named(entry) if entry else code


def choices(name, key):
    return [(code, named(entry)) for code, entry in codes(name, key).items()]


def text(value, field, message, limit=None):
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value[:limit] if limit else value
