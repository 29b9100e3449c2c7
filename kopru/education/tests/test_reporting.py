"""The quarterly report's Education line counts what the officer records: a pupil's month on
a bus, a course session with its learners, a special-education follow-up."""

from datetime import time, timedelta

from kopru.core.tests.factories import mission
from kopru.education import courses, special, transport
from kopru.reporting import report
from kopru.reporting.engine import Scope
from kopru.services.models import Sector

from .conftest import TODAY, consent_to, school_day


def _education(start, end):
    period = report.Period("custom", start, end)
    built = report.build(Scope(mission("TR"), period.start, period.end), period)
    codes = {str(s): s.code for s in Sector.objects.filter(mission=mission("TR"))}
    return {codes[line.name]: line for line in built.sectors}.get("education")


def test_transport_courses_and_special_education_count_in_the_education_line(
    officer_fatma, clerk_zeynep, route, term, family, school, centre_course, ram
):
    day = school_day(1, 1)
    start, end = day - timedelta(days=1), TODAY + timedelta(days=1)
    assert _education(start, end) is None or _education(start, end).services == 0
    ali = transport.enrol(
        officer_fatma, route, term, pupil=family["ali"], guardian=family["amina"], school=school
    )
    transport.record_sheet(officer_fatma, route, day=day, rides={ali.pk: 1})
    transport.record_sheet(officer_fatma, route, day=school_day(1, 2), rides={ali.pk: 1})
    learners = [courses.enrol(officer_fatma, centre_course, family[n]) for n in ("amina", "leyla")]
    courses.record_session(
        officer_fatma, centre_course, day=day, start=time(10), minutes=120, present=learners
    )
    consent_to(clerk_zeynep, family["rami"], family["amina"], ram)
    case = special.refer(officer_fatma, family["rami"], centre=ram, needs="Low vision.")
    special.record_answer(officer_fatma, case, accepted=True)
    special.record_follow_up(officer_fatma, case, day=TODAY, attendance="centre", notes="Seen.")
    line = _education(start, end)
    months = len({day.month, school_day(1, 2).month})
    # Ali's month(s) on the bus, one session, one follow-up: Ali, Amina, Leyla and Rami.
    assert (line.services, line.unique) == (months + 2, 4)
