"""Registering through the page (keyboard-only form) and through the API."""

import json
import uuid

import pytest

from kopru.core.models import AuditEvent
from kopru.core.services import issue_token
from kopru.registry.models import Person

from .test_register import VALID_99

pytestmark = pytest.mark.django_db


def form_data(place, **extra):
    return {
        "uid": str(uuid.uuid4()),
        "given_name": "Khadija",
        "family_name": "Suleiman",
        "given_name_original": "خديجة",
        "sex": "female",
        "birth_date": "1992-05-04",
        "birth_date_precision": "exact",
        "nationality": "SYR",
        "population_group": "temporary_protection",
        "location": place.pk,
        "languages": ["ara"],
        "interpreter_language": "ara",
        "doc-TOTAL_FORMS": 2,
        "doc-INITIAL_FORMS": 0,
        "doc-0-kind": "tr_foreigner_id",
        "doc-0-number": VALID_99,
        "doc-1-kind": "",
        "doc-1-number": "",
        "phone-TOTAL_FORMS": 2,
        "phone-INITIAL_FORMS": 0,
        "phone-0-number": "05321112233",
        "phone-1-number": "",
        "wg_seeing": 4,
        **extra,
    }


def test_register_through_the_page(login, clerk_zeynep, haliliye_centre):
    client = login(clerk_zeynep)
    form = client.get("/registry/people/register/")
    html = form.content.decode()
    assert "autofocus" in html and 'name="uid"' in html
    response = client.post("/registry/people/register/", form_data(haliliye_centre))
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.has_disability and person.documents.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert person.reference in page and "خديجة" in page


def test_a_double_submit_registers_once(login, clerk_zeynep, haliliye_centre):
    client = login(clerk_zeynep)
    data = form_data(haliliye_centre)
    client.post("/registry/people/register/", data)
    client.post("/registry/people/register/", data)
    assert Person.objects.count() == 1


def test_errors_show_on_the_form_and_nothing_is_saved(login, clerk_zeynep, haliliye_centre):
    client = login(clerk_zeynep)
    response = client.post(
        "/registry/people/register/", form_data(haliliye_centre, **{"doc-0-number": "99123456741"})
    )
    assert response.status_code == 200
    assert "not a valid Turkish identity number" in response.content.decode()
    assert not Person.objects.exists()


def test_the_form_speaks_turkish(login, clerk_zeynep):
    client = login(clerk_zeynep)
    client.post("/i18n/setlang/", {"language": "tr", "next": "/"})
    html = client.get("/registry/people/register/").content.decode()
    assert "Register a person" not in html and "Suriye" in html


def test_register_and_find_through_the_api(client, clerk_zeynep, haliliye_centre):
    token = issue_token(clerk_zeynep, name="tablet")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    payload = {
        "uid": str(uuid.uuid4()),
        "given_name": "Yusuf",
        "family_name": "Haddad",
        "given_name_original": "يوسف",
        "sex": "male",
        "birth_date": "2015-01-01",
        "birth_date_precision": "estimated",
        "nationality": "SYR",
        "population_group": "temporary_protection",
        "location_id": haliliye_centre.pk,
        "documents": [{"kind": "tr_foreigner_id", "number": VALID_99}],
        "phones": [{"number": "0532 111 22 33"}],
    }
    created = client.post(
        "/api/v1/registry/people", json.dumps(payload), content_type="application/json", **headers
    )
    again = client.post(
        "/api/v1/registry/people", json.dumps(payload), content_type="application/json", **headers
    )
    assert (created.status_code, again.status_code) == (201, 200)
    body = created.json()
    assert body["reference"] == again.json()["reference"]
    assert body["phones"] == ["+905321112233"]
    found = client.get("/api/v1/registry/people?q=يوسف", **headers).json()
    assert [p["reference"] for p in found["items"]] == [body["reference"]]
    bad = client.post(
        "/api/v1/registry/people",
        json.dumps({**payload, "uid": str(uuid.uuid4()), "nationality": "ZZZ"}),
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 400 and "nationality" in bad.json()["error"]["fields"]
    assert Person.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="registry.person", action="create").count() == 1


def test_the_api_gives_back_everything_registration_took(client, clerk_zeynep, haliliye_centre):
    """An offline client that reads its record back must not lose what it sent."""
    token = issue_token(clerk_zeynep, name="tablet")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    sent = {
        "given_name": "Huda",
        "family_name": "Haddad",
        "father_name": "Omar",
        "father_name_original": "عمر",
        "mother_name": "Amina",
        "mother_name_original": "آمنة",
        "sex": "female",
        "birth_country": "SYR",
        "birth_place": "Aleppo",
        "languages": ["ara", "tur"],
        "interpreter_language": "ara",
        "population_group": "temporary_protection",
        "location_id": haliliye_centre.pk,
        "neighbourhood": "Yenişehir",
        "address": "12. Sokak No 4",
        "wg_seeing": 3,
    }
    created = client.post(
        "/api/v1/registry/people", json.dumps(sent), content_type="application/json", **headers
    ).json()
    read = client.get(f"/api/v1/registry/people/{created['id']}", **headers).json()
    assert {k: read[k] for k in sent} == sent
    assert read["has_disability"] is True
