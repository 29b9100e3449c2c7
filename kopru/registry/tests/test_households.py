"""Households: one head, size from members, moves kept as history."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kopru.core.models import AuditEvent
from kopru.core.tests.factories import mission
from kopru.registry import services
from kopru.registry.models import Household, Membership

from .test_register import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(clerk_zeynep, haliliye_centre):
    def reg(**fields):
        return services.register_person(clerk_zeynep, person(haliliye_centre, **fields))

    omar = reg(given_name="Omar", family_name="Haddad")
    huda = reg(given_name="Huda", family_name="Haddad", sex="female")
    yusuf = reg(given_name="Yusuf", family_name="Haddad", birth_date=None)
    return omar, huda, yusuf


def new_household(clerk, head):
    return services.create_household(
        clerk, Household(mission=mission("TR"), location=head.location), head=head
    )


def test_a_household_with_its_head_and_members(clerk_zeynep, family):
    omar, huda, yusuf = family
    home = new_household(clerk_zeynep, omar)
    services.add_member(clerk_zeynep, home, huda, "spouse")
    services.add_member(clerk_zeynep, home, yusuf, "child")
    assert home.reference.startswith("TRH-") and home.head == omar and home.size == 3
    assert AuditEvent.objects.filter(object_type="registry.household").count() == 3


def test_a_household_cannot_have_two_heads(clerk_zeynep, family):
    omar, huda, _ = family
    home = new_household(clerk_zeynep, omar)
    with pytest.raises(ValidationError, match="already has a head"):
        services.add_member(clerk_zeynep, home, huda, "head")
    assert home.size == 1
    # The database holds the rule too, whatever writes to it.
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            household=home, person=huda, relationship="head", start_date="2026-01-01"
        )


def test_moving_keeps_the_history(clerk_zeynep, family):
    omar, huda, yusuf = family
    first = new_household(clerk_zeynep, omar)
    services.add_member(clerk_zeynep, first, yusuf, "child")
    second = new_household(clerk_zeynep, huda)
    services.add_member(clerk_zeynep, second, yusuf, "child")
    assert first.size == 1 and second.size == 2
    old = Membership.objects.get(household=first, person=yusuf)
    assert old.end_date is not None and second.reference in old.end_reason
    assert yusuf.memberships.count() == 2


def test_leaving_needs_a_reason(clerk_zeynep, family):
    omar, huda, _ = family
    home = new_household(clerk_zeynep, omar)
    m = services.add_member(clerk_zeynep, home, huda, "spouse")
    with pytest.raises(ValidationError):
        services.end_membership(clerk_zeynep, m, reason=" ")
    services.end_membership(clerk_zeynep, m, reason="Resettled to Canada")
    assert home.size == 1


def test_a_person_from_another_mission_cannot_join(clerk_zeynep, family, admin_selin):
    from kopru.registry.models import Person

    omar, *_ = family
    home = new_household(clerk_zeynep, omar)
    minsk = Person(
        mission=mission("BY"),
        reference="BY-0000-0000-0",
        given_name="Olga",
        sex="female",
        population_group="other",
        location=omar.location,
    )
    with pytest.raises(ValidationError, match="another mission"):
        services.add_member(clerk_zeynep, home, minsk, "other_relative")


def test_household_pages(login, clerk_zeynep, family):
    omar, huda, _ = family
    client = login(clerk_zeynep)
    response = client.post(f"/registry/people/{omar.pk}/household/")
    home = Household.objects.get()
    assert response["Location"] == home.get_absolute_url()
    client.post(
        home.get_absolute_url(),
        {"reference": huda.reference.replace("-", " "), "relationship": "spouse"},
    )
    page = client.get(home.get_absolute_url()).content.decode()
    assert "Huda Haddad" in page and "2 members" in page
    wrong = client.post(
        home.get_absolute_url(), {"reference": "TR-1111-1111-1", "relationship": "child"}
    )
    assert "No one with that reference" in wrong.content.decode()
    m = Membership.objects.get(person=huda)
    client.post(f"/registry/memberships/{m.pk}/end/", {"reason": "Moved to Izmir"})
    assert "Moved to Izmir" in client.get(home.get_absolute_url()).content.decode()
    assert home.reference in client.get(huda.get_absolute_url()).content.decode()


def test_changing_the_head_keeps_the_history(clerk_zeynep, family, login):
    omar, huda, yusuf = family
    home = new_household(clerk_zeynep, omar)
    services.add_member(clerk_zeynep, home, huda, "spouse")
    services.add_member(clerk_zeynep, home, yusuf, "child")
    client = login(clerk_zeynep)
    client.post(home.get_absolute_url(), {"new_head": huda.pk, "former_head_becomes": "spouse"})
    assert home.head == huda and home.size == 3
    current = {m.person: m.relationship for m in home.current}
    assert current[omar] == "spouse" and current[yusuf] == "child"
    ended = Membership.objects.filter(household=home, end_date__isnull=False)
    assert {(m.person, m.relationship) for m in ended} == {(omar, "head"), (huda, "spouse")}
    with pytest.raises(ValidationError):
        services.change_head(clerk_zeynep, home, omar, former_head_becomes="head")


def test_a_broken_new_head_is_a_message_not_an_error_page(clerk_zeynep, family, login):
    omar, huda, _ = family
    home = new_household(clerk_zeynep, omar)
    page = login(clerk_zeynep).post(home.get_absolute_url(), {"new_head": "huda"})
    assert page.status_code == 200
    assert "Only a current member can become the head." in page.content.decode()
    assert home.head == omar
