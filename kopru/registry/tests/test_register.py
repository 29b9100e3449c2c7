"""Registering people: validation, documents, phones, disability, scope, audit, idempotency."""

import uuid
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kopru.core.models import AuditEvent
from kopru.core.tests.factories import mission
from kopru.registry import services, validation
from kopru.registry.models import Person

pytestmark = pytest.mark.django_db
VALID_99 = "99123456740"  # a foreigner identity number with a valid checksum


def person(place, **fields):
    defaults = {
        "given_name": "Mehmet",
        "family_name": "Elhasan",
        "sex": "male",
        "birth_date": date(1990, 1, 1),
        "birth_date_precision": "estimated",
        "nationality": "SYR",
        "population_group": "temporary_protection",
        "location": place,
    }
    return services.new_person(mission("TR"), **{**defaults, **fields})


def test_the_checksum_fixture_is_valid():
    from stdnum.tr import tckimlik

    assert tckimlik.is_valid(VALID_99)


def test_register_a_person_with_documents_phones_and_disability(clerk_zeynep, haliliye_centre):
    p = services.register_person(
        clerk_zeynep,
        person(
            haliliye_centre,
            given_name_original="محمد",
            wg_mobility=3,
            languages=["ar"],
            interpreter_language="ara",
            nationality="SY",
        ),
        documents=[{"kind": "tr_foreigner_id", "number": "991 234 567 40"}],
        phones=[{"number": "0532 123 45 67", "label": "own"}],
    )
    assert p.reference.startswith("TR-") and len(p.reference) == 14
    assert p.nationality == "SYR" and p.languages == ["ara"]
    assert p.has_disability  # mobility: a lot of difficulty
    assert p.documents.get().number_normalised == VALID_99
    assert p.phones.get().e164 == "+905321234567"
    assert AuditEvent.objects.filter(action="create", object_type="registry.person").exists()


@pytest.mark.parametrize(
    "document, message",
    [
        ({"kind": "tr_foreigner_id", "number": "99123456741"}, "not a valid Turkish identity"),
        ({"kind": "tr_foreigner_id", "number": "10000000146"}, "starts with 99"),
        ({"kind": "tr_citizen_id", "number": VALID_99}, "foreigner identity numbers"),
    ],
)
def test_bad_identity_numbers_are_refused_and_nothing_is_written(
    clerk_zeynep, haliliye_centre, document, message
):
    with pytest.raises(ValidationError) as exc:
        services.register_person(clerk_zeynep, person(haliliye_centre), documents=[document])
    assert message in str(exc.value)
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"birth_date": date(2999, 1, 1)}, "birth_date"),
        ({"birth_date": date(1800, 1, 1)}, "birth_date"),
        ({"nationality": "XYZ"}, "nationality"),
        ({"interpreter_language": "zzz"}, "interpreter_language"),
        ({"vulnerabilities": ["made_up"]}, "vulnerabilities"),
        ({"given_name": "", "given_name_original": ""}, "given_name"),
    ],
)
def test_impossible_or_unknown_values_are_refused(clerk_zeynep, haliliye_centre, fields, field):
    with pytest.raises(ValidationError) as exc:
        services.register_person(clerk_zeynep, person(haliliye_centre, **fields))
    assert field in exc.value.message_dict
    assert not Person.objects.exists()


def test_a_bad_phone_is_refused(clerk_zeynep, haliliye_centre):
    with pytest.raises(ValidationError) as exc:
        services.register_person(clerk_zeynep, person(haliliye_centre), phones=[{"number": "12"}])
    assert "phones.0" in exc.value.message_dict


def test_partial_dates_are_stored_on_their_first_day(clerk_zeynep, haliliye_centre):
    p = services.register_person(
        clerk_zeynep,
        person(haliliye_centre, birth_date=date(1985, 7, 19), birth_date_precision="year"),
    )
    assert p.birth_date == date(1985, 1, 1)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("04.05.1992", (date(1992, 5, 4), "exact")),
        ("4/5/1992", (date(1992, 5, 4), "exact")),
        ("05.1992", (date(1992, 5, 1), "month")),
        ("1992", (date(1992, 1, 1), "year")),
        ("1992-05-04T00:00:00", (date(1992, 5, 4), "exact")),  # a spreadsheet's date cell
        ("٠٤/٠٥/١٩٩٢", (date(1992, 5, 4), "exact")),  # Arabic-Indic digits
        ("", None),
    ],
)
def test_dates_are_read_the_way_people_write_them(typed, expected):
    assert validation.read_date(typed) == expected


@pytest.mark.parametrize("typed", ["31.02.1990", "1990/13", "yesterday"])
def test_an_impossible_date_is_explained(typed):
    with pytest.raises(ValidationError, match="day.month.year"):
        validation.read_date(typed)


@pytest.mark.parametrize(
    "typed, sex",
    [("Kadın", "female"), ("E", "male"), ("أنثى", "female"), ("مرد", "male"), ("мужской", "male")],
)
def test_sex_is_read_in_the_regions_languages(typed, sex):
    assert validation.read_sex(typed) == sex
    assert validation.read_sex("unknown") == ""


def test_the_same_document_twice_is_a_duplicate_not_a_new_person(clerk_zeynep, haliliye_centre):
    doc = [{"kind": "tr_foreigner_id", "number": VALID_99}]
    first = services.register_person(clerk_zeynep, person(haliliye_centre), documents=doc)
    with pytest.raises(ValidationError) as exc:
        services.register_person(
            clerk_zeynep, person(haliliye_centre, given_name="Muhammad"), documents=doc
        )
    assert first.reference in str(exc.value)
    assert Person.objects.count() == 1


def test_sending_the_same_registration_twice_stores_it_once(clerk_zeynep, haliliye_centre):
    uid = uuid.uuid4()
    a = services.register_person(clerk_zeynep, person(haliliye_centre, uid=uid))
    b = services.register_person(clerk_zeynep, person(haliliye_centre, uid=uid))
    assert a.pk == b.pk and Person.objects.count() == 1


def test_a_clerk_registers_only_in_their_teams_locations(
    clerk_zeynep, fatih_clinic, partner_viewer, haliliye_centre
):
    with pytest.raises(PermissionDenied):
        services.register_person(clerk_zeynep, person(fatih_clinic))
    with pytest.raises(PermissionDenied):
        services.register_person(partner_viewer, person(haliliye_centre))
    assert not Person.objects.exists()


def test_an_edit_keeps_flags_the_editor_may_not_see(
    login, clerk_zeynep, caseworker_omer, haliliye_centre, sanliurfa_team
):
    sanliurfa_team.members.add(caseworker_omer)
    p = services.register_person(
        caseworker_omer,
        person(haliliye_centre, vulnerabilities=["survivor_of_violence", "no_income"]),
    )
    client = login(clerk_zeynep)
    page = client.get(f"/registry/people/{p.pk}/edit/").content.decode()
    assert "Survivor of violence" not in page and "No income" in page
    form = client.get(f"/registry/people/{p.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "vulnerabilities"}
    data.update(
        {
            "location": haliliye_centre.pk,
            "birth_date": "1990-01-01",
            "family_name": "El Hasan",
            "vulnerabilities": [],
            "doc-TOTAL_FORMS": 0,
            "doc-INITIAL_FORMS": 0,
            "phone-TOTAL_FORMS": 0,
            "phone-INITIAL_FORMS": 0,
        }
    )
    data["languages"] = []
    response = client.post(f"/registry/people/{p.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    p.refresh_from_db()
    assert p.family_name == "El Hasan"
    assert p.vulnerabilities == ["survivor_of_violence"]  # the clerk's own flag was cleared


def test_viewing_protection_flags_is_audited_for_those_who_see_them(
    login, caseworker_omer, clerk_zeynep, haliliye_centre, sanliurfa_team
):
    sanliurfa_team.members.add(caseworker_omer)
    p = services.register_person(
        caseworker_omer, person(haliliye_centre, vulnerabilities=["gbv_risk"])
    )
    page = login(caseworker_omer).get(p.get_absolute_url()).content.decode()
    assert "At risk of gender-based violence" in page
    views = AuditEvent.objects.filter(action="view", object_id=str(p.pk))
    assert views.get().category == "protection"
    page = login(clerk_zeynep).get(p.get_absolute_url()).content.decode()
    assert "gender-based violence" not in page
    assert views.count() == 1  # the clerk saw no protection data, so no view to audit
