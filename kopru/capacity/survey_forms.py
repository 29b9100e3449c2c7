"""Survey forms as data (XLSForm-like JSON under data/survey_*.json) and the small language of
their skip logic and constraints. Pure: no model, no database; the page, the import and the
tests share it.

Expressions (`relevant`, `constraint`) are parsed here into a tree, never evaluated by Python's
`eval`: `${q}` (an answer), `.` (the answer being checked), 'text' or "text", numbers,
= != < <= > >=, and / or / not, parentheses, selected(${q}, 'v') and count-selected(${q}).
The same tree goes to the page as JSON, where survey.js evaluates it to hide what is not asked.
"""

import json
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core.text import in_language

DATA = Path(__file__).resolve().parent / "data"
TYPES = {"text", "integer", "decimal", "date", "select_one", "select_multiple", "yes_no", "note"}
TYPES |= {"place"}  # a location code of the mission: where the response belongs
YES_NO = ("yes", "no")


class ExpressionError(ValueError):
    pass


# --- Loading -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def forms() -> dict:
    """Every survey form by code, checked and with its expressions parsed."""
    found = {}
    for path in sorted(DATA.glob("survey_*.json")):
        form = json.loads(path.read_text(encoding="utf-8"))
        _check(form, path.name)
        found[form["code"]] = form
    return found


def get(code):
    return forms().get(code)


def title(form):
    return in_language(form["title"])


def label(texts):
    return in_language(texts) if texts else ""


def choices(form, question):
    return form["choices"].get(question.get("choices"), []) if question else []


def choice_label(form, question, name):
    if question["type"] == "yes_no":
        return _("Yes") if name == "yes" else _("No")
    for choice in choices(form, question):
        if choice["name"] == name:
            return in_language(choice["label"])
    return name


def questions(form, *, answerable=True):
    return [q for q in form["questions"] if not answerable or q["type"] != "note"]


def _check(form, where):
    """A broken form file fails at start-up, not in front of an interviewer."""
    names = set()
    for q in form["questions"]:
        if q["type"] not in TYPES:
            raise ValueError(f"{where}: {q['name']} has unknown type {q['type']}")
        if q["name"] in names:
            raise ValueError(f"{where}: {q['name']} is defined twice")
        names.add(q["name"])
        if q["type"].startswith("select") and q.get("choices") not in form["choices"]:
            raise ValueError(f"{where}: {q['name']} names no choice list")
        for key in ("relevant", "constraint"):
            if q.get(key):
                q[f"{key}_tree"] = parse(q[key])
                unknown = references(q[f"{key}_tree"]) - names - {q["name"]}
                if unknown:
                    raise ValueError(f"{where}: {q['name']} refers to {sorted(unknown)}")
    if form["place"] not in names or form["date"] not in names:
        raise ValueError(f"{where}: place or date question missing")


# --- The expression language ---------------------------------------------------------------

TOKEN = re.compile(
    r"\s*(?:(?P<ref>\$\{[A-Za-z_][\w.-]*\})|(?P<num>-?\d+(?:\.\d+)?)|(?P<str>'[^']*'|\"[^\"]*\")"
    r"|(?P<op><=|>=|!=|=|<|>)|(?P<punct>[(),])|(?P<word>[A-Za-z][\w-]*)|(?P<dot>\.))"
)
FUNCTIONS = {"selected": 2, "count-selected": 1, "not": 1}


def _tokens(text):
    pos, found = 0, []
    text = text.strip()
    while pos < len(text):
        match = TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ExpressionError(f"cannot read {text[pos:]!r}")
        kind = match.lastgroup
        found.append((kind, match.group(kind)))
        pos = match.end()
    return found


def parse(text):
    """The expression as a tree of lists: ["or", a, b], ["and", a, b], ["not", a],
    ["cmp", op, a, b], ["ref", name], ["self"], ["lit", value], ["selected", a, value],
    ["count", a]."""
    tokens = _tokens(text)
    pos = 0

    def peek():
        return tokens[pos] if pos < len(tokens) else (None, None)

    def take(kind=None, value=None):
        nonlocal pos
        token = peek()
        if token[0] is None or (kind and token[0] != kind) or (value and token[1] != value):
            raise ExpressionError(f"expected {value or kind} in {text!r}")
        pos += 1
        return token

    def expression():
        node = conjunction()
        while peek() == ("word", "or"):
            take()
            node = ["or", node, conjunction()]
        return node

    def conjunction():
        node = negation()
        while peek() == ("word", "and"):
            take()
            node = ["and", node, negation()]
        return node

    def negation():
        if (
            peek() == ("word", "not")
            and pos + 1 < len(tokens)
            and tokens[pos + 1]
            != (
                "punct",
                "(",
            )
        ):
            take()
            return ["not", negation()]
        return comparison()

    def comparison():
        node = operand()
        if peek()[0] == "op":
            op = take()[1]
            node = ["cmp", op, node, operand()]
        return node

    def operand():
        kind, value = peek()
        if kind == "ref":
            take()
            return ["ref", value[2:-1]]
        if kind == "dot":
            take()
            return ["self"]
        if kind == "num":
            take()
            return ["lit", float(value) if "." in value else int(value)]
        if kind == "str":
            take()
            return ["lit", value[1:-1]]
        if kind == "punct" and value == "(":
            take()
            node = expression()
            take("punct", ")")
            return node
        if kind == "word" and value in FUNCTIONS:
            take()
            take("punct", "(")
            args = [expression()]
            while peek() == ("punct", ","):
                take()
                args.append(expression())
            take("punct", ")")
            if len(args) != FUNCTIONS[value]:
                raise ExpressionError(f"{value} takes {FUNCTIONS[value]} arguments")
            if value == "selected":
                if args[1][0] != "lit":
                    raise ExpressionError("selected() compares with a quoted value")
                return ["selected", args[0], str(args[1][1])]
            return ["count", args[0]] if value == "count-selected" else ["not", args[0]]
        raise ExpressionError(f"unexpected {value!r} in {text!r}")

    tree = expression()
    if pos != len(tokens):
        raise ExpressionError(f"unexpected {tokens[pos][1]!r} in {text!r}")
    return tree


def references(tree):
    if not isinstance(tree, list):
        return set()
    if tree[0] == "ref":
        return {tree[1]}
    return set().union(*(references(part) for part in tree[1:]))


def _number(value):
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


def _compare(op, left, right):
    a, b = _number(left), _number(right)
    if a is None or b is None:
        # Text (or an unanswered question, read as ''): only equality means something.
        a = " ".join(left) if isinstance(left, list) else ("" if left is None else str(left))
        b = " ".join(right) if isinstance(right, list) else ("" if right is None else str(right))
        if op not in ("=", "!="):
            return False
    return {
        "=": a == b,
        "!=": a != b,
        "<": a < b,
        "<=": a <= b,
        ">": a > b,
        ">=": a >= b,
    }[op]


def evaluate(tree, answers, current=None):
    """The value of an expression for these answers (a missing answer is None)."""
    kind = tree[0]
    if kind == "or":
        return bool(evaluate(tree[1], answers, current) or evaluate(tree[2], answers, current))
    if kind == "and":
        return bool(evaluate(tree[1], answers, current) and evaluate(tree[2], answers, current))
    if kind == "not":
        return not evaluate(tree[1], answers, current)
    if kind == "cmp":
        return _compare(
            tree[1], evaluate(tree[2], answers, current), evaluate(tree[3], answers, current)
        )
    if kind == "ref":
        return answers.get(tree[1])
    if kind == "self":
        return current
    if kind == "lit":
        return tree[1]
    if kind == "selected":
        value = evaluate(tree[1], answers, current)
        return tree[2] in value if isinstance(value, list) else value == tree[2]
    if kind == "count":
        value = evaluate(tree[1], answers, current)
        return len(value) if isinstance(value, list) else (0 if value in (None, "") else 1)
    raise ExpressionError(kind)


def relevant(question, answers):
    tree = question.get("relevant_tree")
    return tree is None or bool(evaluate(tree, answers))


# --- Reading answers -----------------------------------------------------------------------


def _empty(value):
    return (
        value is None
        or (isinstance(value, str | list) and not value)
        or value == ""
        or (isinstance(value, str) and not value.strip())
    )


def _read(form, question, value, places):
    """(clean value, error message or None) of one raw answer: a string from the page, or a
    cell from an export (numbers, datetimes)."""
    kind = question["type"]
    if kind in ("integer", "decimal"):
        number = _number(value)
        if number is None or (kind == "integer" and number != number.to_integral_value()):
            return None, (_("Give a whole number.") if kind == "integer" else _("Give a number."))
        for bound, message in (
            ("min", _("At least %(limit)s.")),
            ("max", _("At most %(limit)s.")),
        ):
            limit = question.get(bound)
            if limit is not None and (
                number < Decimal(str(limit)) if bound == "min" else number > Decimal(str(limit))
            ):
                return None, message % {"limit": limit}
        return (int(number) if kind == "integer" else float(number)), None
    if kind == "date":
        if isinstance(value, datetime):
            value = value.date()
        if not isinstance(value, date):
            try:
                value = date.fromisoformat(str(value).strip()[:10])
            except ValueError:
                return None, _("Give a date as YYYY-MM-DD.")
        if value > timezone.localdate():
            return None, _("The date is in the future.")
        return value.isoformat(), None
    if kind == "yes_no":
        text = str(value).strip().lower()
        text = {"1": "yes", "0": "no", "true": "yes", "false": "no"}.get(text, text)
        if text not in YES_NO:
            return None, _("Answer yes or no.")
        return text, None
    if kind in ("select_one", "select_multiple"):
        known = {c["name"] for c in choices(form, question)}
        if kind == "select_one":
            text = str(value).strip()
            if text.endswith(".0") and text[:-2].isdigit():
                text = text[:-2]  # a spreadsheet turned a numeric code into a number
            if text not in known:
                return None, _("%(value)s is not one of the choices.") % {"value": text}
            return text, None
        picked = value if isinstance(value, list) else str(value).split()
        picked = list(dict.fromkeys(str(p).strip() for p in picked if str(p).strip()))
        unknown = [p for p in picked if p not in known]
        if unknown:
            return None, _("%(value)s is not one of the choices.") % {"value": ", ".join(unknown)}
        return picked, None
    if kind == "place":
        code = str(value).strip()
        place = places.get(code)
        if place is None or place.level not in question.get("levels", [place.level]):
            return None, _("%(value)s is not a place of this mission you work in.") % {
                "value": code
            }
        return code, None
    return " ".join(str(value).split()) if kind != "text" else str(value).strip(), None


def clean(form, raw, places):
    """(answers, errors) for a response. `raw` maps question names to what was typed or
    exported; `places` maps the location codes the recorder may use to Locations.

    Questions are read in order; one whose `relevant` is false for the answers so far is
    not asked, so what was sent for it is dropped (the page hides it, the server decides)."""
    answers, errors = {}, {}
    for question in questions(form):
        name = question["name"]
        if not relevant(question, answers):
            continue
        value = raw.get(name)
        if _empty(value):
            if question.get("required"):
                errors[name] = _("This question needs an answer.")
            continue
        value, error = _read(form, question, value, places)
        if error:
            errors[name] = error
            continue
        tree = question.get("constraint_tree")
        if tree is not None and not evaluate(tree, answers, value):
            errors[name] = (
                in_language(question["constraint_message"])
                if question.get("constraint_message")
                else _("This answer is not allowed.")
            )
            continue
        answers[name] = value
    return answers, errors
