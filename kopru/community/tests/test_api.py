"""The community API: projects filtered by the user's places, a milestone done twice done
once, the rent months due, and a month's rent sent twice stored once."""

import datetime as dt
import uuid

from kopru.community import projects, rentals
from kopru.community.models import RentalAgreement, RentPayment
from kopru.core.models import AuditEvent

from .conftest import new_project, with_milestones


def test_projects_are_listed_within_the_users_places(login, shelter_burak, shelter_selma, school):
    new_project(shelter_selma, facility="park", title="Konak park", pcode="TR35", name="Konak")
    body = login(shelter_burak).get("/api/v1/community/projects").json()
    assert [p["title"] for p in body["items"]] == [school.title]
    assert body["items"][0]["budget"] == "100000.00"
    body = login(shelter_selma).get("/api/v1/community/projects?province=TR35").json()
    assert [p["title"] for p in body["items"]] == ["Konak park"]


def test_a_milestone_done_twice_is_done_once(login, shelter_burak, school, today):
    first, _second = with_milestones(shelter_burak, school, (30, 70))
    client = login(shelter_burak)
    url = f"/api/v1/community/milestones/{first.pk}/done"
    answers = [
        client.post(url, {"done_on": today.isoformat()}, content_type="application/json")
        for _n in range(2)
    ]
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].json() == answers[1].json()
    assert answers[0].json()["project_progress"] == 30
    changes = AuditEvent.objects.filter(object_type="community.milestone", action="change")
    assert changes.count() == 1


def test_a_future_day_is_refused_with_the_field(login, shelter_burak, school, today):
    (milestone,) = with_milestones(shelter_burak, school, (100,))
    answer = login(shelter_burak).post(
        f"/api/v1/community/milestones/{milestone.pk}/done",
        {"done_on": (today + dt.timedelta(days=3)).isoformat()},
        content_type="application/json",
    )
    assert answer.status_code == 400 and "done_on" in answer.json()["error"]["fields"]


def test_another_provinces_engineer_cannot_mark_a_milestone(
    login, shelter_selma, shelter_burak, school, today
):  # noqa: E501
    (milestone,) = with_milestones(shelter_burak, school, (100,))
    answer = login(shelter_selma).post(
        f"/api/v1/community/milestones/{milestone.pk}/done",
        {"done_on": today.isoformat()},
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert projects.progress(school) == 0


def _agreement(actor, dwelling, today):
    start = (today.replace(day=1) - dt.timedelta(days=40)).replace(day=1)
    return rentals.sign(
        actor,
        RentalAgreement(
            dwelling=dwelling, landlord_name="Ali Kılıç", landlord_phone="05432901866",
            landlord_identity="TC 3456789012", starts_on=start,
            ends_on=start.replace(year=start.year + 1) - dt.timedelta(days=1),
            monthly_rent="8200", deposit="0", signed_on=start,
        ),
    )  # fmt: skip


def test_rent_due_lists_the_unpaid_months_and_a_payment_sent_twice_is_stored_once(
    login, shelter_burak, dwelling, today
):
    agreement = _agreement(shelter_burak, dwelling, today)
    client = login(shelter_burak)
    due = client.get("/api/v1/community/rent-due").json()
    assert len(due) == len(rentals.owed(agreement, today)) >= 2
    assert due[0]["state"] == "overdue" and due[0]["amount"] == "8200.00"
    payment = {
        "uid": str(uuid.uuid4()),
        "month": due[0]["month"],
        "paid_on": today.isoformat(),
        "reference": "EFT-1",
    }
    url = f"/api/v1/community/rentals/{agreement.pk}/payments"
    first = client.post(url, payment, content_type="application/json")
    again = client.post(url, payment, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert RentPayment.objects.count() == 1
    wrong = client.post(
        url,
        {**payment, "uid": str(uuid.uuid4()), "month": due[1]["month"], "amount": "9000"},
        content_type="application/json",
    )
    assert wrong.status_code == 400 and "amount" in wrong.json()["error"]["fields"]
    assert len(client.get("/api/v1/community/rent-due").json()) == len(due) - 1


def test_rent_due_is_refused_without_the_financial_category(login, volunteer_vedat):
    assert login(volunteer_vedat).get("/api/v1/community/rent-due").status_code == 403
