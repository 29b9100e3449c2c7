"""Health assessment protocols as data (data/protocols.json): which components a destination
requires of a person, by age, sex, pregnancy, programme, the examining country's TB incidence
and what was found, and in words why a component is or is not required.

A protocol has versions with an effective-from date; a case keeps the version in force when
it opened, so a rule change never rewrites what an old case required."""

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext as _

DATA = Path(__file__).resolve().parent / "data"


@cache
def _load(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def data():
    return _load("protocols.json")


def named(entry) -> str:
    """An entry's name in the active language, English when it has none."""
    names = entry.get("names", {})
    return names.get((get_language() or "en")[:2]) or names.get("en", "")


def protocols():
    return data()["protocols"]


def protocol(code):
    return next((p for p in protocols() if p["code"] == code), None)


def component(code):
    return data()["components"][code]


def version(protocol_code, on: date | None = None, version_code: str | None = None):
    """The version with the given code, or the one in force on a day."""
    versions = protocol(protocol_code)["versions"]
    if version_code:
        return next(v for v in versions if v["version"] == version_code)
    day = (on or date.today()).isoformat()
    in_force = [v for v in versions if v["effective_from"] <= day]
    return max(in_force, key=lambda v: v["effective_from"]) if in_force else versions[0]


def tb_incidence(country):
    return _load("tb_incidence.json")["per_100k"].get(country)


@dataclass
class Facts:
    """What the protocol looks at."""

    age: int | None
    sex: str
    pregnant: bool | None
    programme: str
    exam_country: str
    origin: str = ""
    findings: set = field(default_factory=set)


@dataclass
class Requirement:
    component: str
    required: bool | None  # None: cannot decide (e.g. no date of birth)
    reason: str
    confirmed: bool = True
    notes: list = field(default_factory=list)

    @property
    def name(self):
        return named(component(self.component))


def _finding_names(codes):
    findings = data()["findings"]
    return _(" or ").join(named(findings[c]) for c in codes)


def _check(when, facts):
    """(holds, words): whether a row's conditions hold, True/False/None (unknown), and the
    conditions in words."""
    words, holds = [], True
    start, below = when.get("age_from"), when.get("age_below")
    if start is not None or below is not None:
        if start is not None and below is not None:
            words.append(_("age %(start)s to under %(below)s") % {"start": start, "below": below})
        elif start is not None:
            words.append(_("from age %(start)s") % {"start": start})
        else:
            words.append(_("under age %(below)s") % {"below": below})
        if facts.age is None:
            holds = None if holds else holds
        elif (start is not None and facts.age < start) or (
            below is not None and facts.age >= below
        ):
            holds = False
    if "sex" in when:
        words.append(_("for women") if when["sex"] == "female" else _("for men"))
        holds = holds and facts.sex == when["sex"]
    if "pregnant" in when:
        words.append(_("in pregnancy") if when["pregnant"] else _("when not pregnant"))
        holds = holds and bool(facts.pregnant) == when["pregnant"]
    if "programme" in when:
        words.append(_("for refugees") if when["programme"] == "refugee" else _("for immigrants"))
        holds = holds and facts.programme == when["programme"]
    if "exam_country_tb_incidence_from" in when:
        threshold = when["exam_country_tb_incidence_from"]
        incidence = tb_incidence(facts.exam_country)
        words.append(
            _(
                "where the examining country's TB incidence is %(threshold)s per 100,000 or more "
                "(%(country)s: %(incidence)s)"
            )
            % {
                "threshold": threshold,
                "country": facts.exam_country,
                "incidence": incidence if incidence is not None else _("unknown"),
            }
        )
        if incidence is None:
            holds = None if holds else holds
        elif incidence < threshold:
            holds = False
    if "any_finding" in when:
        words.append(_("with %(findings)s") % {"findings": _finding_names(when["any_finding"])})
        holds = holds and bool(facts.findings & set(when["any_finding"]))
    if "origin_in" in when:
        words.append(
            _("for people from %(countries)s") % {"countries": ", ".join(when["origin_in"])}
        )
        holds = holds and facts.origin in when["origin_in"]
    return holds, _(", ").join(words) or _("for everyone")


def requirements(version_data, facts: Facts) -> list[Requirement]:
    """One Requirement per component the version names, in the order it names them: required
    when any of its rows holds; the reason names the row that decided."""
    by_component = {}
    for row in version_data["rows"]:
        by_component.setdefault(row["component"], []).append(row)
    result = []
    for code, rows in by_component.items():
        checked = [(row, *_check(row["when"], facts)) for row in rows]
        met = [(row, words) for row, holds, words in checked if holds]
        unknown = [(row, words) for row, holds, words in checked if holds is None]
        notes = [row["note"] for row in rows if row.get("note")]
        if met:
            row, words = met[0]
            reason = _("Required %(conditions)s.") % {"conditions": words}
            result.append(Requirement(code, True, reason, row.get("confirmed", True), notes))
        elif unknown:
            row, words = unknown[0]
            reason = _("Cannot tell: required %(conditions)s, and the facts are missing.") % {
                "conditions": words
            }
            result.append(Requirement(code, None, reason, row.get("confirmed", True), notes))
        else:
            words = _("; or ").join(w for _row, _h, w in checked)
            reason = _("Not required: only %(conditions)s.") % {"conditions": words}
            confirmed = all(row.get("confirmed", True) for row in rows)
            result.append(Requirement(code, False, reason, confirmed, notes))
    return result


def component_for_test(loinc):
    """The component a test result counts for, or None."""
    for code, entry in data()["components"].items():
        if loinc in entry.get("tests", ()):
            return code
    return None


# --- Code lists the pages and forms offer ---------------------------------------------------


def tests():
    return {t["loinc"]: t for t in _load("tests.json")["tests"]}


def test_name(loinc):
    entry = tests().get(loinc)
    return named(entry) if entry else loinc


def consultation_types():
    return {t["code"]: t for t in _load("consultation_types.json")["types"]}


def travel():
    return _load("travel.json")


def fitness_categories():
    return {f["code"]: f for f in travel()["fitness"]}


def travel_needs():
    return {n["code"]: n for n in travel()["needs"]}


def pdmp():
    return _load("pdmp.json")
