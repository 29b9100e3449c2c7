"""Every write of case management (CONVENTIONS.md: one write path): opening, assessing,
planning, following up, transferring, closing and reopening a case; funded needs, their
documents, approvals, payments and the project budgets they draw on.

Each change is in the case's History and in the audit log; contacts and paid needs are
ServiceEvents through services.record_service."""

import hashlib
import uuid
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import access, audit, uploads
from kopru.core.models import AuditEvent, Location, Project, Sensitivity, User
from kopru.core.money import display as display_money
from kopru.core.money import parse as parse_money
from kopru.services import services as ledger
from kopru.services.models import Modality, Referral, ServiceEvent, ServiceType

from . import rules
from .models import (
    Action,
    Approval,
    Assessment,
    Budget,
    Case,
    Document,
    FollowUp,
    Goal,
    History,
    Need,
)

CONTACTS = {
    "visit": Modality.HOME_VISIT,
    "office": Modality.CENTRE,
    "phone": Modality.REMOTE,
    "outreach": Modality.MOBILE,
}
OPEN_NEEDS = (Need.Status.REQUESTED, Need.Status.APPROVED)


# --- Who may do what ------------------------------------------------------------------------


def may_see_case(user, case) -> bool:
    """Case content is protection data, read on a need to know: the role needs the category,
    the mission and the place; a supervisor sees the cases of their places, a case worker
    only those they hold or their team holds."""
    if not (
        access.can_see_category(user, case.category)
        and access.in_mission(user, case.mission)
        and access.can_see_location(user, case.location)
    ):
        return False
    if access.has(user, "casework.supervise"):
        return True
    return access.has(user, "casework.manage") and (
        case.caseworker_id == user.pk or case.team.members.filter(pk=user.pk).exists()
    )


def may_see_money(user, case) -> bool:
    """Needs, payments and their documents are financial data: case workers and supervisors
    who see the case, and cash officers of the place (who do not see the case itself)."""
    if not access.can_see_category(user, Sensitivity.FINANCIAL):
        return False
    if access.has(user, "casework.pay"):
        return access.in_mission(user, case.mission) and access.can_see_location(
            user, case.location
        )
    return may_see_case(user, case)


def _ensure_case(actor, case, *, open_only=True):
    if not may_see_case(actor, case):
        raise PermissionDenied(_("You cannot work on this case."))
    if not (
        access.has(actor, "casework.supervise")
        or actor.pk in (case.caseworker_id, case.supervisor_id)
        or case.team.members.filter(pk=actor.pk).exists()
    ):
        raise PermissionDenied(_("This case belongs to another team."))
    if open_only and case.status == Case.Status.CLOSED:
        raise ValidationError({"case": _("The case is closed: reopen it first.")})


def _log(actor, case, action, request=None, category=None, **details):
    History.objects.create(case=case, by=actor, action=action, details=details)
    audit.record(
        actor,
        AuditEvent.Action.CREATE if action == "opened" else AuditEvent.Action.CHANGE,
        case,
        request=request,
        category=category or case.category,
        details={"step": action, **details},
    )


def _next_number(mission, year):
    prefix = f"{mission.code}-C{year}-"
    last = (
        Case.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"{prefix}{int(last.rsplit('-', 1)[1]) + 1 if last else 1:05d}"


def _case_service(case):
    code = rules.case_types()[case.kind]["service_type"]
    return ServiceType.objects.filter(mission=case.mission, code=code).first()


# --- Opening and the intake -----------------------------------------------------------------


def open_case(
    actor,
    person,
    *,
    kind,
    location,
    team,
    presenting_needs,
    circumstances="",
    household=None,
    referral=None,
    from_event=None,
    project=None,
    at=None,
    uid=None,
    request=None,
):
    """Open a case for a person: the intake, its ServiceEvent, and the team's supervisor as
    the case's supervisor. A referral or a service the case starts from is kept."""
    access.require(actor, "casework.manage")
    if not access.in_mission(actor, person.mission):
        raise PermissionDenied(_("You do not work in this mission."))
    if not access.can_see_category(actor, Sensitivity.PROTECTION):
        raise PermissionDenied(_("Your role does not see protection records."))
    if (existing := ledger.sent_before(Case, uid, person=person)) is not None:
        return existing
    at = at or timezone.now()
    errors = {}
    if kind not in rules.case_types():
        errors["kind"] = _("Choose the type of case.")
    if not (presenting_needs or "").strip():
        errors["presenting_needs"] = _("Describe the needs the person presents.")
    if not isinstance(location, Location) or location.mission_id != person.mission_id:
        errors["location"] = _("Choose a place in this mission.")
    elif not access.can_see_location(actor, location):
        errors["location"] = _("This place is outside your teams' locations.")
    if team is None or team.mission_id != person.mission_id:
        errors["team"] = _("Choose the team that holds the case.")
    elif not (team.members.filter(pk=actor.pk).exists() or access.has(actor, "casework.supervise")):
        errors["team"] = _("You are not a member of this team.")
    if (
        household is not None
        and not household.memberships.filter(person=person, end_date__isnull=True).exists()
    ):
        errors["household"] = _("The person is not a current member of this household.")
    if referral is not None and referral.person_id != person.pk:
        errors["referral"] = _("That referral is another person's.")
    if from_event is not None and from_event.mission_id != person.mission_id:
        errors["from_event"] = _("That service was recorded in another mission.")
    if project is not None and project.mission_id != person.mission_id:
        errors["project"] = _("Choose a project of this mission.")
    if errors:
        raise ValidationError(errors)
    opened_via = (
        Case.Opened.REFERRAL
        if referral
        else Case.Opened.SERVICE
        if from_event
        else Case.Opened.DIRECT
    )
    with transaction.atomic():
        case = Case.objects.create(
            uid=uid or uuid.uuid4(),
            mission=person.mission,
            number=_next_number(person.mission, timezone.localdate(at).year),
            kind=kind,
            person=person,
            household=household,
            opened_via=opened_via,
            referral=referral,
            from_event=from_event,
            opened_at=at,
            caseworker=actor,
            supervisor=team.supervisor if team.supervisor_id != actor.pk else None,
            team=team,
            location=location,
            project=project,
            presenting_needs=presenting_needs.strip(),
            circumstances=(circumstances or "").strip(),
            next_follow_up=timezone.localdate(at) + timedelta(days=rules.follow_up_days("medium")),
        )
        case.event = ledger.record_service(
            actor,
            case.mission,
            uid=uuid.uuid5(case.uid, "opened"),
            request=request,
            service_type=_case_service(case),
            person=person,
            at=at,
            location=location,
            team=team,
            staff=actor,
            modality=Modality.CENTRE,
            projects=[(project, 100)] if project else [],
        )
        case.save(update_fields=["event"])
        _log(actor, case, "opened", request, kind=kind, via=opened_via)
    return case


def update_intake(actor, case, *, presenting_needs, circumstances, request=None):
    _ensure_case(actor, case)
    if not (presenting_needs or "").strip():
        raise ValidationError({"presenting_needs": _("Describe the needs the person presents.")})
    with transaction.atomic():
        case.presenting_needs = presenting_needs.strip()
        case.circumstances = (circumstances or "").strip()
        case.save(update_fields=["presenting_needs", "circumstances"])
        _log(actor, case, "intake", request)
    return case


def view_case(actor, case, *, request=None):
    """Reading a case is a protection read: audited each time."""
    if not may_see_case(actor, case):
        raise PermissionDenied(_("You cannot work on this case."))
    audit.record(
        actor,
        AuditEvent.Action.VIEW,
        case,
        request=request,
        category=case.category,
        details={"kind": case.kind},
    )
    return case


# --- Approvals: one place decides who may approve what ---------------------------------------


def _ask(actor, case, kind, **fields):
    """A pending approval when the mission requires one for `kind` (needs always do)."""
    if kind != Approval.Kind.NEED and kind not in rules.approvals_required(case.mission.code):
        return None
    Approval.objects.filter(
        case=case, kind=kind, status=Approval.Status.PENDING, need__isnull=True
    ).exclude(kind=Approval.Kind.NEED).update(status=Approval.Status.WITHDRAWN)
    return Approval.objects.create(case=case, kind=kind, requested_by=actor, **fields)


def why_not_decide(user, approval):
    """The reason `user` may not decide this approval, or '' when they may."""
    case = approval.case
    if approval.status != Approval.Status.PENDING:
        return _("This request is already decided.")
    if approval.requested_by_id == user.pk:
        return _("No one approves their own request.")
    if approval.kind == Approval.Kind.NEED:
        if not access.has(user, "casework.approve_funds") or not may_see_money(user, case):
            return _("Your role does not approve funding.")
        if not may_see_case(user, case):
            return _("You cannot work on this case.")
        limit = rules.approval_limit(user.role.slug if user.role_id else "")
        if limit is not None and approval.need.amount > limit:
            return _(
                "%(amount)s is above what your role approves (%(limit)s); it goes to the next "
                "level."
            ) % {"amount": money(approval.need.amount), "limit": money(limit)}
        return ""
    if not access.has(user, "casework.supervise") or not may_see_case(user, case):
        return _("Only a supervisor approves this.")
    return ""


def may_decide(user, approval) -> bool:
    return not why_not_decide(user, approval)


def decide(actor, approval, *, approve, note="", request=None):
    """Approve or reject. A rejection needs a reason; an approved need must still fit the
    budget; an approved closure closes the case."""
    reason = why_not_decide(actor, approval)
    if reason:
        raise ValidationError({"approval": reason})
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": _("Say why the request is rejected.")})
    case = approval.case
    with transaction.atomic():
        approval = Approval.objects.select_for_update().get(pk=approval.pk)
        if approval.status != Approval.Status.PENDING:
            raise ValidationError({"approval": _("This request is already decided.")})
        approval.status = Approval.Status.APPROVED if approve else Approval.Status.REJECTED
        approval.decided_by, approval.decided_at, approval.note = actor, timezone.now(), note
        approval.save(update_fields=["status", "decided_by", "decided_at", "note"])
        if approval.kind == Approval.Kind.NEED:
            need = Need.objects.select_for_update().get(pk=approval.need_id)
            if approve:
                _check_budget(need.project, need.amount, exclude=need)
            need.status = Need.Status.APPROVED if approve else Need.Status.REJECTED
            need.save(update_fields=["status"])
            _log(
                actor,
                case,
                "need_approved" if approve else "need_rejected",
                request,
                category=Sensitivity.FINANCIAL,
                need=need.pk,
                amount=str(need.amount),
                note=note,
            )
        else:
            _log(
                actor,
                case,
                f"{approval.kind}_{approval.status}",
                request,
                note=note,
            )
            if approve and approval.kind == Approval.Kind.CLOSURE:
                _close(actor, case, approval.details["reason"], approval.details["notes"], request)
    return approval


def queue(user, mission):
    """Pending approvals this user may decide, oldest first."""
    pending = (
        Approval.objects.filter(case__mission=mission, status=Approval.Status.PENDING)
        .select_related(
            "case", "case__person", "case__location", "need", "requested_by", "case__team"
        )
        .order_by("requested_at")
    )
    return [a for a in pending if may_decide(user, a)]


# --- Vulnerability assessment and the plan --------------------------------------------------


def assess(actor, case, *, criteria, notes="", at=None, request=None):
    _ensure_case(actor, case)
    unknown = set(criteria) - set(rules.criteria())
    if unknown:
        raise ValidationError({"criteria": _("Choose criteria from the list.")})
    score, level = rules.vulnerability(criteria)
    at = at or timezone.now()
    with transaction.atomic():
        assessment = Assessment.objects.create(
            case=case,
            at=at,
            by=actor,
            criteria=sorted(set(criteria)),
            score=score,
            level=level,
            notes=(notes or "").strip(),
        )
        case.risk = level
        case.next_follow_up = timezone.localdate(at) + timedelta(days=rules.follow_up_days(level))
        case.save(update_fields=["risk", "next_follow_up"])
        _ask(actor, case, Approval.Kind.ASSESSMENT, assessment=assessment)
        _log(actor, case, "assessed", request, score=score, level=level)
    return assessment


def add_goal(actor, case, *, text, request=None):
    _ensure_case(actor, case)
    if not (text or "").strip():
        raise ValidationError({"text": _("Write the goal.")})
    with transaction.atomic():
        goal = Goal.objects.create(case=case, text=text.strip()[:300])
        _log(actor, case, "goal_added", request, goal=goal.pk)
    return goal


def add_action(actor, goal, *, text, responsible="", due=None, request=None):
    _ensure_case(actor, goal.case)
    errors = {}
    if not (text or "").strip():
        errors["text"] = _("Write the action.")
    if due is not None and due < timezone.localdate(goal.case.opened_at):
        errors["due"] = _("The due date is before the case was opened.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        action = Action.objects.create(
            goal=goal,
            text=text.strip()[:300],
            responsible=(responsible or "").strip()[:100],
            due=due,
        )
        _log(actor, goal.case, "action_added", request, item=action.pk)
    return action


def complete_action(actor, action, *, request=None):
    _ensure_case(actor, action.goal.case)
    if action.done_at:
        return action
    with transaction.atomic():
        action.done_at = timezone.now()
        action.save(update_fields=["done_at"])
        _log(actor, action.goal.case, "action_done", request, item=action.pk)
    return action


def achieve_goal(actor, goal, *, request=None):
    _ensure_case(actor, goal.case)
    with transaction.atomic():
        goal.achieved_at = goal.achieved_at or timezone.now()
        goal.save(update_fields=["achieved_at"])
        _log(actor, goal.case, "goal_achieved", request, goal=goal.pk)
    return goal


def submit_plan(actor, case, *, request=None):
    """Send the plan (its goals and actions as they stand) for approval."""
    _ensure_case(actor, case)
    goals = list(case.goals.prefetch_related("actions"))
    if not goals or not any(g.actions.all() for g in goals):
        raise ValidationError({"plan": _("A plan needs at least one goal with an action.")})
    with transaction.atomic():
        approval = _ask(
            actor,
            case,
            Approval.Kind.PLAN,
            details={
                "goals": [
                    {"text": g.text, "actions": [a.text for a in g.actions.all()]} for g in goals
                ]
            },
        )
        _log(actor, case, "plan_submitted", request)
    return approval


# --- Follow-ups and transfer ----------------------------------------------------------------


def record_follow_up(actor, case, *, at, contact, notes, next_on=None, uid=None, request=None):
    """A contact with the person: its note, its service, and when the next is due."""
    _ensure_case(actor, case)
    if (existing := ledger.sent_before(FollowUp, uid, case=case)) is not None:
        return existing
    errors = {}
    if contact not in CONTACTS:
        errors["contact"] = _("Say how the contact was made.")
    if not (notes or "").strip():
        errors["notes"] = _("Write what was discussed and agreed.")
    if at is None:
        errors["at"] = _("Give the date.")
    elif at > timezone.now() + ledger.CLOCK_SKEW:
        errors["at"] = _("The date is in the future.")
    elif at < case.opened_at:
        errors["at"] = _("The date is before the case was opened.")
    if next_on is not None and at is not None and next_on <= timezone.localdate(at):
        errors["next_on"] = _("The next follow-up is after this one.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        follow_up = FollowUp.objects.create(
            uid=uid or uuid.uuid4(),
            case=case,
            at=at,
            by=actor,
            contact=contact,
            notes=notes.strip(),
        )
        follow_up.event = ledger.record_service(
            actor,
            case.mission,
            uid=uuid.uuid5(follow_up.uid, "follow-up"),
            request=request,
            service_type=_case_service(case),
            person=case.person,
            at=at,
            location=case.location,
            team=case.team,
            staff=actor,
            modality=CONTACTS[contact],
            projects=[(case.project, 100)] if case.project else [],
        )
        follow_up.save(update_fields=["event"])
        case.next_follow_up = next_on or timezone.localdate(at) + timedelta(
            days=rules.follow_up_days(case.risk)
        )
        case.save(update_fields=["next_follow_up"])
        _log(actor, case, "followed_up", request, contact=contact)
    return follow_up


def transfer(actor, case, *, caseworker, team=None, reason, request=None):
    """Hand the case to another worker (and team), with the reason kept in its history."""
    _ensure_case(actor, case)
    team = team or case.team
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = _("Say why the case is transferred.")
    if not isinstance(caseworker, User) or not access.has(caseworker, "casework.manage"):
        errors["caseworker"] = _("Choose a case worker.")
    elif caseworker.pk == case.caseworker_id and team.pk == case.team_id:
        errors["caseworker"] = _("The case is already theirs.")
    elif team.mission_id != case.mission_id or not team.members.filter(pk=caseworker.pk).exists():
        errors["caseworker"] = _("The case worker must be a member of the receiving team.")
    elif not access.can_see_location(caseworker, case.location):
        errors["caseworker"] = _("The case's place is outside that worker's locations.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = {"caseworker": case.caseworker_id, "team": case.team_id}
        case.caseworker, case.team = caseworker, team
        if team.supervisor_id and team.supervisor_id != caseworker.pk:
            case.supervisor = team.supervisor
        case.save(update_fields=["caseworker", "team", "supervisor"])
        _log(
            actor,
            case,
            "transferred",
            request,
            reason=reason.strip(),
            before=before,
            after={"caseworker": caseworker.pk, "team": team.pk},
        )
    return case


# --- Closing and reopening ------------------------------------------------------------------


def request_closure(actor, case, *, reason, notes="", request=None):
    """Close the case, or ask for approval first where the mission requires it. Needs still
    waiting or approved but unpaid must be settled first."""
    _ensure_case(actor, case)
    errors = {}
    if reason not in rules.closure_reasons():
        errors["reason"] = _("Choose why the case closes.")
    if case.needs.filter(status__in=OPEN_NEEDS).exists():
        errors["reason"] = _("Settle or cancel the needs still open before closing.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        approval = _ask(
            actor,
            case,
            Approval.Kind.CLOSURE,
            details={"reason": reason, "notes": (notes or "").strip()},
        )
        if approval is None:
            _close(actor, case, reason, (notes or "").strip(), request)
        else:
            _log(actor, case, "closure_requested", request, reason=reason)
    return approval


def _close(actor, case, reason, notes, request):
    case.status = Case.Status.CLOSED
    case.closed_at = timezone.now()
    case.closure_reason, case.closure_notes = reason, notes
    case.next_follow_up = None
    case.save(
        update_fields=["status", "closed_at", "closure_reason", "closure_notes", "next_follow_up"]
    )
    _log(actor, case, "closed", request, reason=reason)


def reopen(actor, case, *, reason, request=None):
    _ensure_case(actor, case, open_only=False)
    if case.status != Case.Status.CLOSED:
        raise ValidationError({"case": _("The case is open.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the case is reopened.")})
    with transaction.atomic():
        case.status = Case.Status.OPEN
        case.closed_at = None
        case.next_follow_up = timezone.localdate() + timedelta(days=rules.follow_up_days(case.risk))
        case.save(update_fields=["status", "closed_at", "next_follow_up"])
        _log(actor, case, "reopened", request, reason=reason.strip())
    return case


# --- Money ----------------------------------------------------------------------------------


def money(amount) -> str:
    return f"{display_money(amount)} {rules.currency()}"


def parse_amount(value):
    """A positive amount of lira with at most two decimals, as a Decimal (never a float)."""
    return parse_money(value, "amount")


def budget_figures(project):
    """A project's budget for funded needs and what is approved (committed), paid and left."""
    budget = getattr(project, "ecm_budget", None)
    sums = dict(
        Need.objects.filter(project=project)
        .values_list("status")
        .annotate(total=Sum("amount"))
        .values_list("status", "total")
    )
    cent = Decimal("0.01")

    def total_of(*statuses):  # SQLite's SUM drops the scale: put the cents back
        return sum((Decimal(sums.get(s) or 0) for s in statuses), Decimal(0)).quantize(cent)

    committed = total_of(Need.Status.APPROVED)
    paid = total_of(Need.Status.PAID, Need.Status.RECEIPTED)
    total = budget.amount if budget else None
    return {
        "budget": total,
        "requested": total_of(Need.Status.REQUESTED),
        "committed": committed,
        "paid": paid,
        "remaining": None if total is None else total - committed - paid,
    }


def _check_budget(project, amount, exclude=None):
    figures = budget_figures(project)
    if figures["budget"] is None:
        raise ValidationError({"project": _("This project has no budget for funded needs.")})
    if amount > figures["remaining"]:
        raise ValidationError(
            {
                "amount": _("%(amount)s would exceed the project's budget: %(remaining)s remains.")
                % {"amount": money(amount), "remaining": money(figures["remaining"])}
            }
        )


def set_budget(actor, project, amount, *, request=None):
    access.require(actor, "casework.budget")
    if not access.in_mission(actor, project.mission):
        raise PermissionDenied(_("You do not work in this mission."))
    amount = parse_amount(amount)
    figures = budget_figures(project)
    if amount < figures["committed"] + figures["paid"]:
        raise ValidationError(
            {
                "amount": _(
                    "The budget cannot be below what is already committed and paid (%(sum)s)."
                )
                % {"sum": money(figures["committed"] + figures["paid"])}
            }
        )
    with transaction.atomic():
        budget, _created = Budget.objects.update_or_create(
            project=project, defaults={"amount": amount, "set_by": actor}
        )
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            project,
            request=request,
            category=Sensitivity.FINANCIAL,
            details={"ecm_budget": str(amount)},
        )
    return budget


def request_need(
    actor, case, *, category, description, amount, supplier, project=None, uid=None, request=None
):
    """Ask for funding. Refused on a closed case, outside the project's budget, or for an
    unknown category; it waits in the approvers' queue."""
    _ensure_case(actor, case)
    if not may_see_money(actor, case):
        raise PermissionDenied(_("Your role does not see financial records."))
    if (existing := ledger.sent_before(Need, uid, case=case)) is not None:
        return existing
    errors = {}
    if category not in rules.need_categories():
        errors["category"] = _("Choose what the funding is for.")
    if not (description or "").strip():
        errors["description"] = _("Describe what will be bought or paid.")
    if not (supplier or "").strip():
        errors["supplier"] = _("Name the supplier.")
    project = project or case.project
    if not isinstance(project, Project) or project.mission_id != case.mission_id:
        errors["project"] = _("Choose the project that pays.")
    try:
        amount = parse_amount(amount)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        amount = None
    if not errors:
        try:
            _check_budget(project, amount)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        need = Need.objects.create(
            uid=uid or uuid.uuid4(),
            case=case,
            category=category,
            description=description.strip()[:300],
            amount=amount,
            currency=rules.currency(),
            supplier=supplier.strip()[:150],
            project=project,
            requested_by=actor,
        )
        _ask(actor, case, Approval.Kind.NEED, need=need)
        _log(
            actor,
            case,
            "need_requested",
            request,
            category=Sensitivity.FINANCIAL,
            need=need.pk,
            amount=str(amount),
            what=category,
        )
    return need


def cancel_need(actor, need, *, reason, request=None):
    case = need.case
    if not (
        may_see_money(actor, case)
        and (access.has(actor, "casework.pay") or may_see_case(actor, case))
    ):
        raise PermissionDenied(_("You cannot change this need."))
    if need.status not in OPEN_NEEDS:
        raise ValidationError({"need": _("Only a need waiting or approved can be cancelled.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the need is cancelled.")})
    with transaction.atomic():
        need.status = Need.Status.CANCELLED
        need.cancelled_reason = reason.strip()[:250]
        need.save(update_fields=["status", "cancelled_reason"])
        Approval.objects.filter(need=need, status=Approval.Status.PENDING).update(
            status=Approval.Status.WITHDRAWN
        )
        _log(
            actor,
            case,
            "need_cancelled",
            request,
            category=Sensitivity.FINANCIAL,
            need=need.pk,
            reason=need.cancelled_reason,
        )
    return need


def _ensure_pay(actor, need):
    access.require(actor, "casework.pay")
    if not may_see_money(actor, need.case):
        raise PermissionDenied(_("This payment is outside your locations."))


def mark_paid(actor, need, *, reference, at=None, request=None):
    """The approved need is paid: the payment's service reaches the person in the sector the
    need's category counts under (health transport and medical support: Health)."""
    _ensure_pay(actor, need)
    if need.status != Need.Status.APPROVED:
        raise ValidationError({"need": _("Only an approved need can be paid.")})
    if not (reference or "").strip():
        raise ValidationError({"reference": _("Give the payment's reference.")})
    at = at or timezone.now()
    if at > timezone.now() + ledger.CLOCK_SKEW:
        raise ValidationError({"at": _("The date is in the future.")})
    case = need.case
    code = rules.need_categories()[need.category]["service_type"]
    with transaction.atomic():
        need.status = Need.Status.PAID
        need.paid_at, need.paid_by = at, actor
        need.payment_reference = reference.strip()[:60]
        need.event = ledger.record_service(
            actor,
            case.mission,
            uid=uuid.uuid5(need.uid, "paid"),
            request=request,
            derived_from=need,
            service_type=ServiceType.objects.get(mission=case.mission, code=code),
            person=case.person,
            at=at,
            location=case.location,
            team=case.team,
            staff=case.caseworker,
            modality=Modality.CENTRE,
            projects=[(need.project, 100)],
        )
        need.save(update_fields=["status", "paid_at", "paid_by", "payment_reference", "event"])
        _log(
            actor,
            case,
            "need_paid",
            request,
            category=Sensitivity.FINANCIAL,
            need=need.pk,
            amount=str(need.amount),
        )
    return need


def mark_receipted(actor, need, *, request=None):
    """The supplier's receipt is in: needs an uploaded receipt."""
    _ensure_pay(actor, need)
    if need.status != Need.Status.PAID:
        raise ValidationError({"need": _("Only a paid need can be receipted.")})
    if not need.documents.filter(kind=Document.Kind.RECEIPT).exists():
        raise ValidationError({"need": _("Upload the receipt first.")})
    with transaction.atomic():
        need.status = Need.Status.RECEIPTED
        need.receipted_at = timezone.now()
        need.save(update_fields=["status", "receipted_at"])
        _log(
            actor,
            need.case,
            "need_receipted",
            request,
            category=Sensitivity.FINANCIAL,
            need=need.pk,
        )
    return need


# --- Documents ------------------------------------------------------------------------------


def upload_document(actor, need, *, kind, name, content, request=None):
    """Keep a quote, invoice or receipt. The type is judged by the file's first bytes and the
    size by the bytes received; the file is written outside every served folder."""
    if not may_see_money(actor, need.case):
        raise PermissionDenied(_("You cannot change this need."))
    limits = rules.uploads()
    errors = {}
    if kind not in Document.Kind.values:
        errors["kind"] = _("Say what the document is.")
    if need.status in (Need.Status.CANCELLED, Need.Status.REJECTED):
        errors["file"] = _("This need is closed.")
    if errors:
        raise ValidationError(errors)
    content_type = uploads.check(content, limits["types"], max_bytes=limits["max_bytes"])
    digest = hashlib.sha256(content).hexdigest()
    with (
        transaction.atomic(),
        uploads.stored(content, f"casework/{need.case.mission.code}") as relative,
    ):
        document = Document.objects.create(
            need=need,
            kind=kind,
            name=(name or "document")[-150:],
            content_type=content_type,
            size=len(content),
            sha256=digest,
            path=relative,
            uploaded_by=actor,
        )
        _log(
            actor,
            need.case,
            "document_added",
            request,
            category=Sensitivity.FINANCIAL,
            need=need.pk,
            kind=kind,
            sha256=digest,
        )
    return document


def open_document(actor, document, *, request=None):
    """The bytes of a document, for someone who may see the need's money; audited."""
    if not may_see_money(actor, document.need.case):
        raise PermissionDenied(_("You cannot see this document."))
    data = uploads.read(document.path)
    audit.record(
        actor,
        AuditEvent.Action.VIEW,
        document,
        request=request,
        category=Sensitivity.FINANCIAL,
        mission=document.need.case.mission_id,
        object_repr=f"{document.need.case.number}: {document.get_kind_display()}",
    )
    return data


def assignable(case):
    """Case workers who could receive this case (members of teams of the mission)."""
    users = (
        User.objects.filter(teams__mission=case.mission, is_active=True)
        .select_related("role")
        .distinct()
        .order_by("first_name", "username")
    )
    return [u for u in users if access.has(u, "casework.manage")]


def referral_for(person, pk):
    return Referral.objects.filter(pk=pk, person=person).first() if pk else None


def service_for(person, pk):
    return ServiceEvent.objects.filter(pk=pk, person=person).first() if pk else None
