"""Immunization rules: the data files and the forecaster (pure functions, no database)."""

from datetime import date, timedelta

import pytest

from kopru.health import immunization as im

BIRTH = date(2024, 1, 15)
LANGS = {"en", "tr", "ar", "fa", "ru"}
ANTIGENS = {
    "diphtheria", "tetanus", "pertussis", "polio", "hib", "hepb", "hepa", "measles", "mumps",
    "rubella", "varicella", "pneumococcal", "rotavirus", "tb", "meningococcal", "yellow_fever",
    "typhoid", "covid19",
}  # fmt: skip
# The CVX codes HEALTH_RULES.md lists (ok), plus what the Turkish schedule needs.
HEALTH_RULES_CVX = {
    "03", "94", "21", "20", "115", "113", "10", "178", "182", "08", "43", "48", "133", "215",
    "216", "119", "116", "83", "52", "114", "19", "37", "190", "198", "146", "998", "999",
}  # fmt: skip
TURKISH_NEEDS = {"120", "130", "170", "132", "19", "03", "21", "83", "113", "133"}
COVID = {"207", "208", "210", "212", "510", "511"}


def age(days):
    return BIRTH + timedelta(days=days)


def dose(cvx, days):
    return {"cvx": cvx, "date": age(days)}


def rows_of(rows, series):
    return [r for r in rows if r["series"] == series]


def row(rows, series, number):
    (found,) = [r for r in rows if r["series"] == series and r["dose"] == number]
    return found


# --- Data -------------------------------------------------------------------------------


def test_cvx_file_has_every_needed_code_with_five_names_and_known_antigens():
    vaccines = im.load_vaccines()
    assert set(vaccines) >= HEALTH_RULES_CVX | TURKISH_NEEDS | COVID
    for code, v in vaccines.items():
        assert v["cvx"] == code
        assert set(v["names"]) == LANGS and all(v["names"].values()), code
        assert set(v["antigens"]) <= ANTIGENS, code
        assert isinstance(v["live"], bool), code
    assert vaccines["998"]["antigens"] == [] and vaccines["999"]["antigens"] == []


def test_live_flags():
    vaccines = im.load_vaccines()
    for code in ("03", "94", "21", "178", "182", "19", "37", "116", "119"):
        assert vaccines[code]["live"], code
    for code in ("10", "08", "20", "146", "133", "113", "208", "511"):
        assert not vaccines[code]["live"], code
    assert vaccines["119"]["oral"] and vaccines["178"]["oral"] and not vaccines["03"]["oral"]


def test_combination_antigens():
    vaccines = im.load_vaccines()
    assert set(vaccines["146"]["antigens"]) == {
        "diphtheria", "tetanus", "pertussis", "polio", "hib", "hepb",
    }  # fmt: skip
    assert set(vaccines["198"]["antigens"]) == {"diphtheria", "tetanus", "pertussis", "hepb", "hib"}
    assert set(vaccines["03"]["antigens"]) == {"measles", "mumps", "rubella"}
    assert vaccines["19"]["antigens"] == ["tb"]


def test_schedules_are_complete_and_reference_known_codes():
    assert set(im.schedule_codes()) == {"tr_national", "us_overseas_refugee"}
    vaccines = im.load_vaccines()
    for code in im.schedule_codes():
        schedule = im.load_schedule(code)
        assert set(schedule["names"]) == LANGS
        assert schedule["source"] and schedule["effective_from"]
        date.fromisoformat(schedule["effective_from"])
        assert schedule["rules"]["live_vaccine_spacing_days"] == 28
        for series in schedule["series"]:
            assert set(series["names"]) == LANGS, series["code"]
            assert set(series["antigens"]) <= ANTIGENS, series["code"]
            assert set(series["vaccines"]) <= set(vaccines), series["code"]
            assert isinstance(series["confirmed"], bool)
            if not series["confirmed"]:
                assert series["note"], series["code"]
            numbers = [d["number"] for d in series["doses"]]
            assert numbers == list(range(1, len(numbers) + 1)), series["code"]
            for d in series["doses"]:
                assert d["min_age_days"] <= d["due_age_days"], (series["code"], d)
                if d["overdue_age_days"] is not None:
                    assert d["overdue_age_days"] > d["due_age_days"]
    with pytest.raises(KeyError):
        im.load_schedule("nowhere")


def test_us_rules_and_timing():
    us = im.load_schedule("us_overseas_refugee")
    assert us["rules"] == {
        "live_vaccine_spacing_days": 28,
        "live_vaccine_before_tst_igra_days": 28,
        "no_live_vaccine_before_departure_days": 28,
    }
    assert "departure" in us["timing"]


def test_turkish_ages_use_the_month_conversion():
    tr = {s["code"]: s for s in im.load_schedule("tr_national")["series"]}
    assert im.months_to_days(12) == 365
    assert [d["due_age_days"] for d in tr["tr_dtap_ipv_hib"]["doses"]] == [
        im.months_to_days(m) for m in (2, 4, 6, 18)
    ]
    assert [d["due_age_days"] for d in tr["tr_pcv"]["doses"]] == [61, 122, 365]
    assert [d["due_age_days"] for d in tr["tr_mmr"]["doses"]] == [365, im.months_to_days(48)]
    assert tr["tr_td"]["doses"][0]["due_age_days"] == im.months_to_days(156)


# --- Forecast: Turkish schedule ---------------------------------------------------------


def seven_month_old_doses():
    return [dose("08", 0), dose("08", 30), dose("170", 61), dose("170", 122)]


def test_seven_month_old_five_in_one_dose_3_due_at_6_months_overdue_60_days_later():
    rows = im.forecast("tr_national", BIRTH, seven_month_old_doses(), age(213))
    third = row(rows, "tr_dtap_ipv_hib", 3)
    assert third["status"] == "due"
    assert third["due_on"] == age(183)
    assert third["overdue_on"] == age(243)
    assert [r["status"] for r in rows_of(rows, "tr_dtap_ipv_hib")] == [
        "given", "given", "due", "upcoming",
    ]  # fmt: skip
    assert row(rows, "tr_hepb", 3)["status"] == "due"
    assert row(rows, "tr_bcg", 1)["status"] == "overdue"  # due at 2 months, never given
    assert row(rows, "tr_mmr", 1)["status"] == "upcoming"


def test_same_child_past_the_overdue_date():
    rows = im.forecast("tr_national", BIRTH, seven_month_old_doses(), age(244))
    assert row(rows, "tr_dtap_ipv_hib", 3)["status"] == "overdue"


def test_due_date_waits_for_the_minimum_interval_after_a_late_dose():
    # Dose 2 at 170 days: dose 3 cannot be earlier than 170 + 28, later than the 6-month age.
    doses = [dose("170", 61), dose("170", 170)]
    third = row(im.forecast("tr_national", BIRTH, doses, age(190)), "tr_dtap_ipv_hib", 3)
    assert third["due_on"] == age(198)
    assert third["overdue_on"] == age(258)  # the grace period moves with the due date
    assert third["status"] == "upcoming"


def test_hexavalent_counts_for_hepb_and_the_five_in_one_series():
    doses = [dose("08", 0), dose("08", 30), dose("146", 61), dose("146", 122), dose("146", 183)]
    rows = im.forecast("tr_national", BIRTH, doses, age(200))
    assert [r["status"] for r in rows_of(rows, "tr_dtap_ipv_hib")][:3] == ["given"] * 3
    hepb3 = row(rows, "tr_hepb", 3)
    assert hepb3["status"] == "given" and hepb3["given_on"] == age(183)
    assert hepb3["given_cvx"] == "146"


def test_early_hexavalent_that_counted_elsewhere_is_not_reported_as_invalid():
    # The 2- and 4-month hexavalent doses are too early for HepB dose 3 (24 weeks) but they
    # counted for DTaP-IPV-Hib: the HepB row must not call them invalid.
    doses = [dose("08", 0), dose("08", 30), dose("146", 61), dose("146", 122)]
    hepb3 = row(im.forecast("tr_national", BIRTH, doses, age(150)), "tr_hepb", 3)
    assert hepb3["status"] == "upcoming"
    assert hepb3["reason"] == ""


def test_mmr_at_9_months_does_not_count_and_says_why():
    rows = im.forecast("tr_national", BIRTH, [dose("03", 274)], age(300))
    first = row(rows, "tr_mmr", 1)
    assert first["status"] == "upcoming" and first["given_on"] is None
    assert "given before the minimum age" in first["reason"]
    assert "MMR" in first["reason"] and age(274).isoformat() in first["reason"]


def test_a_valid_later_dose_fills_the_slot_and_clears_the_reason():
    rows = im.forecast("tr_national", BIRTH, [dose("03", 274), dose("03", 370)], age(400))
    first = row(rows, "tr_mmr", 1)
    assert first["status"] == "given" and first["given_on"] == age(370)
    assert first["reason"] == ""


def test_dose_too_soon_after_the_previous_does_not_count():
    doses = [dose("170", 61), dose("170", 75)]  # 14 days apart, 28 needed
    second = row(im.forecast("tr_national", BIRTH, doses, age(90)), "tr_dtap_ipv_hib", 2)
    assert second["status"] == "upcoming"
    assert "given too soon after the previous dose" in second["reason"]
    assert second["due_on"] == age(122)


def test_opv_series_counts_only_oral_polio():
    # IPV in the five-in-one must not fill the Turkish OPV doses.
    doses = [dose("170", 61), dose("170", 122), dose("170", 183), dose("10", 190)]
    rows = im.forecast("tr_national", BIRTH, doses, age(200))
    assert row(rows, "tr_opv", 1)["status"] == "due"
    rows = im.forecast("tr_national", BIRTH, doses + [dose("178", 195)], age(200))
    assert row(rows, "tr_opv", 1)["status"] == "given"


def test_doses_in_any_order_and_numeric_codes():
    doses = [
        {"cvx": 170, "date": age(122)},
        {"cvx": "170", "date": age(61)},
        {"cvx": 8, "date": age(0)},
    ]
    rows = im.forecast("tr_national", BIRTH, doses, age(130))
    assert row(rows, "tr_dtap_ipv_hib", 1)["given_on"] == age(61)
    assert row(rows, "tr_dtap_ipv_hib", 2)["given_on"] == age(122)
    assert row(rows, "tr_hepb", 1)["status"] == "given"


def test_doses_after_the_forecast_day_are_ignored():
    rows = im.forecast("tr_national", BIRTH, [dose("03", 400)], age(380))
    assert row(rows, "tr_mmr", 1)["status"] == "due"


def test_turkish_series_age_limits():
    six_years = im.forecast("tr_national", BIRTH, [], age(2200))
    series = {r["series"] for r in six_years}
    assert "tr_bcg" not in series and "tr_pcv" not in series and "tr_dtap_ipv_hib" not in series
    assert {"tr_hepb", "tr_mmr", "tr_dtap_ipv", "tr_td"} <= series


def test_rows_carry_confirmed_flags():
    rows = im.forecast("tr_national", BIRTH, [], age(30))
    assert all(r["confirmed"] is False for r in rows_of(rows, "tr_hepb"))
    assert all(r["confirmed"] is True for r in rows_of(rows, "tr_pcv"))


def test_row_shape():
    (first, *_rest) = im.forecast("tr_national", BIRTH, [], age(10))
    assert {
        "series", "series_names", "dose", "status", "due_on", "overdue_on", "given_on",
        "confirmed", "reason",
    } <= set(first)  # fmt: skip
    assert set(first["series_names"]) == LANGS


# --- Forecast: US overseas refugee programme --------------------------------------------


def test_us_three_year_old_gets_pcv_and_hib_once():
    rows = im.forecast("us_overseas_refugee", BIRTH, [], age(3 * 365))
    assert len(rows_of(rows, "us_pcv_child")) == 1 and len(rows_of(rows, "us_hib_child")) == 1
    assert not rows_of(rows, "us_pcv_infant") and not rows_of(rows, "us_hib_infant")
    assert row(rows, "us_pcv_child", 1)["status"] == "due"


def test_us_one_year_old_gets_pcv_and_hib_twice():
    rows = im.forecast("us_overseas_refugee", BIRTH, [], age(365))
    assert len(rows_of(rows, "us_pcv_infant")) == 2 and len(rows_of(rows, "us_hib_infant")) == 2
    assert not rows_of(rows, "us_pcv_child") and not rows_of(rows, "us_hib_child")
    # The second dose waits 28 days after the first, which is not given yet.
    assert row(rows, "us_hib_infant", 1)["status"] == "due"
    second = row(rows, "us_hib_infant", 2)
    assert second["status"] == "upcoming" and second["due_on"] == age(365 + 28)


def test_us_no_overdue_by_age():
    rows = im.forecast("us_overseas_refugee", BIRTH, [], age(365))
    assert all(r["overdue_on"] is None for r in rows)
    assert "overdue" not in {r["status"] for r in rows}


def test_us_rotavirus_not_applicable_to_a_six_month_old():
    rows = rows_of(im.forecast("us_overseas_refugee", BIRTH, [], age(183)), "us_rotavirus")
    assert [r["status"] for r in rows] == ["not_applicable", "not_applicable"]
    assert "Too old" in rows[0]["reason"] and "15 weeks" in rows[0]["reason"]
    assert rows[1]["reason"]


def test_us_rotavirus_for_an_eight_week_old_and_gone_after_8_months():
    rows = rows_of(im.forecast("us_overseas_refugee", BIRTH, [], age(56)), "us_rotavirus")
    assert [r["status"] for r in rows] == ["due", "upcoming"]
    assert not rows_of(im.forecast("us_overseas_refugee", BIRTH, [], age(250)), "us_rotavirus")


def test_us_rotavirus_dose_after_the_maximum_age_does_not_count():
    rows = im.forecast("us_overseas_refugee", BIRTH, [dose("119", 110)], age(115))
    first = row(rows, "us_rotavirus", 1)
    assert first["status"] == "not_applicable"


def test_us_td_from_7_years_and_dtp_before():
    six = im.forecast("us_overseas_refugee", BIRTH, [], age(6 * 365))
    assert not rows_of(six, "us_td") and rows_of(six, "us_dtp")
    seven = im.forecast("us_overseas_refugee", BIRTH, [], age(2557))
    assert rows_of(seven, "us_td") and not rows_of(seven, "us_dtp")
    assert row(seven, "us_td", 1)["confirmed"] is False  # dose count not in the source
    ten = im.forecast("us_overseas_refugee", BIRTH, [], age(10 * 365))
    assert rows_of(ten, "us_polio")
    twelve = im.forecast("us_overseas_refugee", BIRTH, [], age(12 * 365))
    assert not rows_of(twelve, "us_polio") and rows_of(twelve, "us_hepb")


def test_us_childhood_dtap_does_not_fill_td():
    rows = im.forecast("us_overseas_refugee", BIRTH, [dose("20", 100)], age(2600))
    td = row(rows, "us_td", 1)
    assert td["status"] == "due" and td["reason"] == ""


def test_us_mmr_and_varicella_rows_exist_unconfirmed():
    rows = im.forecast("us_overseas_refugee", BIRTH, [], age(2 * 365))
    for series in ("us_mmr", "us_varicella"):
        assert rows_of(rows, series)
        assert all(r["confirmed"] is False for r in rows_of(rows, series))
    assert all(r["confirmed"] for r in rows_of(rows, "us_hepb"))


# --- check_new_dose ---------------------------------------------------------------------


def test_second_mmr_20_days_after_the_first_is_refused():
    problems = im.check_new_dose("tr_national", BIRTH, [dose("03", 400)], "03", age(420))
    assert any("too soon" in p for p in problems)
    assert any(age(428).isoformat() in p for p in problems)  # earliest valid date
    assert im.check_new_dose("tr_national", BIRTH, [dose("03", 400)], "03", age(1461)) == []


def test_two_live_vaccines_10_days_apart_refused_same_day_fine():
    prior = [dose("03", 400)]
    problems = im.check_new_dose("tr_national", BIRTH, prior, "21", age(410))
    assert len(problems) == 1
    assert "live vaccine" in problems[0] and "MMR" in problems[0] and "Varicella" in problems[0]
    assert im.check_new_dose("tr_national", BIRTH, prior, "21", age(400)) == []
    assert im.check_new_dose("tr_national", BIRTH, prior, "21", age(428)) == []


def test_live_spacing_applies_to_a_dose_entered_before_an_earlier_record():
    problems = im.check_new_dose("tr_national", BIRTH, [dose("21", 410)], "03", age(400))
    assert any("live vaccine" in p for p in problems)


def test_oral_live_vaccines_are_not_spaced():
    # ACIP: rotavirus and OPV may be given at any interval from other live vaccines.
    assert im.check_new_dose("tr_national", BIRTH, [dose("03", 400)], "178", age(410)) == []


def test_dose_before_the_minimum_age_refused():
    problems = im.check_new_dose("tr_national", BIRTH, [], "03", age(274))
    assert len(problems) == 1
    assert "minimum age" in problems[0] and age(365).isoformat() in problems[0]


def test_rotavirus_past_the_maximum_age_refused():
    problems = im.check_new_dose("us_overseas_refugee", BIRTH, [], "119", age(120))
    assert any("maximum age" in p for p in problems)
    assert im.check_new_dose("us_overseas_refugee", BIRTH, [], "119", age(60)) == []


def test_unknown_cvx_refused():
    assert im.check_new_dose("tr_national", BIRTH, [], "7777", age(100)) == [
        "Unknown vaccine code (CVX) 7777."
    ]


def test_hexavalent_checked_against_every_series_it_fills():
    # At 20 days a hexavalent is too young for DTaP-IPV-Hib dose 1 (6 weeks) and for HepB
    # dose 2 (4 weeks), and too soon after the birth HepB dose.
    problems = im.check_new_dose("tr_national", BIRTH, [dose("08", 0)], "146", age(20))
    assert any("DTaP-IPV-Hib" in p and "minimum age" in p for p in problems)
    assert any("Hepatitis B" in p and "minimum age" in p for p in problems)
    assert any("Hepatitis B" in p and "too soon" in p for p in problems)
    assert im.check_new_dose("tr_national", BIRTH, [dose("08", 0)], "146", age(61)) == []


def test_extra_dose_of_a_complete_series_is_not_refused():
    prior = [dose("21", 365)]
    assert im.check_new_dose("tr_national", BIRTH, prior, "21", age(800)) == []


def test_messages_have_no_unfilled_placeholders():
    problems = im.check_new_dose("tr_national", BIRTH, [dose("03", 400)], "03", age(410))
    problems += im.check_new_dose("us_overseas_refugee", BIRTH, [], "119", age(120))
    assert problems and not any("%(" in p for p in problems)


# --- live_before ------------------------------------------------------------------------


def test_live_before_tst_or_igra():
    doses = [
        dose("03", 400),  # 10 days before the test: interferes
        dose("21", 380),  # 30 days before: fine
        dose("10", 405),  # not live
        dose("94", 410),  # same day as the test: fine
        dose("19", 385),  # BCG, 25 days before
    ]
    hits = im.live_before(age(410), doses)
    assert [d["cvx"] for d in hits] == ["19", "03"]
    assert im.live_before(age(428), [dose("03", 400)]) == []  # day 28: fine
    assert im.live_before(age(427), [dose("03", 400)]) != []


def test_two_month_hexavalent_after_birth_and_one_month_hepb_is_fine():
    # Türkiye since April 2025: HepB at birth and 1 month, then the hexavalent at 2 months,
    # which is too early to count as HepB dose 3 but is what the schedule says.
    prior = [dose("08", 0), dose("08", 30)]
    assert im.check_new_dose("tr_national", BIRTH, prior, "146", age(61)) == []
    assert im.check_new_dose("tr_national", BIRTH, prior + [dose("146", 61)], "146", age(122)) == []


def test_hexavalent_too_soon_after_a_five_in_one_is_refused_even_if_hepb_takes_it():
    prior = [dose("08", 0), dose("170", 61)]
    problems = im.check_new_dose("tr_national", BIRTH, prior, "146", age(71))
    assert len(problems) == 1 and "too soon" in problems[0] and "DTaP-IPV-Hib" in problems[0]


def test_booster_course_does_not_refuse_infant_doses():
    # The 48-month DTaP-IPV booster covers antigens the 5-in-1 course also covers: an
    # infant dose belongs to the 5-in-1 course, not to the booster.
    assert im.check_new_dose("tr_national", BIRTH, [], "170", age(61)) == []
    rows = im.forecast("tr_national", BIRTH, [dose("170", 61), dose("170", 70)], age(100))
    assert row(rows, "tr_dtap_ipv", 1)["reason"] == ""
    assert "too soon" in row(rows, "tr_dtap_ipv_hib", 2)["reason"]
    # Once the 5-in-1 course is over (from 5 years), the booster is the course in play.
    problems = im.check_new_dose("tr_national", BIRTH, [], "130", age(1900))
    assert problems == []
    problems = im.check_new_dose("tr_national", BIRTH, [], "130", age(1400))
    assert any("minimum age" in p and "booster" in p for p in problems)
