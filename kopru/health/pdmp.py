"""Presumptive treatment before departure (data/pdmp.json): the regimen for the processing
country, and each drug's contraindications for this person, with why."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from .protocols import named, pdmp


@dataclass
class Drug:
    code: str
    name: str
    dose: str
    dose_confirmed: bool
    contraindications: list = field(default_factory=list)  # reasons, in words
    unconfirmed: bool = False  # a contraindication row that decided is unconfirmed


@dataclass
class Regimen:
    found: bool  # a rule exists for the processing country
    drugs: list
    confirmed: bool
    note: str = ""


def _applies(when, value, facts):
    """Whether one contraindication row holds for the person."""
    if when in ("pregnant", "first_trimester"):
        return bool(facts[when])
    if when == "weight_below_kg":
        return facts["weight_kg"] is not None and facts["weight_kg"] < value
    if when == "age_below":
        return facts["age"] is not None and facts["age"] < value
    if when == "origin_in":
        return facts["origin"] in value
    return False


def _in_words(when, value):
    if when == "pregnant":
        return _("not in pregnancy")
    if when == "first_trimester":
        return _("not in the first trimester of pregnancy")
    if when == "weight_below_kg":
        return _("not under %(value)s kg") % {"value": value}
    if when == "age_below":
        return _("not under %(value)s years") % {"value": value}
    return _("not for people from %(value)s") % {"value": ", ".join(value)}


def _contraindications(entry, **facts):
    reasons, unconfirmed = [], False
    for row in entry.get("contraindications", ()):
        when, value = row["when"], row.get("value")
        if not _applies(when, value, facts):
            continue
        note = f" ({row['note']})" if row.get("note") else ""
        reasons.append(_in_words(when, value) + note)
        unconfirmed = unconfirmed or not row.get("confirmed", True)
    return reasons, unconfirmed


def _dose(entry, weight_kg):
    per_kg = entry.get("dose_mcg_per_kg")
    if per_kg and weight_kg:
        mg = (Decimal(per_kg) * Decimal(str(weight_kg)) / 1000).quantize(Decimal("0.1"))
        return _("%(mg)s mg once (%(rule)s)") % {"mg": mg, "rule": entry["dose"]}
    return entry["dose"]


def regimen(processing_country, *, age, weight_kg, pregnant, first_trimester=False, origin=""):
    data = pdmp()
    rule = next((r for r in data["regimens"] if processing_country in r["processing"]), None)
    if rule is None:
        return Regimen(False, [], False)
    drugs = []
    for code in rule["drugs"]:
        entry = data["drugs"][code]
        reasons, unconfirmed = _contraindications(
            entry,
            age=age,
            weight_kg=weight_kg,
            pregnant=pregnant,
            first_trimester=first_trimester,
            origin=origin,
        )
        drugs.append(
            Drug(
                code,
                named(entry),
                _dose(entry, weight_kg),
                entry.get("dose_confirmed", False),
                reasons,
                unconfirmed,
            )
        )
    return Regimen(True, drugs, rule.get("confirmed", True), rule.get("note", ""))


def drug_name(code):
    entry = pdmp()["drugs"].get(code)
    return named(entry) if entry else code
