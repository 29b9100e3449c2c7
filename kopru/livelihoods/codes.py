"""The livelihoods code lists (data/*.json): ISCO-08 occupations, ISCED 2011 levels, the
labour lists, the matching weights and the grant types, each read once."""

import json
from functools import cache
from pathlib import Path

from kopru.core.text import in_language

DATA = Path(__file__).resolve().parent / "data"


@cache
def _file(name):
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def _by_code(entries):
    return {str(e["code"]): e for e in entries}


def named(entry):
    return in_language(entry["names"])


def choices(entries):
    return [(code, named(e)) for code, e in entries.items()]


# --- Occupations (ISCO-08) ------------------------------------------------------------------


@cache
def isco():
    """code -> entry for every group of every level (2, 3 and 4 digits)."""
    data = _file("isco08")
    return _by_code(data["sub_major_groups"] + data["minor_groups"] + data["unit_groups"])


def unit_groups():
    return _by_code(_file("isco08")["unit_groups"])


def occupation(code):
    """ "7533 Sewing, embroidery and related workers" in the reader's language."""
    entry = isco().get(str(code))
    return f"{code} {named(entry)}" if entry else str(code)


def closeness(a, b):
    """The closest ISCO-08 level two unit groups share: "unit_group", "minor_group",
    "sub_major_group" or None."""
    a, b = str(a), str(b)
    if a == b:
        return "unit_group"
    if a[:3] == b[:3]:
        return "minor_group"
    if a[:2] == b[:2]:
        return "sub_major_group"
    return None


# --- Education, permits, languages, the rest ------------------------------------------------


def education_levels():
    return _by_code(_file("isced2011")["levels"])


def education_rank(code):
    entry = education_levels().get(str(code))
    return entry["rank"] if entry else -1


def labour(name):
    """One list of data/labour.json by name ("work_permits", "languages", ...)."""
    return _by_code(_file("labour")[name])


def labour_setting(name):
    return _file("labour")[name]


def level_rank(code):
    entry = labour("language_levels").get(code)
    return entry["rank"] if entry else 0


def language_name(code):
    entry = labour("languages").get(code)
    return named(entry) if entry else code


def matching():
    return _file("matching")


# --- Grants ---------------------------------------------------------------------------------


def grant_types():
    return _by_code(_file("grants")["types"])


def grant_criteria():
    return _by_code(_file("grants")["criteria"])


def grants(name):
    return _file("grants")[name]


def revenue_bands():
    return _by_code(_file("grants")["revenue_bands"])


def mentoring_topics():
    return _by_code(_file("grants")["mentoring_topics"])
