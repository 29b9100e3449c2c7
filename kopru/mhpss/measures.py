"""Outcome measures (PHQ-9, GAD-7, WHO-5, K10, K6) held as data (data/measures.json): the
items in the person's language, the score, its band, and the answers that need someone to act
the same day (PHQ-9 item 9).

Scoring is a plain function of the answers so that a page, the API and an import score
alike, and a changed cut-off is a data change."""

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kopru.core.text import in_language

DATA = Path(__file__).resolve().parent / "data" / "measures.json"


@cache
def _data():
    return json.loads(DATA.read_text(encoding="utf-8"))


def instruments() -> dict:
    return {i["code"]: i for i in _data()["instruments"]}


def instrument(code):
    found = instruments().get(code)
    if found is None:
        raise ValidationError({"instrument": _("Choose a measure from the list.")})
    return found


@dataclass
class Score:
    instrument: str
    total: int
    percentage: int | None  # WHO-5 reports raw x 4
    band: str
    band_name: str
    alerts: list = field(default_factory=list)  # [{"code", "item", "answer", "name", "urgency"}]


def score(code, answers: dict, language=None) -> Score:
    """Score a complete set of answers {item number: option value}. Missing or impossible
    answers are refused item by item: a partial questionnaire has no valid score."""
    spec = instrument(code)
    allowed = {o["value"] for o in spec["options"]}
    errors = []
    clean = {}
    for item in spec["items"]:
        n = item["n"]
        value = answers.get(n, answers.get(str(n)))
        if value in (None, ""):
            errors.append(_("Item %(n)s is not answered.") % {"n": n})
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if value not in allowed:
            errors.append(
                _("Item %(n)s: the answer must be one of %(values)s.")
                % {"n": n, "values": ", ".join(str(v) for v in sorted(allowed))}
            )
            continue
        clean[n] = value
    extra = {int(k) for k in answers if str(k).isdigit()} - {i["n"] for i in spec["items"]}
    if extra:
        errors.append(
            _("%(instrument)s has no item %(n)s.")
            % {"instrument": in_language(spec["names"], language), "n": min(extra)}
        )
    if errors:
        raise ValidationError({"answers": errors})
    total = sum(clean.values())
    rule = spec["scoring"]
    percentage = total * rule["multiplier"] if rule["multiplier"] != 1 else None
    band = [b for b in spec["bands"] if b["from"] <= total][-1]
    alerts = [
        {
            "code": a["code"],
            "item": a["item"],
            "answer": clean[a["item"]],
            "name": in_language(a["names"], language),
            "urgency": a.get("urgency", ""),
        }
        for a in spec.get("alerts", ())
        if clean[a["item"]] > a["above"]
    ]
    return Score(
        code, total, percentage, band["code"], in_language(band["names"], language), alerts
    )


def change(code, before: Score, after: Score) -> int:
    """Improvement between two scores of one instrument: positive when the person is better,
    whichever direction the instrument counts (WHO-5 up is better, PHQ-9 down is better)."""
    better_up = instruments()[code].get("higher_is_better", False)
    return (after.total - before.total) if better_up else (before.total - after.total)
