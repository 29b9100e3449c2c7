"""The case management pages: the case worker's dashboard, the case list and its export, a
case with its intake, assessment, plan, follow-ups, needs and history, the approvals queue,
the cash officer's payments and the project budgets. Thin: forms read, services write."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopru.core import access, exports
from kopru.core.actions import Actions
from kopru.core.models import Project, Sensitivity
from kopru.core.views import apply_errors
from kopru.registry import selectors as people

from . import forms, rules, selectors, services
from .models import Action as PlanAction
from .models import Approval, Case, Document

HISTORY = {
    "opened": gettext_lazy("Case opened"),
    "intake": gettext_lazy("Intake changed"),
    "assessed": gettext_lazy("Vulnerability assessed"),
    "assessment_approved": gettext_lazy("Assessment approved"),
    "assessment_rejected": gettext_lazy("Assessment rejected"),
    "goal_added": gettext_lazy("Goal added"),
    "goal_achieved": gettext_lazy("Goal achieved"),
    "action_added": gettext_lazy("Action added"),
    "action_done": gettext_lazy("Action done"),
    "plan_submitted": gettext_lazy("Plan sent for approval"),
    "plan_approved": gettext_lazy("Plan approved"),
    "plan_rejected": gettext_lazy("Plan rejected"),
    "followed_up": gettext_lazy("Follow-up"),
    "transferred": gettext_lazy("Transferred"),
    "closure_requested": gettext_lazy("Closure requested"),
    "closure_approved": gettext_lazy("Closure approved"),
    "closure_rejected": gettext_lazy("Closure rejected"),
    "closed": gettext_lazy("Closed"),
    "reopened": gettext_lazy("Reopened"),
    "need_requested": gettext_lazy("Funding requested"),
    "need_approved": gettext_lazy("Funding approved"),
    "need_rejected": gettext_lazy("Funding rejected"),
    "need_cancelled": gettext_lazy("Need cancelled"),
    "need_paid": gettext_lazy("Paid"),
    "need_receipted": gettext_lazy("Receipted"),
    "document_added": gettext_lazy("Document added"),
}
# The case page posts one action at a time.
ACTIONS = Actions()


def dashboard(request):
    data = selectors.dashboard(request.user, request.mission)
    for case in data["cases"]:
        case.display = selectors.list_name(case)
    supervising = access.has(request.user, "casework.supervise")
    return render(
        request,
        "casework/dashboard.html",
        {
            **data,
            "caseload": selectors.caseload(request.user, request.mission) if supervising else None,
            "today": timezone.localdate(),
            "kinds": rules.case_types(),
        },
    )


def case_list(request):
    cases = selectors.visible_cases(request.user, request.mission)
    status = request.GET.get("status", "open")
    if status in Case.Status.values:
        cases = cases.filter(status=status)
    kind = request.GET.get("kind", "")
    if kind in rules.case_types():
        cases = cases.filter(kind=kind)
    if request.GET.get("mine"):
        cases = cases.filter(caseworker=request.user)
    cases = cases.order_by("-opened_at")
    if request.GET.get("format") == "csv":
        return _export(request, cases)
    rows = [
        (c, selectors.list_name(c), rules.label(rules.case_types(), c.kind)) for c in cases[:500]
    ]
    return render(
        request,
        "casework/case_list.html",
        {
            "rows": rows,
            "status": status,
            "kind": kind,
            "kinds": rules.choices(rules.case_types()),
            "statuses": Case.Status.choices,
            "query": request.GET.urlencode(),
        },
    )


def _export(request, cases):
    """The list as CSV (core.exports: formula-safe cells, audited): GBV cases carry no name."""
    header = [
        _("Case number"),
        _("Case type"),
        _("Person"),
        _("Reference"),
        _("Status"),
        _("Risk"),
        _("Opened on"),
        _("Case worker"),
        _("Place"),
        _("Next follow-up"),
    ]
    rows = (
        [
            case.number,
            rules.label(rules.case_types(), case.kind),
            selectors.list_name(case),
            case.person.reference,
            case.get_status_display(),
            case.get_risk_display(),
            timezone.localdate(case.opened_at).isoformat(),
            str(case.caseworker),
            case.location.name,
            case.next_follow_up.isoformat() if case.next_follow_up else "",
        ]
        for case in cases.iterator()
    )
    return exports.csv_response(
        request,
        "cases",
        header,
        rows,
        category=Sensitivity.PROTECTION,
        object_type="casework.case",
    )


def case_new(request, person_pk):
    person = get_object_or_404(people.visible_people(request.user, request.mission), pk=person_pk)
    referral = services.referral_for(
        person, request.GET.get("referral") or request.POST.get("referral")
    )
    event = services.service_for(person, request.GET.get("event") or request.POST.get("event"))
    form = forms.OpenCaseForm(
        request.POST or None,
        user=request.user,
        mission=request.mission,
        person=person,
        initial={"location": person.location_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case(
                request.user,
                person,
                referral=referral,
                from_event=event,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
            return redirect("casework:case_detail", case.pk)
    return render(
        request,
        "casework/case_new.html",
        {"form": form, "person": person, "referral": referral, "event": event},
    )


def _case(request, pk):
    case = get_object_or_404(
        Case.objects.select_related("person", "team", "location", "caseworker", "supervisor"),
        pk=pk,
        mission=request.mission,
    )
    if not services.may_see_case(request.user, case):
        raise PermissionDenied(_("You cannot work on this case."))
    return case


def case_detail(request, pk):
    case = _case(request, pk)
    failed = {}
    if request.method == "POST":
        back = reverse("casework:case_detail", args=[case.pk])
        response, failed = ACTIONS.run(
            request, case, back, make_form=lambda cls, req: _bound(cls, req, case)
        )
        if response:
            return response
        case.refresh_from_db()
    services.view_case(request.user, case, request=request)
    money = services.may_see_money(request.user, case)
    return render(request, "casework/case_detail.html", _case_context(request, case, money, failed))


def _bound(form_class, request, case):
    kwargs = {}
    if form_class is forms.TransferForm:
        kwargs = {"workers": services.assignable(case), "mission": request.mission}
    if form_class is forms.NeedForm:
        kwargs = {"mission": request.mission}
    return form_class(request.POST, request.FILES, **kwargs)


def _case_context(request, case, money, failed):
    latest = case.assessments.first()
    needs = (
        list(case.needs.select_related("project").prefetch_related("documents")) if money else []
    )
    approvals = list(case.approvals.select_related("requested_by", "decided_by", "need"))
    for approval in approvals:
        approval.why_not = services.why_not_decide(request.user, approval)
    for need in needs:
        need.name = rules.label(rules.need_categories(), need.category)
    history = list(case.history.select_related("by")[:100])
    for entry in history:
        entry.label = HISTORY.get(entry.action, entry.action)
    follow_ups = list(case.follow_ups.select_related("by")[:50])
    contacts = dict(forms.CONTACT_CHOICES)
    for follow_up in follow_ups:
        follow_up.contact_name = contacts.get(follow_up.contact, follow_up.contact)
    project = case.project
    return {
        "case": case,
        "person": case.person,
        "kind_name": rules.label(rules.case_types(), case.kind),
        "hide_name": rules.hides_name(case.kind),
        "latest": latest,
        "latest_level": rules.level_name(latest.level) if latest else "",
        "latest_criteria": [rules.label(rules.criteria(), c) for c in latest.criteria]
        if latest
        else [],
        "goals": case.goals.prefetch_related("actions"),
        "follow_ups": follow_ups,
        "history": history,
        "needs": needs,
        "approvals": approvals,
        "money": money,
        "budget": services.budget_figures(project) if money and project else None,
        "closure_name": rules.label(rules.closure_reasons(), case.closure_reason),
        "today": timezone.localdate(),
        "forms": {
            "intake": failed.get("intake")
            or forms.IntakeForm(
                initial={
                    "presenting_needs": case.presenting_needs,
                    "circumstances": case.circumstances,
                }
            ),
            "assess": failed.get("assess")
            or forms.AssessmentForm(initial={"criteria": latest.criteria if latest else []}),
            "goal": failed.get("goal") or forms.GoalForm(),
            "action": failed.get("action") or forms.ActionForm(),
            "follow_up": failed.get("follow_up")
            or forms.FollowUpForm(
                initial={"at": timezone.localtime().replace(second=0, microsecond=0)}
            ),
            "transfer": failed.get("transfer")
            or forms.TransferForm(workers=services.assignable(case), mission=request.mission),
            "close": failed.get("close") or forms.CloseForm(),
            "reopen": failed.get("reopen") or forms.ReopenForm(),
            "need": failed.get("need")
            or forms.NeedForm(mission=request.mission, initial={"project": case.project_id}),
            "document": failed.get("document") or forms.DocumentForm(),
            "decide": forms.DecideForm(),
        },
    }


@ACTIONS("intake", forms.IntakeForm)
def _intake(request, case, form):
    services.update_intake(request.user, case, request=request, **form.cleaned_data)
    return _("Intake saved.")


@ACTIONS("assess", forms.AssessmentForm)
def _assess(request, case, form):
    found = services.assess(
        request.user,
        case,
        criteria=form.cleaned_data["criteria"],
        notes=form.cleaned_data["notes"],
        request=request,
    )
    return _("Vulnerability assessed: %(level)s (score %(score)s).") % {
        "level": rules.level_name(found.level),
        "score": found.score,
    }


@ACTIONS("goal", forms.GoalForm)
def _goal(request, case, form):
    services.add_goal(request.user, case, text=form.cleaned_data["text"], request=request)
    return _("Goal added.")


@ACTIONS("action", forms.ActionForm)
def _add_action(request, case, form):
    goal = get_object_or_404(case.goals, pk=request.POST.get("goal"))
    services.add_action(request.user, goal, request=request, **form.cleaned_data)
    return _("Action added.")


@ACTIONS("action_done", forms.EmptyForm)
def _action_done(request, case, form):
    action = get_object_or_404(PlanAction, pk=request.POST.get("item"), goal__case=case)
    services.complete_action(request.user, action, request=request)
    return _("Action done.")


@ACTIONS("goal_achieved", forms.EmptyForm)
def _goal_achieved(request, case, form):
    goal = get_object_or_404(case.goals, pk=request.POST.get("goal"))
    services.achieve_goal(request.user, goal, request=request)
    return _("Goal achieved.")


@ACTIONS("submit_plan", forms.EmptyForm)
def _submit_plan(request, case, form):
    approval = services.submit_plan(request.user, case, request=request)
    return _("Plan sent for approval.") if approval else _("Plan saved.")


@ACTIONS("follow_up", forms.FollowUpForm)
def _follow_up(request, case, form):
    services.record_follow_up(request.user, case, request=request, **form.cleaned_data)
    return _("Follow-up recorded.")


@ACTIONS("transfer", forms.TransferForm)
def _transfer(request, case, form):
    worker = form.workers.get(form.cleaned_data["caseworker"])
    services.transfer(
        request.user,
        case,
        caseworker=worker,
        team=form.cleaned_data["team"],
        reason=form.cleaned_data["reason"],
        request=request,
    )
    return _("Case transferred to %(name)s.") % {"name": worker}


@ACTIONS("close", forms.CloseForm)
def _close(request, case, form):
    approval = services.request_closure(request.user, case, request=request, **form.cleaned_data)
    return _("Closure sent for approval.") if approval else _("Case closed.")


@ACTIONS("reopen", forms.ReopenForm)
def _reopen(request, case, form):
    services.reopen(request.user, case, reason=form.cleaned_data["reason"], request=request)
    return _("Case reopened.")


@ACTIONS("need", forms.NeedForm)
def _need(request, case, form):
    data = dict(form.cleaned_data)
    quote = data.pop("quote")
    with transaction.atomic():
        need = services.request_need(request.user, case, request=request, **data)
        if quote:
            services.upload_document(
                request.user,
                need,
                kind=Document.Kind.QUOTE,
                name=quote.name,
                content=_read(quote),
                request=request,
            )
    return _("Funding requested: %(amount)s.") % {"amount": services.money(need.amount)}


@ACTIONS("document", forms.DocumentForm)
def _document(request, case, form):
    need = get_object_or_404(case.needs, pk=request.POST.get("need"))
    upload = form.cleaned_data["file"]
    services.upload_document(
        request.user,
        need,
        kind=form.cleaned_data["kind"],
        name=upload.name,
        content=_read(upload),
        request=request,
    )
    return _("Document added.")


@ACTIONS("cancel_need", forms.ReasonForm)
def _cancel_need(request, case, form):
    need = get_object_or_404(case.needs, pk=request.POST.get("need"))
    services.cancel_need(request.user, need, reason=form.cleaned_data["reason"], request=request)
    return _("Need cancelled.")


def _read(upload):
    """The upload's bytes, reading at most one byte past the limit (the service refuses)."""
    upload.seek(0)
    return upload.read(settings.UPLOAD_MAX_BYTES + 1)


def approvals(request):
    if request.method == "POST":
        approval = get_object_or_404(
            Approval, pk=request.POST.get("approval"), case__mission=request.mission
        )
        form = forms.DecideForm(request.POST)
        if form.is_valid():
            try:
                approval = services.decide(
                    request.user,
                    approval,
                    approve=form.cleaned_data["decision"] == "approve",
                    note=form.cleaned_data["note"],
                    request=request,
                )
            except ValidationError as exc:
                for msgs in exc.message_dict.values():
                    for msg in msgs:
                        messages.error(request, msg)
            else:
                messages.success(
                    request,
                    _("Approved.")
                    if approval.status == Approval.Status.APPROVED
                    else _("Rejected."),
                )
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = "casework:approvals"  # never another site
        return redirect(back)
    now = timezone.now()
    rows = services.queue(request.user, request.mission)
    for row in rows:
        row.waited = selectors.waited(row.requested_at, now)
        row.name = selectors.list_name(row.case)
        row.need_name = rules.label(rules.need_categories(), row.need.category) if row.need else ""
    return render(request, "casework/approvals.html", {"rows": rows, "form": forms.DecideForm()})


def payments(request):
    if request.method == "POST":
        need = get_object_or_404(
            selectors.payments(request.user, request.mission), pk=request.POST.get("need")
        )
        step = request.POST.get("step")
        try:
            if step == "paid":
                form = forms.PaidForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(form.errors)
                services.mark_paid(
                    request.user, need, reference=form.cleaned_data["reference"], request=request
                )
                messages.success(request, _("Marked as paid."))
            elif step == "receipt":
                upload = request.FILES.get("file")
                if upload is None:
                    raise ValidationError({"file": _("Choose the receipt's file.")})
                services.upload_document(
                    request.user,
                    need,
                    kind=Document.Kind.RECEIPT,
                    name=upload.name,
                    content=_read(upload),
                    request=request,
                )
                services.mark_receipted(request.user, need, request=request)
                messages.success(request, _("Receipt kept; the payment is receipted."))
            elif step == "cancel":
                services.cancel_need(
                    request.user, need, reason=request.POST.get("reason", ""), request=request
                )
                messages.success(request, _("Need cancelled."))
        except ValidationError as exc:
            for msgs in exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages]:
                for msg in msgs:
                    messages.error(request, msg)
        return redirect("casework:payments")
    rows = list(selectors.payments(request.user, request.mission).prefetch_related("documents"))
    for need in rows:
        need.name = rules.label(rules.need_categories(), need.category)
    return render(request, "casework/payments.html", {"rows": rows})


def document(request, pk):
    doc = get_object_or_404(
        Document.objects.select_related("need__case"), pk=pk, need__case__mission=request.mission
    )
    data = services.open_document(request.user, doc, request=request)
    response = HttpResponse(data, content_type=doc.content_type)
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[
        doc.content_type
    ]
    response["Content-Disposition"] = (
        f'inline; filename="{doc.need.case.number}-{doc.kind}-{doc.pk}.{extension}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def budgets(request):
    can_set = access.has(request.user, "casework.budget")
    form = forms.BudgetForm(request.POST or None, mission=request.mission)
    if request.method == "POST":
        if not can_set:
            raise PermissionDenied(_("Your role does not set budgets."))
        if form.is_valid():
            try:
                services.set_budget(
                    request.user,
                    form.cleaned_data["project"],
                    form.cleaned_data["amount"],
                    request=request,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Budget saved."))
                return redirect("casework:budgets")
    projects = Project.objects.filter(
        mission=request.mission, ecm_budget__isnull=False
    ).select_related("ecm_budget")
    rows = [(p, services.budget_figures(p)) for p in projects]
    return render(
        request, "casework/budgets.html", {"rows": rows, "form": form, "can_set": can_set}
    )
