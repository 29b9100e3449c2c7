"""The capacity app's landing page: the five parts of the Belarus project, each with what
waits for the officer."""

from django.shortcuts import render

from . import council, governance, trainings
from .models import ActionItem, Recommendation


def home(request):
    mission = request.mission
    items = council.action_items(request.user, mission).filter(status__in=ActionItem.OPEN_STATUSES)
    return render(
        request,
        "capacity/home.html",
        {
            "trainings": trainings.visible(request.user, mission).count(),
            "open_items": items.count(),
            "overdue_items": items.filter(due_on__lt=governance.today(mission)).count(),
            "recommendations": Recommendation.objects.filter(mission=mission)
            .exclude(status__in=(Recommendation.Status.IMPLEMENTED, Recommendation.Status.REJECTED))
            .count(),
        },
    )
