"""What case management adds to the navigation, to people's pages and to the demo. The
person's page offers "Open a case" and lists the cases only to roles that see protection
data; others learn nothing about a case."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kopru.core import access, demo, navigation
from kopru.registry import panels
from kopru.services import panels as service_panels


def _demo_casework():
    from .demo import load_demo_casework

    load_demo_casework()


demo.LOADERS.append(_demo_casework)

navigation.SECTIONS["casework"] = _("Cases")
navigation.ITEMS += [
    navigation.NavItem(_("My cases"), "casework:dashboard", "casework"),
    navigation.NavItem(_("All cases"), "casework:case_list", "casework"),
    navigation.NavItem(_("Approvals"), "casework:approvals", "casework"),
    navigation.NavItem(_("Payments"), "casework:payments", "casework"),
    navigation.NavItem(_("Budgets"), "casework:budgets", "casework"),
]


def _opens_cases(user):
    return access.has(user, "casework.manage") and access.can_see_category(user, "protection")


def _person_actions(user, person):
    if not _opens_cases(user):
        return []
    return [(_("Open a case"), reverse("casework:case_new", args=[person.pk]))]


def _referral_actions(user, referral):
    if not _opens_cases(user):
        return []
    url = reverse("casework:case_new", args=[referral.person_id])
    return [(_("Open a case from this referral"), f"{url}?referral={referral.pk}")]


def _event_actions(user, event):
    if not (_opens_cases(user) and event.person_id and not event.voided_at):
        return []
    url = reverse("casework:case_new", args=[event.person_id])
    return [(_("Open a case from this service"), f"{url}?event={event.pk}")]


def _case_notes(user, person):
    from .services import may_see_case

    notes = []
    for case in person.cases.select_related("mission", "team", "location"):
        if may_see_case(user, case):
            label = _("Case %(number)s") % {"number": case.number}
            notes.append((label, case.get_status_display()))
    return notes


panels.PERSON_ACTIONS.append(_person_actions)
service_panels.REFERRAL_ACTIONS.append(_referral_actions)
service_panels.EVENT_ACTIONS.append(_event_actions)
panels.PERSON_NOTES.append(_case_notes)
