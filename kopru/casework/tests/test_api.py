"""/api/v1/casework/ as a tablet meets it: the case list withholds the name of a GBV case
and is audited as a protection read, and the approvals list holds what this user may decide,
never their own request."""

import pytest

from kopru.casework import services
from kopru.core.models import AuditEvent
from kopru.core.tests.api_client import Api

pytestmark = pytest.mark.django_db


def ask(case, actor, amount):
    return services.request_need(
        actor,
        case,
        category="medical",
        description="Dressings and antibiotics after surgery",
        amount=amount,
        supplier="Eczane Şifa, Şahinbey",
    )


@pytest.fixture
def gbv_case(caseworker_omer, supervisor_derya, fatima, sahinbey_centre, gaziantep_team):
    return services.open_case(
        caseworker_omer,
        fatima,
        kind="gbv",
        location=sahinbey_centre,
        team=gaziantep_team,
        presenting_needs="Needs a safe place to stay tonight.",
    )


def test_the_case_list_withholds_the_name_of_a_gbv_case(
    client, no_otp, caseworker_omer, fatima, ecm_case, gbv_case
):
    answer = Api(client, caseworker_omer, "casework").get("/cases")
    assert answer.status_code == 200
    listed = {c["number"]: c for c in answer.json()["items"]}
    assert set(listed) == {ecm_case.number, gbv_case.number}
    hidden = listed[gbv_case.number]
    assert hidden["kind"] == "gbv" and hidden["person_reference"] == fatima.reference
    assert hidden["person_name"] == f"Name withheld ({fatima.reference})"
    assert fatima.given_name not in hidden["person_name"]
    assert fatima.family_name not in hidden["person_name"]
    assert listed[ecm_case.number]["person_name"] == "Fatima Al-Ali"
    entry = AuditEvent.objects.get(action="view", object_type="casework.case", object_id="")
    assert entry.category == "protection" and entry.actor == caseworker_omer


def test_a_cash_officer_token_lists_no_case(client, no_otp, cash_canan, ecm_case):
    answer = Api(client, cash_canan, "casework").get("/cases")
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "forbidden"


def test_the_approvals_list_a_pending_need_for_the_supervisor_not_its_requester(
    client, no_otp, caseworker_omer, supervisor_derya, ecm_case
):
    need = ask(ecm_case, caseworker_omer, "1800.50")
    (waiting,) = Api(client, supervisor_derya, "casework").get("/approvals").json()
    assert waiting["id"] == need.approval.pk
    assert waiting["case_number"] == ecm_case.number and waiting["kind"] == "need"
    assert waiting["amount"] == "1800.50" and waiting["category"] == "medical"
    assert Api(client, caseworker_omer, "casework").get("/approvals").json() == []

    services.decide(supervisor_derya, need.approval, approve=True)
    assert Api(client, supervisor_derya, "casework").get("/approvals").json() == []
