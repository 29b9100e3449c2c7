"""Outcome measures scored from data: totals, bands at each cut-off of HEALTH_RULES.md, the
PHQ-9 item-9 alert, refused partial or impossible answers, and change counted the right way
round."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from kopru.mhpss import measures

LANGUAGES = ("en", "tr", "ar", "fa", "ru")


def answers(code, value):
    return {i["n"]: value for i in measures.instrument(code)["items"]}


def test_the_five_instruments_ship_in_five_languages_and_rhs15_does_not():
    found = measures.instruments()
    assert set(found) == {"phq9", "gad7", "who5", "k10", "k6"}
    assert [len(found[c]["items"]) for c in ("phq9", "gad7", "who5", "k10", "k6")] == [
        9,
        7,
        5,
        10,
        6,
    ]
    for spec in found.values():
        for item in spec["items"]:
            assert all(item["texts"][lang].strip() for lang in LANGUAGES)
        for option in spec["options"]:
            assert all(option["labels"][lang].strip() for lang in LANGUAGES)


@pytest.mark.parametrize(
    "code, total, band",
    [
        ("phq9", 4, "minimal"),
        ("phq9", 5, "mild"),
        ("phq9", 10, "moderate"),
        ("phq9", 15, "moderately_severe"),
        ("phq9", 20, "severe"),
        ("gad7", 9, "mild"),
        ("gad7", 15, "severe"),
        ("k10", 15, "low"),
        ("k10", 16, "moderate"),
        ("k10", 22, "high"),
        ("k10", 30, "very_high"),
        ("k6", 12, "below_threshold"),
        ("k6", 13, "serious_distress"),
        ("who5", 12, "poor_wellbeing"),
        ("who5", 13, "adequate_wellbeing"),
    ],
)
def test_each_cut_off_of_the_health_rules(code, total, band):
    spec = measures.instrument(code)
    low = min(o["value"] for o in spec["options"])
    high = max(o["value"] for o in spec["options"])
    given_answers, left = {}, total - low * len(spec["items"])
    for item in spec["items"]:  # fill items up to the total, then the lowest option
        step = min(high - low, left)
        given_answers[item["n"]] = low + step
        left -= step
    assert left == 0
    result = measures.score(code, given_answers)
    assert (result.total, result.band) == (total, band)


def test_who5_reports_a_percentage():
    assert measures.score("who5", answers("who5", 3)).percentage == 60


def test_any_answer_above_zero_on_phq9_item_9_raises_a_same_day_alert():
    calm = answers("phq9", 0)
    assert measures.score("phq9", calm).alerts == []
    worried = {**calm, 9: 1}
    (alert,) = measures.score("phq9", worried, "tr").alerts
    assert alert["item"] == 9 and alert["urgency"] == "same_day" and alert["name"]


def test_a_partial_or_impossible_questionnaire_has_no_score():
    partial = answers("gad7", 1)
    del partial[7]
    with pytest.raises(ValidationError, match="Item 7 is not answered"):
        measures.score("gad7", partial)
    with pytest.raises(ValidationError, match="must be one of"):
        measures.score("gad7", {**answers("gad7", 1), 3: 4})
    with pytest.raises(ValidationError, match="has no item 8"):
        measures.score("gad7", {**answers("gad7", 1), 8: 1})
    with pytest.raises(ValidationError):
        measures.score("rhs15", {})


def test_improvement_is_counted_the_way_each_instrument_reads():
    phq_before, phq_after = (measures.score("phq9", answers("phq9", v)) for v in (2, 1))
    who_before, who_after = (measures.score("who5", answers("who5", v)) for v in (2, 3))
    assert measures.change("phq9", phq_before, phq_after) == 9
    assert measures.change("who5", who_before, who_after) == 5


@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_the_phq9_total_is_the_sum_and_its_band_is_the_highest_reached(values):
    result = measures.score("phq9", dict(enumerate(values, start=1)))
    assert result.total == sum(values)
    bands = measures.instrument("phq9")["bands"]
    assert result.band == [b["code"] for b in bands if b["from"] <= sum(values)][-1]
