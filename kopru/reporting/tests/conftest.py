"""Named people of the service tests (CONVENTIONS.md)."""

import pytest

from kopru.core.tests.conftest import *  # noqa: F401,F403  (named people and places)
from kopru.core.tests.factories import make_user
from kopru.registry import services as registry
from kopru.registry.tests.test_register import person


@pytest.fixture
def nurse_elif(sanliurfa_team):
    return make_user("nurse_elif", "nurse", teams=[sanliurfa_team])


@pytest.fixture
def amina(clerk_zeynep, haliliye_centre):
    return registry.register_person(
        clerk_zeynep, person(haliliye_centre, given_name="Amina", sex="female")
    )


@pytest.fixture
def twenty(clerk_zeynep, haliliye_centre):
    return [
        registry.register_person(
            clerk_zeynep, person(haliliye_centre, given_name=f"Participant{n}", family_name="Kaya")
        )
        for n in range(20)
    ]
