"""Every page and API route, for every role, against the policy table in kopru.core.access.

A route added without a policy entry fails here (and is refused at run time)."""

import json
import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from kopru.api import api
from kopru.core import access
from kopru.core.api_auth import Policy
from kopru.core.models import ApiToken, Location, Role, Team

from .factories import location, make_user


def page_routes():
    """(view name, route regex) for every Django URL pattern outside the API."""
    found = []

    def walk(patterns, prefix, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = (
                    f"{namespace}:{p.namespace}"
                    if namespace and p.namespace
                    else (p.namespace or namespace)
                )
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace else p.name
                found.append((name, prefix + str(p.pattern)))

    walk(get_resolver().url_patterns, "", None)
    return found


def api_operations():
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                yield prefix, path, op


def test_every_page_route_has_a_policy_entry():
    missing = [
        name
        for name, route in page_routes()
        if not route.startswith("api/v1/") or name.startswith("api-1:openapi")
        if name not in access.PAGES
    ]
    assert missing == [], f"routes without an entry in access.PAGES: {missing}"


def test_every_api_operation_names_its_policy():
    for prefix, path, op in api_operations():
        policies = [a for a in op.auth_callbacks if isinstance(a, Policy)]
        assert len(policies) == 1 and len(op.auth_callbacks) == 1, (
            f"{op.methods} {prefix}{path} must use auth=policy('...')"
        )
        assert policies[0].key in access.API


def test_policy_tables_name_only_real_routes_and_capabilities(db):
    names = {name for name, _ in page_routes()}
    assert set(access.PAGES) <= names, set(access.PAGES) - names
    keys = {op.auth_callbacks[0].key for *_, op in api_operations()}
    assert set(access.API) == keys
    rules = set(access.PAGES.values()) | set(access.API.values())
    special = {access.PUBLIC, access.LOGIN, access.AUTHENTICATED}
    named = {c for rule in rules - special for c in rule.split("|")}  # "a|b": either
    assert named <= access.CAPABILITIES
    for role in Role.objects.all():
        assert set(role.capabilities) <= access.CAPABILITIES, role.slug


def test_a_route_missing_from_the_policy_is_refused(client, admin_selin, no_otp, settings):
    settings.ROOT_URLCONF = "kopru.core.tests.urls_unlisted"
    client.force_login(admin_selin)
    assert client.get("/unlisted/").status_code == 403


@pytest.fixture
def samples(db, fatih_clinic, istanbul_team):
    """Objects that the routes' URL arguments point at."""
    from kopru.registry.models import Person

    person = Person.objects.create(
        mission=fatih_clinic.mission,
        reference="TR-0000-0000-0",
        given_name="Sample",
        sex="female",
        population_group="other",
        location=fatih_clinic,
    )
    from kopru.registry.models import Household, Membership

    household = Household.objects.create(
        mission=fatih_clinic.mission, location=fatih_clinic, reference="TRH-0000-0000-0"
    )
    membership = Membership.objects.create(
        household=household, person=person, relationship="head", start_date="2026-01-01"
    )
    return {
        "location": fatih_clinic,
        "team": istanbul_team,
        "person": person,
        "membership": membership,
    }


def _url_for(route, samples, user):
    args = {
        "pk": samples["location"].pk,
        "parent_pk": samples["location"].parent_id,
        "location_id": samples["location"].pk,
        "token_id": samples["token"].pk,
        "person_id": samples["person"].pk,
        "person_pk": samples["person"].pk,
        "household_id": samples["membership"].household_id,
        "membership_id": samples["membership"].pk,
        "candidate_id": 1,
        "merge_id": 1,
        "kind": "service_type",
        "referral_id": 1,
        "appointment_id": 1,
        "case_id": 1,
        "cycle_id": 1,
        "order_id": 1,
        "instrument": "phq9",
        "token": "no-such-link",
    }
    if route.startswith(("teams/", "admin/users/", "admin/roles/", "admin/missions/", "projects/")):
        kind = route.split("/")[1] if route.startswith("admin/") else route.split("/")[0]
        args["pk"] = {
            "teams": samples["team"].pk,
            "users": user.pk,
            "roles": user.role_id,
            "missions": location("TR").mission_id,
            "projects": 1,
        }[kind]
    if route.startswith("profile/tokens/"):
        args["pk"] = samples["token"].pk
    if route.startswith("registry/people/"):
        args["pk"] = samples["person"].pk
    if route.startswith("registry/households/"):
        args["pk"] = samples["membership"].household_id
    if route.startswith("registry/imports/"):
        args["pk"] = 1
    if route.startswith(("services/people/", "services/households/")):
        args["pk"] = samples["person"].pk
        if route.startswith("services/households/"):
            args["pk"] = samples["membership"].household_id
    if route.startswith("health/people/"):
        args["pk"] = samples["person"].pk
    if route.startswith("registry/memberships/"):
        args["pk"] = samples["membership"].pk
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(args[m.group(1)]), route)
    url = re.sub(r"\{(\w+)\}", lambda m: str(args[m.group(1)]), url)
    return "/" + url.lstrip("/")


ROLE_SLUGS = [
    r["slug"]
    for r in json.loads((Path(access.__file__).parent / "data" / "roles.json").read_text())["roles"]
]


@pytest.mark.parametrize("role", ROLE_SLUGS)
def test_each_role_gets_exactly_the_pages_and_operations_the_policy_gives(
    client, role, samples, no_otp
):
    user = make_user(f"as_{role}", role, teams=[samples["team"]])
    samples["token"] = ApiToken.objects.create(user=user, name="t", prefix="x", digest=role)
    client.force_login(user)
    wrong = []
    for name, route in page_routes():
        if route.startswith("api/v1/") and not name.startswith("api-1:openapi"):
            continue
        rule = access.PAGES[name]
        url = _url_for(route, samples, user)
        status = client.get(url).status_code
        allowed = rule in (access.PUBLIC, access.LOGIN, access.AUTHENTICATED) or access.has(
            user, rule
        )
        if allowed == (status == 403):
            wrong.append((name, url, rule, status))
    for prefix, path, op in api_operations():
        rule = op.auth_callbacks[0].rule
        url = _url_for(f"api/v1{prefix}{path.lstrip('/')}", samples, user)
        method = list(op.methods)[0].lower()
        response = getattr(client, method)(url, data={}, content_type="application/json")
        allowed = rule == access.AUTHENTICATED or access.has(user, rule)
        if allowed == (response.status_code == 403):
            wrong.append((op.view_func.__name__, url, rule, response.status_code))
    assert wrong == []


def test_anonymous_visitors_are_sent_to_sign_in_and_the_api_answers_401(client, samples):
    someone = make_user("someone", "clerk")
    samples["token"] = ApiToken.objects.create(user=someone, name="t", prefix="x", digest="d")
    for name, route in page_routes():
        if route.startswith("api/v1/") and not name.startswith("api-1:openapi"):
            continue
        response = client.get(_url_for(route, samples, someone))
        if access.PAGES[name] == access.PUBLIC:
            assert response.status_code in (200, 302, 405, 410), name  # 410: a used link
        else:
            assert response.status_code == 302 and "/login/" in response["Location"], name
    for prefix, path, op in api_operations():
        url = _url_for(f"api/v1{prefix}{path.lstrip('/')}", samples, someone)
        response = getattr(client, list(op.methods)[0].lower())(url)
        assert response.status_code == 401, url
        assert response.json()["error"]["code"] == "unauthenticated"


def test_location_and_team_samples_are_in_the_mission(samples):
    assert isinstance(samples["location"], Location) and isinstance(samples["team"], Team)
