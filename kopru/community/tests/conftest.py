"""Named people of the community tests (CONVENTIONS.md): Burak is the shelter engineer of
Adana and Gaziantep, Selma the one in Izmir; Kemal heads the unit (mission-wide, no
community work); the households live in Yüreğir, Adana."""

import datetime as dt
import io

import pytest

from kopru.core.models import Role
from kopru.core.tests.conftest import *  # noqa: F401,F403  (named people and places)
from kopru.core.tests.factories import district, location, make_site, make_team, make_user, mission
from kopru.registry import services as registry
from kopru.registry.models import Household
from kopru.registry.tests.test_register import person

from .. import projects, repairs, services
from ..models import Dwelling, StabilisationProject


@pytest.fixture
def yuregir_centre(db):
    return make_site(district("TR01", "Yüreğir"), "Yüreğir Community Centre", "community_centre")


@pytest.fixture
def shelter_team(yuregir_centre):
    return make_team(
        "Community stabilisation",
        base=yuregir_centre,
        locations=[location("TR01"), location("TR27")],
    )


@pytest.fixture
def shelter_burak(shelter_team):
    return make_user("shelter_burak", "shelter_engineer", teams=[shelter_team])


@pytest.fixture
def shelter_selma(db):
    konak = make_site(district("TR35", "Konak"), "Konak Community Centre", "community_centre")
    team = make_team("Community stabilisation Izmir", base=konak, locations=[location("TR35")])
    return make_user("shelter_selma", "shelter_engineer", teams=[team])


@pytest.fixture
def volunteer_vedat(shelter_team):
    """A community role that does not see financial records."""
    Role.objects.create(
        slug="community_volunteer",
        name="Community volunteer",
        categories=["general"],
        capabilities=["community.manage", "services.record", "registry.view_people"],
    )
    return make_user("volunteer_vedat", "community_volunteer", teams=[shelter_team])


@pytest.fixture
def today():
    return services.today(mission("TR"))


@pytest.fixture
def family(shelter_burak, yuregir_centre):
    """A mother with two children in Yüreğir."""
    head = registry.register_person(
        shelter_burak, person(yuregir_centre, given_name="Nour", sex="female")
    )
    home = registry.create_household(
        shelter_burak, Household(mission=mission("TR"), location=yuregir_centre), head=head
    )
    for name, year in (("Bashar", 2013), ("Hala", 2017)):
        child = registry.register_person(
            shelter_burak,
            person(yuregir_centre, given_name=name, birth_date=dt.date(year, 3, 1)),
        )
        registry.add_member(shelter_burak, home, child, "child")
    return home


@pytest.fixture
def dwelling(shelter_burak, family):
    return repairs.add_dwelling(
        shelter_burak,
        Dwelling(
            mission=mission("TR"),
            household=family,
            location=district("TR01", "Yüreğir"),
            address="Kiremithane Mah. 2021 Sk. No:11",
            tenure="rented",
        ),
    )


def new_project(actor, *, facility="school", pcode="TR01", name="Yüreğir", starts=60, **fields):
    today = services.today(mission("TR"))
    return projects.save_project(
        actor,
        StabilisationProject(
            mission=mission("TR"),
            title=fields.pop("title", "Repair of Şehit Öğretmen Primary School"),
            municipality="Yüreğir Belediyesi",
            district=district(pcode, name),
            facility=facility,
            budget=fields.pop("budget", "100000"),
            contractor="Çukurova Yapı",
            starts_on=today - dt.timedelta(days=starts),
            ends_on=today + dt.timedelta(days=30),
            **fields,
        ),
    )


@pytest.fixture
def school(shelter_burak):
    return new_project(shelter_burak)


def with_milestones(actor, project, weights=(40, 60)):
    today = services.today(project.mission)
    return [
        projects.add_milestone(actor, project, name=f"Stage {n + 1}", planned_on=today, weight=w)
        for n, w in enumerate(weights)
    ]


CATCHMENT = {
    ("female", "5-11"): 120,
    ("male", "5-11"): 110,
    ("female", "12-17"): 40,
    ("male", "12-17"): 30,
    ("female", "18-59"): 25,
}  # 325 people


def image(kind="PNG"):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 90, 60)).save(out, kind)
    return out.getvalue()
