"""The duplicate check while registering (issue 3, item 5)."""

from datetime import date

import pytest

from kopru.core.tests.factories import mission
from kopru.registry import services
from kopru.registry.dedup.model import Name, Record, compare
from kopru.registry.dedup.online import candidates, check
from kopru.registry.models import DuplicateDecision

from .test_register import VALID_99, person

pytestmark = pytest.mark.django_db


def rec(given, family, born, precision="exact", father="", sex="male", nat="SYR"):
    return Record(
        given=Name.of(given),
        family=Name.of(family),
        father=Name.of(father),
        birth_date=born,
        precision=precision,
        sex=sex,
        nationality=nat,
    )


def test_transliterated_names_and_an_estimated_date_match():
    p, parts = compare(
        rec("Muhammad", "Al-Hassan", date(1990, 6, 1), "year"),
        rec("Mehmet", "Elhasan", date(1990, 1, 1), "estimated"),
    )
    # Names and a year alone: worth proposing, not enough to be sure in a large registry.
    assert 0.35 < p < 0.8
    with_father = compare(
        rec("Muhammad", "Al-Hassan", date(1990, 6, 1), "year", father="Ahmad"),
        rec("Mehmet", "Elhasan", date(1990, 1, 1), "estimated", father="Ahmet"),
    )[0]
    assert with_father > 0.9
    assert {f: lvl for f, lvl, _ in parts}["given_name"] == "same"


def test_swapped_names_day_month_swaps_and_father_as_family_name_match():
    assert (
        compare(rec("Omar", "Haddad", date(1985, 3, 7)), rec("Haddad", "Omar", date(1985, 3, 7)))[0]
        > 0.9
    )
    assert (
        compare(rec("Omar", "Haddad", date(1985, 3, 7)), rec("Omar", "Haddad", date(1985, 7, 3)))[0]
        > 0.9
    )
    assert (
        compare(
            rec("Omar", "Haddad", date(1985, 3, 7), father="Khalil"),
            rec("Omar", "Khalil", date(1985, 3, 7)),
        )[0]
        > 0.5
    )


def test_different_people_do_not_match():
    assert (
        compare(rec("Omar", "Haddad", date(1985, 3, 7)), rec("Omar", "Haddad", date(2012, 3, 7)))[0]
        < 0.2
    )  # father and son
    assert (
        compare(
            rec("Fatima", "Haddad", date(1985, 3, 7), sex="female"),
            rec("Zaynab", "Haddad", date(1985, 3, 7), sex="female"),
        )[0]
        < 0.2
    )
    # Same common name, different year and sex: two people.
    assert (
        compare(
            rec("Omar", "Haddad", date(1985, 3, 7)),
            rec("Omar", "Haddad", date(1979, 11, 20), sex="female"),
        )[0]
        < 0.05
    )


@pytest.fixture
def mehmet(clerk_zeynep, haliliye_centre):
    return services.register_person(
        clerk_zeynep,
        person(haliliye_centre),  # Mehmet Elhasan, 01.01.1990 (estimated)
        documents=[{"kind": "tr_foreigner_id", "number": VALID_99}],
    )


def draft(**fields):
    base = {
        "given_name": "Muhammad",
        "family_name": "Al-Hassan",
        "sex": "male",
        "birth_date": date(1990, 1, 1),
        "birth_date_precision": "year",
        "nationality": "SYR",
    }
    return {**base, **fields}


def test_muhammad_al_hassan_1990_is_proposed_for_mehmet_elhasan(clerk_zeynep, mehmet):
    results = check(clerk_zeynep, mission("TR"), draft())
    assert [r[0] for r in results] == [mehmet]
    assert results[0][1] > 0.35 and results[0][3] is True


def test_the_same_document_is_found_whatever_the_name(clerk_zeynep, mehmet):
    results = check(
        clerk_zeynep,
        mission("TR"),
        draft(given_name="X", family_name="Y", documents=[("tr_foreigner_id", VALID_99)]),
    )
    assert results and results[0][0] == mehmet


def test_a_match_outside_my_locations_is_reported_without_its_details(
    clerk_zeynep, mehmet, dr_ayse
):
    results = check(dr_ayse, mission("TR"), draft())
    assert results[0][0] == mehmet and results[0][3] is False


def test_swapped_names_and_the_fathers_name_as_family_name_are_found(clerk_zeynep, haliliye_centre):
    omar = services.register_person(
        clerk_zeynep,
        person(
            haliliye_centre,
            given_name="Omar",
            family_name="Haddad",
            father_name="Khalil",
            birth_date=date(1985, 3, 7),
            birth_date_precision="exact",
        ),
    )
    born = {"birth_date": date(1985, 3, 7), "birth_date_precision": "exact"}
    swapped = draft(given_name="Haddad", family_name="Omar", **born)
    fathers = draft(given_name="Omar", family_name="Khalil", **born)
    for typed in (swapped, fathers):
        assert [r[0] for r in check(clerk_zeynep, mission("TR"), typed)] == [omar]


def test_a_common_name_finds_the_one_born_around_then_and_the_undated(
    clerk_zeynep, haliliye_centre, mehmet
):
    """Sixty namesakes born in other years do not crowd out the right one."""
    for year in [*range(1930, 1986), *range(1995, 1999)]:
        services.register_person(
            clerk_zeynep,
            person(
                haliliye_centre,
                given_name="Muhammad",
                family_name="Al-Hassan",
                birth_date=date(year, 5, 5),
                birth_date_precision="exact",
            ),
        )
    undated = services.register_person(
        clerk_zeynep,
        person(haliliye_centre, given_name="Mohammed", family_name="Hasan", birth_date=None),
    )
    blocked = set(
        candidates(
            mission("TR"),
            given=["Muhammad"],
            family=["Al-Hassan"],
            birth_date=date(1990, 1, 1),
            precision="year",
        )
    )
    assert blocked == {mehmet, undated}
    assert [r[0] for r in check(clerk_zeynep, mission("TR"), draft())] == [mehmet]


# What a clerk types for Mehmet Elhasan's second registration.
TYPED = {
    "given_name": "Muhammad",
    "family_name": "Al-Hassan",
    "birth_date": "1990",
    "sex": "male",
    "nationality": "SYR",
}


def test_the_form_panel_and_not_the_same_remembered(login, clerk_zeynep, mehmet, haliliye_centre):
    client = login(clerk_zeynep)
    panel = client.post(
        "/registry/people/matches/",
        TYPED,
    ).content.decode()
    assert mehmet.reference in panel and "Not the same person" in panel
    from .test_pages_and_api import form_data

    data = form_data(
        haliliye_centre,
        given_name="Muhammad",
        family_name="Al-Hassan",
        given_name_original="",
        sex="male",
        birth_date="1990",
        **{"doc-0-kind": "", "doc-0-number": ""},
    )
    data["not_same"] = [str(mehmet.pk)]
    response = client.post("/registry/people/register/", data)
    assert response.status_code == 302
    decision = DuplicateDecision.objects.get()
    assert decision.decision == "not_same" and mehmet.pk in (
        decision.person_a_id,
        decision.person_b_id,
    )
    newcomer = decision.person_b if decision.person_a == mehmet else decision.person_a
    # The pair is never proposed again.
    assert check(clerk_zeynep, mission("TR"), draft(), exclude=newcomer.pk) == []
    # Names typed stay out of the URL: the panel answers only to POST.
    assert client.get("/registry/people/matches/?given_name=Muhammad").status_code == 405


def test_similar_skeletons_are_not_the_same_name():
    p_mahmoud, parts = compare(
        rec("Muhamad", "Hamdan", date(1990, 1, 1)), rec("Mahmoud", "Hamdan", date(1990, 1, 1))
    )
    p_muhammad, _ = compare(
        rec("Muhamad", "Hamdan", date(1990, 1, 1)), rec("Muhammad", "Hamdan", date(1990, 1, 1))
    )
    assert p_muhammad > p_mahmoud
    assert {f: lvl for f, lvl, _ in parts}["given_name"] == "near"
    # Arabic script keeps no short vowels: the skeleton is what there is.
    assert (
        compare(
            rec("محمد", "حمدان", date(1990, 6, 14)), rec("Muhammad", "Hamdan", date(1990, 6, 14))
        )[0]
        > 0.9
    )


def test_a_tampered_form_still_gets_an_answer(login, clerk_zeynep, mehmet):
    """A broken document or phone count (a bad client, a half-sent form) is ignored."""
    panel = login(clerk_zeynep).post(
        "/registry/people/matches/",
        {**TYPED, "doc-TOTAL_FORMS": "abc", "phone-TOTAL_FORMS": "-1"},
    )
    assert panel.status_code == 200 and mehmet.reference in panel.content.decode()
