"""The main navigation. Apps append their sections as they land; a link shows only when
its route exists and the policy lets the user open it."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import access


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    section: str = ""


SECTIONS = {"": "", "admin": _("Administration")}

ITEMS = [
    NavItem(_("Home"), "core:home"),
    NavItem(_("Teams"), "core:team_list"),
    NavItem(_("Locations"), "core:location_list"),
    NavItem(_("Projects"), "core:project_list"),
    NavItem(_("Missions"), "core:mission_list", "admin"),
    NavItem(_("Users"), "core:user_list", "admin"),
    NavItem(_("Roles"), "core:role_list", "admin"),
    NavItem(_("Audit log"), "core:audit_list", "admin"),
]


def register(item: NavItem):
    ITEMS.append(item)


def items_for(user, current_view=None):
    """[(section label, [(label, url, active)])], only what the user may open."""
    grouped = {}
    for item in ITEMS:
        rule = access.PAGES.get(item.url_name)
        if rule is None or not access.allows(user, rule):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        grouped.setdefault(item.section, []).append(
            (item.label, url, item.url_name == current_view)
        )
    return [(SECTIONS.get(s, s), links) for s, links in grouped.items()]
