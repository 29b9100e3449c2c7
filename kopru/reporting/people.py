"""The people behind a report's figures, as a list with names: personal data leaving the
system, so only for roles with `reporting.export_personal`, with a stated purpose, audited.

Only services of the sensitivities the user's role may see count, so a list of MHPSS clients
never reaches a role that may not see mental-health records; only people in the user's
locations are listed."""

import numpy as np

from kopru.core import access
from kopru.registry import selectors
from kopru.services.models import ServiceType

from .engine import fetch_rows


def reached(user, scope):
    """[(person, services, sector names)] of the people reached in the scope."""
    allowed = access.categories(user)
    types = {
        t.pk: t
        for t in ServiceType.objects.filter(mission=scope.mission).select_related(
            "sub_sector__sector"
        )
    }
    rows = fetch_rows(scope)
    keep = np.array([types[t].category in allowed for t in rows.service_type], dtype=bool)
    people, types_of = rows.person[keep], rows.service_type[keep]
    services, sectors = {}, {}
    for person, service_type in zip(people.tolist(), types_of.tolist(), strict=True):
        services[person] = services.get(person, 0) + 1
        sectors.setdefault(person, set()).add(str(types[service_type].sub_sector.sector))
    visible = selectors.visible_people(user, scope.mission).filter(pk__in=list(services))
    return [
        (p, services[p.pk], sorted(sectors[p.pk]))
        for p in visible.order_by("family_name", "given_name", "pk")
    ]
