"""The demo: realistic work through the app's own functions, and a second run adds nothing."""

import pytest

from kopru.core import demo as core_demo
from kopru.education.demo import load_demo_education
from kopru.education.models import Certificate, Enrolment, Route, Sheet, SpecialCase
from kopru.services.models import ServiceEvent


@pytest.fixture
def core_only(db, monkeypatch):
    """The core's users, sites, teams and projects, without the other apps' demos."""
    monkeypatch.setattr(core_demo, "LOADERS", [])
    core_demo.load_demo()


def _counts():
    return (
        Route.objects.count(),
        Enrolment.objects.count(),
        Sheet.objects.count(),
        Certificate.objects.count(),
        SpecialCase.objects.count(),
        ServiceEvent.objects.count(),
    )


def test_the_demo_loads_once_and_a_second_run_adds_nothing(core_only):
    load_demo_education(scale=0.15)
    first = _counts()
    routes, enrolments, sheets, certificates, cases, events = first
    assert routes == 4 and enrolments > 12 and sheets > 50 and cases >= 3
    full = Route.objects.get(code="SUR-02")
    assert full.enrolments.filter(withdrawn_on__isnull=True).count() == full.capacity
    assert certificates > 0
    assert ServiceEvent.objects.filter(service_type__code="pupil_school_transport").exists()
    load_demo_education(scale=0.15)
    assert _counts() == first
