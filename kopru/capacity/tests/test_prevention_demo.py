"""The surveys and prevention demo loads a quarter of work and adds nothing the second time."""

from kopru.capacity.demo_surveys import load_demo_surveys
from kopru.capacity.models import PreventionReferral, PreventionTally, SurveyResponse
from kopru.core.tests.factories import make_user
from kopru.health.models import Immunization


def test_the_demo_loads_once(minsk_team, db):
    make_user("capacity_officer", "capacity_officer", missions=("BY",), teams=[minsk_team])
    make_user("admin", "admin", missions=("TR", "BY"))
    load_demo_surveys()
    counts = (
        SurveyResponse.objects.filter(form_code="migrant_health_needs").count(),
        SurveyResponse.objects.filter(form_code="facility_capacity").count(),
        PreventionReferral.objects.count(),
        PreventionTally.objects.count(),
    )
    assert counts == (60, 12, 36, 1)
    by_status = {
        s: PreventionReferral.objects.filter(status=s).count()
        for s in ("reached", "not_reached", "referred")
    }
    assert by_status == {"reached": 24, "not_reached": 8, "referred": 4}
    vaccinated = PreventionReferral.objects.filter(
        status="reached", programme__in=["covid19_vaccination", "mr_vaccination"]
    ).count()
    assert Immunization.objects.count() == vaccinated > 0
    load_demo_surveys()
    assert SurveyResponse.objects.count() == 72 and PreventionReferral.objects.count() == 36
