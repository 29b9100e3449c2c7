"""Indicators as data: counting what an M&E officer defined, and progress against targets.

An `Indicator` (models.py) is counted for an `engine.Scope` from the reporting projection, as
the quarterly report is, so a service recorded is in every indicator the moment it commits:

- **The services it counts**: the chosen service types (none chosen: all), narrowed by the
  sector, sub-sector and unit when given, and by the scope's own filters.
- **Measures**: *people reached* is the report's "total": unique registered people plus
  people counted by head at group sessions (never de-duplicated); *unique registered people*
  leaves the headcount out; *services* counts events (a group session is one service);
  *households* counts the distinct households of the registered people reached.
- **Filters on people** (sex, age bands, population group, disability) apply to the Reach rows:
  a registered person is counted when their attributes *as on their first service in the
  period among the indicator's services* match, the rule the report uses for its age and sex
  table (so a child who turns five in the period counts in one band, and the bands of an
  indicator add up to it). People counted by head (Tally) have a sex, an age band and a
  disability flag but no population group: they are included in *people reached* when the
  filters are on sex, age and disability only, and left out as soon as a population group is
  chosen (they cannot be said to belong to it). A count of services takes no people filter
  (models.Indicator.clean).
- **Ratios** divide the numerator's count by the denominator's over the same scope, shown as a
  percentage with both counts beside it.

`progress` measures targets: each target over its own period (capped at the day asked about)
and its own project (no project: the whole mission).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopru.registry.models import PopulationGroup

from . import engine
from .models import AGE_BANDS, SEXES, Indicator, Target

# How far behind the straight line from nothing at the start to the target at the end a
# target may be and still be called on track.
ON_TRACK = 0.9

STATUS = {
    "reached": _("Target reached"),
    "on_track": _("On track"),
    "behind": _("Behind"),
    "not_reached": _("Not reached"),
    "no_data": _("Nothing to divide by yet"),
}


@dataclass(frozen=True)
class Figure:
    """An indicator's value: the count, or for a ratio the percentage (None when the
    denominator is zero) with the two counts it was made from."""

    value: float | int | None
    numerator: int | None = None
    denominator: int | None = None

    @property
    def is_ratio(self):
        return self.denominator is not None


def group_codes(report_group):
    """The registry's population groups (Reach.population_group indexes) in a report group."""
    return [
        i
        for i, value in enumerate(PopulationGroup.values)
        if engine.REPORT_GROUPS.get(value, "migrant") == report_group
    ]


class Counter:
    """Counts any number of indicators over one scope, reading its rows once."""

    def __init__(self, scope):
        self.scope = scope
        self._rows = None
        self._tally = None
        self._types = {}

    @property
    def rows(self):
        if self._rows is None:
            self._rows = engine.fetch_rows(self.scope)
        return self._rows

    @property
    def tallies(self):
        if self._tally is None:
            self._tally = engine.tally(self.scope)
        return self._tally

    def type_ids(self, indicator):
        """The service types the indicator counts, or None for every service."""
        if indicator.pk not in self._types:
            ids = engine.service_type_ids(
                indicator.mission_id,
                unit_id=indicator.unit_id,
                sector_id=indicator.sector_id,
                sub_sector_id=indicator.sub_sector_id,
                chosen=[st.pk for st in indicator.service_types.all()],
            )
            self._types[indicator.pk] = None if ids is None else np.array(ids, dtype=np.int64)
        return self._types[indicator.pk]

    def figure(self, indicator) -> Figure:
        if indicator.is_ratio:
            top = self.count(indicator.numerator)
            bottom = self.count(indicator.denominator)
            return Figure(top * 100 / bottom if bottom else None, top, bottom)
        return Figure(self.count(indicator))

    def count(self, indicator) -> int:
        types = self.type_ids(indicator)
        measure = indicator.measure
        if measure == Indicator.Measure.SERVICES:
            t = self.tallies
            keep = (
                np.ones(len(t.services), dtype=bool)
                if types is None
                else np.isin(t.service_type, types)
            )
            return int(t.services[keep].sum())
        rows = self.rows
        mask = (
            np.ones(len(rows), dtype=bool) if types is None else np.isin(rows.service_type, types)
        )
        person, day = rows.person[mask], rows.day[mask]
        if indicator.people_filters and len(person):
            # Attributes as on each person's first service among these rows.
            first = np.flatnonzero(mask)[engine.first_rows(person, day)]
            keep = np.ones(len(first), dtype=bool)
            if indicator.sex:
                keep &= rows.sex[first] == SEXES.index(indicator.sex)
            if indicator.age_bands:
                bands = [AGE_BANDS.index(b) for b in indicator.age_bands]
                keep &= np.isin(rows.age_band[first], bands)
            if indicator.population_group:
                keep &= np.isin(rows.group[first], group_codes(indicator.population_group))
            if indicator.disability_only:
                keep &= rows.disability[first] == 1
            people = rows.person[first][keep]
            mask &= np.isin(rows.person, people)
        else:
            people = engine._distinct(person)
        if measure == Indicator.Measure.HOUSEHOLDS:
            households = rows.household[mask]
            return len(engine._distinct(households[households != 0]))
        if measure == Indicator.Measure.UNIQUE:
            return len(people)
        return len(people) + self.headcount(indicator, types)

    def headcount(self, indicator, types):
        """People counted by head at the indicator's group sessions, by its filters."""
        if indicator.population_group:
            return 0  # a headcount has no population group (see the module's docstring)
        t = self.tallies
        keep = t.people != 0
        if types is not None:
            keep &= np.isin(t.service_type, types)
        if indicator.sex:
            keep &= np.array([s == indicator.sex for s in t.sex], dtype=bool)
        if indicator.age_bands:
            keep &= np.array([b in indicator.age_bands for b in t.age_band], dtype=bool)
        if indicator.disability_only:
            keep &= t.disability
        return int(t.people[keep].sum())


def value(indicator, scope) -> Figure:
    """The indicator counted over a scope (a mission, a period, and the scope's filters)."""
    return Counter(scope).figure(indicator)


# --- Progress against targets ----------------------------------------------------------------


@dataclass
class Progress:
    """One target and how far it has come by `on`."""

    target: Target
    achieved: Figure
    on: datetime.date

    @property
    def indicator(self):
        return self.target.indicator

    @property
    def until(self):
        """The last day counted: the period's end, or `on` when the period is still running."""
        return min(self.target.end, self.on)

    @property
    def percent(self):
        """Achieved as a percentage of the target (None while a ratio has no denominator)."""
        if self.achieved.value is None:
            return None
        return float(Decimal(str(self.achieved.value)) * 100 / self.target.value)

    @property
    def elapsed(self):
        """The share of the target's period that has passed by `on`."""
        t = self.target
        return ((self.until - t.start).days + 1) / ((t.end - t.start).days + 1)

    @property
    def expected(self):
        """Where a count would be by now on a straight line to its target; a ratio's target
        holds all through the period."""
        if self.indicator.is_ratio:
            return float(self.target.value)
        return float(self.target.value) * self.elapsed

    @property
    def status(self):
        if self.achieved.value is None:
            return "no_data"
        percent = self.percent or 0
        if percent >= 100:
            return "reached"
        if self.on > self.target.end:
            return "not_reached"
        achieved = self.achieved.value or 0
        return "on_track" if achieved >= ON_TRACK * self.expected else "behind"

    @property
    def status_label(self):
        return STATUS[self.status]

    @property
    def bar(self):
        """The percentage of the target, capped at 100, for a progress bar."""
        return min(100, round(self.percent or 0))


def targets(mission, *, project=None, donor=None, indicator=None):
    """The targets of the mission's active indicators, by project and indicator."""
    qs = (
        Target.objects.filter(indicator__mission=mission, indicator__active=True)
        .select_related(
            "project__donor", "indicator__numerator", "indicator__denominator", "indicator"
        )
        .prefetch_related(
            "indicator__service_types",
            "indicator__numerator__service_types",
            "indicator__denominator__service_types",
        )
    )
    if project is not None:
        qs = qs.filter(project=project)
    elif donor is not None:
        qs = qs.filter(project__donor=donor)
    if indicator is not None:
        qs = qs.filter(indicator=indicator)
    return qs.order_by("project__code", "indicator__code", "start", "end")


def progress(mission, project=None, donor=None, on=None, *, within=None, indicator=None):
    """[Progress] for the targets whose period has started by `on` (today when not given):
    those running and those that ended before it. Each is counted over its own period up to
    `on` and its own project; a target without a project over the whole mission. With a
    project, only its targets; with a donor, the targets of its projects. `within` (start,
    end) keeps the targets whose period overlaps it."""
    on = on or timezone.localdate()
    found = targets(mission, project=project, donor=donor, indicator=indicator).filter(
        start__lte=on
    )
    if within is not None:
        found = found.filter(start__lte=within[1], end__gte=within[0])
    counters = {}
    rows = []
    for target in found:
        until = min(target.end, on)
        key = (target.start, until, target.project_id)
        if key not in counters:
            scope = engine.Scope(mission, target.start, until, project=target.project)
            counters[key] = Counter(scope)
        rows.append(Progress(target, counters[key].figure(target.indicator), on))
    return rows


# --- Describing a definition ------------------------------------------------------------------


def describe(indicator):
    """[(label, value)] of a definition, in words, for lists and the progress page."""
    if indicator.is_ratio:
        return [
            (_("Numerator"), str(indicator.numerator)),
            (_("Denominator"), str(indicator.denominator)),
        ]
    out = [(_("Counts"), indicator.get_measure_display())]
    types = list(indicator.service_types.all())
    if types:
        out.append((_("Services"), ", ".join(st.name for st in types)))
    for label, entry in (
        (_("Sector"), indicator.sector),
        (_("Sub-sector"), indicator.sub_sector),
        (_("Unit"), indicator.unit),
    ):
        if entry is not None:
            out.append((label, entry.name))
    if not (types or indicator.sector or indicator.sub_sector or indicator.unit):
        out.append((_("Services"), _("All services")))
    if indicator.sex:
        out.append((_("Sex"), indicator.get_sex_display()))
    if indicator.age_bands:
        out.append((_("Age"), ", ".join(indicator.age_bands)))
    if indicator.population_group:
        out.append((_("Population group"), indicator.get_population_group_display()))
    if indicator.disability_only:
        out.append((_("Disability"), _("People with a disability only")))
    return out
