"""What the assistance pages read: programmes with what they spent and reached, a cycle's
figures, the names of households' heads, cards and stock. No writes here."""

from django.db.models import Count, Q, Sum

from kopru.registry.models import Membership

from . import inkind
from .eligibility import named
from .models import Anomaly, Candidate, Card, Complaint, Entitlement, Programme


def programmes(mission, user):
    """The programmes of the mission the user works on, with their money and reach."""
    from .services import workable

    rows = workable(
        user,
        Programme.objects.filter(mission=mission)
        .select_related("project", "project__donor")
        .prefetch_related("provinces")
        .annotate(cycle_count=Count("cycles", distinct=True)),
    )
    money = {
        row["cycle__programme"]: row
        for row in Entitlement.objects.filter(cycle__programme__in=rows)
        .values("cycle__programme")
        .annotate(
            committed=Sum("amount"),
            delivered=Sum("amount", filter=Q(loaded_at__isnull=False)),
            households=Count("household", distinct=True, filter=Q(loaded_at__isnull=False)),
        )
    }
    for programme in rows:
        figures = money.get(programme.pk, {})
        programme.committed = figures.get("committed") or 0
        programme.delivered = figures.get("delivered") or 0
        programme.reached = figures.get("households") or 0
        programme.left = programme.budget - programme.committed
    return rows


def heads(household_ids):
    """household id -> the head's name, one query."""
    rows = Membership.objects.filter(
        household_id__in=list(household_ids),
        relationship=Membership.Relationship.HEAD,
        end_date__isnull=True,
    ).values_list("household_id", "person__given_name", "person__family_name")
    return {h: f"{given} {family}".strip() for h, given, family in rows}


def cycle_figures(cycle):
    entitlements = cycle.entitlements.all()
    totals = entitlements.aggregate(
        households=Count("pk"),
        total=Sum("amount"),
        delivered=Count("pk", filter=Q(loaded_at__isnull=False)),
        delivered_total=Sum("amount", filter=Q(loaded_at__isnull=False)),
    )
    totals["people"] = (
        Candidate.objects.filter(pk__in=entitlements.values("candidate")).aggregate(n=Sum("size"))[
            "n"
        ]
        or 0
    )
    return totals


def without_card(cycle):
    """The cycle's households with no card handed over, which the load file would refuse."""
    in_hand = Card.objects.filter(programme=cycle.programme, status=Card.Status.DISTRIBUTED).values(
        "household"
    )
    return cycle.entitlements.exclude(household__in=in_hand).select_related("household")


def card_counts(programme):
    return dict(
        Card.objects.filter(programme=programme)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )


def open_anomalies(mission):
    return Anomaly.objects.filter(cycle__programme__mission=mission, status=Anomaly.Status.OPEN)


def open_complaints(mission):
    return Complaint.objects.filter(mission=mission).exclude(status=Complaint.Status.CLOSED)


def stock_table(warehouse):
    """Rows of (item name, unit, quantity) and how many of each kit the stock makes up."""
    have = inkind.stock(warehouse)
    items = inkind.items()
    rows = [(named(items[code]), items[code]["unit"], n) for code, n in sorted(have.items())]
    kits = [
        (named(kit), inkind.kits_in_stock(warehouse, code)) for code, kit in inkind.kits().items()
    ]
    return rows, kits
