"""What the health app adds to the navigation, to people's pages and to the demo. A role that
does not see health data learns only that an assessment exists and its travel status."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kopru.core import demo, navigation
from kopru.registry import panels


def _demo_health():
    from .demo import load_demo_health

    load_demo_health()


demo.LOADERS.append(_demo_health)

navigation.SECTIONS["health"] = _("Health")
navigation.ITEMS += [navigation.NavItem(_("Health assessments"), "health:case_list", "health")]


def _person_actions(user, person):
    from .services import may_see_clinical

    if not may_see_clinical(user, person):
        return []
    return [(_("Health record"), reverse("health:person_record", args=[person.pk]))]


def _travel_notes(user, person):
    from . import checklist, protocols

    notes = []
    for case in person.assessments.select_related("mission"):
        entry = protocols.protocol(case.protocol)
        label = _("Health assessment %(number)s (%(destination)s)") % {
            "number": case.number,
            "destination": protocols.named(entry) if entry else case.destination,
        }
        notes.append((label, checklist.travel_status(case)))
    return notes


panels.PERSON_ACTIONS.append(_person_actions)
panels.PERSON_NOTES.append(_travel_notes)
