"""A centre's beneficiaries and services for a period (issue 4, item 6): registered people
once each however they were served, people counted at sessions added as non-unique."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kopru.core.tests.factories import mission
from kopru.registry import services as registry
from kopru.registry.models import Household
from kopru.services.models import ServiceType
from kopru.services.selectors import centre_figures
from kopru.services.services import record_service, void_service

from .test_record import now

pytestmark = pytest.mark.django_db


def test_beneficiaries_and_services_of_a_centre_for_a_period(
    login, clerk_zeynep, amina, twenty, haliliye_centre
):
    tr = mission("TR")
    base = {"at": now(), "location": haliliye_centre, "modality": "centre"}
    counselling = ServiceType.objects.get(mission=tr, code="counselling_information_guidance")
    record_service(clerk_zeynep, tr, service_type=counselling, person=amina, **base)
    record_service(clerk_zeynep, tr, service_type=counselling, person=amina, **base)
    record_service(
        clerk_zeynep,
        tr,
        service_type=ServiceType.objects.get(mission=tr, code="centre_information_session"),
        participants=[amina, *twenty[:9]],
        headcounts=[{"sex": "female", "age_band": "18-59", "count": 40}],
        **base,
    )
    home = registry.create_household(
        clerk_zeynep, Household(mission=tr, location=haliliye_centre), head=twenty[10]
    )
    registry.add_member(clerk_zeynep, home, twenty[11], "spouse")
    record_service(
        clerk_zeynep,
        tr,
        service_type=ServiceType.objects.get(mission=tr, code="hygiene_kit_distribution"),
        household=home,
        **base,
    )
    mistake = record_service(clerk_zeynep, tr, service_type=counselling, person=twenty[12], **base)
    void_service(clerk_zeynep, mistake, reason="wrong person")
    start = timezone.now() - timedelta(days=1)
    figures = centre_figures(haliliye_centre, start, timezone.now() + timedelta(hours=1))
    # Amina once although served three times; 9 more in the session; a household of two.
    assert (figures["services"], figures["registered"], figures["counted"]) == (4, 12, 40)
    assert figures["beneficiaries"] == 52
    by_type = {r["service_type"]: r for r in figures["by_type"]}
    assert by_type[counselling.pk]["services"] == 2 and by_type[counselling.pk]["people"] == 1
    earlier = centre_figures(haliliye_centre, start - timedelta(days=30), start)
    assert earlier["services"] == 0

    page = login(clerk_zeynep).get(
        f"/services/centres/?site={haliliye_centre.pk}&start={start.date()}"
    )
    assert page.status_code == 200 and page.context["figures"]["beneficiaries"] == 52
