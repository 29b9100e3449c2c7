"""Indicator pages: the list, a definition, its targets, and progress against targets.

Thin: forms shape the input (indicator_forms), services.py writes, indicators.py counts.
Defining needs `reporting.manage_indicators`; the list and progress need `reporting.view`
(access.PAGES)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kopru.core import access, exports
from kopru.core.views import apply_errors

from . import indicators, services
from .indicator_forms import IndicatorForm, ProgressForm, TargetForm
from .models import Indicator, Target


def _can_manage(request):
    return access.has(request.user, services.CAPABILITY)


def _indicators(mission):
    return (
        Indicator.objects.filter(mission=mission)
        .select_related("sector", "sub_sector", "unit", "numerator", "denominator")
        .prefetch_related("service_types")
    )


def indicator_list(request):
    found = _indicators(request.mission).annotate(n_targets=Count("targets"))
    rows = [(i, indicators.describe(i)) for i in found]
    return render(
        request,
        "reporting/indicators.html",
        {"rows": rows, "can_manage": _can_manage(request)},
    )


def indicator_edit(request, pk=None):
    indicator = (
        get_object_or_404(Indicator, pk=pk, mission=request.mission)
        if pk
        else Indicator(mission=request.mission)
    )
    form = IndicatorForm(
        request.POST or None,
        mission=request.mission,
        indicator=indicator,
        initial=IndicatorForm.initial_for(indicator),
    )
    if request.method == "POST" and form.is_valid():
        created = indicator.pk is None
        service_types = form.apply(indicator)
        try:
            services.save_indicator(
                request.user, indicator, service_types=service_types, request=request
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Indicator %(code)s saved.") % {"code": indicator.code})
            if created:
                return redirect("reporting:indicator_targets", indicator.pk)
            return redirect("reporting:indicator_list")
    return render(
        request,
        "reporting/indicators_form.html",
        {
            "form": form,
            "indicator": indicator,
            "title": str(indicator) if indicator.pk else _("New indicator"),
        },
    )


def indicator_targets(request, pk):
    """The indicator's targets, how far each has come, and a form to add one."""
    indicator = get_object_or_404(_indicators(request.mission), pk=pk)
    form = TargetForm(request.POST or None, mission=request.mission, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        target = form.apply(Target(indicator=indicator))
        try:
            services.save_target(request.user, target, request=request)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Target added."))
            return redirect("reporting:indicator_targets", indicator.pk)
    today = timezone.localdate()
    reached = {p.target.pk: p for p in indicators.progress(request.mission, indicator=indicator)}
    rows = [
        (t, reached.get(t.pk))
        for t in indicator.targets.select_related("project__donor").order_by(
            "start", "end", "project__code"
        )
    ]
    return render(
        request,
        "reporting/indicators_targets.html",
        {
            "indicator": indicator,
            "definition": indicators.describe(indicator),
            "rows": rows,
            "form": form,
            "today": today,
        },
    )


def target_edit(request, pk):
    target = get_object_or_404(
        Target.objects.select_related("indicator"), pk=pk, indicator__mission=request.mission
    )
    form = TargetForm(
        request.POST or None,
        mission=request.mission,
        indicator=target.indicator,
        initial=TargetForm.initial_for(target),
    )
    if request.method == "POST" and form.is_valid():
        form.apply(target)
        try:
            services.save_target(request.user, target, request=request)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Target saved."))
            return redirect("reporting:indicator_targets", target.indicator_id)
    return render(
        request,
        "reporting/indicators_target_form.html",
        {"form": form, "target": target, "indicator": target.indicator},
    )


@require_POST
def target_delete(request, pk):
    target = get_object_or_404(
        Target.objects.select_related("indicator"), pk=pk, indicator__mission=request.mission
    )
    services.delete_target(request.user, target, request=request)
    messages.success(request, _("Target deleted."))
    return redirect("reporting:indicator_targets", target.indicator_id)


# --- Progress ---------------------------------------------------------------------------------


def _csv(request, rows):
    header = [
        _("Project"),
        _("Donor"),
        _("Code"),
        _("Indicator"),
        _("From"),
        _("Until"),
        _("Counted until"),
        _("Target"),
        _("Achieved"),
        _("Numerator"),
        _("Denominator"),
        _("Per cent of target"),
        _("Expected by now"),
        _("Status"),
    ]
    lines = []
    for p in rows:
        t, figure = p.target, p.achieved
        lines.append(
            [
                t.project.code if t.project else _("Whole mission"),
                t.project.donor.name if t.project else "",
                p.indicator.code,
                p.indicator.name,
                t.start.isoformat(),
                t.end.isoformat(),
                p.until.isoformat(),
                t.value.normalize(),
                "" if figure.value is None else round(figure.value, 1),
                "" if figure.numerator is None else figure.numerator,
                "" if figure.denominator is None else figure.denominator,
                "" if p.percent is None else round(p.percent, 1),
                round(p.expected, 1),
                str(p.status_label),
            ]
        )
    return exports.csv_response(request, "indicator_progress", header, lines)


def progress(request):
    form = ProgressForm(request.mission, request.GET or None)
    on, within, project, donor = form.choice()
    rows = indicators.progress(request.mission, project=project, donor=donor, on=on, within=within)
    if exports.wants_csv(request):
        return _csv(request, rows)
    groups = {}
    for row in rows:
        groups.setdefault(row.target.project, []).append(row)
    sections = [(project, groups[project]) for project in groups]
    sections.sort(key=lambda s: (s[0] is not None, s[0].code if s[0] else ""))
    return render(
        request,
        "reporting/indicators_progress.html",
        {
            "form": form,
            "sections": sections,
            "on": on,
            "can_manage": _can_manage(request),
            "has_indicators": Indicator.objects.filter(mission=request.mission).exists(),
        },
    )
