"""Reads of case management shared by pages, exports and the API, already filtered by the
access policy: the cases a user may see, a case worker's dashboard, a supervisor's caseload,
the cash officer's payments, and how a case is named in a list (GBV: never by the name)."""

from collections import defaultdict

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import access
from kopru.core.models import Sensitivity
from kopru.services import referrals
from kopru.services.models import Referral

from . import rules, services
from .models import Approval, Case, Need


def visible_cases(user, mission):
    if not (access.has(user, "casework.manage") or access.has(user, "casework.supervise")):
        return Case.objects.none()
    if not access.can_see_category(user, Sensitivity.PROTECTION):
        return Case.objects.none()
    cases = Case.objects.filter(mission=mission).select_related(
        "person", "location", "caseworker", "team"
    )
    cases = access.scope(user, cases, mission, path_field="location__path")
    if not access.has(user, "casework.supervise"):  # services.may_see_case, as a query
        # team__in, a subquery: a join on the members would repeat a case once per member.
        cases = cases.filter(Q(caseworker=user) | Q(team__in=user.teams.all()))
    return cases


def list_name(case) -> str:
    """The name a list or export shows: a GBV case shows only its number and reference."""
    if rules.hides_name(case.kind):
        return _("Name withheld (%(reference)s)") % {"reference": case.person.reference}
    return str(case.person)


def dashboard(user, mission):
    today = timezone.localdate()
    mine = visible_cases(user, mission).filter(caseworker=user, status=Case.Status.OPEN)
    waiting_mine = (
        Approval.objects.filter(
            case__mission=mission, requested_by=user, status=Approval.Status.PENDING
        )
        .select_related("case", "need")
        .order_by("requested_at")
    )
    sent = (
        Referral.objects.filter(
            mission=mission,
            referred_by=user,
            status__in=Referral.OPEN,
        )
        .select_related("person", "provider")
        .order_by("due")
    )
    cases = list(mine.order_by("next_follow_up"))
    late = {r.pk for r in referrals.overdue(user, mission)}
    # The overdue first, then the soonest due; ten are enough for a first screen.
    waiting_referrals = sorted(
        (r for r in sent if referrals.may_see(user, r)), key=lambda r: (r.pk not in late, r.due)
    )[:10]
    return {
        "cases": cases,
        "overdue": [c for c in cases if c.next_follow_up and c.next_follow_up < today],
        "waiting": list(waiting_mine),
        "to_decide": services.queue(user, mission),
        "referrals": waiting_referrals,
        "overdue_referrals": late,
    }


def caseload(user, mission):
    """Per case worker of the cases this user sees: open, high risk, overdue follow-ups and
    approvals waiting, for the supervisor's view of the team."""
    today = timezone.localdate()
    rows = (
        visible_cases(user, mission)
        .filter(status=Case.Status.OPEN)
        .values(
            "caseworker", "caseworker__first_name", "caseworker__last_name", "caseworker__username"
        )
        .annotate(
            open=Count("pk"),
            high=Count("pk", filter=Q(risk=Case.Risk.HIGH)),
            overdue=Count("pk", filter=Q(next_follow_up__lt=today)),
        )
        .order_by("-open")
    )
    pending = defaultdict(int)
    for approval in Approval.objects.filter(
        case__mission=mission, status=Approval.Status.PENDING
    ).values("case__caseworker"):
        pending[approval["case__caseworker"]] += 1
    return [
        {
            "name": " ".join(
                filter(None, [r["caseworker__first_name"], r["caseworker__last_name"]])
            )
            or r["caseworker__username"],
            "open": r["open"],
            "high": r["high"],
            "overdue": r["overdue"],
            "pending": pending[r["caseworker"]],
        }
        for r in rows
    ]


def payments(user, mission):
    """Approved needs to pay and paid needs to receipt, in the cash officer's places."""
    if not access.can_see_category(user, Sensitivity.FINANCIAL):
        return Need.objects.none()
    needs = Need.objects.filter(
        case__mission=mission, status__in=[Need.Status.APPROVED, Need.Status.PAID]
    ).select_related("case", "case__person", "project")
    if not access.in_mission(user, mission):
        return Need.objects.none()
    return access.in_places(user, needs, mission, "case__location__path").order_by(
        "status", "requested_at"
    )


def waited(since, now=None) -> str:
    """How long something has waited, in words a queue reads at a glance."""
    hours = int(((now or timezone.now()) - since).total_seconds() // 3600)
    if hours < 24:
        return _("%(n)s h") % {"n": hours}
    return _("%(n)s days") % {"n": hours // 24}
