"""Named people of the health tests (CONVENTIONS.md): Dr Ayşe examines Yusuf, a 16-year-old
refugee bound for the United States, at the Migrant Health Centre in Istanbul."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from kopru.core.tests.conftest import *  # noqa: F401,F403  (named people and places)
from kopru.core.tests.factories import make_user
from kopru.registry import services as registry
from kopru.registry.tests.test_register import person


@pytest.fixture
def nurse_hatice(istanbul_team):
    return make_user("nurse_hatice", "nurse", teams=[istanbul_team])


@pytest.fixture
def caseworker_istanbul(istanbul_team):
    """A case worker in the same team as Dr Ayşe: same places, no health data."""
    return make_user("caseworker_deniz", "caseworker", teams=[istanbul_team])


def born_years_ago(years, days=40):
    today = timezone.localdate()
    return date(today.year - years, today.month, 1) - timedelta(days=days)


@pytest.fixture
def yusuf(dr_ayse, fatih_clinic):
    return registry.register_person(
        dr_ayse,
        person(
            fatih_clinic,
            given_name="Yusuf",
            family_name="Haddad",
            birth_date=born_years_ago(16),
            birth_date_precision="exact",
            nationality="SYR",
        ),
    )


@pytest.fixture
def us_case(dr_ayse, yusuf, fatih_clinic):
    from kopru.health import assessments

    return assessments.open_case(
        dr_ayse, yusuf, protocol="us", programme="refugee", location=fatih_clinic
    )
