"""Named people of the capacity tests (CONVENTIONS.md), in the Belarus mission: Alena is the
project officer of the Minsk team (Minsk city and Minsk region), Pavel a project officer of
a Brest team; Olga (core) is the mission's M&E officer."""

import pytest

from kopru.core.models import Donor, Location, Project
from kopru.core.tests.conftest import *  # noqa: F401,F403  (named people and places)
from kopru.core.tests.factories import location, make_site, make_team, make_user, mission


def _district(province, name, pcode):
    parent = location(province)
    return Location.objects.get_or_create(
        pcode=pcode,
        defaults={
            "mission": parent.mission,
            "parent": parent,
            "level": Location.Level.DISTRICT,
            "name": name,
            "path": f"{parent.path}{pcode}/",
        },
    )[0]


@pytest.fixture
def minsk_office(db):
    return make_site(_district("BY02", "Minsk", "BY0201"), "Kopru office Minsk", "office")


@pytest.fixture
def brest_office(db):
    return make_site(_district("BY01", "Brest", "BY0101"), "Kopru office Brest", "office")


@pytest.fixture
def minsk_team(minsk_office):
    return make_team(
        "Migration health project Minsk",
        code="BY",
        base=minsk_office,
        locations=[location("BY02"), location("BY06")],
    )


@pytest.fixture
def brest_team(brest_office):
    return make_team("Migration health project Brest", code="BY", base=brest_office,
                     locations=[location("BY01")])  # fmt: skip


@pytest.fixture
def officer_alena(minsk_team):
    return make_user("officer_alena", "capacity_officer", missions=("BY",), teams=[minsk_team])


@pytest.fixture
def officer_pavel(brest_team):
    return make_user("officer_pavel", "capacity_officer", missions=("BY",), teams=[brest_team])


@pytest.fixture
def by_project(db):
    return Project.objects.create(
        mission=mission("BY"),
        code="BY-CD-T",
        name="Migration health and communicable diseases",
        donor=Donor.objects.get_or_create(name="IOM Development Fund")[0],
        start_date="2026-01-01",
        end_date="2027-02-28",
    )


# --- surveys and prevention: Farid, an Afghan registered in Minsk who consented to be
# referred to the city polyclinic (a directory entry offering prevention referrals).


@pytest.fixture
def migrant_farid(officer_alena, minsk_office):
    from datetime import date

    from kopru.registry import services as registry

    person = registry.new_person(
        mission("BY"),
        given_name="Farid",
        family_name="Rahimi",
        sex="male",
        birth_date=date(1994, 3, 1),
        birth_date_precision="month",
        nationality="AFG",
        population_group="ip_applicant",
        location=minsk_office,
    )
    return registry.register_person(officer_alena, person)


@pytest.fixture
def polyclinic(admin_selin, minsk_office):
    from kopru.services import referrals
    from kopru.services.models import Provider, ServiceType

    offers = ServiceType.objects.filter(mission=mission("BY"), code="prevention_programme_referral")
    return referrals.save_provider(
        admin_selin,
        Provider(mission=mission("BY"), name="City polyclinic No. 2", kind="hospital",
                 location=minsk_office.parent),
        offers=list(offers),
    )  # fmt: skip


@pytest.fixture
def farid_consents(officer_alena, migrant_farid, polyclinic):
    from kopru.registry import services as registry

    return registry.record_consent(
        officer_alena, migrant_farid, purpose="referral", decision="given", language="en",
        recipient=polyclinic.name,
    )  # fmt: skip
