"""Named people of the livelihoods tests: Emre is the livelihoods officer in Izmir and Adana,
Kemal heads the unit and awards; Canan works in Şanlıurfa (another province); the people
served live around the Konak Community Centre in Izmir."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from kopru.core.tests.conftest import *  # noqa: F401,F403  (named people and places)
from kopru.core.tests.factories import district, location, make_site, make_team, make_user, mission
from kopru.livelihoods import grants, skills
from kopru.livelihoods.models import Employer, Vacancy
from kopru.registry import services as registry
from kopru.registry.tests.test_register import person


@pytest.fixture
def konak_centre(db):
    return make_site(district("TR35", "Konak"), "Konak Community Centre", "community_centre")


@pytest.fixture
def livelihoods_team(konak_centre):
    return make_team(
        "Livelihoods Izmir and Adana",
        base=konak_centre,
        locations=[location("TR35"), location("TR01")],
    )


@pytest.fixture
def officer_emre(livelihoods_team):
    return make_user("officer_emre", "livelihoods_officer", teams=[livelihoods_team])


@pytest.fixture
def officer_canan(sanliurfa_team):
    return make_user("officer_canan", "livelihoods_officer", teams=[sanliurfa_team])


@pytest.fixture
def head_kemal(db):
    return make_user("head_kemal", "head_of_unit")


def adult(officer, place, given, born=date(1990, 5, 1), **fields):
    return registry.register_person(
        officer, person(place, given_name=given, birth_date=born, **fields)
    )


@pytest.fixture
def ahmad(officer_emre, konak_centre):
    return adult(officer_emre, konak_centre, "Ahmad")


@pytest.fixture
def layla(officer_emre, konak_centre):
    return adult(officer_emre, konak_centre, "Layla", sex="female")


PROFILE = {
    "occupations": [{"isco": "8153", "years": 6}],
    "languages": [{"code": "ara", "level": "native"}, {"code": "tur", "level": "independent"}],
    "education": "2",
    "permit": "granted",
    "availability": "now",
}


def profile_for(officer, who, **changes):
    data = {**PROFILE, "permit_expires": timezone.localdate() + timedelta(days=200), **changes}
    return skills.save_profile(officer, who, **data)


@pytest.fixture
def ege_tekstil(officer_emre):
    return skills.save_employer(
        officer_emre,
        Employer(mission=mission("TR"), name="Ege Tekstil", sector="C", province=location("TR35")),
    )


@pytest.fixture
def sewing_job(officer_emre, ege_tekstil):
    today = timezone.localdate()
    return skills.save_vacancy(
        officer_emre,
        Vacancy(
            mission=mission("TR"),
            employer=ege_tekstil,
            title="Sewing machine operator",
            isco="8153",
            province=location("TR35"),
            languages=[{"code": "tur", "level": "basic"}],
            min_education="1",
            positions=1,
            opens_on=today - timedelta(days=30),
            closes_on=today + timedelta(days=30),
            permit_required=True,
        ),
    )


@pytest.fixture
def business_call(officer_emre, head_kemal):
    today = timezone.localdate()
    return grants.open_call(
        officer_emre,
        mission=mission("TR"),
        kind="business_in_kind",
        title="Business grants",
        budget="100000,00",
        panel=[officer_emre, head_kemal],
        provinces=[location("TR35")],
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=10),
    )


ITEMS = [{"description": "Sewing machine", "quantity": 2, "unit_cost": "25000"}]


@pytest.fixture
def bakery(officer_emre, business_call, ahmad):
    return grants.submit_application(
        officer_emre,
        business_call,
        lead=ahmad,
        business_name="Şam Tatlıcısı",
        plan="Syrian sweets in Konak.",
        items=ITEMS,
    )


def full_marks(call):
    return {c["code"]: c["max"] for c in call.criteria}
