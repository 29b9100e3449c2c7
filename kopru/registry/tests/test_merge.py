"""Batch duplicates, review, merge and its exact undo (issue 3, item 6)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from kopru.core.models import AuditEvent
from kopru.core.tests.factories import mission
from kopru.registry import services
from kopru.registry.merge import merge_people, undo_merge
from kopru.registry.models import (
    ConsentEvent,
    DuplicateCandidate,
    Household,
    IdentityDocument,
    Membership,
    NameKey,
    PairKey,
    Person,
    Phone,
)
from kopru.registry.tests.test_register import VALID_99, person

pytestmark = pytest.mark.django_db


def snapshot():
    """Where every link of every person is."""
    return {
        "documents": sorted(IdentityDocument.objects.values_list("pk", "person")),
        "phones": sorted(Phone.objects.values_list("pk", "person")),
        "memberships": sorted(Membership.objects.values_list("pk", "person", "end_date")),
        "consents": sorted(ConsentEvent.objects.values_list("pk", "person", "guardian")),
        "keys": sorted(NameKey.objects.values_list("person", "key")),
        "pairs": sorted(PairKey.objects.values_list("person", "key", "birth_year")),
        "aliases": sorted(Person.objects.values_list("pk", "merged_into")),
    }


@pytest.fixture
def twins(clerk_zeynep, haliliye_centre, sanliurfa_team):
    """The same man registered twice, each record with its own links."""
    sanliurfa_team.members.add(clerk_zeynep)
    mehmet = services.register_person(
        clerk_zeynep,
        person(haliliye_centre, father_name="Ahmet"),
        documents=[{"kind": "tr_foreigner_id", "number": VALID_99}],
        phones=[{"number": "0532 111 22 33"}],
    )
    muhammad = services.register_person(
        clerk_zeynep,
        person(
            haliliye_centre,
            given_name="Muhammad",
            family_name="Al-Hassan",
            father_name="Ahmad",
            given_name_original="محمد",
            birth_date=date(1990, 3, 4),
            birth_date_precision="exact",
        ),
        phones=[{"number": "0533 444 55 66"}],
    )
    services.create_household(
        clerk_zeynep, Household(mission=mission("TR"), location=haliliye_centre), head=mehmet
    )
    son = services.register_person(clerk_zeynep, person(haliliye_centre, given_name="Ali"))
    home_b = services.create_household(
        clerk_zeynep, Household(mission=mission("TR"), location=haliliye_centre), head=muhammad
    )
    services.add_member(clerk_zeynep, home_b, son, "child")
    services.record_consent(
        clerk_zeynep, muhammad, purpose="contact", decision="given", language="ar"
    )
    services.record_consent(
        clerk_zeynep, mehmet, purpose="registration", decision="given", language="tr"
    )
    return mehmet, muhammad


def test_merge_keeps_every_link_on_the_survivor_and_undo_puts_them_back(
    admin_selin, twins, client, login
):
    mehmet, muhammad = twins
    before = snapshot()
    record = merge_people(admin_selin, mehmet, muhammad)
    muhammad.refresh_from_db()
    assert muhammad.merged_into == mehmet
    assert mehmet.documents.count() == 1 and mehmet.phones.count() == 2
    assert mehmet.consents.count() == 2
    # One current household per person: the survivor's stays, the other's is ended.
    assert Membership.objects.filter(person=mehmet, end_date__isnull=True).count() == 1
    assert Person.objects.filter(pk=muhammad.pk).exists()  # nothing destroyed
    # The alias still resolves: its page and its reference lead to the survivor.
    web = login(admin_selin)
    assert web.get(muhammad.get_absolute_url())["Location"] == mehmet.get_absolute_url()
    from kopru.registry import selectors

    assert selectors.search(admin_selin, mission("TR"), muhammad.reference) == [mehmet]
    assert mehmet in selectors.search(admin_selin, mission("TR"), "محمد")

    undo_merge(admin_selin, record)
    assert snapshot() == before
    assert AuditEvent.objects.filter(details__unmerged=muhammad.reference).exists()


def test_records_of_two_missions_are_never_merged(admin_selin, twins):
    mehmet, _ = twins
    stranger = Person.objects.create(
        mission=mission("BY"),
        reference="BY-0000-0000-0",
        given_name="Mehmet",
        sex="male",
        population_group="other",
        location=mehmet.location,
    )
    before = snapshot()
    with pytest.raises(ValidationError, match="two missions"):
        merge_people(admin_selin, mehmet, stranger)
    assert snapshot() == before


def test_undo_is_refused_twice_and_in_the_wrong_order(
    admin_selin, twins, clerk_zeynep, haliliye_centre
):
    mehmet, muhammad = twins
    third = services.register_person(clerk_zeynep, person(haliliye_centre, given_name="Mehmed"))
    first = merge_people(admin_selin, mehmet, muhammad)
    merge_people(admin_selin, mehmet, third)
    with pytest.raises(ValidationError, match="later merges"):
        undo_merge(admin_selin, first)
    later = mehmet.merges_in.get(merged=third)
    undo_merge(admin_selin, later)
    undo_merge(admin_selin, first)
    with pytest.raises(ValidationError):
        undo_merge(admin_selin, first)


def search_for_duplicates(web, capture):
    """Press "Search for duplicates" and let the worker's task run."""
    with capture(execute=True):
        web.post("/registry/duplicates/")


def test_the_batch_run_queues_likely_duplicates_with_their_explanation(
    admin_selin, twins, login, django_capture_on_commit_callbacks
):
    mehmet, muhammad = twins
    web = login(admin_selin)
    search_for_duplicates(web, django_capture_on_commit_callbacks)
    candidate = DuplicateCandidate.objects.get()
    assert {candidate.person_a, candidate.person_b} == {mehmet, muhammad}
    assert candidate.score >= 0.8 and candidate.parts
    page = web.get(f"/registry/duplicates/{candidate.pk}/").content.decode()
    assert "Why this score" in page and mehmet.reference in page
    web.post(f"/registry/duplicates/{candidate.pk}/", {"decision": "merge", "survivor": mehmet.pk})
    muhammad.refresh_from_db()
    assert muhammad.merged_into == mehmet
    assert "Undo merge" in web.get(mehmet.get_absolute_url()).content.decode()


def test_not_the_same_is_never_proposed_again(
    admin_selin, twins, login, django_capture_on_commit_callbacks
):
    web = login(admin_selin)
    search_for_duplicates(web, django_capture_on_commit_callbacks)
    candidate = DuplicateCandidate.objects.get()
    web.post(f"/registry/duplicates/{candidate.pk}/", {"decision": "not_same"})
    search_for_duplicates(web, django_capture_on_commit_callbacks)
    assert DuplicateCandidate.objects.filter(status="open").count() == 0


def test_the_review_page_explains_the_score_in_the_readers_language(
    admin_selin, twins, login, django_capture_on_commit_callbacks
):
    web = login(admin_selin)
    search_for_duplicates(web, django_capture_on_commit_callbacks)
    candidate = DuplicateCandidate.objects.get()
    web.post("/i18n/setlang/", {"language": "tr"})
    page = web.get(f"/registry/duplicates/{candidate.pk}/", HTTP_ACCEPT_LANGUAGE="tr")
    html = page.content.decode()
    assert page.status_code == 200
    # Every level reads as words in Turkish, never as the matcher's tokens.
    for token in (">same<", ">exact<", ">differ<", ">swapped-", ">father-", ">year<"):
        assert token not in html
    assert "Suriye" in html  # the nationality by name, in Turkish
    assert "aynı ad, farklı yazım" in html  # Mehmet and Muhammad
