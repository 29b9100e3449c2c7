"""The services demo: a small-scale year of every programme, referrals in several states,
appointments with interpreters, and a second run that writes nothing."""

import pytest
from django.core.management import call_command
from django.db.models import Count

from kopru.core.models import AuditEvent
from kopru.registry.models import ConsentEvent, Household, Person
from kopru.services.demo import load_demo_services
from kopru.services.models import (
    Appointment,
    Interpreter,
    OpeningHours,
    Provider,
    Referral,
    ServiceEvent,
)

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Person,
            Household,
            ConsentEvent,
            ServiceEvent,
            Provider,
            Referral,
            Appointment,
            Interpreter,
            OpeningHours,
            AuditEvent,
        )
    }


def test_the_services_demo_fills_every_programme_and_loads_twice_without_change(settings):
    settings.DEMO_SCALE = 0.02  # the hook reads it when load_demo runs the loaders
    call_command("load_demo", verbosity=0)

    sectors = dict(
        ServiceEvent.objects.values_list("service_type__sub_sector__sector__code").annotate(
            n=Count("id")
        )
    )
    assert set(sectors) == {"basic_needs", "protection", "education", "health", "livelihoods"}
    assert ServiceEvent.objects.filter(mission__code="BY").exists()
    assert ServiceEvent.objects.filter(subject="group", headcounts__isnull=False).exists()
    assert ServiceEvent.objects.filter(subject="household").exists()

    statuses = set(Referral.objects.values_list("status", flat=True))
    assert {"completed", "declined", "sent"} <= statuses and len(statuses) >= 4
    outside = Referral.objects.exclude(provider__kind="internal")
    assert outside.exists() and not outside.filter(consent__isnull=True).exists()

    assert Appointment.objects.filter(interpreter__isnull=False).exists()
    assert Appointment.objects.filter(status="booked").exists()
    assert Interpreter.objects.get(name="Rania Haddad").user.username == "interpreter"
    assert Provider.objects.filter(kind="internal", team__isnull=False).exists()

    before = counts()
    load_demo_services(scale=0.02)
    assert counts() == before
