"""Named people of the psychosocial tests (CONVENTIONS.md): Zehra is a counsellor in the
Şanlıurfa mobile team, which Derya supervises; Amina and twenty neighbours take part."""

import pytest

from kopru.core.tests.conftest import *  # noqa: F401,F403  (named people and places)
from kopru.core.tests.factories import make_user
from kopru.registry import services as registry
from kopru.registry.tests.test_register import person


@pytest.fixture
def supervisor_derya(sanliurfa_team):
    user = make_user("supervisor_derya", "supervisor", teams=[sanliurfa_team])
    user.phone = "+905321112233"
    user.save()
    sanliurfa_team.supervisor = user
    sanliurfa_team.save()
    return user


@pytest.fixture
def counsellor_zehra(sanliurfa_team, supervisor_derya):
    return make_user("counsellor_zehra", "counsellor", teams=[sanliurfa_team])


@pytest.fixture
def amina(clerk_zeynep, haliliye_centre):
    return registry.register_person(
        clerk_zeynep, person(haliliye_centre, given_name="Amina", sex="female")
    )


@pytest.fixture
def neighbours(clerk_zeynep, haliliye_centre):
    return [
        registry.register_person(
            clerk_zeynep, person(haliliye_centre, given_name=f"Neighbour{n}", family_name="Kaya")
        )
        for n in range(10)
    ]
