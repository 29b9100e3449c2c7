"""Reads more than one caller needs, already filtered by the access policy."""

from django.db.models import Q

from . import access
from .models import AuditEvent, Location, Team


def visible_teams(user, mission):
    """Mission-wide roles see every team; others see the teams they belong to or that work
    within their own locations."""
    qs = Team.objects.filter(mission=mission).select_related("base")
    if not access.in_mission(user, mission):
        return qs.none()
    prefixes = access.location_prefixes(user, mission)
    if prefixes is None:
        return qs
    condition = Q(members=user)
    for prefix in prefixes:
        condition |= Q(locations__path__startswith=prefix)
    return qs.filter(condition).distinct()


def visible_sites(user, mission):
    """Sites where the user may record work."""
    qs = Location.objects.filter(level=Location.Level.SITE, active=True)
    return access.scope(user, qs, mission, path_field="path")


def audit_entries(user, mission):
    if not access.has(user, "core.view_audit") or not access.in_mission(user, mission):
        return AuditEvent.objects.none()
    # Sign-in events carry no mission; an administrator sees those of the mission's users.
    return AuditEvent.objects.filter(
        Q(mission=mission)
        | Q(mission__isnull=True, actor__missions=mission)
        | Q(mission__isnull=True, actor__isnull=True)
    ).distinct()
