"""What the services app adds to the navigation, to people's and households' pages, and to the
demo (kopru.core.demo runs the loaders in order: the registry's people come first, since the
services app is installed after the registry)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kopru.core import access, demo, navigation
from kopru.registry import panels


def _demo_services():
    from .demo import load_demo_services

    load_demo_services()


demo.LOADERS.append(_demo_services)


# --- Navigation and the person's and household's pages ------------------------------------

navigation.SECTIONS["services"] = _("Services")
navigation.ITEMS[3:3] = [
    navigation.NavItem(_("Day sheet"), "services:day_sheet"),
    navigation.NavItem(_("Referrals"), "services:referral_list"),
    navigation.NavItem(_("Calendar"), "services:site_day"),
    navigation.NavItem(_("My interpreting"), "services:interpreter_day_own"),
    navigation.NavItem(_("Directory"), "services:directory", "services"),
    navigation.NavItem(_("Centre activity"), "services:centre_activity", "services"),
]
navigation.ITEMS += [
    navigation.NavItem(_("Service catalogue"), "services:catalogue", "admin"),
    navigation.NavItem(_("Interpreters"), "services:interpreter_list", "admin"),
]


def _person_actions(user, person):
    links = [(_("Timeline"), reverse("services:timeline", args=[person.pk]))]
    if access.has(user, "services.record"):
        url = reverse("services:record_for_person", args=[person.pk])
        links.insert(0, (_("Record a service"), url))
    if access.has(user, "services.refer"):
        links.append((_("Refer"), reverse("services:referral_new", args=[person.pk])))
    if access.has(user, "services.appointments"):
        url = reverse("services:appointment_new", args=[person.pk])
        links.append((_("Book an appointment"), url))
    return links


def _household_actions(user, household):
    if not access.has(user, "services.record"):
        return []
    url = reverse("services:record_for_household", args=[household.pk])
    return [(_("Record a service"), url)]


panels.PERSON_ACTIONS.append(_person_actions)
panels.HOUSEHOLD_ACTIONS.append(_household_actions)
