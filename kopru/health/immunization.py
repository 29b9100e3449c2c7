"""Immunization rules as data, and a pure-Python forecaster.

The rules live in data/cvx.json (vaccine codes) and data/schedules.json (schedules, each
with a source, an effective-from date and a confirmed flag per series: HEALTH_RULES.md
wants every protocol as versioned data, never as code). This module only reads them and
applies them to a person's doses; it touches no model and no database, so views, the API,
reports and tests share one implementation.

Ages are whole days counted from the birth date. Months in the data were converted once as
round(months * 30.4375), so that "12 months" is the same number of days everywhere.

A dose is a dict {"cvx": "03", "date": date}. Data returned by the loaders is cached and
shared: treat it as read-only.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

DATA_DIR = Path(__file__).parent / "data"
DAYS_PER_MONTH = 30.4375
# CDC panel physicians: a live vaccine within 28 days before a TST or IGRA can blunt the
# response and give a false negative.
LIVE_BEFORE_TST_IGRA_DAYS = 28
DEFAULT_LIVE_SPACING_DAYS = 28


def months_to_days(months: float) -> int:
    return round(months * DAYS_PER_MONTH)


# --- Loading ----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def load_vaccines() -> dict[str, dict]:
    """Vaccines by CVX code."""
    data = json.loads((DATA_DIR / "cvx.json").read_text(encoding="utf-8"))
    return {v["cvx"]: v for v in data["vaccines"]}


@lru_cache(maxsize=1)
def _schedules() -> dict[str, dict]:
    data = json.loads((DATA_DIR / "schedules.json").read_text(encoding="utf-8"))
    return {s["code"]: s for s in data["schedules"]}


def schedule_codes() -> list[str]:
    return list(_schedules())


def load_schedule(code: str) -> dict:
    try:
        return _schedules()[code]
    except KeyError:
        raise KeyError(f"unknown immunization schedule {code!r}") from None


# --- Small helpers ----------------------------------------------------------------------


def _cvx(code) -> str:
    """CVX codes are strings with at least two digits ("03"); forms and imports send 3 or "3"."""
    text = str(code).strip()
    return text.zfill(2) if text.isdigit() else text


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _name(cvx: str) -> str:
    vaccine = load_vaccines().get(cvx)
    if not vaccine:
        return cvx
    language = (get_language() or "en")[:2]
    return vaccine["names"].get(language) or vaccine["names"]["en"]


def _age_text(days: int) -> str:
    """Ages as clinicians say them: weeks for young infants, then months, then years."""
    if days < 112 and days % 7 == 0:
        weeks = days // 7
        return ngettext("%(n)d week", "%(n)d weeks", weeks) % {"n": weeks}
    years = days / 365.25
    if days >= 730 and abs(years - round(years)) < 0.05:
        return ngettext("%(n)d year", "%(n)d years", round(years)) % {"n": round(years)}
    if days >= 56:
        mo = round(days / DAYS_PER_MONTH)
        return ngettext("%(n)d month", "%(n)d months", mo) % {"n": mo}
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}


def _is_live(cvx: str) -> bool:
    vaccine = load_vaccines().get(cvx)
    return bool(vaccine and vaccine["live"])


def _spaced_live(cvx: str) -> bool:
    """Live vaccines that need the 4-week gap from each other when not given the same day.

    ACIP (General Best Practice Guidelines, timing and spacing) applies the rule to injected
    and intranasal live vaccines; oral ones (rotavirus, OPV, oral typhoid) can be given at
    any interval, so refusing them would only make clinicians override a false alarm.
    """
    vaccine = load_vaccines().get(cvx)
    return bool(vaccine and vaccine["live"] and not vaccine.get("oral"))


def _counts_for(series: dict, cvx: str) -> bool:
    """Whether a dose of this product counts for the series.

    Listed products count; so does any product that covers all the series' antigens (a
    hexavalent dose counts for HepB and for DTaP-IPV-Hib), unless the series says
    vaccines_only (the Turkish OPV doses come on top of IPV: IPV must not fill them).
    """
    if cvx in series["vaccines"]:
        return True
    if series.get("vaccines_only"):
        return False
    antigens = load_vaccines().get(cvx, {}).get("antigens", [])
    return bool(antigens) and set(series["antigens"]) <= set(antigens)


def _later_course(series: dict, others: list[dict], cvx: str) -> bool:
    """Whether another series that also takes this dose covers all this series' antigens.

    Courses of the same antigens follow each other (the 5-in-1 primary series, then the
    4-in-1 booster at 48 months): a dose belongs to the earliest course, so being too early
    for the later one is no error. With the same antigens, schedule order decides.
    """
    mine = set(series["antigens"])
    position = others.index(series)
    for i, other in enumerate(others):
        if other is series or not _counts_for(other, cvx):
            continue
        theirs = set(other["antigens"])
        if mine < theirs or (mine == theirs and i < position):
            return True
    return False


def _applies(series: dict, age: int) -> bool:
    """Who the series is for: min_age_days <= age < max_age_days."""
    low, high = series.get("min_age_days"), series.get("max_age_days")
    return (low is None or age >= low) and (high is None or age < high)


def _normalise(doses) -> list[tuple[int, str, date]]:
    """(index, cvx, date) in date order; the index identifies a dose across series."""
    rows = [(i, _cvx(d["cvx"]), _day(d["date"])) for i, d in enumerate(doses)]
    return sorted(rows, key=lambda r: (r[2], r[0]))


# --- Evaluating a series ----------------------------------------------------------------


def _evaluate(series: dict, birth: date, doses: list[tuple[int, str, date]]) -> list[dict]:
    """Fill the series' dose slots, in order, with the valid doses.

    A dose fills the next open slot only if it respects that slot's minimum age, maximum
    age and minimum interval from the previous valid dose; otherwise it is recorded as a
    failed attempt on that slot and the slot stays open (ACIP: invalid doses are repeated).
    Doses beyond the last slot are extra and ignored.
    """
    slots = [{"spec": spec, "given": None, "failed": []} for spec in series["doses"]]
    k = 0
    previous: date | None = None
    for index, cvx, day in doses:
        if k >= len(slots):
            break
        if not _counts_for(series, cvx):
            continue
        spec = slots[k]["spec"]
        age = (day - birth).days
        interval = spec.get("min_interval_days")
        if age < spec["min_age_days"]:
            slots[k]["failed"].append(("min_age", index, cvx, day, previous))
        elif spec.get("max_age_days") is not None and age >= spec["max_age_days"]:
            slots[k]["failed"].append(("max_age", index, cvx, day, previous))
        elif previous and interval and (day - previous).days < interval:
            slots[k]["failed"].append(("interval", index, cvx, day, previous))
        else:
            slots[k]["given"] = (index, cvx, day)
            previous = day
            k += 1
    return slots


def _failure_reason(kind: str, cvx: str, day: date, spec: dict, previous: date | None) -> str:
    values = {"name": _name(cvx), "date": day.isoformat()}
    if kind == "min_age":
        values["age"] = _age_text(spec["min_age_days"])
        return (
            _("%(name)s on %(date)s does not count: given before the minimum age (%(age)s).")
            % values
        )
    if kind == "max_age":
        values["age"] = _age_text(spec["max_age_days"])
        return (
            _("%(name)s on %(date)s does not count: given after the maximum age (%(age)s).")
            % values
        )
    values.update(previous=previous.isoformat(), days=spec["min_interval_days"])
    return (
        _(
            "%(name)s on %(date)s does not count: given too soon after the previous dose "
            "(%(previous)s; at least %(days)s days are needed)."
        )
        % values
    )


def _too_old_reason(spec: dict) -> str:
    return _("Too old for this dose: it must be given before the age of %(age)s.") % {
        "age": _age_text(spec["max_age_days"])
    }


# --- Forecast ---------------------------------------------------------------------------


def forecast(schedule_code: str, birth_date: date, doses, on: date) -> list[dict]:
    """One row per dose of every series that applies to the person's age on `on`.

    Status: "given"; "due" (on or after the due date, not past the overdue date);
    "overdue"; "upcoming"; "not_applicable" (too old for the dose). Doses dated after `on`
    are ignored: the forecast is as of that day.
    """
    schedule = load_schedule(schedule_code)
    birth = _day(birth_date)
    on = _day(on)
    age = (on - birth).days
    known = [d for d in _normalise(doses) if d[2] <= on]

    # Evaluate every series first, whatever the age: a dose that counted in one series
    # (the 2-month hexavalent in DTaP-IPV-Hib) is not an error in another it was too early
    # for (HepB dose 3), so only doses that counted nowhere explain an open slot.
    evaluated = {s["code"]: _evaluate(s, birth, known) for s in schedule["series"]}
    counted = {slot["given"][0] for slots in evaluated.values() for slot in slots if slot["given"]}

    rows = []
    for series in schedule["series"]:
        if not _applies(series, age):
            continue
        previous_row = None
        for slot in evaluated[series["code"]]:
            row = _row(series, slot, birth, on, previous_row, counted, schedule["series"])
            rows.append(row)
            previous_row = row
    return rows


def _row(series, slot, birth, on, previous_row, counted, all_series) -> dict:
    spec = slot["spec"]
    row = {
        "series": series["code"],
        "series_names": series["names"],
        "dose": spec["number"],
        "status": "",
        "due_on": None,
        "overdue_on": None,
        "given_on": None,
        "given_cvx": None,
        "confirmed": spec.get("confirmed", series["confirmed"]),
        "reason": "",
    }
    if previous_row and previous_row["status"] == "not_applicable" and not slot["given"]:
        row["status"] = "not_applicable"
        row["reason"] = _(
            "Not applicable: the previous dose of this series can no longer be given."
        )
        return row

    # Due = max(birth + due age, previous dose + minimum interval). When the previous dose
    # is still open, project it to its due date or today, whichever is later: the next dose
    # cannot come before the previous one plus the interval.
    due = birth + timedelta(days=spec["due_age_days"])
    interval = spec.get("min_interval_days") or 0
    if previous_row:
        previous = previous_row["given_on"] or max(previous_row["due_on"] or on, on)
        due = max(due, previous + timedelta(days=interval))
    row["due_on"] = due
    if spec.get("overdue_age_days") is not None:
        # The grace period moves with the due date when an earlier dose came late.
        grace = spec["overdue_age_days"] - spec["due_age_days"]
        row["overdue_on"] = due + timedelta(days=grace)

    if slot["given"]:
        _index, cvx, day = slot["given"]
        row.update(status="given", given_on=day, given_cvx=cvx)
        return row

    max_age = spec.get("max_age_days")
    if max_age is not None and max(on, due) >= birth + timedelta(days=max_age):
        row["status"] = "not_applicable"
        row["reason"] = _too_old_reason(spec)
        return row

    if row["overdue_on"] and on > row["overdue_on"]:
        row["status"] = "overdue"
    elif on >= due:
        row["status"] = "due"
    else:
        row["status"] = "upcoming"
    # Explain an open slot only with doses that counted nowhere and were meant for this
    # course, not for an earlier course of the same antigens.
    unexplained = [
        f
        for f in slot["failed"]
        if f[1] not in counted and not _later_course(series, all_series, f[2])
    ]
    if unexplained:
        kind, _index, cvx, day, previous = unexplained[-1]
        row["reason"] = _failure_reason(kind, cvx, day, spec, previous)
    return row


# --- Checks before recording a dose -----------------------------------------------------


def _slot_problems(series, slots, birth, cvx, given_on) -> tuple[list[str], list[str]]:
    """(timing problems, too-old problems) of a dose against the series' next open slot."""
    spec = next(slot["spec"] for slot in slots if not slot["given"])
    given = [slot["given"][2] for slot in slots if slot["given"]]
    previous = given[-1] if given else None
    age = (given_on - birth).days
    values = {
        "name": _name(cvx),
        "date": given_on.isoformat(),
        "dose": spec["number"],
        "series": series["names"]["en"],
    }
    timing, too_old = [], []
    if age < spec["min_age_days"]:
        earliest = birth + timedelta(days=spec["min_age_days"])
        timing.append(
            _(
                "%(name)s on %(date)s is before the minimum age for dose %(dose)s of "
                "%(series)s (%(age)s); the earliest valid date is %(earliest)s."
            )
            % dict(values, age=_age_text(spec["min_age_days"]), earliest=earliest.isoformat())
        )
    interval = spec.get("min_interval_days")
    if previous and interval and (given_on - previous).days < interval:
        earliest = previous + timedelta(days=interval)
        timing.append(
            _(
                "%(name)s on %(date)s is too soon after the previous dose of %(series)s "
                "on %(previous)s: dose %(dose)s needs at least %(days)s days; the "
                "earliest valid date is %(earliest)s."
            )
            % dict(
                values, previous=previous.isoformat(), days=interval, earliest=earliest.isoformat()
            )
        )
    max_age = spec.get("max_age_days")
    if max_age is not None and age >= max_age:
        too_old.append(
            _(
                "%(name)s on %(date)s is past the maximum age for dose %(dose)s of "
                "%(series)s: it must be given before the age of %(age)s."
            )
            % dict(values, age=_age_text(max_age))
        )
    return timing, too_old


def check_new_dose(schedule_code, birth_date, prior_doses, cvx, given_on) -> list[str]:
    """Problems that should stop a dose being recorded as given here without an override.

    Empty list = fine. Checks the dose against the slot it would fill in the series that
    apply on that day (minimum age, maximum age, minimum interval), and the spacing between
    live vaccines not given on the same day.
    """
    cvx = _cvx(cvx)
    if cvx not in load_vaccines():
        return [_("Unknown vaccine code (CVX) %(cvx)s.") % {"cvx": cvx}]
    schedule = load_schedule(schedule_code)
    birth = _day(birth_date)
    given_on = _day(given_on)
    age = (given_on - birth).days
    prior = _normalise(prior_doses)
    before = [d for d in prior if d[2] <= given_on]
    values = {"name": _name(cvx), "date": given_on.isoformat()}

    # The series this dose would go into: applicable that day, taking this product, with a
    # dose still open, and not a later course of antigens an open earlier course covers.
    candidates = []
    for series in schedule["series"]:
        if _applies(series, age) and _counts_for(series, cvx):
            slots = _evaluate(series, birth, before)
            if any(not slot["given"] for slot in slots):
                candidates.append((series, slots))
    open_series = [series for series, _slots in candidates]
    candidates = [(s, sl) for s, sl in candidates if not _later_course(s, open_series, cvx)]

    # A combination product is aimed at the series covering most of its antigens (a
    # hexavalent at DTaP-IPV-Hib, not at HepB). When those accept the dose, being early for
    # another series is no error: the 2-month hexavalent of Türkiye's schedule since April
    # 2025 is simply an extra HepB dose. Past a maximum age is always reported: that limit
    # is about safety (rotavirus and intussusception), not about counting.
    product = set(load_vaccines()[cvx]["antigens"])
    widest = max((len(product & set(s["antigens"])) for s, _slots in candidates), default=0)
    timing, problems, main_failed = [], [], False
    for series, slots in candidates:
        found_timing, found_too_old = _slot_problems(series, slots, birth, cvx, given_on)
        timing += found_timing
        problems += found_too_old
        if found_timing and len(product & set(series["antigens"])) == widest:
            main_failed = True
    if main_failed:
        problems += timing

    spacing = schedule.get("rules", {}).get("live_vaccine_spacing_days", DEFAULT_LIVE_SPACING_DAYS)
    if _spaced_live(cvx):
        for _index, other, day in prior:
            # Same day is fine (no interference); otherwise at least `spacing` days apart,
            # whichever was first: a late entry can fall before an earlier-recorded dose.
            if day != given_on and _spaced_live(other) and abs((given_on - day).days) < spacing:
                problems.append(
                    _(
                        "%(name)s on %(date)s is a live vaccine %(gap)s days from %(other)s, "
                        "another live vaccine, on %(other_date)s: give live vaccines on the "
                        "same day or at least %(days)s days apart."
                    )
                    % dict(
                        values,
                        gap=abs((given_on - day).days),
                        other=_name(other),
                        other_date=day.isoformat(),
                        days=spacing,
                    )
                )
    return problems


def live_before(tests_on, doses, days: int = LIVE_BEFORE_TST_IGRA_DAYS) -> list[dict]:
    """Live vaccine doses in the `days` days before a TST/IGRA date.

    A live vaccine can suppress the tuberculin/IGRA response for about four weeks, so the
    health assessment warns that a negative result may be false. A dose on the same day as
    the test does not count: ACIP and the CDC instructions allow the test the same day (it
    is placed or drawn before the vaccine can blunt the response). Every live vaccine counts,
    oral ones too: this is a warning, not a refusal.
    """
    tests_on = _day(tests_on)
    hits = [
        d
        for d in doses
        if _is_live(_cvx(d["cvx"])) and 0 < (tests_on - _day(d["date"])).days < days
    ]
    return sorted(hits, key=lambda d: _day(d["date"]))
