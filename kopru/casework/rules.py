"""Case management's rules held as data (data/casework.json): case types and the service
each records, need categories and the service a paid need counts as, vulnerability criteria
with their weights and levels, approval limits per role, the approvals each mission requires,
follow-up intervals and closure reasons. Changing a limit is a data change."""

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

from kopru.core.text import in_language

DATA = Path(__file__).resolve().parent / "data" / "casework.json"


@cache
def data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def _by_code(entries):
    return {entry["code"]: entry for entry in entries}


def case_types():
    return _by_code(data()["case_types"])


def need_categories():
    return _by_code(data()["need_categories"])


def criteria():
    return _by_code(data()["vulnerability"]["criteria"])


def closure_reasons():
    return _by_code(data()["closure_reasons"])


def currency() -> str:
    return data()["currency"]


def named(entry, language=None) -> str:
    return in_language(entry["names"], language) if entry else ""


def choices(entries, language=None):
    return [(code, named(entry, language)) for code, entry in entries.items()]


def label(entries, code, language=None) -> str:
    entry = entries.get(code)
    return named(entry, language) if entry else code


def hides_name(kind) -> bool:
    """GBV cases never show the person's name in lists and exports."""
    return bool(case_types().get(kind, {}).get("hide_name"))


def vulnerability(codes) -> tuple[int, str]:
    """The weighted score of the criteria met and the level it reaches."""
    known = criteria()
    score = sum(known[c]["weight"] for c in set(codes) if c in known)
    levels = sorted(data()["vulnerability"]["levels"], key=lambda level: level["from"])
    level = [entry for entry in levels if entry["from"] <= score][-1]["code"]
    return score, level


def level_name(code, language=None) -> str:
    levels = _by_code(data()["vulnerability"]["levels"])
    return named(levels.get(code), language) if code in levels else code


def approval_limit(role_slug):
    """The largest need (Decimal) this role may approve; None for no limit; a role with no
    entry approves nothing (returns Decimal 0)."""
    limits = data()["approval_limits"]
    if role_slug not in limits:
        return Decimal(0)
    value = limits[role_slug]
    return None if value is None else Decimal(value)


def approvals_required(mission_code) -> set:
    return set(data()["approvals_required"].get(mission_code, ()))


def follow_up_days(risk) -> int:
    return int(data()["follow_up_days"].get(risk or "medium", 14))


def uploads() -> dict:
    return data()["uploads"]
