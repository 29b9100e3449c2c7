"""What the registry adds to the navigation and the site-wide search."""

from django.utils.translation import gettext_lazy as _

from kopru.core import access, demo, navigation, search

navigation.ITEMS.insert(1, navigation.NavItem(_("People"), "registry:person_list"))
navigation.ITEMS.insert(2, navigation.NavItem(_("Duplicates"), "registry:duplicate_queue"))


def _people(user, mission, query):
    if not access.has(user, "registry.view_people"):
        return []
    from .selectors import search as find

    return [
        search.Hit(str(p), f"{p.reference} · {p.birth_date or ''}", p.get_absolute_url())
        for p in list(find(user, mission, query, limit=search.LIMIT))
    ]


# People first: they are what the search box is for.
search.PROVIDERS.insert(0, (_("People"), _people))


def _demo_people():
    from .demo import load_demo_people

    load_demo_people()


demo.LOADERS.append(_demo_people)
