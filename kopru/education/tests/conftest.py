"""Named people of the education tests (CONVENTIONS.md): Fatma is the education officer for
Şanlıurfa, Hatay and Gaziantep; Ömer is the case worker in Gaziantep (no education role); Hale
is another education officer, in Izmir only. The Yusuf family lives in Haliliye: Amina (the
mother), and her children Ali (9), Leyla (12) and Rami (15, a lot of difficulty seeing)."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from kopru.core.models import Donor, Project
from kopru.core.tests.conftest import *  # noqa: F401,F403  (named people and places)
from kopru.core.tests.factories import district, location, make_site, make_team, make_user, mission
from kopru.education import courses, services, transport
from kopru.education.models import Course, Period, Route
from kopru.registry import services as registry
from kopru.registry.models import Household
from kopru.registry.tests.test_register import person
from kopru.services.models import Provider

TODAY = timezone.localdate()


def years_ago(n):
    return TODAY.replace(year=TODAY.year - n, month=1, day=15)


@pytest.fixture
def school(db):
    return make_site(district("TR63", "Haliliye"), "Haliliye Primary School", "school")


@pytest.fixture
def education_team(haliliye_centre, school):
    return make_team(
        "Education and school transport",
        base=school,
        locations=[location("TR63"), location("TR31"), location("TR27")],
    )


@pytest.fixture
def officer_fatma(education_team):
    return make_user("officer_fatma", "education_officer", teams=[education_team])


@pytest.fixture
def officer_hale(db):
    izmir = make_team("Education Izmir", locations=[location("TR35")])
    return make_user("officer_hale", "education_officer", teams=[izmir])


@pytest.fixture
def project(db):
    return Project.objects.create(
        mission=mission("TR"),
        code="EDU-T",
        name="School transport and non-formal education",
        donor=Donor.objects.get_or_create(name="German Federal Foreign Office")[0],
        start_date=TODAY - timedelta(days=400),
        end_date=TODAY + timedelta(days=400),
    )


@pytest.fixture
def family(clerk_zeynep, haliliye_centre):
    """The Yusuf family of Haliliye."""
    amina = registry.register_person(
        clerk_zeynep,
        person(
            haliliye_centre,
            given_name="Amina",
            family_name="Yusuf",
            sex="female",
            given_name_original="أمينة",
            family_name_original="يوسف",
            languages=["ara"],
            birth_date=years_ago(38),
        ),
    )
    home = registry.create_household(
        clerk_zeynep, Household(mission=mission("TR"), location=haliliye_centre), head=amina
    )
    kids = {}
    for name, age, extra in (
        ("Ali", 9, {}),
        ("Leyla", 12, {"sex": "female"}),
        ("Rami", 15, {"wg_seeing": 3}),
    ):
        kid = registry.register_person(
            clerk_zeynep,
            person(
                haliliye_centre,
                given_name=name,
                family_name="Yusuf",
                birth_date=years_ago(age),
                **extra,
            ),
        )
        registry.add_member(clerk_zeynep, home, kid, "child")
        kids[name.lower()] = kid
    return {"amina": amina, **kids}


@pytest.fixture
def term(officer_fatma):
    """The current term: began five weeks ago, ends in two months."""
    return services.save_period(
        officer_fatma,
        Period(
            mission=mission("TR"),
            name="Autumn term",
            kind=Period.Kind.TERM,
            starts_on=TODAY - timedelta(days=35),
            ends_on=TODAY + timedelta(days=60),
        ),
    )


@pytest.fixture
def route(officer_fatma, school, project):
    """A small daily route in Haliliye: two seats' worth of capacity."""
    route = transport.save_route(
        officer_fatma,
        Route(
            mission=mission("TR"),
            code="sur-01",
            province=location("TR63"),
            district=district("TR63", "Haliliye"),
            vehicle_plate="63 ABC 101",
            seats=16,
            capacity=2,
            driver="Mahmut Kaya",
            monthly_cost="12.000,00",
            project=project,
            mode=Route.Mode.DAILY,
        ),
        schools=[school],
    )
    transport.add_stop(officer_fatma, route, name="Yenice square", pickup=time(7, 40))
    return route


def school_day(weeks_back=1, weekday=0):
    """A weekday of a past week: Monday (0) to Friday (4), `weeks_back` weeks ago."""
    monday = TODAY - timedelta(days=TODAY.weekday()) - timedelta(weeks=weeks_back)
    return monday + timedelta(days=weekday)


@pytest.fixture
def centre_course(officer_fatma, haliliye_centre, project):
    return courses.save_course(
        officer_fatma,
        Course(
            mission=mission("TR"),
            kind="turkish_a1",
            centre=haliliye_centre,
            starts_on=TODAY - timedelta(days=30),
            ends_on=TODAY + timedelta(days=30),
            schedule="Mon, Wed 10:00-12:00",
            trainer="Selin Avcı",
            capacity=2,
            language="tr",
            hours=None,
            threshold=None,
            project=project,
        ),
    )


@pytest.fixture
def ram(admin_selin, haliliye_centre):
    from kopru.services import referrals

    return referrals.save_provider(
        admin_selin,
        Provider(
            mission=mission("TR"),
            name="Haliliye Guidance and Research Centre (RAM)",
            kind=Provider.Kind.SPECIAL_EDUCATION,
            location=haliliye_centre.parent,
        ),
    )


def consent_to(clerk, child, guardian, provider):
    registry.record_consent(
        clerk,
        child,
        purpose="referral",
        decision="given",
        language="ar",
        recipient=provider.name,
        guardian=guardian,
        guardian_relationship="mother",
    )
