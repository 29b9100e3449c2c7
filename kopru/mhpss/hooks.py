"""What the psychosocial teams add to the navigation, to people's pages and to the demo.
Outcome measures are offered only to roles that see mental-health data."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kopru.core import access, demo, navigation
from kopru.registry import panels


def _demo_mhpss():
    from .demo import load_demo_mhpss

    load_demo_mhpss()


demo.LOADERS.append(_demo_mhpss)

navigation.SECTIONS["mhpss"] = _("Psychosocial support")
navigation.ITEMS += [
    navigation.NavItem(_("Team week"), "mhpss:home", "mhpss"),
    navigation.NavItem(_("Record an activity"), "mhpss:activity_new", "mhpss"),
    navigation.NavItem(_("Activities"), "mhpss:activity_list", "mhpss"),
    navigation.NavItem(_("Structured programmes"), "mhpss:programme_list", "mhpss"),
    navigation.NavItem(_("Safety alerts"), "mhpss:alert_list", "mhpss"),
    navigation.NavItem(_("Participants' feedback"), "mhpss:feedback_summary", "mhpss"),
]


def _person_actions(user, person):
    if not (access.has(user, "mhpss.measure") and access.can_see_category(user, "mental_health")):
        return []
    return [(_("Outcome measures"), reverse("mhpss:person_measures", args=[person.pk]))]


panels.PERSON_ACTIONS.append(_person_actions)
