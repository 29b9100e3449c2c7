"""What education adds to the navigation and to the demo."""

from django.utils.translation import gettext_lazy as _

from kopru.core import demo, navigation


def _demo_education():
    from .demo import load_demo_education

    load_demo_education()


demo.LOADERS.append(_demo_education)

navigation.SECTIONS["education"] = _("Education")
navigation.ITEMS += [
    navigation.NavItem(_("Education"), "education:home", "education"),
    navigation.NavItem(_("School periods"), "education:period_list", "education"),
    navigation.NavItem(_("Transport costs"), "education:costs", "education"),
    navigation.NavItem(_("Special education"), "education:special_list", "education"),
]
