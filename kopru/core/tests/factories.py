import factory
from django.contrib.auth import get_user_model

from kopru.core.models import Location, Mission, Role, Team

PASSWORD = "correct-horse-battery"


def mission(code):
    return Mission.objects.get(code=code)


def location(pcode):
    return Location.objects.get(pcode=pcode)


def district(province_pcode, name):
    return Location.objects.get(parent__pcode=province_pcode, name=name)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def missions(self, create, extracted, **kwargs):
        self.save()
        if extracted:
            self.missions.set(extracted)


def make_user(username, role_slug, missions=("TR",), teams=()):
    user = UserFactory(
        username=username,
        role=Role.objects.get(slug=role_slug),
        missions=[mission(c) for c in missions],
    )
    for team in teams:
        team.members.add(user)
    return user


def make_team(name, code="TR", base=None, locations=()):
    team = Team.objects.create(mission=mission(code), name=name, base=base)
    team.locations.set(locations)
    return team


def make_site(district_loc, name, site_type="clinic"):
    pcode = f"{district_loc.pcode}-{Location.objects.filter(parent=district_loc).count() + 1:03d}"
    return Location.objects.create(
        mission=district_loc.mission,
        parent=district_loc,
        level=Location.Level.SITE,
        name=name,
        site_type=site_type,
        pcode=pcode,
        path=f"{district_loc.path}{pcode}/",
    )
