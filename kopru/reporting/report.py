"""The quarterly report (seed 003): every figure of the organisation's own report, for any
mission, period and filter. The page, the PDF and the workbook are made from `build`'s result."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopru.core.models import Donor, Location, Project
from kopru.services.models import Sector, SubSector, Unit

from . import charts, disclosure
from .engine import AGE_BANDS, GROUP_ORDER, SEXES, Scope, compute
from .models import UNATTRIBUTED

GROUP_NAMES = {
    "refugee": gettext_lazy("Refugees (temporary protection)"),
    "international_protection": gettext_lazy("International protection"),
    "migrant": gettext_lazy("Migrants"),
    "host_community": gettext_lazy("Host community"),
}
SEX_NAMES = {
    "female": gettext_lazy("Female"),
    "male": gettext_lazy("Male"),
    "other": gettext_lazy("Other / not stated"),
}


# --- Periods ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str  # quarter, month, year, custom
    start: datetime.date
    end: datetime.date

    @property
    def label(self):
        if self.kind == "quarter":
            q = (self.start.month - 1) // 3 + 1
            return _("Q%(quarter)s %(year)s") % {"quarter": q, "year": self.start.year}
        if self.kind == "month":
            return date_format(self.start, "F Y")
        if self.kind == "year":
            return str(self.start.year)
        return f"{date_format(self.start, 'j M Y')} – {date_format(self.end, 'j M Y')}"

    @property
    def months(self):
        out, day = [], self.start.replace(day=1)
        while day <= self.end:
            out.append(day)
            day = (day + datetime.timedelta(days=32)).replace(day=1)
        return out


def quarter(year, number):
    start = datetime.date(year, 3 * (number - 1) + 1, 1)
    end = (start + datetime.timedelta(days=95)).replace(day=1) - datetime.timedelta(days=1)
    return Period("quarter", start, end)


def month(year, number):
    start = datetime.date(year, number, 1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return Period("month", start, end)


def year(number):
    return Period("year", datetime.date(number, 1, 1), datetime.date(number, 12, 31))


def last_twelve_months(today=None):
    """The dashboard's default: this month so far and the eleven before it."""
    today = today or timezone.localdate()
    start = today.replace(day=1)
    for _i in range(11):
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    return Period("custom", start, today)


def last_quarter(today=None):
    """The last complete quarter: what a quarterly report is usually run for."""
    today = today or timezone.localdate()
    q = (today.month - 1) // 3  # the current quarter's number minus one
    return quarter(today.year, q) if q else quarter(today.year - 1, 4)


# --- The report -------------------------------------------------------------------------------


@dataclass
class Line:
    """One row of a breakdown: unique registered people, people counted by headcount, their
    sum, services, and households where the report shows them."""

    name: str
    unique: int = 0
    headcount: int = 0
    services: int = 0
    households: int | None = None
    code: str = ""
    children: list = field(default_factory=list)
    hidden: set = field(default_factory=set)  # figures a shared report leaves out

    @property
    def total(self):
        return self.unique + self.headcount

    def shown(self, name):
        return None if name in self.hidden else getattr(self, name)


@dataclass
class PanelRow:
    """A programme figure that is not a count of people reached (a training's mean test
    improvement, projects completed). `people` is how many people stand behind it: a shared
    report leaves the value out when they are fewer than its threshold."""

    label: str
    value: str
    people: int | None = None
    hidden: bool = False


@dataclass
class Panel:
    title: str
    rows: list  # PanelRow
    note: str = ""


# Programme apps add their figures here from their hooks module: callables
# (scope, period) -> Panel | None, reading their own tables for what service events cannot
# carry. Counts of people and services stay with the service events.
PANELS = []


@dataclass
class Report:
    scope: Scope
    period: Period
    figures: object
    sectors: list
    units: list
    provinces: list
    sites: list
    projects: list
    donors: list
    sex_age: list  # (band, {sex: (unique, headcount)})
    groups: list  # (name, unique)
    disability: dict
    generated_at: datetime.datetime
    filters: list  # (label, value) of the filters applied
    shared: bool = False
    threshold: int = 0
    panels: list = field(default_factory=list)
    hidden: set = field(default_factory=set)  # headline figures left out; "sex_age" cells

    def shown(self, name):
        """A headline figure, or None when the shared report leaves it out."""
        return None if name in self.hidden else getattr(self.figures, name)

    @property
    def non_unique_percent(self):
        return round(self.figures.non_unique_share * 100)

    @property
    def provinces_covered(self):
        return sum(1 for p in self.provinces if p.total or p.services)

    @property
    def women_men_girls_boys(self):
        """The seeds' wording: sex by under 18 / 18 and over, unique and counted together."""
        out = {"women": 0, "men": 0, "girls": 0, "boys": 0}
        for band, cells in self.sex_age:
            adult = band in ("18-59", "60+")
            for sex, (unique, headcount) in cells.items():
                if sex == "female":
                    out["women" if adult else "girls"] += (unique or 0) + (headcount or 0)
                elif sex == "male":
                    out["men" if adult else "boys"] += (unique or 0) + (headcount or 0)
        return out

    @property
    def data_source(self):
        return data_source(self.scope.mission, self.period, self.generated_at)

    # Charts: drawn here so that the page and the PDF show the same drawing.
    def chart_sectors(self):
        return charts.bars(
            [(s.name, s.shown("total") or 0) for s in self.sectors],
            label=_("People reached by sector"),
        )

    def chart_provinces(self):
        return charts.bars(
            [(p.name, p.shown("total") or 0) for p in self.provinces if p.total][:20],
            label=_("People reached by province"),
        )

    def chart_sites(self):
        return charts.bars(
            [(s.name, s.shown("total") or 0, s.services) for s in self.sites[:15]],
            label=_("People reached"),
            second=_("Services"),
        )

    def chart_months(self):
        """People reached (unique per month plus headcount) and services, month by month."""
        f = self.figures
        people = {
            m: f.people_by.get("month", {}).get(m, 0) + f.headcount_by.get("month", {}).get(m, 0)
            for m in self.period.months
        }
        return charts.columns(
            self.period.months,
            [(_("People reached"), people), (_("Services"), f.services_by.get("month", {}))],
            label=_("People reached and services by month"),
        )

    def chart_pyramid(self):
        rows = [
            (band, cells.get("female", (0, 0)), cells.get("male", (0, 0)))
            for band, cells in self.sex_age
            if band != "unknown"
        ]
        return charts.pyramid(
            [(band, sum(x or 0 for x in f), sum(x or 0 for x in m)) for band, f, m in rows],
            label=_("People reached by sex and age"),
        )

    def map(self):
        country = self.scope.mission.country
        if not charts.has_map(country):
            return ""
        values = {p.code: p.shown("total") or 0 for p in self.provinces}
        names = {p.code: p.name for p in self.provinces}
        return charts.choropleth(
            country, values, names=names, label=_("People reached by province")
        )


def data_source(mission, period, when):
    return _(
        "Data source: %(mission)s service records in Kopru, %(period)s, as of %(when)s. "
        "Boundaries: Natural Earth."
    ) % {
        "mission": mission,
        "period": period.label,
        "when": date_format(timezone.localtime(when), "j F Y H:i"),
    }


def _named(model, ids, **filters):
    return {o.pk: o for o in model.objects.filter(pk__in=[i for i in ids if i], **filters)}


def build(scope, period, *, shared=False, threshold=None, months=False) -> Report:
    f = compute(scope, months=months)
    mission = scope.mission

    def line(name, dimension, key, households=False, code=""):
        return Line(
            name=str(name),
            unique=f.people_by.get(dimension, {}).get(key, 0),
            headcount=f.headcount_by.get(dimension, {}).get(key, 0),
            services=f.services_by.get(dimension, {}).get(key, 0),
            households=f.households_by.get(dimension, {}).get(key, 0) if households else None,
            code=code,
        )

    sectors = []
    for sector in Sector.objects.filter(mission=mission):
        row = line(sector, "sector", sector.pk, households=True)
        for sub in SubSector.objects.filter(sector=sector):
            child = line(sub, "sub_sector", sub.pk, households=True)
            if child.total or child.services:
                row.children.append(child)
        if row.total or row.services:
            sectors.append(row)
    units = [
        line(u, "unit", u.pk, households=True)
        for u in Unit.objects.filter(mission=mission)
        if f.people_by.get("unit", {}).get(u.pk) or f.services_by.get("unit", {}).get(u.pk)
    ]
    provinces = [
        line(p.name, "province", p.pk, households=True, code=p.iso_code)
        for p in Location.objects.filter(mission=mission, level=Location.Level.PROVINCE)
    ]
    provinces.sort(key=lambda p: (-p.total, p.name))
    site_ids = set(f.people_by.get("site", {})) | set(f.services_by.get("site", {}))
    sites = [line(s.name, "site", s.pk) for s in _named(Location, site_ids).values()]
    sites.sort(key=lambda s: (-s.total, s.name))
    project_ids = set(f.people_by.get("project", {})) | set(f.services_by.get("project", {}))
    projects = [
        line(f"{p.code} {p.name}", "project", p.pk, code=p.grant_code)
        for p in _named(Project, project_ids).values()
    ]
    projects.sort(key=lambda p: (-p.total, p.name))
    if UNATTRIBUTED in project_ids:
        projects.append(line(_("Not attributed to a project"), "project", UNATTRIBUTED))
    donor_ids = set(f.people_by.get("donor", {})) | set(f.services_by.get("donor", {}))
    donors = [line(d.name, "donor", d.pk) for d in _named(Donor, donor_ids).values()]
    donors.sort(key=lambda d: (-d.total, d.name))
    bands = [*AGE_BANDS, "unknown"]
    sex_age = []
    for band in bands:
        cells = {
            sex: (f.sex_age.get((sex, band), 0), f.sex_age_headcount.get((sex, band), 0))
            for sex in SEXES
        }
        if band != "unknown" or any(sum(c) for c in cells.values()):
            sex_age.append((band, cells))
    groups = [(GROUP_NAMES[g], f.groups.get(g, 0)) for g in GROUP_ORDER]
    disability = {
        "unique": f.disability.get(True, 0),
        "headcount": f.disability_headcount.get(True, 0),
    }
    rep = Report(
        scope=scope,
        period=period,
        figures=f,
        sectors=sectors,
        units=units,
        provinces=provinces,
        sites=sites,
        projects=projects,
        donors=donors,
        sex_age=sex_age,
        groups=groups,
        disability=disability,
        generated_at=timezone.now(),
        filters=_filters(scope),
        shared=shared,
        panels=[panel for source in PANELS if (panel := source(scope, period))],
    )
    if shared:
        _protect(rep, threshold or settings.KOPRU_DISCLOSURE_THRESHOLD)
    return rep


def _protect(rep, threshold):
    """Leave out what could point at a few people (REPORTING.md, disclosure control).

    Breakdowns show people reached (unique + headcount) and households only, each list
    protected with its total; the sex and age table with the overall total; population groups
    and disability with the registered total. Services are not people and stay."""
    rep.threshold = threshold
    f = rep.figures
    for panel in rep.panels:
        for row in panel.rows:
            row.hidden = row.people is not None and 0 < row.people < threshold
    everything = ("total", "unique", "headcount", "households")
    lists = [rep.sectors, rep.units, rep.provinces, rep.sites, rep.projects, rep.donors]
    lists += [s.children for s in rep.sectors]
    for lines in lists:
        for line in lines:
            line.hidden |= {"unique", "headcount"}
        hidden = disclosure.suppress_lines({i: x.total for i, x in enumerate(lines)}, threshold)
        for i in hidden - {disclosure.TOTAL}:
            lines[i].hidden.add("total")
        households = {i: x.households for i, x in enumerate(lines) if x.households}
        for i in disclosure.suppress_lines(households, threshold) - {disclosure.TOTAL}:
            lines[i].hidden.add("households")
    if f.total < threshold:
        rep.hidden |= {*everything, "groups", "disability", "sex_age"}
        for lines in lists:
            for line in lines:
                line.hidden |= set(everything)
        return
    pair = {"unique": f.unique, "headcount": f.headcount}
    rep.hidden |= disclosure.suppress_lines(pair, threshold) - {disclosure.TOTAL}
    if 0 < f.households < threshold:
        rep.hidden.add("households")
    cells = {
        (band, sex): unique + headcount
        for band, by_sex in rep.sex_age
        for sex, (unique, headcount) in by_sex.items()
    }
    hidden = disclosure.protect(cells, threshold, row_totals=False, column_totals=False)
    rep.sex_age = [
        (band, {sex: (None, None) if (band, sex) in hidden else pair for sex, pair in by.items()})
        for band, by in rep.sex_age
    ]
    rep.hidden.add("women_men_girls_boys")  # subtotals of the table would undo its protection
    groups = dict(rep.groups)
    hidden = disclosure.suppress_lines(groups, threshold)
    rep.groups = [(name, None if name in hidden else n) for name, n in rep.groups]
    for kind, total in (("unique", f.unique), ("headcount", f.headcount)):
        with_disability = rep.disability[kind]
        split = {True: with_disability, False: total - with_disability}
        if True in disclosure.suppress_lines(split, threshold):
            rep.disability[kind] = None


def _filters(scope):
    out = []
    for label, value in (
        (_("Unit"), scope.unit),
        (_("Sector"), scope.sector),
        (_("Project"), scope.project),
        (_("Donor"), scope.donor),
        (_("Province"), scope.province),
        (_("Site"), scope.site),
    ):
        if value is not None:
            out.append((label, str(value)))
    return out
