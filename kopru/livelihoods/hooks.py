"""What livelihoods adds to the navigation and to the demo."""

from django.utils.translation import gettext_lazy as _

from kopru.core import demo, navigation


def _demo_livelihoods():
    from .demo import load_demo_livelihoods

    load_demo_livelihoods()


demo.LOADERS.append(_demo_livelihoods)

navigation.SECTIONS["livelihoods"] = _("Livelihoods")
navigation.ITEMS += [
    navigation.NavItem(_("Skills profiles"), "livelihoods:profile_list", "livelihoods"),
    navigation.NavItem(_("Vacancies"), "livelihoods:vacancy_list", "livelihoods"),
    navigation.NavItem(_("Placements"), "livelihoods:placement_list", "livelihoods"),
    navigation.NavItem(_("Employers"), "livelihoods:employer_list", "livelihoods"),
    navigation.NavItem(_("Grant calls"), "livelihoods:call_list", "livelihoods"),
]
