"""What a prevention programme achieved: people referred and reached, the rate, by sex and
age band (the age at the referral). Registered people come from the referrals, group outreach
from the tallies' headcounts. These are programme figures (a rate needs the outcome, which no
service event carries); counts of people reached stay with the service events."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Sum

from kopru.core import access
from kopru.services.models import AgeBand, Headcount

from . import prevention
from .models import PreventionReferral, PreventionTally

SEXES = ("female", "male", "other")


def band(person, on):
    b = person.birth_date
    if b is None:
        return "unknown"
    age = on.year - b.year - ((on.month, on.day) < (b.month, b.day))
    for limit, name in ((5, "0-4"), (12, "5-11"), (18, "12-17"), (60, "18-59")):
        if age < limit:
            return name
    return "60+"


def _rate(reached, referred):
    return round(100 * reached / referred) if referred else None


@dataclass
class Figures:
    code: str
    name: str
    referred: int = 0
    reached: int = 0
    not_reached: int = 0
    waiting: int = 0
    tally_referred: int = 0
    tally_reached: int = 0
    cells: dict = field(default_factory=dict)  # (band, sex) -> [referred, reached]
    reasons: list = field(default_factory=list)  # (reason name, count)

    @property
    def rate(self):
        return _rate(self.reached, self.referred)

    @property
    def answered_rate(self):
        """Reached among those whose outcome is known."""
        return _rate(self.reached, self.reached + self.not_reached)

    @property
    def tally_rate(self):
        return _rate(self.tally_reached, self.tally_referred)

    def table(self):
        """[(band, [(referred, reached) per sex])] for the bands that have anyone."""
        bands = [*AgeBand.values, "unknown"]
        return [
            (b, [tuple(self.cells.get((b, s), (0, 0))) for s in SEXES])
            for b in bands
            if any(self.cells.get((b, s)) for s in SEXES)
        ]


def _scoped(user, mission, model, path_field):
    return access.scope(user, model.objects.all(), mission, path_field=path_field)


def figures(user, mission, *, since=None, until=None):
    """{programme code: Figures} over what the user's places hold (aggregate: no category)."""
    result = {c: Figures(c, prevention.name(c)) for c in prevention.programmes()}
    referrals = _scoped(user, mission, PreventionReferral, "person__location__path")
    tallies = _scoped(user, mission, PreventionTally, "location__path")
    if since:
        referrals, tallies = (
            referrals.filter(referred_on__gte=since),
            tallies.filter(held_on__gte=since),
        )
    if until:
        referrals, tallies = (
            referrals.filter(referred_on__lte=until),
            tallies.filter(held_on__lte=until),
        )
    reasons = {c: Counter() for c in result}
    for item in referrals.select_related("person"):
        f = result.get(item.programme)
        if f is None:
            continue
        f.referred += 1
        cell = f.cells.setdefault((band(item.person, item.referred_on), item.person.sex), [0, 0])
        cell[0] += 1
        if item.status == PreventionReferral.Status.REACHED:
            f.reached += 1
            cell[1] += 1
        elif item.status == PreventionReferral.Status.NOT_REACHED:
            f.not_reached += 1
            reasons[item.programme][item.not_reached_reason] += 1
        else:
            f.waiting += 1
    for tally in tallies:
        f = result.get(tally.programme)
        if f is None:
            continue
        f.tally_referred += tally.referred
        f.tally_reached += tally.reached or 0
    for code, f in result.items():
        f.reasons = [(prevention.name(r), n) for r, n in reasons[code].most_common()]
    return result


def tally_cells(user, mission, programme):
    """The outreach headcounts of a programme by (age band, sex)."""
    tallies = _scoped(user, mission, PreventionTally, "location__path").filter(programme=programme)
    rows = (
        Headcount.objects.filter(event__prevention_tally__in=tallies)
        .values("age_band", "sex")
        .annotate(n=Sum("count"))
    )
    return {(r["age_band"], r["sex"]): r["n"] for r in rows}
