"""Results from a partner laboratory or imaging centre, as a CSV file or a FHIR Bundle of
Observations: the whole file goes in or nothing does, every refused row is reported with
why, and importing the same file again changes nothing.

CSV columns (header row, any order): order_number, loinc, result, value, unit, reading,
collected_on (YYYY-MM-DD). `result` is one of positive, negative, indeterminate, normal,
abnormal, suggestive (or POS/NEG/IND/N/A as in FHIR)."""

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kopru.core import access, audit
from kopru.core.models import AuditEvent, Sensitivity

from .assessments import clean_result, write_result
from .models import Investigation
from .services import may_see_clinical

MAX_BYTES = 2 * 1024 * 1024
CODES = {
    "pos": "positive",
    "neg": "negative",
    "ind": "indeterminate",
    "n": "normal",
    "a": "abnormal",
}


@dataclass
class Report:
    filename: str
    written: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)  # (row number, message)

    @property
    def ok(self):
        return not self.errors


def _csv_rows(text):
    reader = csv.DictReader(io.StringIO(text))
    missing = {"order_number", "loinc", "result"} - set(reader.fieldnames or ())
    if missing:
        raise ValidationError(
            _("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(sorted(missing))}
        )
    for n, row in enumerate(reader, start=2):
        yield n, {k: (v or "").strip() for k, v in row.items() if k}


def _fhir_rows(data):
    if data.get("resourceType") != "Bundle":
        raise ValidationError(_("A FHIR file must be a Bundle of Observations."))
    for n, entry in enumerate(data.get("entry") or [], start=1):
        obs = entry.get("resource") or {}
        if obs.get("resourceType") != "Observation":
            continue
        based = (obs.get("basedOn") or [{}])[0].get("identifier", {}).get("value", "")
        coding = next(
            (
                c
                for c in (obs.get("code") or {}).get("coding", [])
                if "loinc" in c.get("system", "")
            ),
            {},
        )
        interpretation = ((obs.get("interpretation") or [{}])[0].get("coding") or [{}])[0]
        quantity = obs.get("valueQuantity") or {}
        yield (
            n,
            {
                "order_number": based,
                "loinc": coding.get("code", ""),
                "result": interpretation.get("code", ""),
                "value": str(quantity.get("value", "")),
                "unit": quantity.get("unit", ""),
                "reading": obs.get("valueString", ""),
                "collected_on": (obs.get("effectiveDateTime") or "")[:10],
            },
        )


def _parse(content: bytes, filename: str):
    if len(content) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 2 MB."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("The file is not UTF-8 text.")) from exc
    if filename.lower().endswith(".json"):
        try:
            return list(_fhir_rows(json.loads(text)))
        except json.JSONDecodeError as exc:
            raise ValidationError(_("The file is not valid JSON.")) from exc
    return list(_csv_rows(text))


def _row_values(row):
    interpretation = row.get("result", "").lower()
    interpretation = CODES.get(interpretation, interpretation)
    value = None
    if row.get("value"):
        try:
            value = Decimal(row["value"].replace(",", "."))
        except InvalidOperation as exc:
            raise ValidationError(_("The value is not a number.")) from exc
    collected = None
    if row.get("collected_on"):
        try:
            collected = date.fromisoformat(row["collected_on"])
        except ValueError as exc:
            raise ValidationError(_("The date is not YYYY-MM-DD.")) from exc
    return interpretation, value, collected


def import_results(actor, mission, content: bytes, filename: str, *, request=None) -> Report:
    """Check every row, then write them all in one transaction, or none."""
    access.require(actor, "health.assess")
    report = Report(filename=filename[:100])
    rows = _parse(content, filename)
    if not rows:
        raise ValidationError(_("The file has no result rows."))
    planned, seen = [], set()
    orders = {
        o.number: o
        for o in Investigation.objects.filter(
            mission=mission, number__in=[r.get("order_number", "") for _n, r in rows]
        ).select_related("case", "person__location")
    }
    for n, row in rows:
        order = orders.get(row.get("order_number", ""))
        try:
            if order is None:
                raise ValidationError(
                    _("No order %(number)s: a result for a test never ordered.")
                    % {"number": row.get("order_number") or "—"}
                )
            if not may_see_clinical(actor, order.person) or order.case is None:
                raise PermissionDenied
            if row.get("loinc") != order.test:
                raise ValidationError(
                    _("Order %(number)s is for test %(ordered)s, not %(given)s.")
                    % {"number": order.number, "ordered": order.test, "given": row.get("loinc")}
                )
            if order.number in seen:
                raise ValidationError(_("This order appears twice in the file."))
            seen.add(order.number)
            interpretation, value, collected = _row_values(row)
            if order.status == Investigation.Status.RESULTED:
                same = order.interpretation == interpretation and (
                    value is None or order.value == value
                )
                if not same:
                    raise ValidationError(_("This order already has a different result."))
                report.unchanged += 1
                continue
            interpretation = clean_result(
                order, interpretation, value, row.get("reading"), collected
            )
            planned.append((order, interpretation, value, row, collected))
        except PermissionDenied:
            report.errors.append((n, _("This order is outside what you may see.")))
        except ValidationError as exc:
            report.errors.append((n, " ".join(exc.messages)))
    if report.errors:
        return report
    with transaction.atomic():
        for order, interpretation, value, row, collected in planned:
            write_result(
                actor,
                order,
                interpretation,
                value,
                row.get("unit", ""),
                row.get("reading", ""),
                collected,
                f"file:{filename}"[:20],
            )
        report.written = len(planned)
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            None,
            request=request,
            category=Sensitivity.HEALTH,
            mission=mission,
            object_type="health.results_import",
            object_repr=report.filename,
            details={
                "file": report.filename,
                "written": report.written,
                "unchanged": report.unchanged,
            },
        )
    return report
