"""The Belarus project's figures in the quarterly report (kopru.reporting.report.PANELS):
trainings held, participants and their test improvement, council meetings and action items,
recommendations by status. Counts of people trained stay with the service events (the
report's Health line); this panel adds what they cannot carry. None for a mission with none
of it."""

from django.db.models import Count
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kopru.reporting.report import Panel, PanelRow

from . import governance as rules
from . import trainings
from .models import ActionItem, Meeting, Participant, Recommendation, Training, TrainingDay


def _places(queryset, scope, path_field):
    for place in (scope.province, scope.site):
        if place is not None:
            queryset = queryset.filter(**{f"{path_field}__startswith": place.path})
    return queryset


def _days(scope):
    days = TrainingDay.objects.filter(
        training__mission=scope.mission, day__gte=scope.start, day__lte=scope.end
    )
    if scope.project is not None:
        days = days.filter(training__project=scope.project)
    if scope.donor is not None:
        days = days.filter(training__project__donor=scope.donor)
    kinds = scope.service_type_ids()
    if kinds is not None:
        days = days.filter(event__service_type_id__in=kinds)
    return _places(days, scope, "training__location__path")


def _pct(value):
    return f"{number_format(value)} %"


def training_rows(scope):
    days = _days(scope)
    held = Training.objects.filter(pk__in=days.values("training"))
    count = held.count()
    if not count:
        return []
    people = Participant.objects.filter(days_present__in=days).distinct().count()
    found = trainings.results(held)
    rows = [
        PanelRow(_("Trainings held"), number_format(count)),
        PanelRow(_("Participants (distinct)"), number_format(people), people=people),
        PanelRow(_("Participants with both tests"), number_format(found.tested), found.tested),
    ]
    if found.tested:
        rows += [
            PanelRow(
                _("Mean pre-test (of the maximum score)"), _pct(found.mean_pre_pct), found.tested
            ),
            PanelRow(
                _("Mean post-test (of the maximum score)"), _pct(found.mean_post_pct), found.tested
            ),
            PanelRow(
                _("Mean improvement"),
                _("%(points)s points (%(percent)s of the maximum)")
                % {"points": number_format(found.mean_gain), "percent": _pct(found.mean_gain_pct)},
                found.tested,
            ),
            PanelRow(_("Share improved"), _pct(found.improved_pct), found.tested),
        ]
    return rows


def council_rows(scope):
    mission = scope.mission
    meetings = _places(
        Meeting.objects.filter(
            council__mission=mission, held_on__gte=scope.start, held_on__lte=scope.end
        ),
        scope,
        "council__location__path",
    )
    items = _places(
        ActionItem.objects.filter(
            meeting__council__mission=mission, meeting__held_on__lte=scope.end
        ),
        scope,
        "meeting__council__location__path",
    )
    if not meetings.exists() and not items.exists():
        return []
    day = min(scope.end, rules.today(mission))
    still_open = items.filter(status__in=ActionItem.OPEN_STATUSES)
    return [
        PanelRow(_("Council meetings held"), number_format(meetings.count())),
        PanelRow(_("Action items open"), number_format(still_open.count())),
        PanelRow(
            _("Action items overdue"), number_format(still_open.filter(due_on__lt=day).count())
        ),
        PanelRow(
            _("Action items done"),
            number_format(items.filter(status=ActionItem.Status.DONE).count()),
        ),
    ]


def legislation_rows(scope):
    found = Recommendation.objects.filter(mission=scope.mission, created_at__date__lte=scope.end)
    have = dict(found.values_list("status").annotate(n=Count("pk")))
    counts = {status: have.get(status, 0) for status in Recommendation.Status.values}
    if not any(counts.values()):
        return []
    return [
        PanelRow(
            _("Recommendations: %(status)s") % {"status": Recommendation.Status(s).label},
            number_format(n),
        )
        for s, n in counts.items()
    ]


def panel(scope, period):
    rows = training_rows(scope) + council_rows(scope) + legislation_rows(scope)
    if not rows:
        return None
    return Panel(
        title=_("Capacity building, coordination council and legislation review"),
        rows=rows,
        note=_(
            "Test scores as a share of each training's maximum score, over the participants "
            "with both a pre- and a post-test. Action items and recommendations as they stand "
            "now."
        ),
    )
