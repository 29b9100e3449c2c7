"""WHO Child Growth Standards z-scores: tables, formula, corrections and classification."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kopru.health import growth
from kopru.health.growth import (
    child_zscores,
    classify_acute_malnutrition,
    reference_curves,
    zscore,
)

BORN = date(2020, 1, 1)


def lms_z(lam, mu, sigma, x):
    return ((x / mu) ** lam - 1) / (lam * sigma)


def sd_line(lam, mu, sigma, k):
    return mu * (1 + lam * sigma * k) ** (1 / lam)


# Rows as printed in WHO's expanded tables (wfa/lhfa/wfl/wfh "z-score expanded tables").
@pytest.mark.parametrize(
    ("indicator", "sex", "key", "lms"),
    [
        ("wfa", "male", 0, (0.3487, 3.3464, 0.14602)),
        ("wfa", "female", 0, (0.3809, 3.2322, 0.14171)),
        ("wfa", "male", 1856, (-0.1534, 18.4968, 0.1358)),
        ("lhfa", "male", 0, (1.0, 49.8842, 0.03795)),
        ("lhfa", "female", 0, (1.0, 49.1477, 0.0379)),
        ("wfl", "male", 450, (-0.3521, 2.441, 0.09182)),
        ("wfl", "female", 1100, (-0.3833, 18.3324, 0.09401)),
        ("wfh", "male", 650, (-0.3521, 7.4327, 0.08217)),
        ("wfh", "female", 1200, (-0.3833, 22.8173, 0.09828)),
    ],
)
def test_the_tables_hold_the_who_rows(indicator, sex, key, lms):
    assert growth._table(indicator, sex)[key] == lms


@pytest.mark.parametrize(
    ("indicator", "first", "last", "rows"),
    [
        ("wfa", 0, 1856, 1857),
        ("lhfa", 0, 1856, 1857),
        ("wfl", 450, 1100, 651),
        ("wfh", 650, 1200, 551),
    ],
)
@pytest.mark.parametrize("sex", ["male", "female"])
def test_the_tables_are_complete(indicator, sex, first, last, rows):
    table = growth._table(indicator, sex)
    assert (min(table), max(table), len(table)) == (first, last, rows)


def test_the_median_weight_of_a_newborn_boy_is_z_zero():
    assert zscore("wfa", "male", 0, 3.3464) == 0.0


def test_the_lms_formula_by_hand():
    # ((4.0 / 3.2322) ** 0.3809 - 1) / (0.3809 * 0.14171) = 1.5667
    assert zscore("wfa", "female", 0, 4.0) == 1.57
    # L = 1 makes it (X / M - 1) / S: (52 / 49.8842 - 1) / 0.03795 = 1.1176
    assert zscore("lhfa", "male", 0, 52.0) == 1.12


def test_the_age_is_rounded_to_the_nearest_day():
    assert zscore("wfa", "male", 0.4, 3.3464) == 0.0
    assert zscore("wfa", "male", 0.5, 3.3464) == zscore("wfa", "male", 1, 3.3464) != 0.0


def test_a_weight_exactly_at_the_sd3_lines_gives_three():
    boy = (0.3487, 3.3464, 0.14602)
    assert zscore("wfa", "male", 0, sd_line(*boy, 3)) == 3.0
    assert zscore("wfa", "male", 0, sd_line(*boy, -3)) == -3.0


def test_beyond_three_sd_the_weight_scores_are_restricted():
    boy = (0.3487, 3.3464, 0.14602)
    sd2, sd3 = sd_line(*boy, 2), sd_line(*boy, 3)  # 4.4194 and 5.0306 kg
    assert round(lms_z(*boy, 6.0), 2) == 4.43  # what the plain LMS formula would say
    assert zscore("wfa", "male", 0, 6.0) == round(3 + (6.0 - sd3) / (sd3 - sd2), 2) == 4.59
    sd2n, sd3n = sd_line(*boy, -2), sd_line(*boy, -3)  # 2.4593 and 2.0803 kg
    assert round(lms_z(*boy, 1.8), 2) == -3.82
    assert zscore("wfa", "male", 0, 1.8) == round(-3 + (1.8 - sd3n) / (sd2n - sd3n), 2) == -3.74


def test_length_for_age_is_not_restricted():
    boy = (1.0, 49.8842, 0.03795)
    assert zscore("lhfa", "male", 0, 58.0) == round(lms_z(*boy, 58.0), 2) == 4.29


def test_length_between_table_rows_interpolates_l_m_and_s():
    # Boys 80.0 cm: M 10.4475, S 0.08308; 80.1 cm: M 10.466, S 0.08307; L -0.3521 in both.
    halfway = (-0.3521, (10.4475 + 10.466) / 2, (0.08308 + 0.08307) / 2)
    assert zscore("wfl", "male", 80.05, 10.5) == round(lms_z(*halfway, 10.5), 2) == 0.05
    assert zscore("wfl", "male", 80.0, 10.5) == 0.06
    assert zscore("wfl", "male", 80.1, 10.5) == 0.04


@pytest.mark.parametrize(
    ("indicator", "key"),
    [
        ("wfa", -1),
        ("wfa", 1857),
        ("lhfa", 1857),
        ("wfl", 44.9),
        ("wfl", 110.05),
        ("wfl", 110.1),
        ("wfh", 64.9),
        ("wfh", 120.1),
    ],
)
def test_a_key_outside_the_table_gives_none(indicator, key):
    assert zscore(indicator, "female", key, 10.0) is None


def test_a_missing_or_impossible_value_gives_none():
    assert zscore("wfa", "male", 100, None) is None
    assert zscore("wfa", "male", 100, 0) is None


def test_an_unknown_indicator_or_sex_is_refused():
    with pytest.raises(ValueError):
        zscore("bmi", "male", 100, 10.0)
    with pytest.raises(ValueError):
        zscore("wfa", "m", 100, 10.0)


# Children from the example survey of WHO's igrowup software, with the z-scores WHO's own
# macro computed (_ZWEI, _ZLEN, _ZWFL): id, sex, age in days, kg, cm, lying, waz, haz, whz.
WHO_IGROWUP_OUTPUT = [
    (1, "female", 683, 10.4, 84.8, True, -0.57, -0.07, -0.81),
    (4, "male", 1852, 21.3, 118.0, False, 1.04, 1.62, -0.13),
    (7, "male", 868, 12.9, 85.9, True, -0.08, -1.69, 1.16),  # 2+ lying: -0.7 cm
    (60, "male", 269, 6.3, 64.8, True, -3.08, -3.11, -1.7),
    (73, "female", 1716, 27.5, 110.4, True, 2.85, 0.48, 4.05),
    (109, "female", 719, 15.1, 97.8, False, 2.18, 3.87, 0.36),  # under 2 standing: +0.7 cm
    (112, "female", 90, 4.5, 60.4, True, -2.02, 0.34, -3.26),
    (181, "female", 935, 17.4, 87.6, False, 2.29, -1.02, 3.97),
    (214, "male", 194, 11.9, 73.2, True, 3.68, 2.32, 3.06),
    (219, "male", 0, 5.5, 55.9, True, 3.77, 3.18, 1.55),
    (286, "male", 417, 14.2, 81.3, True, 3.21, 1.46, 3.28),
    (306, "female", 600, 12.5, 87.9, False, 1.32, 2.06, 0.34),
    (371, "female", 955, 7.6, None, None, -4.32, None, None),
]


@pytest.mark.parametrize(
    ("sex", "age", "kg", "cm", "lying", "waz", "haz", "whz"),
    [row[1:] for row in WHO_IGROWUP_OUTPUT],
    ids=[f"child{row[0]}" for row in WHO_IGROWUP_OUTPUT],
)
def test_child_zscores_match_who_igrowup(sex, age, kg, cm, lying, waz, haz, whz):
    result = child_zscores(sex, BORN, BORN + timedelta(days=age), kg, cm, lying)
    assert result == {"age_days": age, "waz": waz, "haz": haz, "whz": whz}


def test_a_child_under_two_measured_standing_gains_0_7_cm():
    standing = child_zscores("male", BORN, BORN + timedelta(days=400), 9.5, 75.0, lying=False)
    assert standing["haz"] == zscore("lhfa", "male", 400, 75.7)
    assert standing["whz"] == zscore("wfl", "male", 75.7, 9.5)
    assert standing["haz"] != zscore("lhfa", "male", 400, 75.0)


def test_a_child_over_two_measured_lying_loses_0_7_cm():
    lying = child_zscores("female", BORN, BORN + timedelta(days=900), 12.0, 88.0, lying=True)
    assert lying["haz"] == zscore("lhfa", "female", 900, 87.3)
    assert lying["whz"] == zscore("wfh", "female", 87.3, 12.0)
    assert lying["haz"] != zscore("lhfa", "female", 900, 88.0)


@pytest.mark.parametrize(("age", "lying"), [(400, True), (400, None), (900, False), (900, None)])
def test_no_correction_when_the_position_fits_the_age_or_is_unknown(age, lying):
    result = child_zscores("male", BORN, BORN + timedelta(days=age), 11.0, 80.0, lying)
    assert result["haz"] == zscore("lhfa", "male", age, 80.0)


def test_weight_for_length_until_730_days_then_weight_for_height():
    assert zscore("wfl", "male", 80.0, 10.0) != zscore("wfh", "male", 80.0, 10.0)
    at_730 = child_zscores("male", BORN, BORN + timedelta(days=730), 10.0, 80.0)
    at_731 = child_zscores("male", BORN, BORN + timedelta(days=731), 10.0, 80.0)
    assert at_730["whz"] == zscore("wfl", "male", 80.0, 10.0) == -0.53
    assert at_731["whz"] == zscore("wfh", "male", 80.0, 10.0) == -0.68


def test_a_child_past_1856_days_gets_no_scores():
    result = child_zscores("female", BORN, BORN + timedelta(days=1857), 18.0, 110.0, False)
    assert result == {"age_days": 1857, "whz": None, "haz": None, "waz": None}


def test_missing_measurements_leave_their_scores_empty():
    on = BORN + timedelta(days=300)
    assert child_zscores("male", BORN, on, weight_kg=8.0) == {
        "age_days": 300,
        "whz": None,
        "haz": None,
        "waz": zscore("wfa", "male", 300, 8.0),
    }
    only_length = child_zscores("male", BORN, on, length_cm=70.0)
    assert only_length["haz"] is not None
    assert only_length["waz"] is None and only_length["whz"] is None


def test_a_measurement_before_birth_is_refused():
    with pytest.raises(ValueError):
        child_zscores("male", BORN, BORN - timedelta(days=1), 3.0, 50.0)


@pytest.mark.parametrize(
    ("whz", "muac", "oedema", "status", "reasons"),
    [
        (-3.01, None, None, "sam", ["whz_below_-3"]),
        (-3.0, None, None, "mam", ["whz_-3_to_-2"]),
        (-2.01, None, None, "mam", ["whz_-3_to_-2"]),
        (-2.0, None, None, "normal", []),
        (None, 114, None, "sam", ["muac_below_115"]),
        (None, 115, None, "mam", ["muac_115_124"]),
        (None, 124, None, "mam", ["muac_115_124"]),
        (None, 125, None, "normal", []),
        (None, None, True, "sam", ["oedema"]),
        (None, None, False, "normal", []),
        (0.5, 140, False, "normal", []),
        (-2.5, 110, False, "sam", ["muac_below_115", "whz_-3_to_-2"]),
        (-3.5, 120, None, "sam", ["whz_below_-3", "muac_115_124"]),
        (-1.0, 130, True, "sam", ["oedema"]),
        (-2.5, 120, False, "mam", ["whz_-3_to_-2", "muac_115_124"]),
        (-3.2, 100, True, "sam", ["whz_below_-3", "muac_below_115", "oedema"]),
        (None, None, None, "unknown", []),
    ],
)
def test_acute_malnutrition_classification(whz, muac, oedema, status, reasons):
    assert classify_acute_malnutrition(whz, muac, oedema) == (status, reasons)


def test_reference_curves_follow_the_who_sd_columns():
    curves = reference_curves("wfa", "male")
    # WHO's expanded table, boys day 0: SD3neg 2.080, SD2neg 2.459, SD0 3.346, SD2 4.419, SD3 5.031
    assert curves[0] == {
        "key": 0,
        "sd_neg3": 2.08,
        "sd_neg2": 2.459,
        "sd0": 3.346,
        "sd2": 4.419,
        "sd3": 5.031,
    }
    assert [row["key"] for row in curves[:3]] == [0, 30, 60]
    assert curves[-1]["key"] == 1856
    lengths = reference_curves("wfl", "female", sds=(0,))
    assert [row["key"] for row in lengths] == [float(cm) for cm in range(45, 111)]
    assert lengths[0] == {"key": 45.0, "sd0": 2.461}


@pytest.mark.parametrize("indicator", ["wfa", "lhfa", "wfl", "wfh"])
def test_reference_curve_values_score_as_their_sd(indicator):
    sds = (-4, -3, -2, 0, 2, 3, 4)
    for row in reference_curves(indicator, "female", sds=sds)[::7]:
        for sd in sds:
            value = row[growth._sd_label(sd)]
            assert zscore(indicator, "female", row["key"], value) == pytest.approx(sd, abs=0.01)


weights = st.floats(min_value=0.5, max_value=60, allow_nan=False)
ratios = st.floats(min_value=1.05, max_value=3)


@given(
    indicator=st.sampled_from(["wfa", "wfl", "wfh"]),
    sex=st.sampled_from(["male", "female"]),
    where=st.floats(min_value=0, max_value=1),
    weight=weights,
    ratio=ratios,
)
def test_z_rises_strictly_with_weight(indicator, sex, where, weight, ratio):
    low, high = {"wfa": (0, 1856), "wfl": (45, 110), "wfh": (65, 120)}[indicator]
    key = low + where * (high - low)
    assert zscore(indicator, sex, key, weight) < zscore(indicator, sex, key, weight * ratio)


@given(
    sex=st.sampled_from(["male", "female"]),
    day=st.integers(min_value=0, max_value=1856),
    length=st.floats(min_value=30, max_value=140),
    ratio=st.floats(min_value=1.01, max_value=1.5),
)
def test_z_rises_strictly_with_length(sex, day, length, ratio):
    assert zscore("lhfa", sex, day, length) < zscore("lhfa", sex, day, length * ratio)


def test_the_growth_chart_draws_the_who_lines_and_each_measurement():
    from kopru.health import growth_chart

    assert growth_chart.chart("wfa", "female", []) is None
    drawn = growth_chart.chart("wfa", "female", [(120, 5.1, "a"), (400, 6.4, "b")])
    svg = str(drawn["svg"])
    assert svg.count("<polyline") == 6  # five reference lines and the child's trail
    assert svg.count("<circle") == 2 and "<text" not in svg
    assert drawn["y_min"] < 5.1 and drawn["y_max"] > 6.4 and drawn["x_max_months"] >= 12
