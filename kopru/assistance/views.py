"""The basic needs assistance pages: programmes, targeting lists, cycles (files with the
provider, reconciliation, distributions, monitoring), cards, vendors, warehouses and
complaints. Thin: forms read, the service modules write; each page posts one named action at
a time (core.actions) and shows a refused form again with what was typed."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import access, exports
from kopru.core.actions import Actions
from kopru.core.models import Sensitivity
from kopru.core.views import apply_errors
from kopru.registry.models import Household, Membership

from . import cards, eligibility, forms, inkind, monitoring, redemptions, selectors, services
from .models import (
    Anomaly,
    Candidate,
    Card,
    Complaint,
    Cycle,
    Distribution,
    PdmResponse,
    Programme,
    Receipt,
    TargetingRun,
    Vendor,
    Warehouse,
)

# Each page posts one named action at a time.
PROGRAMME, RUN, CYCLE, CARDS, WAREHOUSES, DISTRIBUTION = (Actions() for _page in range(6))
MISSION_FORMS = (
    forms.ProgrammeForm,
    forms.VendorForm,
    forms.ContractForm,
    forms.WarehouseForm,
    forms.DistributionForm,
    forms.ComplaintForm,
)


def _form(form_class, request):
    """A posted form; those offering the mission's places, projects or vendors get it."""
    kwargs = {"mission": request.mission} if form_class in MISSION_FORMS else {}
    return form_class(request.POST, request.FILES, **kwargs)


def _manages(user):
    return access.has(user, "assistance.manage")


# --- Programmes -----------------------------------------------------------------------------


def home(request):
    mission = request.mission
    return render(
        request,
        "assistance/home.html",
        {
            "programmes": selectors.programmes(mission, request.user),
            "anomalies": selectors.open_anomalies(mission).count(),
            "complaints": monitoring.visible(
                request.user, selectors.open_complaints(mission)
            ).count(),
            "manages": _manages(request.user),
            "modalities": {c: eligibility.named(m) for c, m in eligibility.modalities().items()},
        },
    )


def _programme_from(form, programme):
    data = form.cleaned_data
    programme.code, programme.name = data["code"], data["name"]
    programme.modality, programme.kit = data["modality"], data.get("kit") or ""
    programme.project, programme.budget = data["project"], data["budget"]
    programme.recurring, programme.cutoff = data["recurring"], data["cutoff"]
    programme.criteria, programme.transfer_values = form.chosen_criteria(), form.transfer_table()
    return programme


def programme_new(request):
    form = forms.ProgrammeForm(request.POST or None, mission=request.mission, initial={"cutoff": 1})
    if request.method == "POST" and form.is_valid():
        programme = _programme_from(form, Programme(mission=request.mission))
        try:
            services.save_programme(
                request.user, programme, provinces=form.cleaned_data["provinces"], request=request
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Programme saved."))
            return redirect("assistance:programme_detail", programme.pk)
    return render(request, "assistance/programme_form.html", {"form": form})


def _programme(request, pk):
    programme = get_object_or_404(
        Programme.objects.select_related("project", "project__donor", "service_type"),
        pk=pk,
        mission=request.mission,
    )
    services.require_programme(request.user, programme)
    return programme


@PROGRAMME("edit", forms.ProgrammeForm)
def _edit(request, programme, form):
    if programme.code != form.cleaned_data["code"] and programme.cycles.exists():
        raise ValidationError({"code": _("The code is on the provider's files: keep it.")})
    services.save_programme(
        request.user,
        _programme_from(form, programme),
        provinces=form.cleaned_data["provinces"],
        request=request,
    )
    return _("Programme saved.")


@PROGRAMME("target", forms.EmptyForm)
def _target(request, programme, form):
    run = services.run_targeting(request.user, programme, request=request)
    return _("Targeting ran over %(n)s households: %(eligible)s reach the score.") % {
        "n": run.households,
        "eligible": run.eligible,
    }


@PROGRAMME("receive_cards", forms.ReceiveCardsForm)
def _receive(request, programme, form):
    n = cards.receive_cards(request.user, programme, form.cleaned_data["serials"], request=request)
    return _("%(n)s cards taken into stock.") % {"n": n}


@PROGRAMME("contract", forms.ContractForm)
def _contract(request, programme, form):
    data = form.cleaned_data
    redemptions.contract(
        request.user,
        data["vendor"],
        programme,
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        request=request,
    )
    return _("Vendor contracted.")


def _card_rows(programme):
    counts = selectors.card_counts(programme)
    return [(value, label, counts.get(value, 0)) for value, label in Card.Status.choices]


def programme_detail(request, pk):
    programme = _programme(request, pk)
    failed = {}
    if request.method == "POST":
        back = reverse("assistance:programme_detail", args=[pk])
        response, failed = PROGRAMME.run(request, programme, back, make_form=_form)
        if response:
            return response
    edit = failed.get("edit") or forms.ProgrammeForm(
        mission=request.mission, initial=forms.ProgrammeForm.initial_for(programme)
    )
    return render(
        request,
        "assistance/programme_detail.html",
        {
            "programme": programme,
            "modality": eligibility.named(eligibility.modalities()[programme.modality]),
            "kit": eligibility.named(inkind.kits()[programme.kit]) if programme.kit else "",
            "rules": [(eligibility.rule_label(r), r["weight"]) for r in programme.criteria],
            "runs": programme.runs.select_related("run_by", "approved_by")[:20],
            "cycles": programme.cycles.select_related("run")[:50],
            "card_rows": _card_rows(programme),
            "contracts": programme.contracts.select_related("vendor", "vendor__location"),
            "edit": edit,
            "receive": failed.get("receive_cards") or forms.ReceiveCardsForm(),
            "contract_form": failed.get("contract") or forms.ContractForm(mission=request.mission),
            "manages": _manages(request.user),
            "by_card": programme.modality != Programme.Modality.IN_KIND,
        },
    )


# --- Targeting lists ------------------------------------------------------------------------


@RUN("decide", forms.DecideForm)
def _decide(request, run, form):
    candidate = get_object_or_404(Candidate, pk=form.cleaned_data["candidate"], run=run)
    services.decide(
        request.user,
        candidate,
        include=form.cleaned_data["include"],
        reason=form.cleaned_data["reason"],
        request=request,
    )
    return _("Decision recorded.")


@RUN("approve", forms.EmptyForm)
def _approve(request, run, form):
    services.approve_run(request.user, run, request=request)
    # The approver decides nothing else: what they excluded, approval held back.
    excluded = run.candidates.filter(
        decision=Candidate.Decision.EXCLUDE, decided_by=request.user
    ).count()
    if excluded:
        return _(
            "List approved and frozen; %(n)s households held back for a probable duplicate."
        ) % {"n": excluded}
    return _("List approved and frozen.")


@RUN("cycle", forms.CycleForm)
def _cycle(request, run, form):
    cycle = services.create_cycle(
        request.user,
        run,
        starts_on=form.cleaned_data["starts_on"],
        ends_on=form.cleaned_data["ends_on"],
        request=request,
    )
    return redirect("assistance:cycle_detail", cycle.pk)


def run_detail(request, pk):
    run = get_object_or_404(
        TargetingRun.objects.select_related("programme", "run_by", "approved_by"),
        pk=pk,
        programme__mission=request.mission,
    )
    failed = {}
    if request.method == "POST":
        back = reverse("assistance:run_detail", args=[pk])
        response, failed = RUN.run(request, run, back, make_form=_form)
        if response:
            return response
    show = request.GET.get("show", "selected")
    candidates = run.candidates.select_related("household", "decided_by")
    if show == "selected":
        candidates = services.selected(run).select_related("household", "decided_by")
    elif show == "decided":
        candidates = candidates.exclude(decision=Candidate.Decision.AUTO)
    elif show == "not_selected":
        chosen = services.selected(run).values("pk")
        candidates = candidates.exclude(pk__in=chosen)
    search = request.GET.get("q", "").strip()
    if search:
        candidates = candidates.filter(household__reference__icontains=search)
    page = Paginator(candidates, 50).get_page(request.GET.get("page"))
    services.viewed(request.user, run, request=request, show=show, page=page.number)
    labels = {rule["code"]: eligibility.rule_label(rule) for rule in run.criteria}
    head = selectors.heads(c.household_id for c in page)
    for candidate in page:
        candidate.head = head.get(candidate.household_id, "")
        candidate.reasons = [labels[c] for c in candidate.met if c in labels]
    duplicates = services.duplicates_in(run) if run.status == TargetingRun.Status.DRAFT else {}
    may_approve = (
        access.has(request.user, "assistance.approve") and run.run_by_id != request.user.pk
    )
    return render(
        request,
        "assistance/run_detail.html",
        {
            "run": run,
            "page": page,
            "show": show,
            "q": search,
            "selected": services.selected(run).count(),
            "people": services.selected(run).aggregate(n=Sum("size"))["n"] or 0,
            "duplicates": len(duplicates),
            "manages": _manages(request.user),
            "may_approve": may_approve,
            "cycle_form": failed.get("cycle") or forms.CycleForm(),
            "decide_failed": failed.get("decide"),
        },
    )


# --- Cycles ---------------------------------------------------------------------------------


def _cycle_of(request, pk):
    cycle = get_object_or_404(
        Cycle.objects.select_related("programme", "programme__project", "run", "approved_by"),
        pk=pk,
        programme__mission=request.mission,
    )
    services.require_programme(request.user, cycle.programme)
    return cycle


@CYCLE("advance", forms.EmptyForm)
def _advance(request, cycle, form):
    services.advance_cycle(request.user, cycle, request=request)
    return _("The cycle is now %(status)s.") % {"status": cycle.get_status_display()}


@CYCLE("load_file", forms.EmptyForm)
def _load_file(request, cycle, form):
    content, record = cards.load_file(request.user, cycle, request=request)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    name = f"load-{cycle.programme.code}-{cycle.number}-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _file(form):
    upload = form.cleaned_data["file"]
    if upload.size > 200 * 1024 * 1024:
        raise ValidationError({"file": _("The file is over 200 MB: split it by day.")})
    return upload.read(), upload.name


@CYCLE("confirmation", forms.UploadForm)
def _confirmation(request, cycle, form):
    content, name = _file(form)
    result = cards.import_confirmation(request.user, cycle, content, name=name, request=request)
    if result["already"]:
        return _("This file was imported before; nothing changed.")
    return (
        _("Confirmation imported: %(loaded)s loaded, %(failed)s failed at the provider.") % result
    )


@CYCLE("redemptions", forms.UploadForm)
def _redemptions(request, cycle, form):
    content, name = _file(form)
    result = redemptions.import_redemptions(
        request.user, cycle, content, name=name, request=request
    )
    if result["already"]:
        return _("This file was imported before; nothing changed.")
    return (
        _("%(imported)s transactions imported (%(skipped)s already known); reconciliation updated.")
        % result
    )


@CYCLE("reconcile", forms.EmptyForm)
def _reconcile(request, cycle, form):
    redemptions.reconcile(request.user, cycle, request=request)
    return _("Reconciliation updated.")


@CYCLE("review", forms.ReviewAnomalyForm)
def _review(request, cycle, form):
    anomaly = get_object_or_404(Anomaly, pk=form.cleaned_data["anomaly"], cycle=cycle)
    redemptions.review_anomaly(
        request.user,
        anomaly,
        status=form.cleaned_data["status"],
        note=form.cleaned_data["note"],
        request=request,
    )
    return _("Anomaly reviewed.")


@CYCLE("distribution", forms.DistributionForm)
def _distribution(request, cycle, form):
    distribution = inkind.plan_distribution(
        request.user, cycle, request=request, **form.cleaned_data
    )
    return redirect("assistance:distribution_detail", distribution.pk)


@CYCLE("sample", forms.EmptyForm)
def _sample(request, cycle, form):
    n = monitoring.draw_sample(request.user, cycle, request=request)
    return _("%(n)s households drawn for monitoring.") % {"n": n}


def cycle_detail(request, pk):
    cycle = _cycle_of(request, pk)
    failed = {}
    if request.method == "POST":
        back = reverse("assistance:cycle_detail", args=[pk])
        response, failed = CYCLE.run(request, cycle, back, make_form=_form)
        if response:
            return response
    programme = cycle.programme
    by_card = programme.modality != Programme.Modality.IN_KIND
    summary = getattr(cycle, "reconciliation", None) if by_card else None
    anomalies = list(
        cycle.anomalies.select_related("redemption", "redemption__card", "reviewed_by").order_by(
            "status", "kind", "redemption__at"
        )[:200]
    )
    vendors = dict(Vendor.objects.filter(mission=request.mission).values_list("code", "name"))
    if summary:
        for row in summary.vendors:
            row["name"] = vendors.get(row["merchant"], "")
            row["amount"], row["flagged"] = Decimal(row["amount"]), Decimal(row["flagged"])
        summary.kinds = [
            (label, summary.anomalies.get(kind, 0)) for kind, label in Anomaly.Kind.choices
        ]
        summary.balances = summary.loaded == summary.redeemed + summary.outstanding
    pdm = cycle.pdm.select_related("household")
    return render(
        request,
        "assistance/cycle_detail.html",
        {
            "cycle": cycle,
            "programme": programme,
            "by_card": by_card,
            "figures": selectors.cycle_figures(cycle),
            "without_card": selectors.without_card(cycle).count() if by_card else 0,
            "files": cycle.files.select_related("by"),
            "summary": summary,
            "anomalies": anomalies,
            "distributions": cycle.distributions.select_related("site", "warehouse"),
            "pdm": pdm[:100],
            "pdm_summary": monitoring.pdm_summary(cycle) if cycle.pdm.exists() else None,
            "manages": _manages(request.user),
            "may_approve": access.has(request.user, "assistance.approve")
            and cycle.created_by_id != request.user.pk,
            "upload": forms.UploadForm(),
            "failed": failed,
            "distribution_form": failed.get("distribution")
            or forms.DistributionForm(mission=request.mission),
            "review_statuses": forms.ReviewAnomalyForm.base_fields["status"].choices,
        },
    )


def cycle_households(request, pk):
    """Per household: entitled, loaded, redeemed, outstanding; paged, or all as CSV."""
    cycle = _cycle_of(request, pk)
    rows = redemptions.households(cycle)
    if request.GET.get("format") == "csv":
        header = [
            _("Household"),
            _("Card"),
            _("Entitled"),
            _("Loaded"),
            _("Redeemed"),
            _("Outstanding"),
        ]
        lines = (
            [
                e.household.reference,
                e.card.serial if e.card else "",
                f"{e.amount:.2f}",
                f"{e.amount:.2f}" if e.loaded_at else "0.00",
                f"{e.redeemed:.2f}",
                f"{(e.amount if e.loaded_at else 0) - e.redeemed:.2f}",
            ]
            for e in rows.iterator()
        )
        return exports.csv_response(
            request,
            f"reconciliation-{cycle.programme.code}-{cycle.number}",
            header,
            lines,
            category=Sensitivity.FINANCIAL,
            object_type="assistance.cycle",
        )
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    services.viewed(request.user, cycle, request=request, households_page=page.number)
    for e in page:
        e.loaded = e.amount if e.loaded_at else 0
        e.outstanding = e.loaded - e.redeemed
    return render(request, "assistance/cycle_households.html", {"cycle": cycle, "page": page})


# --- Cards ----------------------------------------------------------------------------------


def _card(programme, form):
    return get_object_or_404(Card, pk=form.cleaned_data["card"], programme=programme)


@CARDS("assign", forms.AssignCardForm)
def _assign(request, programme, form):
    household = Household.objects.filter(
        mission=programme.mission, reference=form.cleaned_data["household"].strip()
    ).first()
    if household is None:
        raise ValidationError({"household": _("No household has this reference.")})
    card = cards.assign_card(request.user, _card(programme, form), household, request=request)
    return _("Card %(serial)s assigned to %(household)s.") % {
        "serial": card.serial,
        "household": household.reference,
    }


@CARDS("hand_over", forms.HandOverForm)
def _hand_over(request, programme, form):
    card = _card(programme, form)
    recipient = Membership.objects.filter(
        household=card.household, person_id=form.cleaned_data["recipient"]
    ).first()
    if recipient is None:
        raise ValidationError(
            {"recipient": _("The recipient must be a current member of the household.")}
        )
    cards.hand_over(
        request.user,
        card,
        recipient=recipient.person,
        confirmation=form.cleaned_data["confirmation"],
        request=request,
    )
    return _("Card %(serial)s handed over.") % {"serial": card.serial}


@CARDS("block", forms.BlockCardForm)
def _block(request, programme, form):
    card = cards.block_card(
        request.user, _card(programme, form), reason=form.cleaned_data["reason"], request=request
    )
    return _("Card %(serial)s blocked.") % {"serial": card.serial}


@CARDS("replace", forms.ReplaceCardForm)
def _replace(request, programme, form):
    new = Card.objects.filter(
        programme=programme, serial=form.cleaned_data["serial"].strip()
    ).first()
    if new is None:
        raise ValidationError({"serial": _("No card of this programme has this serial number.")})
    cards.replace_card(request.user, _card(programme, form), new, request=request)
    return _("Card %(serial)s replaces the blocked one.") % {"serial": new.serial}


def card_list(request, pk):
    programme = _programme(request, pk)
    failed = {}
    if request.method == "POST":
        back = reverse("assistance:card_list", args=[pk]) + "?" + request.GET.urlencode()
        response, failed = CARDS.run(request, programme, back, make_form=_form)
        if response:
            return response
    status = request.GET.get("status", "")
    found = Card.objects.filter(programme=programme).select_related("household", "recipient")
    if status in Card.Status.values:
        found = found.filter(status=status)
    search = request.GET.get("q", "").strip()
    if search:
        found = found.filter(
            Q(serial__icontains=search) | Q(household__reference__icontains=search)
        )
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    members = {}
    for m in Membership.objects.filter(
        household__in=[c.household_id for c in page if c.status == Card.Status.ASSIGNED],
        end_date__isnull=True,
    ).select_related("person"):
        members.setdefault(m.household_id, []).append(m)
    for card in page:
        card.members = members.get(card.household_id, [])
    return render(
        request,
        "assistance/card_list.html",
        {
            "programme": programme,
            "page": page,
            "status": status,
            "q": search,
            "card_rows": _card_rows(programme),
            "confirmations": Card.Confirmation.choices,
            "manages": _manages(request.user),
            "failed": failed,
        },
    )


# --- Vendors and warehouses -----------------------------------------------------------------


def vendor_list(request):
    form = forms.VendorForm(request.POST or None, mission=request.mission)
    if request.method == "POST" and form.is_valid():
        try:
            vendor = redemptions.save_vendor(
                request.user, Vendor(mission=request.mission, **form.cleaned_data), request=request
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Vendor %(name)s saved.") % {"name": vendor.name})
            return redirect("assistance:vendor_list")
    categories = redemptions.categories()
    vendors = list(
        Vendor.objects.filter(mission=request.mission)
        .select_related("location", "location__parent")
        .prefetch_related("contracts__programme")
    )
    for vendor in vendors:
        vendor.category_names = [
            eligibility.named(categories[c]) for c in vendor.categories if c in categories
        ]
    return render(
        request,
        "assistance/vendor_list.html",
        {"vendors": vendors, "form": form, "manages": _manages(request.user)},
    )


@WAREHOUSES("new", forms.WarehouseForm)
def _new_warehouse(request, mission, form):
    inkind.add_warehouse(
        request.user, Warehouse(mission=mission, **form.cleaned_data), request=request
    )
    return _("Warehouse added.")


@WAREHOUSES("move", forms.StockForm)
def _move(request, mission, form):
    warehouse = get_object_or_404(Warehouse, pk=form.cleaned_data["warehouse"], mission=mission)
    data = form.cleaned_data
    inkind.move_stock(
        request.user,
        warehouse,
        item=data["item"],
        quantity=data["quantity"],
        reason=data["reason"],
        note=data["note"],
        request=request,
    )
    return _("Stock updated.")


def warehouse_list(request):
    failed = {}
    if request.method == "POST":
        back = reverse("assistance:warehouse_list")
        response, failed = WAREHOUSES.run(request, request.mission, back, make_form=_form)
        if response:
            return response
    warehouses = list(Warehouse.objects.filter(mission=request.mission).select_related("location"))
    for warehouse in warehouses:
        warehouse.items, warehouse.kits = selectors.stock_table(warehouse)
        warehouse.recent = list(warehouse.moves.select_related("by")[:10])
        for move in warehouse.recent:
            item = inkind.items().get(move.item)
            move.item_name = eligibility.named(item) if item else move.item
    return render(
        request,
        "assistance/warehouse_list.html",
        {
            "warehouses": warehouses,
            "new_form": failed.get("new") or forms.WarehouseForm(mission=request.mission),
            "stock_form": failed.get("move") or forms.StockForm(),
            "manages": _manages(request.user),
        },
    )


# --- Distributions --------------------------------------------------------------------------


@DISTRIBUTION("receipt", forms.ReceiptForm)
def _receipt(request, distribution, form):
    data = form.cleaned_data
    receipt = get_object_or_404(Receipt, pk=data["receipt"], distribution=distribution)
    person = None
    if data.get("person"):
        membership = (
            Membership.objects.filter(household=receipt.household, person_id=data["person"])
            .select_related("person")
            .first()
        )
        person = membership.person if membership else None
    inkind.record_receipt(
        request.user,
        receipt,
        receiver=data["receiver"],
        person=person,
        proxy_name=data["proxy_name"],
        proxy_document=data["proxy_document"],
        confirmation=data["confirmation"],
        request=request,
    )
    return _("Kit handed over to %(household)s.") % {"household": receipt.household.reference}


@DISTRIBUTION("close", forms.EmptyForm)
def _close(request, distribution, form):
    inkind.close_distribution(request.user, distribution, request=request)
    return _("Distribution closed.")


def distribution_detail(request, pk):
    distribution = get_object_or_404(
        Distribution.objects.select_related("cycle__programme", "site", "warehouse"),
        pk=pk,
        cycle__programme__mission=request.mission,
    )
    services.require_programme(request.user, distribution.cycle.programme)
    failed = {}
    if request.method == "POST":
        back = reverse("assistance:distribution_detail", args=[pk])
        response, failed = DISTRIBUTION.run(request, distribution, back, make_form=_form)
        if response:
            return response
    lines = list(distribution.lines.select_related("household", "person"))
    members = {}
    for m in Membership.objects.filter(
        household__in=[line.household_id for line in lines], end_date__isnull=True
    ).select_related("person"):
        members.setdefault(m.household_id, []).append(m)
    for line in lines:
        line.members = members.get(line.household_id, [])
    kit = inkind.kits()[distribution.kit]
    return render(
        request,
        "assistance/distribution_detail.html",
        {
            "distribution": distribution,
            "lines": lines,
            "received": sum(1 for line in lines if line.received_at),
            "kit": eligibility.named(kit),
            "contents": [
                (eligibility.named(inkind.items()[i]), n) for i, n in kit["contents"].items()
            ],
            "in_stock": inkind.kits_in_stock(distribution.warehouse, distribution.kit),
            "receivers": Receipt.Receiver.choices,
            "confirmations": Card.Confirmation.choices,
            "manages": _manages(request.user),
            "failed": failed,
        },
    )


# --- Monitoring and complaints --------------------------------------------------------------


def pdm_interview(request, pk):
    response = get_object_or_404(
        PdmResponse.objects.select_related("cycle__programme", "household"),
        pk=pk,
        cycle__programme__mission=request.mission,
    )
    services.require_programme(request.user, response.cycle.programme)
    form = forms.PdmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            monitoring.record_pdm(
                request.user,
                response,
                answers=form.cleaned_data,
                refused=form.cleaned_data["refused"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Interview recorded."))
            return redirect("assistance:cycle_detail", response.cycle_id)
    return render(
        request,
        "assistance/pdm_interview.html",
        {"response": response, "form": form, "head": selectors.heads([response.household_id])},
    )


def complaint_list(request):
    form = forms.ComplaintForm(request.POST or None, mission=request.mission)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        complaint = Complaint(
            mission=request.mission,
            channel=data["channel"],
            category=data["category"],
            programme=data["programme"],
            text=data["text"],
        )
        reference = data["household"].strip()
        if reference:
            complaint.household = Household.objects.filter(
                mission=request.mission, reference=reference
            ).first()
            if complaint.household is None:
                form.add_error("household", _("No household has this reference."))
        if not form.errors:
            try:
                monitoring.log_complaint(request.user, complaint, request=request)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Complaint recorded."))
                return redirect("assistance:complaint_list")
    found = monitoring.visible(
        request.user, Complaint.objects.filter(mission=request.mission)
    ).select_related("programme", "household")
    status = request.GET.get("status", "")
    summary = monitoring.complaint_summary(found)
    if status in Complaint.Status.values:
        found = found.filter(status=status)
    channels, categories = monitoring.channels(), monitoring.complaint_categories()
    rows = list(found[:300])
    now = timezone.now()
    for c in rows:
        c.channel_name = (
            eligibility.named(channels[c.channel]) if c.channel in channels else c.channel
        )
        c.category_name = (
            eligibility.named(categories[c.category]) if c.category in categories else c.category
        )
        c.hours = round(monitoring.response_hours(c, now))
        c.late = monitoring.overdue(c, now)
    return render(
        request,
        "assistance/complaint_list.html",
        {
            "rows": rows,
            "summary": summary,
            "form": form,
            "status": status,
            "statuses": Complaint.Status.choices,
        },
    )


def complaint_detail(request, pk):
    complaint = get_object_or_404(
        Complaint.objects.select_related("programme", "household", "received_by", "answered_by"),
        pk=pk,
        mission=request.mission,
    )
    if not monitoring.may_see(request.user, complaint):
        raise PermissionDenied(_("You may not see this complaint."))
    form = forms.AnswerForm(request.POST or None, initial={"response": complaint.response})
    if request.method == "POST" and form.is_valid():
        try:
            monitoring.answer_complaint(
                request.user,
                complaint,
                response=form.cleaned_data["response"],
                close=form.cleaned_data["close"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Answer recorded."))
            return redirect("assistance:complaint_list")
    channels, categories = monitoring.channels(), monitoring.complaint_categories()
    return render(
        request,
        "assistance/complaint_detail.html",
        {
            "complaint": complaint,
            "form": form,
            "channel": eligibility.named(channels[complaint.channel]),
            "category": eligibility.named(categories[complaint.category]),
            "hours": round(monitoring.response_hours(complaint)),
            "late": monitoring.overdue(complaint),
        },
    )
