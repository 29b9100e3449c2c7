"""Named people of the assistance tests (CONVENTIONS.md): Canan is the cash officer in
Şanlıurfa who targets, Kemal heads the unit and approves; the households live in Haliliye."""

from datetime import date

import pytest

from kopru.core.models import Donor, Project
from kopru.core.tests.conftest import *  # noqa: F401,F403  (named people and places)
from kopru.core.tests.factories import location, make_user, mission
from kopru.registry import services as registry
from kopru.registry.models import Household
from kopru.registry.tests.test_register import person


@pytest.fixture
def cash_canan(sanliurfa_team):
    return make_user("cash_canan", "cash_officer", teams=[sanliurfa_team])


@pytest.fixture
def head_kemal(db):
    return make_user("head_kemal", "head_of_unit")


def household(clerk, place, members, **head_fields):
    """A household: the head, then (relationship, fields) for each other member."""
    head = registry.register_person(clerk, person(place, **head_fields))
    home = registry.create_household(
        clerk, Household(mission=mission("TR"), location=place), head=head
    )
    for relationship, fields in members:
        member = registry.register_person(clerk, person(place, **fields))
        registry.add_member(clerk, home, member, relationship)
    return home


@pytest.fixture
def homes(clerk_zeynep, haliliye_centre):
    """Three households: a widow with four young children (no income), a couple with one
    child, and a man alone."""
    widow = household(
        clerk_zeynep,
        haliliye_centre,
        [
            ("child", {"given_name": f"Child{n}", "birth_date": date(2020 + n % 4, 1, 1)})
            for n in range(4)
        ],
        given_name="Amal",
        sex="female",
        vulnerabilities=["no_income"],
    )
    couple = household(
        clerk_zeynep,
        haliliye_centre,
        [
            ("spouse", {"given_name": "Mariam", "sex": "female"}),
            ("child", {"given_name": "Omar", "birth_date": date(2015, 5, 1)}),
        ],
        given_name="Khaled",
    )
    alone = household(clerk_zeynep, haliliye_centre, [], given_name="Yusuf")
    return {"widow": widow, "couple": couple, "alone": alone}


@pytest.fixture
def programme(cash_canan):
    from kopru.assistance import services
    from kopru.assistance.models import Programme

    project = Project.objects.create(
        mission=mission("TR"),
        code="CBI-T",
        name="Cash",
        donor=Donor.objects.get_or_create(name="Government of Japan")[0],
        start_date="2026-01-01",
        end_date="2026-12-31",
    )
    return services.save_programme(
        cash_canan,
        Programme(
            mission=mission("TR"),
            code="MPC-URFA",
            name="Multi-purpose cash, Şanlıurfa",
            modality="multipurpose_card",
            project=project,
            budget="100000.00",
            criteria=[
                {"code": "household_size", "weight": 2, "threshold": 4},
                {"code": "female_headed", "weight": 2},
                {"code": "no_income", "weight": 1},
                {"code": "single_parent", "weight": 1},
            ],
            cutoff=3,
            transfer_values={
                "by_size": {"1": "1500.00", "2": "2000.00", "3": "2500.00", "4": "3000.00"},
                "extra_member": "250.00",
                "cap": "3600.00",
            },
            recurring=True,
        ),
        provinces=[location("TR63")],
    )
