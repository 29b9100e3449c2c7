"""The targeting arithmetic as plain functions: scores, reasons and transfer values."""

from decimal import Decimal

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from kopru.assistance import eligibility
from kopru.assistance.eligibility import Features

TABLE = {
    "by_size": {"1": "1500.00", "2": "2000.00", "3": "2500.00", "5": "3200.00"},
    "extra_member": "250.00",
    "cap": "3600.00",
}


def test_each_size_gets_its_row_the_row_below_or_the_largest_plus_extra_up_to_the_cap():
    cents = eligibility.entitlements_cents([1, 2, 3, 4, 5, 6, 7, 9], TABLE)
    # size 4 is missing from the table: it takes the row below (3); 6 is 5 + one extra.
    assert cents.tolist() == [150000, 200000, 250000, 250000, 320000, 345000, 360000, 360000]
    assert eligibility.to_decimal(cents[5]) == Decimal("3450.00")


@pytest.mark.parametrize(
    "table",
    [
        {},
        {"by_size": {"0": "10"}},
        {"by_size": {"1": "12.345"}},
        {"by_size": {"1": "-5"}},
        {"by_size": {"1": "abc"}},
        {"by_size": {"1": "10"}, "cap": "1e3.5"},
    ],
)
def test_a_bad_transfer_table_is_refused(table):
    with pytest.raises(ValidationError) as exc:
        eligibility.clean_table(table)
    assert "transfer_values" in exc.value.message_dict


@given(st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=50))
def test_values_are_whole_cents_never_above_the_cap_and_grow_with_size(sizes):
    cents = eligibility.entitlements_cents(sizes, TABLE)
    assert cents.dtype == np.int64 and (cents <= 360000).all()
    order = np.argsort(sizes, kind="stable")
    assert (np.diff(cents[order]) >= 0).all()


def features(size, female_head, no_income):
    n = len(size)
    flags = {f: np.zeros(n, dtype=bool) for f in eligibility.FLAGS}
    flags.update(
        disability=np.zeros(n, bool), older=np.zeros(n, bool), under_five=np.zeros(n, bool)
    )
    flags["female_head"] = np.array(female_head)
    flags["no_income"] = np.array(no_income)
    return Features(
        ids=np.arange(1, n + 1),
        size=np.array(size),
        dependency=np.zeros(n),
        flags=flags,
        members=[[] for _ in range(n)],
        heads=np.zeros(n, dtype=np.int64),
    )


def test_the_score_adds_the_weights_of_the_criteria_met_and_says_which():
    rules = eligibility.clean_criteria(
        [
            {"code": "household_size", "weight": 2, "threshold": 5},
            {"code": "female_headed", "weight": 3},
            {"code": "no_income", "weight": 1},
        ],
        3,
    )
    f = features([6, 2, 5, 1], [False, True, True, False], [True, False, True, False])
    scores, met, eligible = eligibility.score(f, rules, 3)
    assert scores.tolist() == [3, 3, 6, 0]
    assert eligible.tolist() == [True, True, True, False]
    assert eligibility.codes_met(int(met[0]), rules) == ["household_size", "no_income"]
    assert eligibility.codes_met(int(met[3]), rules) == []


@pytest.mark.parametrize(
    "rules, cutoff",
    [
        ([{"code": "unknown", "weight": 1}], 1),
        ([{"code": "no_income", "weight": 0}], 1),
        ([{"code": "no_income", "weight": 1.5}], 1),
        ([{"code": "no_income", "weight": 1}, {"code": "no_income", "weight": 2}], 1),
        ([{"code": "household_size", "weight": 1, "threshold": "many"}], 1),
        ([{"code": "no_income", "weight": 2}], 3),  # the cut-off cannot be reached
        ([], 1),
    ],
)
def test_criteria_that_cannot_work_are_refused(rules, cutoff):
    with pytest.raises(ValidationError) as exc:
        eligibility.clean_criteria(rules, cutoff)
    assert "criteria" in exc.value.message_dict
