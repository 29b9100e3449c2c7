"""A centre's activity for a period: the figures the quarterly report gives per centre."""

from datetime import date, datetime, timedelta

from django.shortcuts import render
from django.utils import timezone

from kopru.core.models import Location

from .. import appointments, selectors
from ..forms import places
from ..models import ServiceType


def _date(text, default):
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        return default


def centre_activity(request):
    sites = places(request.user, request.mission).filter(level=Location.Level.SITE)
    site_id = request.GET.get("site", "")
    site = sites.filter(pk=site_id).first() if site_id.isdigit() else None
    site = site or sites.filter(site_type__in=["community_centre", "municipal_centre"]).first()
    tz = appointments.zone(request.mission)
    # The mission's today: the machine's date lags Türkiye's by three hours each evening.
    today = timezone.localdate(timezone=tz)
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    start = _date(request.GET.get("start"), quarter_start)
    end = _date(request.GET.get("end"), today)
    figures = None
    if site is not None and start <= end:
        figures = selectors.centre_figures(
            site,
            datetime.combine(start, datetime.min.time(), tzinfo=tz),
            datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=tz),
        )
        names = ServiceType.objects.in_bulk([r["service_type"] for r in figures["by_type"]])
        for row in figures["by_type"]:
            row["name"] = names[row["service_type"]].name
    return render(
        request,
        "services/centre_activity.html",
        {"sites": sites, "site": site, "start": start, "end": end, "figures": figures},
    )
