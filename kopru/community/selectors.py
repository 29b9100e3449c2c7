"""Reads the pages and the API share, already filtered by the access policy: the mission,
and within it the places of the user's teams (roles that span the mission see every one)."""

from django.db.models import Prefetch

from kopru.core import access

from .models import Dwelling, RentalAgreement, Repair, StabilisationProject


def projects(mission, user):
    queryset = StabilisationProject.objects.select_related("district", "district__parent")
    return access.scope(user, queryset, mission, path_field="district__path")


def dwellings(mission, user):
    queryset = Dwelling.objects.select_related("household", "location", "location__parent")
    return access.scope(user, queryset, mission, path_field="location__path")


def repairs(mission, user):
    queryset = Repair.objects.select_related(
        "dwelling", "dwelling__household", "dwelling__location"
    ).filter(dwelling__mission=mission)
    if not access.in_mission(user, mission):
        return queryset.none()
    return access.in_places(user, queryset, mission, "dwelling__location__path")


def agreements(mission, user):
    """Rental agreements: financial, so none for a role without the category."""
    if not access.can_see_category(user, "financial"):
        return RentalAgreement.objects.none()
    queryset = RentalAgreement.objects.select_related(
        "dwelling", "dwelling__location", "household", "previous"
    ).prefetch_related(Prefetch("payments"))
    return access.scope(user, queryset, mission, path_field="dwelling__location__path")
