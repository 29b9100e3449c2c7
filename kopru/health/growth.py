"""WHO Child Growth Standards (2006) z-scores for children under five.

The LMS tables in data/who_growth/ are WHO's expanded (daily and 0.1 cm) tables; see SOURCE.md
there. Everything here is a pure function of its arguments and those tables.
"""

import csv
import math
from datetime import date
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data" / "who_growth"

AGE_INDICATORS = frozenset({"wfa", "lhfa"})
SIZE_INDICATORS = frozenset({"wfl", "wfh"})
# Weight is skewed, and the LMS fit is unreliable in its tails, so WHO restricts these beyond ±3 SD.
WEIGHT_INDICATORS = frozenset({"wfa", "wfl", "wfh"})
SEXES = {"male": "boys", "female": "girls"}

MAX_AGE_DAYS = 1856  # the last row of the age tables: the standards stop here
LYING_UNTIL_DAYS = 731  # WHO: children under 2 are measured lying (length), older ones standing
LYING_STANDING_CM = 0.7  # WHO: length lying is on average 0.7 cm more than height standing


@cache  # the tables never change while the process runs
def _table(indicator: str, sex: str) -> dict[int, tuple[float, float, float]]:
    """Rows keyed by age in days, or by length/height in tenths of a cm (exact integer keys)."""
    if indicator not in AGE_INDICATORS | SIZE_INDICATORS:
        raise ValueError(f"unknown indicator {indicator!r}")
    if sex not in SEXES:
        raise ValueError(f"sex must be 'male' or 'female', not {sex!r}")
    rows = {}
    with open(DATA_DIR / f"{indicator}_{SEXES[sex]}.csv", newline="") as f:
        for row in csv.DictReader(f):
            key = int(row["day"]) if "day" in row else round(float(row["cm"]) * 10)
            rows[key] = (float(row["L"]), float(row["M"]), float(row["S"]))
    return rows


def _lms(indicator: str, sex: str, key: float) -> tuple[float, float, float] | None:
    table = _table(indicator, sex)
    if indicator in AGE_INDICATORS:
        return table.get(math.floor(key + 0.5))  # half up, unlike round()'s half to even
    tenths = round(key * 10, 6)  # 6 places absorbs float noise such as 65.3 * 10
    low = math.floor(tenths)
    if low not in table:
        return None
    fraction = tenths - low
    if fraction == 0:
        return table[low]
    if low + 1 not in table:
        return None
    # WHO Anthro interpolates L, M and S between the neighbouring 0.1 cm rows.
    return tuple(a + fraction * (b - a) for a, b in zip(table[low], table[low + 1], strict=True))


def _sd_value(lms: tuple[float, float, float], sd: float, restricted: bool) -> float:
    """The measurement that lies `sd` standard deviations from the median."""
    lam, mu, sigma = lms

    def at(k: float) -> float:
        return mu * (1 + lam * sigma * k) ** (1 / lam)

    # Beyond ±3 WHO extends the weight curves in steps of the 2-to-3 SD distance (the inverse
    # of the restricted z-score), because the LMS tails flatten out there.
    if restricted and sd > 3:
        return at(3) + (sd - 3) * (at(3) - at(2))
    if restricted and sd < -3:
        return at(-3) - (-3 - sd) * (at(-2) - at(-3))
    return at(sd)


def zscore(indicator: str, sex: str, key: float, value: float | None) -> float | None:
    """WHO z-score of `value` (kg or cm), rounded to 2 decimals.

    `key` is the age in days for "wfa" and "lhfa" (rounded to the nearest day), the length or
    height in cm for "wfl" and "wfh". None when the key lies outside the table or the value is
    missing or not positive.
    """
    lms = _lms(indicator, sex, key)
    if lms is None or value is None or value <= 0:
        return None
    lam, mu, sigma = lms
    z = ((value / mu) ** lam - 1) / (lam * sigma)
    if indicator in WEIGHT_INDICATORS:
        if z > 3:
            sd3 = _sd_value(lms, 3, restricted=False)
            sd23 = sd3 - _sd_value(lms, 2, restricted=False)
            z = 3 + (value - sd3) / sd23
        elif z < -3:
            sd3 = _sd_value(lms, -3, restricted=False)
            sd23 = _sd_value(lms, -2, restricted=False) - sd3
            z = -3 + (value - sd3) / sd23
    return round(z, 2)


def child_zscores(
    sex: str,
    birth_date: date,
    measured_on: date,
    weight_kg: float | None = None,
    length_cm: float | None = None,
    lying: bool | None = None,
) -> dict:
    """Age in days and the weight-for-length/height, length/height-for-age and weight-for-age
    z-scores of one measurement; None for what cannot be computed.

    `lying` says how the child was measured; when it is not the way WHO expects for the age,
    the length is converted by 0.7 cm. Leave it None when unknown: no conversion is made.
    WHO reports no weight-based z-score for a child with oedema; the caller leaves them out.
    """
    age_days = (measured_on - birth_date).days
    if age_days < 0:
        raise ValueError("the measurement date is before the birth date")
    under_two = age_days < LYING_UNTIL_DAYS
    if length_cm is not None and lying is not None:
        if under_two and not lying:
            length_cm += LYING_STANDING_CM
        elif not under_two and lying:
            length_cm -= LYING_STANDING_CM
    result = {"age_days": age_days, "whz": None, "haz": None, "waz": None}
    if age_days > MAX_AGE_DAYS:
        return result
    result["waz"] = zscore("wfa", sex, age_days, weight_kg)
    if length_cm is not None:
        result["haz"] = zscore("lhfa", sex, age_days, length_cm)
        result["whz"] = zscore("wfl" if under_two else "wfh", sex, length_cm, weight_kg)
    return result


def classify_acute_malnutrition(
    whz: float | None, muac_mm: float | None, oedema: bool | None
) -> tuple[str, list[str]]:
    """WHO/UNICEF 2009 acute malnutrition status of a child of 6-59 months (the caller checks
    the age): "sam", "mam", "normal", or "unknown" when nothing was measured.

    Any one criterion is enough, so the most severe one met decides; `reasons` lists every
    criterion met.
    """
    if whz is None and muac_mm is None and oedema is None:
        return "unknown", []
    severe, moderate = [], []
    if whz is not None:
        if whz < -3:
            severe.append("whz_below_-3")
        elif whz < -2:
            moderate.append("whz_-3_to_-2")
    if muac_mm is not None:
        if muac_mm < 115:
            severe.append("muac_below_115")
        elif muac_mm < 125:
            moderate.append("muac_115_124")
    if oedema:
        severe.append("oedema")
    status = "sam" if severe else "mam" if moderate else "normal"
    return status, severe + moderate


def _sd_label(sd: int) -> str:
    # Named like WHO's SD3neg/SD3 columns, and usable as attribute names in templates.
    return f"sd_neg{-sd}" if sd < 0 else f"sd{sd}"


def reference_curves(indicator: str, sex: str, sds=(-3, -2, 0, 2, 3)) -> list[dict]:
    """Rows for drawing a growth chart: {"key": day or cm, "sd_neg3": ..., "sd0": ..., ...}.

    Every 30th day (or every whole cm) and the last row, which is plenty for a chart.
    """
    table = _table(indicator, sex)
    by_age = indicator in AGE_INDICATORS
    step = 30 if by_age else 10
    last = max(table)
    rows = []
    for key in sorted(table):
        if key % step and key != last:
            continue
        row = {"key": key if by_age else key / 10}
        for sd in sds:
            value = _sd_value(table[key], sd, restricted=indicator in WEIGHT_INDICATORS)
            row[_sd_label(sd)] = round(value, 3)
        rows.append(row)
    return rows
