"""Job matching: how well a skills profile fits a vacancy, with the reasons, by the weights
and rules of data/matching.json. Plain functions on plain rows, so a page, the API and the
tests rank alike.

The occupation counts at its closest ISCO-08 level only (same unit group, else the same minor
group, else the same sub-major group), plus years of experience in it; then the province,
each language asked for (at its level), the education minimum and the work permit."""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from . import codes


@dataclass
class Match:
    profile: object
    vacancy: object
    score: int
    reasons: list = field(default_factory=list)  # [(points, text)], best first


def permit_valid(profile, on):
    entry = codes.labour("work_permits").get(profile.permit)
    if not entry or not entry["valid"]:
        return False
    return not entry.get("expires") or (profile.permit_expires and profile.permit_expires >= on)


def fit(profile, vacancy, on=None):
    """A Match, or None when the profile does not fit at all (see the data file's rules)."""
    rules = codes.matching()
    on = on or timezone.localdate()
    availability = codes.labour("availability").get(profile.availability)
    if not availability or not availability["matchable"]:
        return None
    reasons, score = [], 0

    best = None  # (points, level, occupation, years)
    for occ in profile.occupations:
        level = codes.closeness(occ["isco"], vacancy.isco)
        if level is None:
            continue
        years = int(occ.get("years") or 0)
        points = rules["occupation"][level] + min(
            years * rules["experience_per_year"], rules["experience_cap"]
        )
        if best is None or points > best[0]:
            best = (points, level, occ["isco"], years)
    if best is None:
        if rules["occupation_required"]:
            return None
    else:
        points, level, isco, years = best
        label = {
            "unit_group": _("Same occupation: %(occupation)s, %(years)s years"),
            "minor_group": _(
                "Related occupation (same minor group): %(occupation)s, %(years)s years"
            ),
            "sub_major_group": _(
                "Occupation in the same field (sub-major group): %(occupation)s, %(years)s years"
            ),
        }[level]
        reasons.append((points, label % {"occupation": codes.occupation(isco), "years": years}))
        score += points

    if profile.province_id == vacancy.province_id:
        reasons.append((rules["same_province"], _("Lives in the vacancy's province")))
        score += rules["same_province"]
    else:
        reasons.append((0, _("Lives in another province")))

    spoken = {lang["code"]: codes.level_rank(lang["level"]) for lang in profile.languages}
    for wanted in vacancy.languages:
        name = codes.language_name(wanted["code"])
        if spoken.get(wanted["code"], 0) >= codes.level_rank(wanted["level"]):
            reasons.append(
                (rules["each_language"], _("Speaks %(language)s as asked") % {"language": name})
            )
            score += rules["each_language"]
        else:
            reasons.append((0, _("Does not speak %(language)s as asked") % {"language": name}))

    if codes.education_rank(profile.education) >= codes.education_rank(vacancy.min_education):
        reasons.append((rules["education_met"], _("Education meets the minimum")))
        score += rules["education_met"]
    else:
        reasons.append((0, _("Education below the minimum")))

    if vacancy.permit_required:
        if permit_valid(profile, on):
            reasons.append((rules["permit_valid"], _("Holds a valid work permit or is exempt")))
            score += rules["permit_valid"]
        elif rules["permit_required_is_hard"]:
            return None
        else:
            reasons.append((0, _("No valid work permit")))
    if score < rules["minimum_score"]:
        return None
    reasons.sort(key=lambda r: -r[0])
    return Match(profile, vacancy, score, reasons)


def rank(matches):
    return sorted((m for m in matches if m is not None), key=lambda m: -m.score)


def for_vacancy(vacancy, profiles, on=None):
    """The profiles that fit the vacancy, best first."""
    return rank(fit(p, vacancy, on) for p in profiles)


def for_profile(profile, vacancies, on=None):
    """The vacancies that fit the profile, best first."""
    return rank(fit(profile, v, on) for v in vacancies)
