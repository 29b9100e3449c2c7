"""Pages of community stabilisation and shelter: projects (milestones, photos, payments,
completion with the catchment), dwellings, home repairs (bill of quantities, inspections,
completion) and rental agreements (the schedule of months, payments, renewal). Thin: forms
read, the write modules write; each page posts one named action at a time (core.actions)."""

import datetime as dt
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kopru.core import access, uploads
from kopru.core.actions import Actions
from kopru.core.models import Location
from kopru.core.views import saved

from . import forms, projects, rentals, repairs, selectors, services
from .models import (
    Dwelling,
    InspectionPhoto,
    ProgressPhoto,
    RentalAgreement,
    Repair,
    StabilisationProject,
)

PROJECT, DWELLING, REPAIR, AGREEMENT = (Actions() for _page in range(4))
PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _save_file(upload):
    return upload.read() if upload else b""


# --- Stabilisation projects -----------------------------------------------------------------


def project_list(request):
    mission = request.mission
    rows = selectors.projects(mission, request.user)
    province, status = request.GET.get("province", ""), request.GET.get("status", "")
    if province:
        rows = rows.filter(district__parent__pcode=province)
    if status in StabilisationProject.Status.values:
        rows = rows.filter(status=status)
    page = _page(request, rows)
    for p in page:
        p.progress = projects.progress(p)
        p.facility_label = services.label(services.facilities(), p.facility)
    provinces = Location.objects.filter(
        pk__in=selectors.projects(mission, request.user).values("district__parent")
    ).order_by("name")
    return render(
        request,
        "community/project_list.html",
        {
            "page": page,
            "provinces": provinces,
            "statuses": StabilisationProject.Status.choices,
            "province": province,
            "status": status,
        },
    )


def _project_from(form, project):
    data = form.cleaned_data
    for field in ("title", "municipality", "district", "facility", "facility_name", "project",
                  "budget", "contractor", "starts_on", "ends_on"):  # fmt: skip
        setattr(project, field, data[field])
    return project


def project_new(request):
    form = forms.ProjectForm(request.POST or None, mission=request.mission, user=request.user)
    project = saved(
        request,
        form,
        lambda f: projects.save_project(
            request.user,
            _project_from(f, StabilisationProject(mission=request.mission)),
            request=request,
        ),
        _("Project saved."),
    )
    if project:
        return redirect("community:project_detail", project.pk)
    return render(request, "community/project_form.html", {"form": form})


def _project(request, pk):
    project = get_object_or_404(
        StabilisationProject.objects.select_related("district", "district__parent", "project"),
        pk=pk,
        mission=request.mission,
    )
    if not access.can_see_location(request.user, project.district):
        raise PermissionDenied(_("This project is outside your teams' places."))
    return project


def _project_form(form_class, request, project):
    kwargs = {}
    if form_class is forms.ProjectForm:
        kwargs = {"mission": request.mission, "user": request.user}
    elif form_class is forms.PhotoForm:
        kwargs = {"project": project}
    return form_class(request.POST, request.FILES, **kwargs)


@PROJECT("edit", forms.ProjectForm)
def _edit_project(request, project, form):
    projects.save_project(request.user, _project_from(form, project), request=request)
    return _("Project saved.")


@PROJECT("milestone", forms.MilestoneForm)
def _milestone(request, project, form):
    projects.add_milestone(request.user, project, **form.cleaned_data, request=request)
    return _("Milestone added.")


@PROJECT("done", forms.DoneForm)
def _done(request, project, form):
    milestone = get_object_or_404(project.milestones, pk=form.cleaned_data["milestone"])
    projects.mark_done(
        request.user, milestone, done_on=form.cleaned_data["done_on"], request=request
    )
    return _("Milestone done.")


@PROJECT("photo", forms.PhotoForm)
def _photo(request, project, form):
    data = form.cleaned_data
    milestone = (
        project.milestones.filter(pk=data["milestone"]).first() if data["milestone"] else None
    )
    projects.add_photo(
        request.user,
        project,
        _save_file(data["photo"]),
        caption=data["caption"],
        taken_on=data["taken_on"],
        milestone=milestone,
        request=request,
    )
    return _("Photo added.")


@PROJECT("payment", forms.PaymentForm)
def _payment(request, project, form):
    projects.record_payment(request.user, project, **form.cleaned_data, request=request)
    return _("Payment recorded.")


@PROJECT("catchment", forms.CatchmentForm)
def _catchment(request, project, form):
    projects.set_catchment(
        request.user, project, cells=form.cells(), groups=form.groups(), request=request
    )
    return _("Catchment saved.")


@PROJECT("complete", forms.CompletionForm)
def _complete(request, project, form):
    projects.complete_project(
        request.user,
        project,
        completed_on=form.cleaned_data["completed_on"],
        handover_note=form.cleaned_data["handover_note"],
        cells=form.cells(),
        groups=form.groups(),
        request=request,
    )
    return _("Project completed: its catchment is counted as people reached.")


@PROJECT("cancel", forms.ReasonForm)
def _cancel(request, project, form):
    projects.cancel_project(request.user, project, reason=form.cleaned_data["reason"])
    return _("Project cancelled.")


def project_detail(request, pk):
    project = _project(request, pk)
    failed = {}
    if request.method == "POST":
        back = reverse("community:project_detail", args=[pk])
        response, failed = PROJECT.run(
            request, project, back, make_form=lambda c, r: _project_form(c, r, project)
        )
        if response:
            return response
    money = services.may_see_money(request.user)
    spent = projects.spent(project) if money else None
    catchment = {(c.sex, c.age_band): c.count for c in project.catchment.all()}
    groups = list(project.catchment_groups.all())
    group_names = dict(forms.PopulationGroup.choices)
    for g in groups:
        g.name = group_names.get(g.group, g.group)
    initial = forms.CatchmentForm.initial_for(project)
    return render(
        request,
        "community/project_detail.html",
        {
            "project": project,
            "facility": services.label(services.facilities(), project.facility),
            "progress": projects.progress(project),
            "milestones": project.milestones.select_related("done_by"),
            "photos": project.photos.select_related("milestone"),
            "payments": project.payments.all() if money else None,
            "money": money,
            "spent": spent,
            "left": project.budget - spent if money else None,
            "catchment_rows": [
                (band, [catchment.get((s.value, band), 0) for s in forms.SEXES])
                for band in forms.AgeBand.values
            ],
            "catchment_total": sum(catchment.values()),
            "groups": groups,
            "open": project.status not in projects.CLOSED,
            "edit": failed.get("edit")
            or forms.ProjectForm(
                mission=request.mission,
                user=request.user,
                initial=forms.ProjectForm.initial_for(project),
            ),
            "milestone_form": failed.get("milestone") or forms.MilestoneForm(),
            "photo_form": failed.get("photo") or forms.PhotoForm(project=project),
            "payment_form": failed.get("payment") or forms.PaymentForm(),
            "catchment_form": failed.get("catchment") or forms.CatchmentForm(initial=initial),
            "complete_form": failed.get("complete") or forms.CompletionForm(initial=initial),
            "cancel_form": failed.get("cancel") or forms.ReasonForm(),
            "done_failed": failed.get("done"),
            "today": services.today(request.mission),
        },
    )


def _image(request, content, content_type, thumb):
    if thumb:
        from PIL import Image

        with Image.open(io.BytesIO(content)) as image:
            size = services.rules()["thumbnail_pixels"]
            image.thumbnail((size, size))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=80)
            content, content_type = out.getvalue(), uploads.JPEG
    response = HttpResponse(content, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def project_photo(request, pk):
    photo = get_object_or_404(
        ProgressPhoto.objects.select_related("project", "project__district"),
        pk=pk,
        project__mission=request.mission,
    )
    _project(request, photo.project_id)
    return _image(request, uploads.read(photo.path), photo.content_type, "thumb" in request.GET)


# --- Dwellings and repairs ------------------------------------------------------------------


def dwelling_list(request):
    mission = request.mission
    rows = selectors.dwellings(mission, request.user)
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(household__reference__icontains=q) | rows.filter(address__icontains=q)
    form = forms.DwellingForm(request.POST or None, mission=mission, user=request.user)
    dwelling = saved(
        request,
        form,
        lambda f: repairs.add_dwelling(
            request.user,
            Dwelling(
                mission=mission,
                **{k: f.cleaned_data[k] for k in ("household", "location", "address", "tenure")},
            ),
            request=request,
        ),
        _("Dwelling saved."),
    )
    if dwelling:
        return redirect("community:dwelling_detail", dwelling.pk)
    page = _page(request, rows)
    for d in page:
        d.tenure_label = services.label(services.tenures(), d.tenure)
    return render(request, "community/dwelling_list.html", {"page": page, "form": form, "q": q})


def _dwelling(request, pk):
    dwelling = get_object_or_404(
        Dwelling.objects.select_related("household", "location", "location__parent"),
        pk=pk,
        mission=request.mission,
    )
    if not access.can_see_location(request.user, dwelling.location):
        raise PermissionDenied(_("This dwelling is outside your teams' places."))
    return dwelling


@DWELLING("repair", forms.RepairForm)
def _open_repair(request, dwelling, form):
    repair = repairs.open_repair(request.user, dwelling, **form.cleaned_data, request=request)
    return redirect("community:repair_detail", repair.pk)


@DWELLING("agreement", forms.AgreementForm)
def _sign(request, dwelling, form):
    agreement = rentals.sign(
        request.user, RentalAgreement(dwelling=dwelling, **form.cleaned_data), request=request
    )
    messages.success(request, _("Agreement signed: the household's service is recorded."))
    return redirect("community:agreement_detail", agreement.pk)


def dwelling_detail(request, pk):
    dwelling = _dwelling(request, pk)
    failed = {}
    if request.method == "POST":
        back = reverse("community:dwelling_detail", args=[pk])
        response, failed = DWELLING.run(request, dwelling, back)
        if response:
            return response
    money = services.may_see_money(request.user)
    agreements = dwelling.agreements.all() if money else None
    if money and agreements:
        services.viewed(request.user, dwelling, request=request, agreements=len(agreements))
    found = list(dwelling.repairs.all())
    for r in found:
        r.work_labels = [services.label(services.works(), w) for w in r.works]
    return render(
        request,
        "community/dwelling_detail.html",
        {
            "dwelling": dwelling,
            "tenure": services.label(services.tenures(), dwelling.tenure),
            "repairs": found,
            "agreements": agreements,
            "money": money,
            "repair_form": failed.get("repair") or forms.RepairForm(),
            "agreement_form": failed.get("agreement") or forms.AgreementForm(),
        },
    )


def repair_list(request):
    rows = selectors.repairs(request.mission, request.user)
    status = request.GET.get("status", "")
    if status in Repair.Status.values:
        rows = rows.filter(status=status)
    page = _page(request, rows)
    for r in page:
        r.work_labels = [services.label(services.works(), w) for w in r.works]
    return render(
        request,
        "community/repair_list.html",
        {"page": page, "status": status, "statuses": Repair.Status.choices},
    )


def _repair(request, pk):
    repair = get_object_or_404(
        Repair.objects.select_related("dwelling", "dwelling__household", "dwelling__location"),
        pk=pk,
        dwelling__mission=request.mission,
    )
    if not access.can_see_location(request.user, repair.dwelling.location):
        raise PermissionDenied(_("This repair is outside your teams' places."))
    return repair


@REPAIR("boq", forms.BoqForm)
def _boq(request, repair, form):
    repairs.add_boq_line(request.user, repair, **form.cleaned_data, request=request)
    return _("Line added.")


@REPAIR("remove_line", forms.LineForm)
def _remove(request, repair, form):
    line = get_object_or_404(repair.boq, pk=form.cleaned_data["line"])
    repairs.remove_boq_line(request.user, line, request=request)
    return _("Line removed.")


@REPAIR("inspect", forms.InspectionForm)
def _inspect(request, repair, form):
    data = form.cleaned_data
    repairs.inspect(
        request.user,
        repair,
        kind=data["kind"],
        on=data["on"],
        inspector=data["inspector"],
        findings=data["findings"],
        passed=form.passed_value(),
        defects=data["defects"],
        photos=[f.read() for f in data["photos"]],
        request=request,
    )
    return _("Inspection recorded.")


@REPAIR("moved_in", forms.MovedInForm)
def _moved_in(request, repair, form):
    repairs.confirm_moved_in(
        request.user, repair, on=form.cleaned_data["moved_in_on"], request=request
    )
    return _("The household is confirmed living in the home.")


@REPAIR("complete", forms.RepairDoneForm)
def _complete_repair(request, repair, form):
    repairs.complete_repair(
        request.user, repair, completed_on=form.cleaned_data["completed_on"], request=request
    )
    return _("Repair completed: the household's service is recorded.")


def repair_detail(request, pk):
    repair = _repair(request, pk)
    failed = {}
    if request.method == "POST":
        back = reverse("community:repair_detail", args=[pk])
        response, failed = REPAIR.run(request, repair, back)
        if response:
            return response
    lines = list(repair.boq.all())
    for line in lines:
        line.unit_label = services.label(services.units(), line.unit)
    after = repairs.last_after(repair)
    return render(
        request,
        "community/repair_detail.html",
        {
            "repair": repair,
            "work_labels": [services.label(services.works(), w) for w in repair.works],
            "lines": lines,
            "total": repairs.boq_total(repair),
            "inspections": repair.inspections.prefetch_related("photos"),
            "ready": after is not None and after.passed and repair.moved_in_on is not None,
            "open": repair.status == Repair.Status.OPEN,
            "boq_form": failed.get("boq") or forms.BoqForm(),
            "inspection_form": failed.get("inspect") or forms.InspectionForm(),
            "moved_form": failed.get("moved_in")
            or forms.MovedInForm(initial={"moved_in_on": repair.moved_in_on}),
            "complete_form": failed.get("complete") or forms.RepairDoneForm(),
        },
    )


def repair_photo(request, pk):
    photo = get_object_or_404(
        InspectionPhoto.objects.select_related("inspection"),
        pk=pk,
        inspection__repair__dwelling__mission=request.mission,
    )
    _repair(request, photo.inspection.repair_id)
    return _image(request, uploads.read(photo.path), photo.content_type, "thumb" in request.GET)


# --- Rental agreements ----------------------------------------------------------------------


def _require_money(request):
    if not services.may_see_money(request.user):
        raise PermissionDenied(_("Your role does not see financial records."))


def agreement_list(request):
    _require_money(request)
    mission = request.mission
    today = services.today(mission)
    rows = list(selectors.agreements(mission, request.user))
    show = request.GET.get("show", "")
    for a in rows:
        owed = rentals.owed(a, today)
        a.overdue = sum(1 for m in owed if m.state == "overdue")
        a.due = len(owed) - a.overdue
        a.current = a.starts_on <= today <= a.last_day
    if show == "overdue":
        rows = [a for a in rows if a.overdue]
    elif show == "current":
        rows = [a for a in rows if a.current]
    page = _page(request, rows)
    services.viewed(
        request.user, None, request=request, mission=mission, agreements=len(page.object_list)
    )
    return render(request, "community/agreement_list.html", {"page": page, "show": show})


def _agreement(request, pk):
    _require_money(request)
    agreement = get_object_or_404(
        RentalAgreement.objects.select_related("dwelling", "dwelling__location", "household"),
        pk=pk,
        mission=request.mission,
    )
    if not access.can_see_location(request.user, agreement.dwelling.location):
        raise PermissionDenied(_("This agreement is outside your teams' places."))
    return agreement


def _unpaid(agreement):
    paid = set(agreement.payments.values_list("month", flat=True))
    return [m for m in rentals.months(agreement) if m not in paid]


@AGREEMENT("pay", forms.PayForm)
def _pay(request, agreement, form):
    rentals.pay(request.user, agreement, **form.cleaned_data, request=request)
    return _("Payment recorded.")


@AGREEMENT("renew", forms.RenewForm)
def _renew(request, agreement, form):
    renewal = rentals.renew(request.user, agreement, **form.cleaned_data, request=request)
    messages.success(request, _("Agreement renewed: the household's service is recorded."))
    return redirect("community:agreement_detail", renewal.pk)


@AGREEMENT("end", forms.EndForm)
def _end(request, agreement, form):
    rentals.end_early(request.user, agreement, **form.cleaned_data, request=request)
    return _("Agreement ended.")


def agreement_detail(request, pk):
    agreement = _agreement(request, pk)
    failed = {}
    if request.method == "POST":
        back = reverse("community:agreement_detail", args=[pk])
        response, failed = AGREEMENT.run(
            request,
            agreement,
            back,
            make_form=lambda c, r: c(
                r.POST, **({"months": _unpaid(agreement)} if c is forms.PayForm else {})
            ),
        )
        if response:
            return response
    services.viewed(request.user, agreement, request=request)
    today = services.today(request.mission)
    renewal = getattr(agreement, "renewal", None)
    return render(
        request,
        "community/agreement_detail.html",
        {
            "agreement": agreement,
            "schedule": rentals.schedule(agreement, today),
            "renewal": renewal,
            "running": agreement.ended_on is None and renewal is None,
            "pay_form": failed.get("pay")
            or forms.PayForm(months=_unpaid(agreement), initial={"paid_on": today}),
            "renew_form": failed.get("renew")
            or forms.RenewForm(
                initial={
                    "ends_on": agreement.ends_on.replace(year=agreement.ends_on.year + 1)
                    if not (agreement.ends_on.month == 2 and agreement.ends_on.day == 29)
                    else agreement.ends_on + dt.timedelta(days=365),
                    "monthly_rent": agreement.monthly_rent,
                }
            ),
            "end_form": failed.get("end") or forms.EndForm(),
        },
    )
