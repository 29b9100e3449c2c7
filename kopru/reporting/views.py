"""Report pages and their downloads: thin; the figures come from report.build."""

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi

from kopru.core import audit
from kopru.core.models import AuditEvent

from . import report, workbook
from .forms import ReportForm


def _report(request):
    form = ReportForm(request.mission, request.GET or None)
    scope, period = form.scope_and_period()
    return form, report.build(scope, period)


def _download(request, rep, data, content_type, extension):
    audit.record(
        request.user,
        AuditEvent.Action.EXPORT,
        object_type="export.quarterly_report",
        object_repr=f"quarterly report {rep.period.label}.{extension}",
        request=request,
        mission=request.mission,
        details={"query": request.GET.urlencode(), "format": extension},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(data, content_type=content_type)
    name = f"kopru-report-{rep.period.start:%Y%m%d}-{rep.period.end:%Y%m%d}-{stamp}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def quarterly(request):
    form, rep = _report(request)
    query = request.GET.urlencode()
    return render(request, "reporting/quarterly.html", {"form": form, "r": rep, "query": query})


def quarterly_pdf(request):
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML

    _form, rep = _report(request)
    html = render_to_string(
        "reporting/quarterly_pdf.html",
        {"r": rep, "lang": get_language(), "rtl": get_language_bidi()},
    )
    charts = CSS(filename=finders.find("kopru/charts.css"))
    pdf = HTML(string=html).write_pdf(stylesheets=[charts])
    return _download(request, rep, pdf, "application/pdf", "pdf")


def quarterly_xlsx(request):
    _form, rep = _report(request)
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(request, rep, workbook.quarterly(rep), content_type, "xlsx")
