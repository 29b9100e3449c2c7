"""Named people of the case-management tests (CONVENTIONS.md): Ömer is a case worker in
Gaziantep, Derya supervises his team, Kemal heads the protection unit, Canan pays as the cash
officer, and Hasan (a case worker beside Ömer) can approve small needs."""

from decimal import Decimal

import pytest

from kopru.core.models import Donor, Project
from kopru.core.tests.conftest import *  # noqa: F401,F403  (named people and places)
from kopru.core.tests.factories import make_user, mission
from kopru.registry import services as registry
from kopru.registry.tests.test_register import person


@pytest.fixture
def supervisor_derya(gaziantep_team):
    user = make_user("supervisor_derya", "supervisor", teams=[gaziantep_team])
    gaziantep_team.supervisor = user
    gaziantep_team.save()
    return user


@pytest.fixture
def caseworker_hasan(gaziantep_team):
    return make_user("caseworker_hasan", "caseworker", teams=[gaziantep_team])


@pytest.fixture
def head_kemal(db):
    return make_user("head_kemal", "head_of_unit")


@pytest.fixture
def cash_canan(gaziantep_team):
    return make_user("cash_canan", "cash_officer", teams=[gaziantep_team])


@pytest.fixture
def ecm_project(head_kemal):
    from kopru.casework import services

    project = Project.objects.create(
        mission=mission("TR"),
        code="ECM-26",
        name="Emergency case management 2026",
        donor=Donor.objects.get_or_create(name="ECHO")[0],
        start_date="2026-01-01",
        end_date="2026-12-31",
    )
    services.set_budget(head_kemal, project, Decimal("50000.00"))
    return project


@pytest.fixture
def fatima(caseworker_omer, sahinbey_centre):
    return registry.register_person(
        caseworker_omer,
        person(sahinbey_centre, given_name="Fatima", family_name="Al-Ali", sex="female"),
    )


@pytest.fixture
def ecm_case(
    caseworker_omer, supervisor_derya, fatima, sahinbey_centre, gaziantep_team, ecm_project
):
    from kopru.casework import services

    return services.open_case(
        caseworker_omer,
        fatima,
        kind="ecm",
        location=sahinbey_centre,
        team=gaziantep_team,
        project=ecm_project,
        presenting_needs="Rent arrears of three months; her son needs surgery follow-up.",
    )
