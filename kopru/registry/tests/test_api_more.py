"""The registry's API beyond registration: edits, the duplicate check, photographs,
households, and the review of duplicates, each through the same services as the pages."""

import json
import uuid

import pytest

from kopru.core.models import AuditEvent
from kopru.core.tests.api_client import Api as TokenApi
from kopru.core.tests.factories import mission
from kopru.registry import services
from kopru.registry.models import DuplicateCandidate, Person

from .test_photos import picture
from .test_register import VALID_99, person

pytestmark = pytest.mark.django_db


def Api(client, user):
    return TokenApi(client, user, "registry")


@pytest.fixture
def mehmet(clerk_zeynep, haliliye_centre):
    return services.register_person(
        clerk_zeynep,
        person(haliliye_centre, father_name="Ahmet"),  # Mehmet Elhasan, 01.01.1990 (estimated)
        documents=[{"kind": "tr_foreigner_id", "number": VALID_99}],
    )


def test_a_record_read_changed_and_sent_back_is_saved_and_bad_input_changes_nothing(
    client, clerk_zeynep, mehmet
):
    api = Api(client, clerk_zeynep)
    record = api.get(f"/people/{mehmet.pk}").json()
    record.update(given_name="Muhammed", phones=[{"number": "0532 111 22 33"}])
    record["documents"] = [{"kind": "unhcr", "number": "123-45C67890"}]
    saved = api.put(f"/people/{mehmet.pk}", record)
    assert saved.status_code == 200, saved.json()
    assert saved.json()["given_name"] == "Muhammed"
    assert saved.json()["phones"] == ["+905321112233"]
    assert [d["kind"] for d in saved.json()["documents"]] == ["unhcr"]
    bad = api.put(f"/people/{mehmet.pk}", {**record, "given_name": "X", "nationality": "ZZZ"})
    assert bad.status_code == 400 and "nationality" in bad.json()["error"]["fields"]
    mehmet.refresh_from_db()
    assert mehmet.given_name == "Muhammed"


def test_the_duplicate_check_answers_a_tablet_and_hides_what_is_outside_its_places(
    client, clerk_zeynep, dr_ayse, mehmet
):
    draft = {
        "given_name": "Muhammad",
        "family_name": "Al-Hassan",
        "birth_date": "1990-01-01",
        "birth_date_precision": "year",
        "sex": "male",
    }
    found = Api(client, clerk_zeynep).post("/matches", draft).json()
    assert [m["reference"] for m in found] == [mehmet.reference]
    assert found[0]["id"] == mehmet.pk and found[0]["family_name"] == "Elhasan"
    assert {p["field"] for p in found[0]["parts"] if p["weight"] > 0} >= {"given_name"}
    # A physician in Istanbul learns a match exists in Şanlıurfa, not who it is.
    elsewhere = Api(client, dr_ayse).post("/matches", draft).json()
    assert elsewhere[0]["id"] is None and elsewhere[0]["family_name"] == ""
    assert elsewhere[0]["visible"] is False
    # A half-typed document number is not an error, only not matched on.
    partial = {**draft, "documents": [{"kind": "tr_foreigner_id", "number": "9912"}]}
    assert Api(client, clerk_zeynep).post("/matches", partial).status_code == 200


def test_a_photograph_through_the_api_needs_consent_and_every_view_is_audited(
    client, clerk_zeynep, mehmet
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    api = Api(client, clerk_zeynep)

    def upload():
        return client.post(
            f"/api/v1/registry/people/{mehmet.pk}/photo",
            {"photo": SimpleUploadedFile("face.jpg", picture(), "image/jpeg")},
            **api.headers,
        )

    refused = upload()
    assert refused.status_code == 400 and "consent" in json.dumps(refused.json())
    services.record_consent(clerk_zeynep, mehmet, purpose="photo", decision="given", language="tr")
    assert upload().status_code == 201
    image = api.get(f"/people/{mehmet.pk}/photo")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert AuditEvent.objects.filter(action="view", object_type="registry.photo").count() == 1
    assert api.delete(f"/people/{mehmet.pk}/photo").status_code == 204
    assert api.get(f"/people/{mehmet.pk}/photo").status_code == 404


def test_households_through_the_api(client, clerk_zeynep, haliliye_centre, mehmet):
    api = Api(client, clerk_zeynep)
    wife = services.register_person(
        clerk_zeynep, person(haliliye_centre, given_name="Huda", sex="female")
    )
    body = {"uid": str(uuid.uuid4()), "head_id": mehmet.pk, "location_id": haliliye_centre.pk}
    created, again = api.post("/households", body), api.post("/households", body)
    assert (created.status_code, again.status_code) == (201, 200)
    home = created.json()
    assert home["reference"] == again.json()["reference"] and home["size"] == 1
    added = api.post(
        f"/households/{home['id']}/members", {"person_id": wife.pk, "relationship": "spouse"}
    )
    assert added.status_code == 201 and added.json()["size"] == 2
    # A second head is refused with a reason, and nothing changes.
    second = api.post(
        f"/households/{home['id']}/members", {"person_id": wife.pk, "relationship": "head"}
    )
    assert second.status_code == 400
    membership = next(m for m in added.json()["members"] if m["person_id"] == wife.pk)
    no_reason = api.post(f"/memberships/{membership['id']}/end", {"reason": " "})
    assert no_reason.status_code == 400
    ended = api.post(f"/memberships/{membership['id']}/end", {"reason": "Moved to Izmir"})
    assert ended.json()["size"] == 1
    left = next(m for m in ended.json()["members"] if m["person_id"] == wife.pk)
    assert left["end_reason"] == "Moved to Izmir" and left["end_date"]


def test_a_reviewer_merges_and_undoes_through_the_api(
    client, admin_selin, clerk_zeynep, caseworker_omer, haliliye_centre, mehmet
):
    twin = services.register_person(
        clerk_zeynep,
        person(
            haliliye_centre, given_name="Muhammad", family_name="Al-Hassan", father_name="Ahmad"
        ),
    )
    a, b = sorted([mehmet, twin], key=lambda p: p.pk)
    candidate = DuplicateCandidate.objects.create(
        mission=mission("TR"),
        person_a=a,
        person_b=b,
        score=0.93,
        parts=[["given_name", "same", 2.1]],
    )
    api = Api(client, admin_selin)
    queue = api.get("/duplicates").json()["items"]
    assert [c["id"] for c in queue] == [candidate.pk]
    assert queue[0]["parts"] == [{"field": "given_name", "level": "same", "weight": 2.1}]
    bad = api.post(f"/duplicates/{candidate.pk}/decision", {"decision": "merge"})
    assert bad.status_code == 400  # which record stays?
    done = api.post(
        f"/duplicates/{candidate.pk}/decision", {"decision": "merge", "survivor_id": mehmet.pk}
    ).json()
    assert Person.objects.get(pk=twin.pk).merged_into == mehmet
    undone = api.post(f"/merges/{done['merge_id']}/undo")
    assert undone.status_code == 200 and undone.json()["undone_at"]
    assert Person.objects.get(pk=twin.pk).merged_into is None
    # A case worker does not review duplicates.
    assert Api(client, caseworker_omer).get("/duplicates").status_code == 403
