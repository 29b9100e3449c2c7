"""/api/v1/reporting/: the report's figures, the 5W rows and progress against targets, for
dashboards and coordination tools elsewhere. The query takes the report page's filters."""

from datetime import date

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema

from kopru.core.api_auth import policy

from . import exports, indicators, report
from .forms import ReportForm

router = Router(tags=["reporting"])


class LineOut(Schema):
    name: str
    code: str = ""
    people_reached: int | None = Field(None, description="Unique registered + headcount")
    unique: int | None = None
    headcount: int | None = None
    services: int
    households: int | None = None


class SummaryOut(Schema):
    mission: str
    start: date
    end: date
    shared: bool = Field(description="Small numbers are null: hidden for sharing")
    people_reached: int | None
    unique: int | None
    headcount: int | None
    services: int
    households: int | None
    non_unique_share: float
    pending_duplicate_pairs: int
    sectors: list[LineOut]
    provinces: list[LineOut]
    projects: list[LineOut]
    months: dict[str, int] = Field(description="People reached per month (YYYY-MM)")


class ActivityOut(Schema):
    hxl: dict[str, str] = Field(description="Column key -> HXL hashtag")
    rows: list[dict[str, str | int | None]]


class ProgressOut(Schema):
    indicator: str
    name: str
    project: str | None
    start: date
    end: date
    target: float
    achieved: float | None
    percent: float | None
    status: str


def _form(request):
    form = ReportForm(request.mission, request.GET)
    if not form.is_valid():
        raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
    scope, period = form.scope_and_period()
    return form, scope, period


def _line(line):
    return {
        "name": line.name,
        "code": line.code,
        "people_reached": line.shown("total"),
        "unique": line.shown("unique"),
        "headcount": line.shown("headcount"),
        "services": line.services,
        "households": line.shown("households"),
    }


@router.get("/summary", response=SummaryOut, auth=policy("reporting.summary"))
def summary(request):
    """The quarterly report's figures for a period and filters.

    Query: period (quarter, month, year or custom), year, quarter, month, start and end
    (YYYY-MM-DD), unit, sector, project, donor, province and site (ids), and shared=true to hide
    small numbers for sharing outside the mission."""
    form, scope, period = _form(request)
    r = report.build(scope, period, shared=form.is_shared, months=True)
    f = r.figures
    months = f.people_by.get("month", {})
    heads = f.headcount_by.get("month", {})
    return {
        "mission": scope.mission.code,
        "start": period.start,
        "end": period.end,
        "shared": r.shared,
        "people_reached": r.shown("total"),
        "unique": r.shown("unique"),
        "headcount": r.shown("headcount"),
        "services": f.services,
        "households": r.shown("households"),
        "non_unique_share": round(f.non_unique_share, 4),
        "pending_duplicate_pairs": f.pending_pairs,
        "sectors": [_line(s) for s in r.sectors],
        "provinces": [_line(p) for p in r.provinces if p.total or p.services],
        "projects": [_line(p) for p in r.projects],
        "months": {
            m.strftime("%Y-%m"): months.get(m, 0) + heads.get(m, 0)
            for m in period.months
            if not r.shared
        },
    }


@router.get("/activities", response=ActivityOut, auth=policy("reporting.activities"))
def activities(request):
    """The 5W rows (who, what, where, when, for whom), as the CSV and HXL exports give them.

    Query: period (quarter, month, year or custom), year, quarter, month, start and end
    (YYYY-MM-DD), unit, sector, project, donor, province and site (ids), and shared=true to hide
    small numbers for sharing outside the mission."""
    form, scope, period = _form(request)
    table = exports.build(scope, period, shared=form.is_shared)
    return {
        "hxl": {c.key: c.tag for c in table.columns},
        "rows": [
            {c.key: table.value(i, c.key) for c in table.columns} for i in range(len(table.rows))
        ],
    }


@router.get("/progress", response=list[ProgressOut], auth=policy("reporting.progress"))
def progress(request, project: int | None = None, donor: int | None = None):
    """Progress against every target running or ended by today, for a project or donor."""
    from kopru.core.models import Donor, Project

    chosen = (
        Project.objects.filter(mission=request.mission, pk=project).first() if project else None
    )
    funder = Donor.objects.filter(pk=donor).first() if donor else None
    return [
        {
            "indicator": p.indicator.code,
            "name": p.indicator.name,
            "project": p.target.project.code if p.target.project else None,
            "start": p.target.start,
            "end": p.target.end,
            "target": float(p.target.value),
            "achieved": None if p.achieved.value is None else float(p.achieved.value),
            "percent": p.percent,
            "status": p.status,
        }
        for p in indicators.progress(request.mission, project=chosen, donor=funder)
    ]
