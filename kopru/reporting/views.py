"""Report pages and their downloads: thin; the figures come from report.build."""

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

from kopru.core import access, audit
from kopru.core.exports import csv_response
from kopru.core.models import AuditEvent

from . import exports, indicators, people, report, workbook
from .engine import Scope
from .forms import PeopleExportForm, ReportForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report(request):
    form = ReportForm(request.mission, request.GET or None)
    scope, period = form.scope_and_period()
    return form, report.build(scope, period, shared=form.is_shared)


def _refused(request, form):
    """A download asked with bad filters goes back to the report page, which says what is
    wrong, rather than quietly giving another period (or an unshared file asked as shared)."""
    if request.GET and not form.is_valid():
        return redirect(f"{reverse('reporting:quarterly')}?{request.GET.urlencode()}")
    return None


def _download(request, period, data, content_type, extension, *, what="report", shared=False):
    audit.record(
        request.user,
        AuditEvent.Action.EXPORT,
        object_type=f"export.{'quarterly_report' if what == 'report' else what}",
        object_repr=f"{what} {period.label}.{extension}",
        request=request,
        mission=request.mission,
        details={"query": request.GET.urlencode(), "format": extension, "shared": shared},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(data, content_type=content_type)
    name = f"kopru-{what}-{period.start:%Y%m%d}-{period.end:%Y%m%d}-{stamp}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def quarterly(request):
    form, rep = _report(request)
    query = request.GET.urlencode()
    context = {
        "form": form,
        "r": rep,
        "query": query,
        "can_export_people": access.has(request.user, "reporting.export_personal"),
    }
    return render(request, "reporting/quarterly.html", context)


def dashboard(request):
    """Live figures for the mission, a unit, a sector (programme) or a site: counted from the
    projection on every load, so a service recorded a moment ago is in them."""
    form = ReportForm(request.mission, request.GET or None)
    if request.GET:
        scope, period = form.scope_and_period()
    else:
        period = report.last_twelve_months()
        scope = Scope(request.mission, period.start, period.end)
        form.initial.update(period="custom", start=period.start, end=period.end)
    rep = report.build(scope, period, months=True)
    targets = indicators.progress(
        request.mission,
        project=scope.project,
        donor=scope.donor,
        within=(period.start, period.end),
    )
    context = {"form": form, "r": rep, "targets": targets, "query": request.GET.urlencode()}
    return render(request, "reporting/dashboard.html", context)


def quarterly_pdf(request):
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML

    form, rep = _report(request)
    if refused := _refused(request, form):
        return refused
    html = render_to_string(
        "reporting/quarterly_pdf.html",
        {"r": rep, "lang": get_language(), "rtl": get_language_bidi()},
    )
    charts = CSS(filename=finders.find("kopru/charts.css"))
    pdf = HTML(string=html).write_pdf(stylesheets=[charts])
    return _download(request, rep.period, pdf, "application/pdf", "pdf", shared=rep.shared)


def quarterly_xlsx(request):
    form, rep = _report(request)
    if refused := _refused(request, form):
        return refused
    return _download(request, rep.period, workbook.quarterly(rep), XLSX, "xlsx", shared=rep.shared)


def activities(request, kind):
    """The 4W/5W activity table: CSV, HXL-tagged CSV or XLSX."""
    form = ReportForm(request.mission, request.GET or None)
    if refused := _refused(request, form):
        return refused
    scope, period = form.scope_and_period()
    table = exports.build(scope, period, shared=form.is_shared)
    if kind == "xlsx":
        data = exports.write_xlsx(table, exports.notes(table, scope, period))
        return _download(request, period, data, XLSX, "xlsx", what="5w", shared=form.is_shared)
    data = exports.write_csv(table, hxl=kind == "hxl")
    name = "5w-hxl" if kind == "hxl" else "5w"
    return _download(
        request, period, data, "text/csv; charset=utf-8", "csv", what=name, shared=form.is_shared
    )


def people_export(request):
    """The people reached, with names: asks for the purpose, audits it with the rows."""
    form = PeopleExportForm(request.mission, request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        scope, _period = form.scope_and_period()
        found = people.reached(request.user, scope)
        header = [
            _("Reference"),
            _("Given name"),
            _("Family name"),
            _("Sex"),
            _("Date of birth"),
            _("Population group"),
            _("Place"),
            _("Services in the period"),
            _("Sectors"),
        ]
        rows = [
            [
                p.reference,
                p.given_name,
                p.family_name,
                p.get_sex_display(),
                p.birth_date,
                p.get_population_group_display(),
                p.location.name,
                services,
                "; ".join(sectors),
            ]
            for p, services, sectors in found
        ]
        query = {
            k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "purpose")
        }
        return csv_response(
            request,
            "people",
            header,
            rows,
            details={"purpose": form.cleaned_data["purpose"], "query": urlencode(query)},
        )
    return render(request, "reporting/people_export.html", {"form": form})
