"""Reads of the psychosocial teams' work shared by pages and the API, already filtered by the
access policy: activities, a team's week, programme completion and outcomes, a person's
change between measures, feedback summaries and open safety alerts."""

from collections import defaultdict
from datetime import timedelta
from statistics import mean

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from kopru.core import access
from kopru.core.models import Sensitivity, Team
from kopru.services.models import Headcount, Participation

from . import catalogue, measures
from .models import Activity, Feedback, MeasureRecord, PlanItem, SafetyAlert


def my_teams(user, mission):
    teams = Team.objects.filter(mission=mission, active=True)
    if access.has(user, "mhpss.supervise") and access.location_prefixes(user, mission) is None:
        return teams
    return teams.filter(Q(members=user) | Q(supervisor=user)).distinct()


def visible_activities(user, mission):
    """Activities in the user's places whose category the role sees (a focused session is
    mental-health data; an awareness session is general)."""
    activities = Activity.objects.filter(mission=mission).select_related(
        "event", "event__location", "event__service_type", "team"
    )
    if not access.in_mission(user, mission):
        return activities.none()
    activities = access.in_places(user, activities, mission, "event__location__path")
    return activities.filter(
        event__category__in=sorted(access.categories(user)), event__voided_at__isnull=True
    )


def with_counts(activities):
    """Counts a list needs, in the same query (two subqueries, no row multiplication)."""
    participants = (
        Participation.objects.filter(event=OuterRef("event"))
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    headcount = (
        Headcount.objects.filter(event=OuterRef("event"))
        .values("event")
        .annotate(n=Sum("count"))
        .values("n")
    )
    return activities.annotate(
        participants_count=Coalesce(Subquery(participants), 0),
        headcount_sum=Coalesce(Subquery(headcount), 0),
    )


def week(team, monday):
    """The team's plan for the week starting `monday` and what it recorded that week."""
    sunday = monday + timedelta(days=6)
    plan = list(
        PlanItem.objects.filter(team=team, day__range=(monday, sunday))
        .select_related("location")
        .annotate(done_count=Count("done"))
    )
    done = list(
        Activity.objects.filter(
            team=team,
            event__at__date__range=(monday, sunday),
            event__voided_at__isnull=True,
        )
        .select_related("event", "event__location")
        .order_by("event__at")
    )
    return plan, done


def people_reached(activity) -> int:
    event = activity.event
    return event.participants.count() + sum(h.count for h in event.headcounts.all())


def completion(programme):
    """Per enrolled person: sessions attended, the share of the curriculum, and whether that
    reaches the programme's threshold."""
    attended = defaultdict(set)
    for number, person in programme.runs.filter(activity__isnull=False).values_list(
        "number", "activity__event__participants__person"
    ):
        if person:
            attended[person].add(number)
    rows = []
    for enrolment in programme.enrolments.select_related("person").order_by(
        "person__family_name", "person__given_name"
    ):
        sessions = attended[enrolment.person_id]
        share = round(100 * len(sessions) / programme.sessions)
        rows.append(
            {
                "person": enrolment.person,
                "sessions": sorted(sessions),
                "attended": len(sessions),
                "share": share,
                "completed": share >= programme.threshold,
            }
        )
    return rows


def _score(record):
    return measures.Score(record.instrument, record.total, None, record.band, "", [])


def person_changes(records):
    """For each measure with a baseline and a later score: the first before and the last
    after (or latest) and the improvement, positive when better."""
    by_instrument = defaultdict(list)
    for record in sorted(records, key=lambda r: r.at):
        by_instrument[record.instrument].append(record)
    changes = []
    for code, rows in by_instrument.items():
        pre = next((r for r in rows if r.phase == MeasureRecord.Phase.PRE), rows[0])
        later = [r for r in rows if r.at > pre.at]
        post = next((r for r in reversed(later) if r.phase == MeasureRecord.Phase.POST), None)
        post = post or (later[-1] if later else None)
        if post is None:
            continue
        improvement = measures.change(code, _score(pre), _score(post))
        changes.append(
            {
                "size": abs(improvement),
                "instrument": code,
                "name": measures.in_language(measures.instruments()[code]["names"]),
                "before": pre,
                "after": post,
                "change": improvement,
            }
        )
    return changes


def programme_outcomes(programme):
    """Per measure: participants with a baseline and an endline, the mean before and after,
    and how many improved. Mental-health data: the caller checks the category."""
    records = defaultdict(list)
    for record in MeasureRecord.objects.filter(programme=programme):
        records[(record.person_id, record.instrument)].append(record)
    pairs = defaultdict(list)
    for (_person, code), rows in records.items():
        pre = [r for r in rows if r.phase == MeasureRecord.Phase.PRE]
        post = [r for r in rows if r.phase == MeasureRecord.Phase.POST]
        if pre and post:
            first = min(pre, key=lambda r: r.at)
            last = max(post, key=lambda r: r.at)
            pairs[code].append((first, last))
    return [
        {
            "instrument": code,
            "name": measures.in_language(measures.instruments()[code]["names"]),
            "pairs": len(rows),
            "before": round(mean(a.total for a, _b in rows), 1),
            "after": round(mean(b.total for _a, b in rows), 1),
            "improved": sum(1 for a, b in rows if measures.change(code, _score(a), _score(b)) > 0),
        }
        for code, rows in sorted(pairs.items())
    ]


def feedback_summary(user, mission, since=None):
    """Feedback per activity kind and team: forms, mean satisfaction and usefulness (1-5),
    the share who felt safe and who would recommend, and the latest comments."""
    activities = visible_activities(user, mission)
    feedback = Feedback.objects.filter(activity__in=activities).select_related("activity__team")
    if since:
        feedback = feedback.filter(recorded_at__date__gte=since)
    groups = defaultdict(list)
    for item in feedback:
        groups[(item.activity.kind, item.activity.team)].append(item)

    def share(items, field):
        answered = [getattr(i, field) for i in items if getattr(i, field) is not None]
        return round(100 * sum(answered) / len(answered)) if answered else None

    def average(items, field):
        answered = [getattr(i, field) for i in items if getattr(i, field) is not None]
        return round(mean(answered), 1) if answered else None

    rows = []
    for (kind, team), items in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1].name)):
        rows.append(
            {
                "kind": catalogue.label("kinds", kind),
                "team": team,
                "forms": len(items),
                "satisfied": average(items, "satisfied"),
                "useful": average(items, "useful"),
                "safe": share(items, "safe"),
                "recommend": share(items, "recommend"),
                "comments": [
                    i.comment for i in sorted(items, key=lambda i: i.recorded_at)[-3:] if i.comment
                ],
            }
        )
    return rows


def alerts_for(user, mission, *, open_only=True):
    """Safety alerts this user raised, supervises, or (supervising MHPSS) sees in their
    places; never to a role without the mental-health category."""
    if not access.can_see_category(user, Sensitivity.MENTAL_HEALTH):
        return SafetyAlert.objects.none()
    alerts = SafetyAlert.objects.filter(mission=mission).select_related(
        "person", "counsellor", "supervisor", "measure"
    )
    if open_only:
        alerts = alerts.filter(action_at__isnull=True)
    mine = alerts.filter(Q(counsellor=user) | Q(supervisor=user))
    if access.has(user, "mhpss.supervise"):
        return mine | access.in_places(user, alerts, mission, "person__location__path")
    return mine


def monday_of(day=None):
    day = day or timezone.localdate()
    return day - timedelta(days=day.weekday())
