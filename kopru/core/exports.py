"""CSV downloads of lists: the same rows the viewer sees on the page, audited as exports.

Cells that a spreadsheet would run as a formula (= + - @ and tab/CR at the start) are prefixed
with a quote, so an exported name like "=HYPERLINK(...)" stays text.
"""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone

from . import audit
from .models import AuditEvent

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(DANGEROUS) else text


def wants_csv(request):
    return request.GET.get("format") == "csv"


def csv_response(
    request, name, header, rows, *, category="general", details=None, object_type=None
):
    """`details` adds to the audit entry (e.g. the purpose a user gave for the export);
    `object_type` names what the rows are (e.g. "casework.case") when the log should."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([_cell(v) for v in row])
        count += 1
    audit.record(
        request.user,
        AuditEvent.Action.EXPORT,
        object_type=object_type or f"export.{name}",
        object_repr=f"{name}.csv ({count} rows)",
        category=category,
        request=request,
        mission=getattr(request, "mission", None),
        details={"rows": count, "query": request.GET.urlencode(), **(details or {})},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kopru-{name}-{stamp}.csv"'
    return response
