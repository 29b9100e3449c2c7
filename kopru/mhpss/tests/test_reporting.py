"""An awareness session counts in the quarterly report under Protection: its registered
participants once each, and the people it counted by head beside them."""

from datetime import timedelta

from django.utils import timezone

from kopru.core.tests.factories import mission
from kopru.mhpss import services
from kopru.reporting import report
from kopru.reporting.engine import Scope
from kopru.services.models import Sector


def test_an_awareness_session_counts_its_people_under_protection(
    counsellor_zehra, sanliurfa_team, haliliye_centre, neighbours
):
    services.record_activity(
        counsellor_zehra,
        sanliurfa_team,
        kind="awareness",
        topic="sixteen_days",
        at=timezone.now() - timedelta(hours=1),
        location=haliliye_centre,
        participants=neighbours[:3],
        headcounts=[
            {"sex": "female", "age_band": "18-59", "disability": False, "count": 12},
            {"sex": "female", "age_band": "12-17", "disability": True, "count": 2},
            {"sex": "male", "age_band": "5-11", "disability": False, "count": 4},
        ],
    )
    today = timezone.localdate()
    period = report.Period("custom", today - timedelta(days=1), today + timedelta(days=1))
    built = report.build(Scope(mission("TR"), period.start, period.end), period)
    protection = str(Sector.objects.get(mission=mission("TR"), code="protection"))
    line = next(s for s in built.sectors if s.name == protection)
    assert (line.unique, line.headcount, line.total, line.services) == (3, 18, 21, 1)
    assert built.women_men_girls_boys["girls"] >= 2 and built.women_men_girls_boys["boys"] >= 4
