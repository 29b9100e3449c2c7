"""/api/v1/: tokens, the policy, the error shape, idempotent writes, the OpenAPI file."""

import json
import uuid

import pytest
from django.core.management import call_command

from kopru.core.models import ApiToken, AuditEvent, Location, Project

from .factories import district, location

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_token(admin_selin):
    from kopru.core.services import issue_token

    return issue_token(admin_selin, name="integration")[1]


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_token_is_shown_once_and_stored_only_as_a_hash(login, clerk_zeynep):
    client = login(clerk_zeynep)
    page = client.post("/profile/tokens/", {"name": "Kobo import", "expires_days": "30"})
    raw = page.context["raw_token"]
    assert raw.startswith("kpr_") and raw in page.content.decode()
    stored = ApiToken.objects.get(user=clerk_zeynep)
    assert raw not in (stored.digest, stored.prefix) and len(stored.digest) == 64
    assert raw not in client.get("/profile/tokens/").content.decode()
    # The token works for the API without a session...
    client.logout()
    me = client.get("/api/v1/core/me", **bearer(raw)).json()
    assert me["username"] == "clerk_zeynep"
    assert me["capabilities"] == [
        "registry.merge",
        "registry.register",
        "registry.view_people",
        "registry.view_photos",
        "services.appointments",
        "services.record",
        "services.refer",
    ]
    assert AuditEvent.objects.filter(action="create", object_type="core.apitoken").exists()


def test_a_revoked_or_expired_token_is_refused(client, login, clerk_zeynep):
    from datetime import timedelta

    from django.utils import timezone

    from kopru.core.services import issue_token

    token, raw = issue_token(clerk_zeynep, name="old")
    assert client.get("/api/v1/core/me", **bearer(raw)).status_code == 200
    login(clerk_zeynep).post(f"/profile/tokens/{token.pk}/revoke/")
    client.logout()
    response = client.get("/api/v1/core/me", **bearer(raw))
    assert response.status_code == 401
    token2, raw2 = issue_token(clerk_zeynep, name="short")
    ApiToken.objects.filter(pk=token2.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/core/me", **bearer(raw2)).status_code == 401


def test_tokens_over_the_api_create_and_revoke(client, admin_token):
    created = client.post(
        "/api/v1/core/tokens",
        json.dumps({"name": "sync"}),
        content_type="application/json",
        **bearer(admin_token),
    )
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("kpr_") and body["active"]
    revoked = client.delete(f"/api/v1/core/tokens/{body['id']}", **bearer(admin_token))
    assert revoked.json()["active"] is False


def test_errors_have_one_shape_and_a_translated_message(client, admin_token):
    forbidden_token = None
    from kopru.core.services import issue_token

    from .factories import make_user

    forbidden_token = issue_token(make_user("clerk2", "clerk"), name="x")[1]
    cases = [
        (client.get("/api/v1/core/me"), 401, "unauthenticated"),
        (client.get("/api/v1/core/audit", **bearer(forbidden_token)), 403, "forbidden"),
        (client.get("/api/v1/core/locations/999999", **bearer(admin_token)), 404, "not_found"),
        (
            client.post(
                "/api/v1/core/projects",
                "{}",
                content_type="application/json",
                **bearer(admin_token),
            ),
            422,
            "invalid",
        ),
    ]
    for response, status, code in cases:
        assert response.status_code == status
        error = response.json()["error"]
        assert error["code"] == code and error["message"] and isinstance(error["fields"], dict)
    assert "code" in cases[3][0].json()["error"]["fields"]
    turkish = client.get("/api/v1/core/me", HTTP_ACCEPT_LANGUAGE="tr")
    assert turkish.json()["error"]["message"] != cases[0][0].json()["error"]["message"]


def test_bad_data_changes_nothing(client, admin_token):
    payload = {
        "code": "X-1",
        "name": "Backwards",
        "donor": "EU",
        "start_date": "2026-06-01",
        "end_date": "2026-01-01",
    }
    response = client.post(
        "/api/v1/core/projects?mission=TR",
        json.dumps(payload),
        content_type="application/json",
        **bearer(admin_token),
    )
    assert response.status_code == 400
    assert "end_date" in response.json()["error"]["fields"]
    assert not Project.objects.filter(code="X-1").exists()


def test_creating_a_project_twice_with_the_same_uid_stores_it_once(client, admin_token):
    uid = str(uuid.uuid4())
    payload = {
        "uid": uid,
        "code": "MHD-27",
        "name": "Clinic care",
        "donor": "PRM",
        "start_date": "2027-01-01",
        "end_date": "2027-12-31",
        "province_ids": [location("TR34").pk],
        "targets": [{"indicator": "Consultations", "target": 100, "unit": "consultations"}],
    }
    first = client.post(
        "/api/v1/core/projects?mission=TR",
        json.dumps(payload),
        content_type="application/json",
        **bearer(admin_token),
    )
    again = client.post(
        "/api/v1/core/projects?mission=TR",
        json.dumps(payload),
        content_type="application/json",
        **bearer(admin_token),
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Project.objects.filter(uid=uid).count() == 1
    assert first.json()["targets"][0]["target"] == 100


def test_creating_a_site_is_idempotent_and_gets_a_pcode(client, admin_token):
    fatih = district("TR34", "Fatih")
    payload = {
        "uid": str(uuid.uuid4()),
        "parent_id": fatih.pk,
        "name": "Fatih clinic",
        "site_type": "clinic",
    }
    for expected in (201, 200):
        response = client.post(
            "/api/v1/core/locations?mission=TR",
            json.dumps(payload),
            content_type="application/json",
            **bearer(admin_token),
        )
        assert response.status_code == expected
    site = Location.objects.get(uid=payload["uid"])
    assert site.pcode == f"{fatih.pcode}-001" and site.path.startswith(fatih.path)


def test_a_site_must_sit_under_a_district(client, admin_token):
    payload = {"parent_id": location("TR34").pk, "name": "Wrong level", "site_type": "clinic"}
    response = client.post(
        "/api/v1/core/locations?mission=TR",
        json.dumps(payload),
        content_type="application/json",
        **bearer(admin_token),
    )
    assert response.status_code == 400 and "parent" in response.json()["error"]["fields"]
    assert not Location.objects.filter(name="Wrong level").exists()


def test_lists_are_paginated_with_a_maximum_page_size(client, admin_token):
    response = client.get(
        "/api/v1/core/locations?mission=TR&page_size=10000", **bearer(admin_token)
    ).json()
    assert (
        response["count"] > 280
        and len(response["items"]) == 500
        or len(response["items"]) == response["count"]
    )
    small = client.get(
        "/api/v1/core/locations?mission=TR&level=province&page_size=5", **bearer(admin_token)
    ).json()
    assert small["count"] == 81 and len(small["items"]) == 5


def test_session_writes_need_the_csrf_token(admin_selin, no_otp):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_selin)
    response = browser.post(
        "/api/v1/core/tokens", json.dumps({"name": "x"}), content_type="application/json"
    )
    assert response.status_code == 401
    assert browser.get("/api/v1/core/me").status_code == 200


def test_the_docs_page_loads_without_a_cdn(login, admin_selin):
    page = login(admin_selin).get("/api/v1/docs").content.decode()
    assert "cdn." not in page and "unpkg" not in page and "jsdelivr" not in page


def test_the_checked_in_openapi_schema_is_current():
    call_command("export_openapi", "docs/openapi.json", check=True)
