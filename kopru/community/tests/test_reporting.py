"""The quarterly report counts a completed project's catchment (non-unique headcounts) in
its sector, and a home repair as the household and its members under Basic needs."""

import datetime as dt

from kopru.community import repairs
from kopru.core.tests.factories import mission
from kopru.reporting import report
from kopru.reporting.engine import Scope
from kopru.services.models import Sector

from .test_projects import _complete
from .test_repairs import _inspected, repair  # noqa: F401  (the fixture)


def _sectors(day):
    period = report.Period("custom", day - dt.timedelta(days=1), day + dt.timedelta(days=1))
    built = report.build(Scope(mission("TR"), period.start, period.end), period)
    codes = {str(s): s.code for s in Sector.objects.filter(mission=mission("TR"))}
    return built, {codes[line.name]: line for line in built.sectors}


def test_a_completed_school_counts_its_catchment_under_education(shelter_burak, school, today):
    _complete(shelter_burak, school, today)
    built, lines = _sectors(today)
    assert lines["education"].total == 325
    assert (built.figures.headcount, built.figures.unique, lines["education"].services) == (
        325,
        0,
        1,
    )


def test_a_home_repair_counts_the_household_under_basic_needs(
    shelter_burak,
    repair,  # noqa: F811
    today,
):
    _inspected(shelter_burak, repair, today)
    repairs.confirm_moved_in(shelter_burak, repair, on=today)
    repairs.complete_repair(shelter_burak, repair, completed_on=today)
    _built, lines = _sectors(today)
    assert (lines["basic_needs"].households, lines["basic_needs"].unique) == (1, 3)
