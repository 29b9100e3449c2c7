"""The API: routes and courses in the officer's places; a route's attendance sent twice with
the same uid is stored once."""

import uuid

from kopru.education import transport
from kopru.education.models import Ride, Sheet
from kopru.services.models import ServiceEvent

from .conftest import school_day


def test_attendance_sent_twice_is_stored_once(officer_fatma, route, term, family, school, login):
    ali = transport.enrol(
        officer_fatma, route, term, pupil=family["ali"], guardian=family["amina"], school=school
    )
    client = login(officer_fatma)
    body = {"uid": str(uuid.uuid4()), "day": str(school_day(1, 1)), "rides": [
        {"enrolment_id": ali.pk, "days": 1}]}  # fmt: skip
    url = f"/api/v1/education/routes/{route.pk}/attendance"
    first = client.post(url, body, content_type="application/json")
    again = client.post(url, body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["rides"] == [
        {"enrolment_id": ali.pk, "pupil": ali.pupil.reference, "days": 1}
    ]
    assert Sheet.objects.count() == 1 and Ride.objects.count() == 1
    assert ServiceEvent.objects.filter(person=ali.pupil).count() == 1


def test_bad_attendance_is_refused_naming_the_field(officer_fatma, route, term, login):
    client = login(officer_fatma)
    body = {"uid": str(uuid.uuid4()), "day": str(school_day(1, 1)), "rides": [
        {"enrolment_id": 424242, "days": 1}]}  # fmt: skip
    response = client.post(
        f"/api/v1/education/routes/{route.pk}/attendance", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "rides" in response.json()["error"]["fields"]
    assert not Sheet.objects.exists()


def test_lists_hold_only_the_officer_s_places(
    officer_fatma, officer_hale, route, centre_course, login
):
    assert [
        r["code"] for r in login(officer_fatma).get("/api/v1/education/routes").json()["items"]
    ] == ["SUR-01"]
    assert login(officer_fatma).get("/api/v1/education/courses").json()["count"] == 1
    hale = login(officer_hale)
    assert hale.get("/api/v1/education/routes").json()["items"] == []
    assert hale.get("/api/v1/education/courses").json()["count"] == 0
    assert (
        hale.post(
            f"/api/v1/education/routes/{route.pk}/attendance",
            {"uid": str(uuid.uuid4()), "day": str(school_day(1, 1)), "rides": []},
            content_type="application/json",
        ).status_code
        == 403
    )
