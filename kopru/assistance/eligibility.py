"""Targeting as plain functions over arrays: the households' features read from the registry
in one query, a programme's criteria scored over all of them at once (numpy), and the
transfer value each household is entitled to, in whole cents so no float ever holds money.

The criteria and their codes are data (data/criteria.json); a programme picks some, gives
each a weight (and a threshold for "at least" criteria) and a cut-off."""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import numpy as np
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from kopru.core import money
from kopru.core.text import in_language
from kopru.registry.models import Membership

DATA = Path(__file__).resolve().parent / "data" / "criteria.json"
FLAGS = {  # registry vulnerability flags a criterion reads
    "chronic": "chronic_illness",
    "no_income": "no_income",
    "single_parent": "single_parent",
    "eviction": "eviction_risk",
    "female_head": "female_headed_household",
}


@cache
def data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def criteria() -> dict:
    return {c["code"]: c for c in data()["criteria"]}


def modalities() -> dict:
    return {m["code"]: m for m in data()["modalities"]}


def named(entry, language=None) -> str:
    return in_language(entry["names"], language)


def criterion_name(spec) -> str:
    """The criterion in general, its threshold still to choose (N)."""
    return named(spec).replace("{n}", "N")


def rule_label(rule) -> str:
    """A programme's criterion as a sentence, its threshold in place of {n}."""
    label = named(criteria()[rule["code"]])
    threshold = rule.get("threshold")
    return label.replace("{n}", f"{threshold:g}") if threshold is not None else label


@dataclass
class Features:
    """One row per household, in `ids` order."""

    ids: np.ndarray  # household ids
    size: np.ndarray
    dependency: np.ndarray  # dependants per working-age member (dependants when none works)
    flags: dict  # field -> bool array
    members: list  # [person ids] per household
    heads: np.ndarray  # head person id (0 when none is recorded)


def _age(born, on):
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def features(mission, province_paths, on=None) -> Features:
    """Current members of the mission's households in these provinces, folded per household.
    One query; Python touches each membership once."""
    on = on or date.today()
    where = Q(pk__in=[])
    for path in province_paths:
        where |= Q(household__location__path__startswith=path)
    rows = (
        Membership.objects.filter(where, household__mission=mission, end_date__isnull=True)
        .filter(person__merged_into__isnull=True)
        .order_by("household_id")
        .values_list(
            "household_id",
            "person_id",
            "relationship",
            "person__sex",
            "person__birth_date",
            "person__has_disability",
            "person__vulnerabilities",
        )
    )
    ids, members, heads = [], [], []
    size, dependants, working, spouse, child = [], [], [], [], []
    flag_lists = {f: [] for f in ("disability", "older", "under_five", *FLAGS)}
    current = None
    for household, person, relationship, sex, born, disabled, vulnerabilities in rows.iterator(
        chunk_size=20000
    ):
        if household != current:
            current = household
            ids.append(household)
            members.append([])
            heads.append(0)
            size.append(0)
            dependants.append(0)
            working.append(0)
            spouse.append(False)
            child.append(False)
            for values in flag_lists.values():
                values.append(False)
        i = len(ids) - 1
        members[i].append(person)
        size[i] += 1
        age = _age(born, on)
        if age is not None and (age < 15 or age >= 60):
            dependants[i] += 1
        elif age is not None:
            working[i] += 1
        flags = set(vulnerabilities or ())
        if relationship == "head":
            heads[i] = person
            if sex == "female":
                flag_lists["female_head"][i] = True
        if relationship == "spouse":
            spouse[i] = True
        if relationship == "child":
            child[i] = True
        if disabled:
            flag_lists["disability"][i] = True
        if age is not None and age >= 60:
            flag_lists["older"][i] = True
        if age is not None and age < 5:
            flag_lists["under_five"][i] = True
        for field, flag in FLAGS.items():
            if flag in flags:
                flag_lists[field][i] = True
    size_a = np.array(size, dtype=np.int32)
    dep = np.array(dependants, dtype=np.float64)
    work = np.array(working, dtype=np.float64)
    ratio = np.divide(dep, work, out=dep.copy(), where=work > 0)
    flags = {k: np.array(v, dtype=bool) for k, v in flag_lists.items()}
    heads_a = np.array(heads, dtype=np.int64)
    # A head with children and no spouse on record is a single parent, flag or not.
    flags["single_parent"] |= (
        (heads_a > 0) & np.array(child, dtype=bool) & ~np.array(spouse, dtype=bool)
    )
    return Features(
        ids=np.array(ids, dtype=np.int64),
        size=size_a,
        dependency=ratio,
        flags=flags,
        members=members,
        heads=heads_a,
    )


def clean_criteria(rules, cutoff):
    """A programme's criteria checked against the data file: known codes, whole weights from
    1 to 10, thresholds where needed; a cut-off the weights can reach."""
    known = criteria()
    errors = []
    clean = []
    for rule in rules or []:
        spec = known.get(rule.get("code"))
        if spec is None:
            errors.append(_("Unknown criterion: %(code)s.") % {"code": rule.get("code")})
            continue
        weight = rule.get("weight")
        if not isinstance(weight, int) or not 1 <= weight <= 10:
            errors.append(
                _("%(criterion)s: the weight is a whole number from 1 to 10.")
                % {"criterion": criterion_name(spec)}
            )
            continue
        entry = {"code": spec["code"], "weight": weight}
        if spec["kind"] == "at_least":
            threshold = rule.get("threshold", spec["default"])
            try:
                threshold = float(threshold)
            except (TypeError, ValueError):
                threshold = -1
            if threshold < 0:
                errors.append(
                    _("%(criterion)s: give the threshold, a number 0 or more.")
                    % {"criterion": criterion_name(spec)}
                )
                continue
            entry["threshold"] = threshold
        clean.append(entry)
    if len({c["code"] for c in clean}) != len(clean):
        errors.append(_("Each criterion is used once."))
    if not clean and not errors:
        errors.append(_("Choose at least one criterion."))
    reachable = sum(c["weight"] for c in clean)
    if not isinstance(cutoff, int) or cutoff < 1 or (clean and cutoff > reachable):
        errors.append(
            _("The score needed is a whole number from 1 to %(max)s (all criteria met).")
            % {"max": max(reachable, 1)}
        )
    if errors:
        raise ValidationError({"criteria": errors})
    return clean


def score(f: Features, rules, cutoff):
    """Scores (int array), the criteria each household met (bit i = rule i), and whether the
    score reaches the cut-off."""
    known = criteria()
    total = np.zeros(len(f.ids), dtype=np.int32)
    met = np.zeros(len(f.ids), dtype=np.int64)
    for bit, rule in enumerate(rules):
        spec = known[rule["code"]]
        if spec["kind"] == "at_least":
            values = f.size if spec["field"] == "size" else f.dependency
            hit = values >= rule["threshold"]
        else:
            hit = f.flags[spec["field"]]
        total += hit.astype(np.int32) * rule["weight"]
        met |= hit.astype(np.int64) << bit
    return total, met, total >= cutoff


def codes_met(mask, rules):
    return [rule["code"] for bit, rule in enumerate(rules) if mask >> bit & 1]


# --- Transfer values ------------------------------------------------------------------------


def _cents(value, field):
    try:
        amount = money.parse(value, "transfer_values", allow_zero=True)
    except ValidationError:
        raise ValidationError(
            {"transfer_values": _("%(field)s: an amount in lira, e.g. 1500.00.") % {"field": field}}
        ) from None
    return int(amount * 100)


def clean_table(table):
    """{"by_size": {"1": "1500.00", ...}, "extra_member": "250.00", "cap": "5000.00"} checked
    and turned into cents."""
    by_size = (table or {}).get("by_size") or {}
    if not by_size:
        raise ValidationError({"transfer_values": _("Give the value for at least one size.")})
    sizes = {}
    for key, value in by_size.items():
        if not str(key).isdigit() or int(key) < 1:
            raise ValidationError(
                {"transfer_values": _("Household sizes are whole numbers from 1.")}
            )
        sizes[int(key)] = _cents(value, key)
    extra = _cents(table.get("extra_member") or 0, "extra_member")
    cap = table.get("cap")
    cap = _cents(cap, "cap") if cap not in (None, "") else None
    return {"by_size": sizes, "extra": extra, "cap": cap}


def canonical_table(table):
    """The table as stored: amounts written "1500.00" whatever the officer's language, so it
    reads the same for whoever makes the next cycle."""
    clean = clean_table(table)
    stored = {
        "by_size": {str(n): str(to_decimal(c)) for n, c in sorted(clean["by_size"].items())},
        "extra_member": str(to_decimal(clean["extra"])),
    }
    if clean["cap"] is not None:
        stored["cap"] = str(to_decimal(clean["cap"]))
    return stored


def entitlements_cents(sizes, table):
    """The value for each household size, in cents: the table's row for that size, or the
    largest row plus `extra_member` for each person beyond it; never above the cap."""
    clean = clean_table(table)
    largest = max(clean["by_size"])
    lookup = np.zeros(largest + 1, dtype=np.int64)
    known = sorted(clean["by_size"])
    for n in range(1, largest + 1):  # a size missing from the table takes the row below it
        below = [k for k in known if k <= n]
        lookup[n] = clean["by_size"][below[-1]] if below else clean["by_size"][known[0]]
    sizes = np.asarray(sizes, dtype=np.int64)
    clipped = np.clip(sizes, 1, largest)
    cents = lookup[clipped] + np.maximum(sizes - largest, 0) * clean["extra"]
    if clean["cap"] is not None:
        cents = np.minimum(cents, clean["cap"])
    return cents


def to_decimal(cents) -> Decimal:
    return (Decimal(int(cents)) / 100).quantize(Decimal("0.01"))
