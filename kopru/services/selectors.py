"""Reads of the service ledger, already filtered by the access policy."""

from kopru.core import access

from .models import ServiceEvent


def events_of_person(user, person):
    """Every live service a person received, alone, with their household, or in a group,
    newest first. The caller has already checked that the user may see the person; each
    event says whether the user may see what it was (`shown`): a role without the event's
    sensitivity category learns that a service happened, not which."""
    from django.db.models import Q

    seen = access.categories(user)
    events = (
        ServiceEvent.objects.filter(
            Q(person=person)
            | Q(participants__person=person)
            | Q(
                household__memberships__person=person,
                household__memberships__end_date__isnull=True,
            ),
            voided_at__isnull=True,
        )
        .distinct()
        .select_related("service_type__sub_sector__sector", "location")
        .order_by("-at", "-pk")
    )
    result = []
    for event in events:
        event.shown = event.category in seen
        result.append(event)
    return result
