"""What community adds to the navigation and to the demo."""

from django.utils.translation import gettext_lazy as _

from kopru.core import demo, navigation


def _demo_community():
    from .demo import load_demo_community

    load_demo_community()


demo.LOADERS.append(_demo_community)

navigation.SECTIONS["community"] = _("Community and shelter")
navigation.ITEMS += [
    navigation.NavItem(_("Stabilisation projects"), "community:project_list", "community"),
    navigation.NavItem(_("Dwellings"), "community:dwelling_list", "community"),
    navigation.NavItem(_("Home repairs"), "community:repair_list", "community"),
    navigation.NavItem(_("Rental agreements"), "community:agreement_list", "community"),
]
