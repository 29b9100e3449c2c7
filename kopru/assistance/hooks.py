"""What basic needs assistance adds to the navigation and to the demo."""

from django.utils.translation import gettext_lazy as _

from kopru.core import demo, navigation


def _demo_assistance():
    from .demo import load_demo_assistance

    load_demo_assistance()


demo.LOADERS.append(_demo_assistance)

navigation.SECTIONS["assistance"] = _("Basic needs")
navigation.ITEMS += [
    navigation.NavItem(_("Programmes"), "assistance:home", "assistance"),
    navigation.NavItem(_("Vendors"), "assistance:vendor_list", "assistance"),
    navigation.NavItem(_("Warehouses"), "assistance:warehouse_list", "assistance"),
    navigation.NavItem(_("Complaints"), "assistance:complaint_list", "assistance"),
]
