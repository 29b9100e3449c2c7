"""Grants (issue 9, item 5): calls, applications, the panel's scores, the award or rejection,
deliveries in kind against receipts, mentoring and the business follow-ups. Every write of
the grant side of livelihoods (CONVENTIONS.md: one write path); all of it is financial.

The first delivery records the grant's service (data/grants.json names it per type) for the
applicant or each member of the team; each mentoring session is a mentoring service."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import access, audit, money, uploads
from kopru.core.models import AuditEvent, Location, Project, Sensitivity, User
from kopru.services import services as ledger
from kopru.services.models import Modality

from . import codes
from .models import Application, BusinessFollowUp, Call, Delivery, Item, Member, Mentoring, Score
from .services import (
    AWARD,
    MANAGE,
    _audit,
    _ensure,
    _ensure_place,
    _not_after_today,
    _when,
    may_see_province,
)
from .skills import _person, add_months, at_noon, service_type

RECEIPT_BYTES = 5 * 1024 * 1024


def min_scores_setting():
    """Panel scores an award needs: the KOPRU setting if the deployment sets one, else the
    data file's (2)."""
    return int(getattr(settings, "LIVELIHOODS_MIN_PANEL_SCORES", codes.grants("min_panel_scores")))


def _ensure_call(actor, call, capability=MANAGE):
    _ensure(actor, call.mission, capability, financial=True)
    if call.pk and not may_work_on(actor, call):
        raise PermissionDenied(_("This call is outside your teams' places."))


def may_work_on(user, call):
    return any(may_see_province(user, p) for p in call.provinces.all())


def _ensure_application(actor, application, capability=MANAGE):
    _ensure(actor, application.call.mission, capability, financial=True)
    _ensure_place(actor, application.location)


# --- Calls ----------------------------------------------------------------------------------


def open_call(
    actor,
    *,
    mission,
    kind,
    title,
    budget,
    panel,
    provinces,
    opens_on,
    closes_on,
    project=None,
    min_scores=None,
    uid=None,
    request=None,
):
    _ensure(actor, mission, MANAGE, financial=True)
    if uid and (existing := Call.objects.filter(uid=uid, mission=mission).first()):
        return existing
    errors = {}
    grant_type = codes.grant_types().get(kind)
    if grant_type is None:
        errors["kind"] = _("Choose the type of grant.")
    if not (title or "").strip():
        errors["title"] = _("Give the call a title.")
    try:
        budget = money.parse(budget, "budget")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    panel = list(panel or [])
    may_score = [u for u in panel if isinstance(u, User) and access.has(u, f"{MANAGE}|{AWARD}")]
    if len(may_score) != len(panel) or not panel:
        errors["panel"] = _("Choose the panel among livelihoods staff and heads of unit.")
    elif any(not u.missions.filter(pk=mission.pk).exists() for u in panel):
        errors["panel"] = _("Every panel member works in this mission.")
    min_scores = min_scores_setting() if min_scores in (None, "") else int(min_scores)
    if min_scores < 1:
        errors["min_scores"] = _("An award needs at least one panel score.")
    elif panel and min_scores > len(panel):
        errors["min_scores"] = _("The panel is smaller than the scores an award needs.")
    provinces = list(provinces or [])
    if not provinces or any(
        p.mission_id != mission.pk or p.level != Location.Level.PROVINCE for p in provinces
    ):
        errors["provinces"] = _("Choose the call's provinces.")
    elif not all(may_see_province(actor, p) for p in provinces):
        errors["provinces"] = _("A province is outside your teams' places.")
    if not opens_on or not closes_on:
        errors["closes_on"] = _("Give the dates applications are taken.")
    elif closes_on < opens_on:
        errors["closes_on"] = _("The call cannot close before it opens.")
    if project is not None and (
        not isinstance(project, Project) or project.mission_id != mission.pk
    ):
        errors["project"] = _("Choose a project of this mission.")
    if errors:
        raise ValidationError(errors)
    criteria = codes.grant_criteria()
    with transaction.atomic():
        call = Call.objects.create(
            uid=uid or uuid.uuid4(),
            mission=mission,
            kind=kind,
            title=title.strip(),
            budget=budget,
            criteria=[
                {"code": c, "weight": criteria[c]["weight"], "max": criteria[c]["max"]}
                for c in grant_type["criteria"]
            ],
            min_scores=min_scores,
            project=project,
            opens_on=opens_on,
            closes_on=closes_on,
            created_by=actor,
        )
        call.panel.set(panel)
        call.provinces.set(provinces)
        _audit(
            actor,
            call,
            AuditEvent.Action.CREATE,
            request,
            financial=True,
            kind=kind,
            budget=str(budget),
        )
    return call


def awarded_total(call):
    return call.applications.filter(status=Application.Status.AWARDED).aggregate(
        s=Sum("awarded_amount")
    )["s"] or Decimal("0.00")


def remaining(call):
    return call.budget - awarded_total(call)


# --- Applications ---------------------------------------------------------------------------


def clean_items(rows):
    items = []
    for row in rows or []:
        description = (row.get("description") or "").strip()
        if not description:
            continue
        try:
            quantity = int(row.get("quantity") or 0)
        except (TypeError, ValueError):
            quantity = 0
        if quantity < 1:
            raise ValidationError({"items": _("Give each item's quantity, one or more.")})
        cost = money.parse(row.get("unit_cost"), "items")
        items.append({"description": description[:200], "quantity": quantity, "unit_cost": cost})
    if not items:
        raise ValidationError({"items": _("List the items requested.")})
    return items


def submit_application(
    actor, call, *, lead, members=(), business_name, plan, items, uid=None, on=None, request=None
):
    """An applicant (or a team of registered young people with its lead) applies to a call
    with a business and the items it needs."""
    _ensure_call(actor, call)
    _person(actor, lead, "lead")
    if uid and (existing := Application.objects.filter(uid=uid, call=call).first()):
        return existing
    errors = {}
    on = on or timezone.localdate()
    if call.status != Call.Status.OPEN or not call.opens_on <= on <= call.closes_on:
        errors["call"] = _("This call does not take applications now.")
    grant_type = codes.grant_types()[call.kind]
    team = list(dict.fromkeys([lead, *[m for m in members if m != lead]]))
    if grant_type["team"]:
        low, high = grant_type["team_size"]
        if not low <= len(team) <= high:
            errors["members"] = _("A team has %(low)s to %(high)s members, the lead included.") % {
                "low": low,
                "high": high,
            }
        youngest, oldest = grant_type["age"]
        for person in team:
            try:
                _person(actor, person, "members")
            except ValidationError as exc:
                errors.update(exc.message_dict)
            if person.age is None or not youngest <= person.age <= oldest:
                errors["members"] = _("%(reference)s is not %(low)s to %(high)s years old.") % {
                    "reference": person.reference,
                    "low": youngest,
                    "high": oldest,
                }
    elif len(team) > 1:
        errors["members"] = _("This grant goes to one applicant, not a team.")
    if any(p.mission_id != call.mission_id for p in team):
        errors["members"] = _("Everyone on the application is registered in this mission.")
    business_name, plan = (business_name or "").strip(), (plan or "").strip()
    if not business_name:
        errors["business_name"] = _("Give the business's name.")
    if not plan:
        errors["plan"] = _("Summarise the business plan.")
    try:
        items = clean_items(items)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if (
        "members" not in errors
        and Member.objects.filter(application__call=call, person__in=team)
        .exclude(application__status=Application.Status.REJECTED)
        .exists()
    ):
        errors["lead"] = _("Someone on this application has already applied to this call.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        application = Application.objects.create(
            uid=uid or uuid.uuid4(),
            call=call,
            lead=lead,
            location=lead.location,
            business_name=business_name[:200],
            plan=plan,
            created_by=actor,
        )
        Member.objects.bulk_create(
            Member(application=application, person=p, lead=p == lead) for p in team
        )
        Item.objects.bulk_create(Item(application=application, **i) for i in items)
        _audit(
            actor,
            application,
            AuditEvent.Action.CREATE,
            request,
            financial=True,
            members=len(team),
            requested=str(requested(application)),
        )
    return application


def requested(application):
    return sum((i.total for i in application.items.all()), Decimal("0.00"))


# --- Scoring --------------------------------------------------------------------------------


def score_application(actor, application, scores, *, request=None):
    """A panel member's scores, every criterion once, each 0 to its maximum."""
    call = application.call
    _ensure(actor, call.mission, f"{MANAGE}|{AWARD}", financial=True)
    _ensure_place(actor, application.location)
    if not call.panel.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("You are not on this call's panel."))
    errors = {}
    if application.status != Application.Status.SUBMITTED:
        errors["scores"] = _("This application is already decided.")
    if application.scores.filter(member=actor).exists():
        errors["scores"] = _("You have already scored this application.")
    clean = {}
    for criterion in call.criteria:
        value = scores.get(criterion["code"])
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if value is None or not 0 <= value <= criterion["max"]:
            errors[f"score_{criterion['code']}"] = _("Give a whole score from 0 to %(max)s.") % {
                "max": criterion["max"]
            }
        else:
            clean[criterion["code"]] = value
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Score.objects.bulk_create(
            Score(application=application, member=actor, criterion=c, score=v)
            for c, v in clean.items()
        )
        _audit(actor, application, request=request, financial=True, scored=clean)
    return clean


def results(application):
    """{"members": [(user, weighted total)], "mean": mean or None, "maximum": the weighted
    maximum}: only complete sheets count."""
    criteria = {c["code"]: c for c in application.call.criteria}
    maximum = sum(c["weight"] * c["max"] for c in criteria.values())
    sheets = {}
    for s in application.scores.all():
        if s.criterion in criteria:
            sheets.setdefault(s.member_id, {})[s.criterion] = s.score
    members = []
    for member_id, sheet in sheets.items():
        if len(sheet) == len(criteria):
            members.append((member_id, sum(criteria[c]["weight"] * v for c, v in sheet.items())))
    mean = round(sum(t for _m, t in members) / len(members), 1) if members else None
    return {"members": members, "mean": mean, "maximum": maximum}


def ranked(applications):
    """Applications with `result` set, best mean first (unscored last)."""
    rows = list(applications)
    for a in rows:
        a.result = results(a)
    return sorted(rows, key=lambda a: (a.result["mean"] is None, -(a.result["mean"] or 0)))


# --- Decision -------------------------------------------------------------------------------


def award(actor, application, *, amount=None, request=None):
    """Award the items requested (or a smaller amount): by `livelihoods.award`, not by the one
    who recorded the application, after enough panel scores, within the call's budget."""
    call = application.call
    _ensure_application(actor, application, AWARD)
    if application.created_by_id == actor.pk:
        raise PermissionDenied(_("You recorded this application; someone else awards it."))
    errors = {}
    if application.status != Application.Status.SUBMITTED:
        errors["application"] = _("This application is already decided.")
    done = len(results(application)["members"])
    if done < call.min_scores:
        errors["application"] = _("%(done)s of the %(needed)s panel scores needed are in.") % {
            "done": done,
            "needed": call.min_scores,
        }
    asked = requested(application)
    try:
        amount = asked if amount in (None, "") else money.parse(amount, "amount")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    else:
        if amount > asked:
            errors["amount"] = _("The award cannot exceed the items requested (%(asked)s).") % {
                "asked": money.display(asked)
            }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Call.objects.select_for_update().get(pk=call.pk)  # one award at a time per budget
        if Application.objects.get(pk=application.pk).status != Application.Status.SUBMITTED:
            raise ValidationError({"application": _("This application is already decided.")})
        left = remaining(call)
        if amount > left:
            raise ValidationError(
                {
                    "amount": _("Only %(left)s of the call's budget is left.")
                    % {"left": money.display(left)}
                }
            )
        application.status, application.awarded_amount = Application.Status.AWARDED, amount
        application.decided_by, application.decided_at = actor, timezone.now()
        application.save()
        _audit(actor, application, request=request, financial=True, awarded=str(amount))
    return application


def reject(actor, application, *, reason, request=None):
    _ensure_application(actor, application, AWARD)
    errors = {}
    if application.status != Application.Status.SUBMITTED:
        errors["application"] = _("This application is already decided.")
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for the rejection.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != Application.Status.SUBMITTED:
            raise ValidationError({"application": _("This application is already decided.")})
        application.status, application.reason = Application.Status.REJECTED, reason.strip()
        application.decided_by, application.decided_at = actor, timezone.now()
        application.save()
        _audit(actor, application, request=request, financial=True, rejected=application.reason)
    return application


# --- Delivery, mentoring, follow-up ---------------------------------------------------------


def delivered_total(application):
    return application.deliveries.aggregate(s=Sum("value"))["s"] or Decimal("0.00")


def _exceeds_award(application, value):
    """The refusal when `value` would take the deliveries beyond the award, else ""."""
    award = application.awarded_amount
    if award is None or delivered_total(application) + value <= award:
        return ""
    return _("Deliveries would exceed the award (%(award)s).") % {"award": money.display(award)}


def deliver(
    actor,
    application,
    *,
    item,
    quantity,
    value,
    delivered_on,
    receipt=None,
    paper_reference="",
    uid=None,
    request=None,
):
    """Items handed over in kind against a receipt (a PDF, JPEG or PNG, or a paper receipt's
    reference). The first delivery is the grant's service to the applicant or each member, and
    sets the business follow-ups."""
    _ensure_application(actor, application)
    if uid and (existing := Delivery.objects.filter(uid=uid, application=application).first()):
        return existing
    errors = {}
    if application.status != Application.Status.AWARDED:
        errors["application"] = _("Only an awarded grant is delivered.")
    if not (item or "").strip():
        errors["item"] = _("Name the item handed over.")
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        quantity = 0
    if quantity < 1:
        errors["quantity"] = _("Give the quantity, one or more.")
    try:
        value = money.parse(value, "value")
    except ValidationError as exc:
        errors.update(exc.message_dict)
        value = None
    if delivered_on is None:
        errors["delivered_on"] = _("Give the date of the delivery.")
    else:
        try:
            _not_after_today(delivered_on, "delivered_on")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    paper_reference = (paper_reference or "").strip()
    content_type = ""
    if receipt:
        try:
            content_type = uploads.check(
                receipt, uploads.DOCUMENTS, max_bytes=RECEIPT_BYTES, field="receipt"
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    elif not paper_reference:
        errors["receipt"] = _("Upload the signed receipt or give the paper receipt's reference.")
    if value is not None and _exceeds_award(application, value):
        errors["value"] = _exceeds_award(application, value)
    if errors:
        raise ValidationError(errors)
    call = application.call
    with transaction.atomic():
        # Two deliveries at once: the second waits, then sees the first (award, follow-ups).
        Application.objects.select_for_update().get(pk=application.pk)
        if message := _exceeds_award(application, value):
            raise ValidationError({"value": message})
        first = not application.deliveries.exists()
        delivery = Delivery(
            uid=uid or uuid.uuid4(),
            application=application,
            item=item.strip()[:200],
            quantity=quantity,
            value=value,
            delivered_on=delivered_on,
            paper_reference=paper_reference[:60],
            recorded_by=actor,
        )
        if receipt:
            with uploads.stored(receipt, f"livelihoods/{call.mission.code}") as path:
                delivery.receipt_path, delivery.receipt_type = path, content_type
                delivery.save()
        else:
            delivery.save()
        if first:
            _grant_services(actor, application, delivered_on, request)
            BusinessFollowUp.objects.bulk_create(
                BusinessFollowUp(
                    application=application, month=m, due_on=add_months(delivered_on, m)
                )
                for m in codes.grants("business_follow_up_months")
            )
        _audit(
            actor,
            delivery,
            AuditEvent.Action.CREATE,
            request,
            financial=True,
            application=application.pk,
            value=str(value),
        )
    return delivery


def _grant_services(actor, application, day, request):
    call = application.call
    kind = codes.grant_types()[call.kind]
    projects = [(call.project, 100)] if call.project_id else []
    for member in application.members.select_related("person"):
        member.event = ledger.record_service(
            actor,
            call.mission,
            uid=uuid.uuid5(application.uid, f"grant/{member.person.uid}"),
            request=request,
            service_type=service_type(call.mission, kind["service_type"]),
            person=member.person,
            at=at_noon(day),
            location=application.location,
            staff=actor,
            modality=Modality.CENTRE,
            projects=projects,
        )
        member.save(update_fields=["event"])


def open_receipt(actor, delivery, *, request=None):
    """The receipt's bytes for someone who may see the grant; audited."""
    _ensure_application(actor, delivery.application, f"{MANAGE}|{AWARD}")
    if not delivery.receipt_path:
        raise ValidationError({"receipt": _("This delivery has a paper receipt.")})
    data = uploads.read(delivery.receipt_path)
    audit.record(
        actor,
        AuditEvent.Action.VIEW,
        delivery,
        request=request,
        category=Sensitivity.FINANCIAL,
        details={"receipt": True},
    )
    return data


def mentor(actor, application, *, at, mentor, topics, notes="", uid=None, request=None):
    """A mentoring session with the applicant or the team: a mentoring service."""
    _ensure_application(actor, application)
    if uid and (existing := Mentoring.objects.filter(uid=uid, application=application).first()):
        return existing
    errors = {}
    if application.status != Application.Status.AWARDED:
        errors["application"] = _("Mentoring follows an award.")
    if not (mentor or "").strip():
        errors["mentor"] = _("Name the mentor.")
    known = codes.mentoring_topics()
    topics = list(dict.fromkeys(topics or []))
    if not topics or any(t not in known for t in topics):
        errors["topics"] = _("Choose the topics from the list.")
    try:
        at = _when(at)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    call = application.call
    people = [m.person for m in application.members.select_related("person")]
    team = codes.grant_types()[call.kind]["team"]
    uid = uid or uuid.uuid4()
    with transaction.atomic():
        event = ledger.record_service(
            actor,
            call.mission,
            uid=uuid.uuid5(uid, "entrepreneurship_mentoring"),
            request=request,
            service_type=service_type(call.mission, "entrepreneurship_mentoring"),
            **({"participants": people} if team else {"person": people[0]}),
            at=at,
            location=application.location,
            staff=actor,
            modality=Modality.CENTRE,
            notes=", ".join(topics),
            projects=[(call.project, 100)] if call.project_id else [],
        )
        session = Mentoring.objects.create(
            uid=uid,
            application=application,
            at=at,
            mentor=mentor.strip()[:150],
            topics=topics,
            notes=(notes or "").strip(),
            event=event,
            recorded_by=actor,
        )
        _audit(actor, session, AuditEvent.Action.CREATE, request, financial=True, topics=topics)
    return session


def record_business_follow_up(
    actor,
    follow_up,
    *,
    operating,
    employees=None,
    revenue_band="",
    notes="",
    done_on=None,
    request=None,
):
    """The business at 3, 6 or 12 months: operating or closed, its employees, its revenue."""
    application = follow_up.application
    _ensure_application(actor, application)
    errors = {}
    if follow_up.done_on:
        errors["follow_up"] = _("This follow-up is already recorded.")
    done_on = done_on or timezone.localdate()
    try:
        _not_after_today(done_on, "done_on")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if operating not in (True, False):
        errors["operating"] = _("Say whether the business still operates.")
    if operating:
        if employees is None or employees < 0:
            errors["employees"] = _("Give the number of employees, zero or more.")
        if revenue_band not in codes.revenue_bands():
            errors["revenue_band"] = _("Choose the monthly revenue band.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if BusinessFollowUp.objects.select_for_update().get(pk=follow_up.pk).done_on:
            raise ValidationError({"follow_up": _("This follow-up is already recorded.")})
        follow_up.done_on, follow_up.operating = done_on, operating
        follow_up.employees = employees if operating else 0
        follow_up.revenue_band = revenue_band if operating else "none"
        follow_up.notes, follow_up.done_by = (notes or "").strip(), actor
        follow_up.save()
        _audit(
            actor,
            application,
            request=request,
            financial=True,
            business_follow_up=follow_up.month,
            operating=operating,
        )
    return follow_up


# --- Reads ----------------------------------------------------------------------------------


def visible_calls(user, mission):
    if not access.can_see_category(user, Sensitivity.FINANCIAL) or not access.in_mission(
        user, mission
    ):
        return Call.objects.none()
    calls = Call.objects.filter(mission=mission).prefetch_related("provinces")
    if access.location_prefixes(user, mission) is None:
        return calls
    return calls.filter(pk__in=[c.pk for c in calls if may_work_on(user, c)])


def visible_applications(user, mission):
    if not access.can_see_category(user, Sensitivity.FINANCIAL):
        return Application.objects.none()
    qs = Application.objects.select_related("call", "lead", "location")
    return access.in_places(
        user,
        qs.filter(call__mission=mission) if access.in_mission(user, mission) else qs.none(),
        mission,
        "location__path",
    )
