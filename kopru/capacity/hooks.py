"""What capacity adds to the navigation and to the demo."""

# --- trainings, council and legislation ---
from django.utils.translation import gettext_lazy as _  # noqa: E402

from kopru.core import demo, navigation  # noqa: E402
from kopru.reporting.report import PANELS  # noqa: E402


def _demo_governance():
    from .demo_governance import load_demo_governance

    load_demo_governance()


def _panel(scope, period):
    from .report import panel

    return panel(scope, period)


demo.LOADERS.append(_demo_governance)
PANELS.append(_panel)
navigation.SECTIONS["capacity"] = _("Migration health project")
navigation.ITEMS += [
    navigation.NavItem(_("Overview"), "capacity:home", "capacity"),
    navigation.NavItem(_("Trainings"), "capacity:training_list", "capacity"),
    navigation.NavItem(_("Coordination council"), "capacity:council_list", "capacity"),
    navigation.NavItem(_("Legislation review"), "capacity:instrument_list", "capacity"),
]
# --- end trainings, council and legislation ---

# --- surveys and prevention ---


def _demo_surveys():
    from .demo_surveys import load_demo_surveys

    load_demo_surveys()


demo.LOADERS.append(_demo_surveys)
navigation.ITEMS += [
    navigation.NavItem(_("Health needs surveys"), "capacity:survey_home", "capacity"),
    navigation.NavItem(_("Access to prevention"), "capacity:prevention_home", "capacity"),
]
# --- end surveys and prevention ---
