"""The demo: the seeds' seven projects (six completed, their catchments the seeds' 6,199
people), repairs and rentals in Adana and Gaziantep; a second run adds nothing."""

from django.db.models import Sum

from kopru.community.demo import load_demo_community
from kopru.community.models import (
    RentalAgreement,
    RentPayment,
    Repair,
    StabilisationProject,
)
from kopru.core import demo as core_demo
from kopru.services.models import Headcount, ServiceEvent


def test_the_demo_loads_the_seeds_projects_once(db, monkeypatch):
    monkeypatch.setattr(core_demo, "LOADERS", [])
    core_demo.load_demo()
    load_demo_community()
    projects = StabilisationProject.objects.all()
    assert projects.count() == 7
    assert projects.filter(status="completed").count() == 6
    provinces = set(projects.values_list("district__parent__pcode", flat=True))
    assert provinces == {"TR01", "TR27", "TR31", "TR35", "TR45", "TR46"}
    counted = Headcount.objects.filter(event__service_type__code__in=[
        "school_repair", "public_facility_improvement"
    ]).aggregate(n=Sum("count"))["n"]  # fmt: skip
    assert counted == 6199
    assert Repair.objects.filter(status="completed", event__isnull=False).count() == 2
    assert RentalAgreement.objects.filter(previous__isnull=False).count() == 1
    assert RentalAgreement.objects.filter(ended_on__isnull=False).count() == 1
    counts = [
        m.objects.count()
        for m in (StabilisationProject, Repair, RentalAgreement, RentPayment, ServiceEvent)
    ]
    load_demo_community()
    assert counts == [
        m.objects.count()
        for m in (StabilisationProject, Repair, RentalAgreement, RentPayment, ServiceEvent)
    ]
