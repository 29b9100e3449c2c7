"""What every write of community stabilisation and shelter shares (CONVENTIONS.md: one write
path): the access checks, the audit entry, dates given after the fact, the data files, and
the service event each programme records. The writes themselves are in `projects.py`
(stabilisation projects), `repairs.py` (dwellings and home repairs) and `rentals.py` (rental
agreements and their payments).

Who: `community.manage` (the shelter engineer), within their teams' places; rents and
payments also need the financial category."""

import datetime as dt
import json
import zoneinfo
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import access, audit
from kopru.core.models import AuditEvent, Location, Sensitivity
from kopru.core.text import in_language
from kopru.services import catalogue
from kopru.services import services as ledger

DATA = Path(__file__).parent / "data"
CAPABILITY = "community.manage"


@cache
def _data(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def facilities():
    return {f["code"]: f for f in _data("facilities.json")["facilities"]}


def works():
    return {w["code"]: w for w in _data("shelter.json")["works"]}


def units():
    return {u["code"]: u for u in _data("shelter.json")["units"]}


def tenures():
    return {t["code"]: t for t in _data("shelter.json")["tenures"]}


def rules():
    return _data("rules.json")


def label(entries, code):
    """A data file's entry in the reader's language (the code itself if it left the file)."""
    entry = entries.get(code)
    return in_language(entry["labels"]) if entry else code


def choices(entries):
    return [(code, in_language(e["labels"])) for code, e in entries.items()]


# --- Access ---------------------------------------------------------------------------------


def ensure(actor, mission, location=None, *, financial=False):
    """The actor manages community work in this mission, at this place; financial records
    need the category."""
    access.ensure(
        actor,
        mission,
        CAPABILITY,
        location=location,
        category=Sensitivity.FINANCIAL if financial else None,
    )


def may_see_money(user):
    return access.can_see_category(user, Sensitivity.FINANCIAL)


def record(actor, action, obj, *, request=None, financial=False, **details):
    audit.record(
        actor,
        action,
        obj,
        request=request,
        category=Sensitivity.FINANCIAL if financial else Sensitivity.GENERAL,
        details=details,
    )


def viewed(actor, obj, *, request=None, mission=None, **details):
    """A page or the API showed rents or payments: read, so audited (a list names its
    mission and no single record)."""
    audit.record(
        actor,
        AuditEvent.Action.VIEW,
        obj,
        request=request,
        category=Sensitivity.FINANCIAL,
        mission=mission,
        object_type="" if obj is not None else "community.rentalagreement",
        details=details,
    )


def place_error(actor, mission, location, field="location"):
    """The error of a place that is not a district (or site) of the mission in the actor's
    places, or None."""
    if (
        not isinstance(location, Location)
        or location.mission_id != mission.pk
        or location.level not in (Location.Level.DISTRICT, Location.Level.SITE)
    ):
        return {field: _("Choose a district of this mission.")}
    if not access.can_see_location(actor, location):
        return {field: _("This place is outside your teams' places.")}
    return None


# --- Dates ----------------------------------------------------------------------------------


def today(mission):
    return timezone.now().astimezone(zoneinfo.ZoneInfo(mission.timezone)).date()


def past_date(value, mission, field, *, required=True):
    """A date of something already done: given (when required) and not in the future."""
    if value is None:
        if required:
            raise ValidationError({field: _("Give the date.")})
        return None
    if not isinstance(value, dt.date):
        raise ValidationError({field: _("Give a valid date.")})
    if value > today(mission):
        raise ValidationError({field: _("The date cannot be in the future.")})
    return value


def moment_of(day, mission):
    """The service's moment for a day's work: midday in the mission's zone, or now when the
    day is today and midday is still to come."""
    zone = zoneinfo.ZoneInfo(mission.timezone)
    at = dt.datetime.combine(day, dt.time(12, 0), tzinfo=zone)
    return min(at, timezone.now())


# --- Service events -------------------------------------------------------------------------


service_type = catalogue.offered


def record_event(
    actor,
    mission,
    *,
    uid,
    code,
    on,
    location,
    modality,
    projects=(),
    request=None,
    source=None,
    **recipient,
):
    """The programme's service event (the ledger keeps it once per uid)."""
    return ledger.record_service(
        actor,
        mission,
        uid=uid,
        request=request,
        derived_from=source,
        service_type=service_type(mission, code),
        at=moment_of(on, mission),
        location=location,
        modality=modality,
        staff=actor,
        projects=list(projects),
        **recipient,
    )
