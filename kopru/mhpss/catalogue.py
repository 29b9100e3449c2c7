"""The psychosocial teams' lists held as data (data/activities.json): kinds of activity and
the ledger service each records, IASC layers, awareness topics, sociocultural activities,
occasions, curricula and the feedback questions. A new topic is a data change."""

import json
from functools import cache
from pathlib import Path

from kopru.core.text import in_language

DATA = Path(__file__).resolve().parent / "data" / "activities.json"


@cache
def data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def _by_code(key):
    return {entry["code"]: entry for entry in data()[key]}


def kinds():
    return _by_code("kinds")


def topics():
    return _by_code("topics")


def activities():
    return _by_code("activities")


def occasions():
    return _by_code("occasions")


def curricula():
    return _by_code("curricula")


def layers():
    return {entry["code"]: entry for entry in data()["iasc_layers"]}


def named(entry, language=None) -> str:
    return in_language(entry["names"], language) if entry else ""


def choices(key, language=None):
    """(code, name) pairs of a list, in the file's order, for forms."""
    return [(e["code"], named(e, language)) for e in data()[key]]


def label(key, code, language=None) -> str:
    """The name of `code` in list `key`, or the code itself when the list no longer has it."""
    entry = _by_code(key).get(code) if key != "iasc_layers" else layers().get(code)
    return named(entry, language) if entry else str(code or "")


def completion_threshold() -> int:
    return int(data()["completion_threshold"])


def feedback():
    return data()["feedback"]
