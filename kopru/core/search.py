"""The site-wide search box. Each app registers a provider that returns only what the
user may see (through kopru.core.access); the page shows the groups in order."""

from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import access
from .models import Location, Project, User
from .text import fold

LIMIT = 10


@dataclass
class Hit:
    title: str
    detail: str
    url: str


PROVIDERS = []


def provider(label):
    def decorate(fn):
        PROVIDERS.append((label, fn))
        return fn

    return decorate


def search(user, mission, query):
    query = (query or "").strip()
    if len(query) < 2 or mission is None:
        return []
    results = []
    for label, fn in PROVIDERS:
        hits = fn(user, mission, query)
        if hits:
            results.append((label, hits))
    return results


@provider(_("Locations"))
def _locations(user, mission, query):
    folded = fold(query)
    qs = Location.objects.filter(mission=mission).filter(
        Q(name_folded__contains=folded) | Q(pcode__iexact=query)
    )
    return [
        Hit(
            loc.name,
            f"{loc.get_level_display()} · {loc.pcode}",
            reverse("core:location_detail", args=[loc.pk]),
        )
        for loc in qs.select_related("parent")[:LIMIT]
    ]


@provider(_("Teams"))
def _teams(user, mission, query):
    from .selectors import visible_teams

    return [
        Hit(t.name, t.base.name if t.base else "", reverse("core:team_detail", args=[t.pk]))
        for t in visible_teams(user, mission).filter(name__icontains=query)[:LIMIT]
    ]


@provider(_("Projects"))
def _projects(user, mission, query):
    if not access.has(user, "core.view_projects"):
        return []
    qs = Project.objects.filter(mission=mission).filter(
        Q(name__icontains=query) | Q(code__icontains=query) | Q(grant_code__icontains=query)
    )
    return [
        Hit(str(p), str(p.donor), reverse("core:project_detail", args=[p.pk]))
        for p in qs.select_related("donor")[:LIMIT]
    ]


@provider(_("Users"))
def _users(user, mission, query):
    if not access.has(user, "core.view_users"):
        return []
    qs = User.objects.filter(missions=mission).filter(
        Q(username__icontains=query)
        | Q(first_name__icontains=query)
        | Q(last_name__icontains=query)
    )
    return [
        Hit(str(u), u.username, reverse("core:user_edit", args=[u.pk]))
        for u in qs.select_related("role")[:LIMIT]
    ]
