import pytest

from .factories import district, location, make_site, make_team, make_user


@pytest.fixture
def fatih_clinic(db):
    return make_site(district("TR34", "Fatih"), "Migrant Health Centre Istanbul")


@pytest.fixture
def sahinbey_centre(db):
    return make_site(district("TR27", "Şahinbey"), "Şahinbey community centre", "community_centre")


@pytest.fixture
def haliliye_centre(db):
    return make_site(district("TR63", "Haliliye"), "Haliliye community centre", "community_centre")


@pytest.fixture
def istanbul_team(fatih_clinic):
    return make_team("MHC Istanbul", base=fatih_clinic, locations=[location("TR34")])


@pytest.fixture
def gaziantep_team(sahinbey_centre):
    return make_team("ECM Gaziantep", base=sahinbey_centre, locations=[location("TR27")])


@pytest.fixture
def sanliurfa_team(haliliye_centre):
    return make_team("Registration Şanlıurfa", base=haliliye_centre, locations=[location("TR63")])


@pytest.fixture
def admin_selin(db):
    return make_user("admin_selin", "admin", missions=("TR", "BY"))


@pytest.fixture
def dr_ayse(istanbul_team):
    return make_user("dr_ayse", "physician", teams=[istanbul_team])


@pytest.fixture
def caseworker_omer(gaziantep_team):
    return make_user("caseworker_omer", "caseworker", teams=[gaziantep_team])


@pytest.fixture
def clerk_zeynep(sanliurfa_team):
    return make_user("clerk_zeynep", "clerk", teams=[sanliurfa_team])


@pytest.fixture
def partner_viewer(db):
    return make_user("partner_viewer", "partner")


@pytest.fixture
def minsk_me_officer(db):
    return make_user("me_olga", "me_officer", missions=("BY",))


@pytest.fixture
def no_otp(db):
    """The roles' second-factor rule switched off, as in the demo."""
    from kopru.core.models import Role

    Role.objects.update(require_otp=False)


@pytest.fixture
def login(client, no_otp):
    def _login(user):
        client.force_login(user)
        return client

    return _login
