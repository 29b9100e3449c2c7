"""Summaries of a survey form: responses by province and by month, and per question the
counts and percentages of each choice or the mean, median, minimum and maximum of numbers.
Aggregate only: free text is counted, never shown, and the CSV leaves small counts empty, so
it may leave the team. Reads the responses the caller passes (already filtered by the access
policy)."""

import csv
import io
import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from kopru.core.models import Location
from kopru.reporting import disclosure
from kopru.reporting.disclosure import TOTAL

from . import survey_forms

NUMBERS = ("integer", "decimal")
CHOICES = ("select_one", "select_multiple", "yes_no")


@dataclass
class QuestionSummary:
    name: str
    label: str
    type: str
    asked: int = 0  # responses for which the question was relevant and answered
    rows: list = field(default_factory=list)  # (choice label, count, percent of asked)
    stats: dict | None = None  # n, mean, median, min, max


@dataclass
class Summary:
    form: dict
    responses: int
    provinces: list  # (name, count)
    months: list  # ("2026-09", count)
    questions: list  # QuestionSummary


def _percent(count, total):
    return round(100 * count / total, 1) if total else 0.0


def _tidy(number):
    """4.0 reads as 4; otherwise two decimals."""
    number = round(float(number), 2)
    return int(number) if number.is_integer() else number


def _province_code(path):
    parts = path.strip("/").split("/")
    return parts[1] if len(parts) > 1 else parts[0]


def summarise(form, responses) -> Summary:
    rows = list(responses.values("answers", "collected_on", "location__path"))
    by_province = Counter(_province_code(r["location__path"]) for r in rows)
    names = dict(Location.objects.filter(pcode__in=list(by_province)).values_list("pcode", "name"))
    provinces = sorted(
        ((names.get(code, code), n) for code, n in by_province.items()), key=lambda p: (-p[1], p[0])
    )
    months = sorted(Counter(r["collected_on"].strftime("%Y-%m") for r in rows).items())
    answers = [r["answers"] for r in rows]
    questions = []
    for q in survey_forms.questions(form):
        if q["type"] in ("place", "date"):
            continue
        values = [a[q["name"]] for a in answers if q["name"] in a]
        item = QuestionSummary(q["name"], survey_forms.label(q["label"]), q["type"], len(values))
        if q["type"] in CHOICES:
            counts = Counter()
            for value in values:
                counts.update(value if isinstance(value, list) else [value])
            names = (
                list(survey_forms.YES_NO)
                if q["type"] == "yes_no"
                else [c["name"] for c in survey_forms.choices(form, q)]
            )
            item.rows = [
                (survey_forms.choice_label(form, q, n), counts[n], _percent(counts[n], len(values)))
                for n in names
            ]
        elif q["type"] in NUMBERS and values:
            item.stats = {
                "n": len(values),
                "mean": _tidy(statistics.fmean(values)),
                "median": _tidy(statistics.median(values)),
                "min": _tidy(min(values)),
                "max": _tidy(max(values)),
            }
        questions.append(item)
    return Summary(form, len(rows), provinces, months, questions)


def _hidden(lines, threshold):
    """The keys of `lines` (counts adding up to their published total) to leave empty, with
    TOTAL among them when the total too must go."""
    return disclosure.suppress_lines(lines, threshold) if threshold else set()


def to_csv(summary, threshold=None) -> str:
    """One line per figure: question, what, count, percent or value. No free text. The CSV may
    leave the team, so small counts are left empty with the complements that would give them
    away (REPORTING.md, disclosure control; `threshold` 0 keeps every figure)."""
    if threshold is None:
        threshold = settings.KOPRU_DISCLOSURE_THRESHOLD
    out = io.StringIO()
    writer = csv.writer(out)

    def line(question, answer, count, percent, value, hide=False):
        writer.writerow([question, answer, "" if hide else count, "" if hide else percent, value])

    writer.writerow([_("Question"), _("Answer or figure"), _("Count"), _("Per cent"), _("Value")])
    places = _hidden(dict(summary.provinces), threshold)
    months = _hidden(dict(summary.months), threshold)
    line(_("Responses"), "", summary.responses, "", "", TOTAL in places | months)
    for name, count in summary.provinces:
        line(_("Province"), name, count, _percent(count, summary.responses), "", name in places)
    for month, count in summary.months:
        line(_("Month"), month, count, _percent(count, summary.responses), "", month in months)
    for q in summary.questions:
        if q.rows and q.type == "select_multiple":
            # Each choice is a yes or a no of the people asked: both sides must be large enough.
            for choice, count, percent in q.rows:
                hidden = _hidden({"yes": count, "no": q.asked - count}, threshold)
                line(q.label, choice, count, percent, "", bool(hidden))
        elif q.rows:
            hidden = _hidden({choice: count for choice, count, _p in q.rows}, threshold)
            for choice, count, percent in q.rows:
                line(q.label, choice, count, percent, "", choice in hidden)
        elif q.stats:
            few = q.stats["n"] < threshold
            for key, label in (
                ("mean", _("mean")),
                ("median", _("median")),
                ("min", _("minimum")),
                ("max", _("maximum")),
            ):
                line(q.label, label, q.stats["n"], "", "" if few else q.stats[key], few)
        else:
            line(q.label, _("answered"), q.asked, "", "")
    if threshold:
        writer.writerow([])
        writer.writerow(
            [
                _(
                    "Shared outside the mission: counts of people below %(n)s are left empty, and "
                    "some larger counts too, so that a hidden count cannot be worked out from the "
                    "others."
                )
                % {"n": threshold}
            ]
        )
    return out.getvalue()
