"""What every livelihoods write shares (CONVENTIONS.md: one write path): the access check,
the audit entry, a moment given after the fact. The writes themselves are in skills.py
(profiles, employers, vacancies, placements, follow-ups) and grants.py (calls, applications,
scores, awards, deliveries, mentoring, business follow-ups).

Who: `livelihoods.manage` (the livelihoods officer) records; `livelihoods.award` (the head of
unit) awards or rejects. Within a mission, a role that is not mission-wide works only in its
teams' places. Grants are financial data."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import access, audit
from kopru.core.models import AuditEvent, Location, Sensitivity

MANAGE, AWARD = "livelihoods.manage", "livelihoods.award"


def _ensure(actor, mission, capability=MANAGE, *, financial=False):
    access.ensure(actor, mission, capability, category=Sensitivity.FINANCIAL if financial else None)


def _ensure_place(actor, location):
    access.ensure(actor, location.mission, f"{MANAGE}|{AWARD}", location=location)


def _audit(
    actor, obj, action=AuditEvent.Action.CHANGE, request=None, *, financial=False, **details
):
    audit.record(
        actor,
        action,
        obj,
        request=request,
        category=Sensitivity.FINANCIAL if financial else Sensitivity.GENERAL,
        details=details,
    )


def _when(at, field="at"):
    """A moment given for a record entered after the fact: not in the future."""
    now = timezone.now()
    if at is not None and at > now:
        raise ValidationError({field: _("The time cannot be in the future.")})
    return at or now


def _not_after_today(day, field):
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def viewed(actor, obj, *, request=None, **details):
    """A page showing a grant application (financial): read, so audited."""
    _audit(actor, obj, AuditEvent.Action.VIEW, request, financial=True, **details)


def province_of(location):
    """The province a district or site lies in (its path's second P-code)."""
    parts = location.path.strip("/").split("/")
    if location.level == Location.Level.PROVINCE or len(parts) < 2:
        return location
    return Location.objects.get(pcode=parts[1])


def may_see_province(user, province):
    """A province is the user's when it holds one of their places (or they hold it all)."""
    prefixes = access.location_prefixes(user, province.mission)
    if prefixes is None:
        return True
    return any(p.startswith(province.path) or province.path.startswith(p) for p in prefixes)
