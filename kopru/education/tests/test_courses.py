"""Courses: capacity, sessions as group services with the learners present, completion by
the attendance threshold, and certificates only for those who completed."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError

from kopru.core.models import AuditEvent
from kopru.education import courses
from kopru.education.models import Certificate, Learner, Session
from kopru.services.models import ServiceEvent

from .conftest import TODAY, school_day


@pytest.fixture
def learners(officer_fatma, centre_course, family):
    return [courses.enrol(officer_fatma, centre_course, family[n]) for n in ("amina", "leyla")]


def _sessions(officer, course, learners, pattern):
    """One session a week for each letter of `pattern`: A both, B only the first learner."""
    for week, who in enumerate(pattern, start=1):
        present = learners if who == "A" else learners[:1]
        courses.record_session(
            officer,
            course,
            day=school_day(week, 0),
            start=time(10, 0),
            minutes=120,
            topic=f"Unit {week}",
            present=present,
        )


def test_the_kind_gives_the_hours_and_the_data_file_the_threshold(centre_course):
    assert (centre_course.hours, centre_course.threshold) == (120, 80)


def test_a_full_course_refuses_the_next_learner(officer_fatma, centre_course, learners, family):
    with pytest.raises(ValidationError) as refused:
        courses.enrol(officer_fatma, centre_course, family["rami"])
    assert refused.value.message_dict["person"] == ["The course is full: it takes 2 learners."]
    assert Learner.objects.filter(course=centre_course).count() == 2


def test_a_session_is_one_group_service_with_the_learners_present(
    officer_fatma, centre_course, learners
):
    _sessions(officer_fatma, centre_course, learners, "B")
    session = Session.objects.get()
    event = session.event
    assert event.service_type.code == "turkish_language_course"
    assert event.subject == "group" and event.location == centre_course.centre
    assert list(event.participants.values_list("person", flat=True)) == [learners[0].person_id]


@pytest.mark.parametrize(
    "day, present, message",
    [
        (TODAY + timedelta(days=1), "all", "The date cannot be in the future."),
        (TODAY - timedelta(days=60), "all", "The session must fall within the course's dates."),
        (TODAY - timedelta(days=2), "none", "a session nobody attended is not held"),
    ],
)
def test_a_session_refused_records_nothing(
    officer_fatma, centre_course, learners, day, present, message
):
    with pytest.raises(ValidationError) as refused:
        courses.record_session(
            officer_fatma,
            centre_course,
            day=day,
            start=time(9, 0),
            minutes=120,
            present=learners if present == "all" else [],
        )
    assert message in str(refused.value)
    assert not Session.objects.exists() and not ServiceEvent.objects.exists()


def test_closing_marks_completion_by_the_threshold_and_certifies_only_completers(
    officer_fatma, centre_course, learners
):
    amina, leyla = learners
    _sessions(officer_fatma, centre_course, learners, "AABB")  # Amina 4/4, Leyla 2/4
    with pytest.raises(ValidationError, match="Close the course before issuing"):
        courses.issue_certificate(officer_fatma, amina)
    courses.close_course(officer_fatma, centre_course)
    amina.refresh_from_db(), leyla.refresh_from_db()
    assert (amina.completed, amina.sessions_attended) == (True, 4)
    assert (leyla.completed, leyla.sessions_attended) == (False, 2)
    with pytest.raises(ValidationError) as refused:
        courses.issue_certificate(officer_fatma, leyla)
    assert "Leyla Yusuf did not complete the course" in str(refused.value)
    certificate = courses.issue_certificate(officer_fatma, amina)
    assert certificate.language == "ar"  # Amina speaks Arabic
    assert courses.issue_certificate(officer_fatma, amina) == certificate
    assert Certificate.objects.count() == 1
    assert AuditEvent.objects.filter(action="create", object_type__icontains="certificate").exists()
    html = courses.certificate_html(certificate)
    assert 'dir="rtl"' in html and "أمينة يوسف" in html and "Amina Yusuf" in html
    assert certificate.number in html


def test_the_certificate_pdf_opens_from_the_course_page(
    officer_fatma, centre_course, learners, login
):
    _sessions(officer_fatma, centre_course, learners, "AA")
    courses.close_course(officer_fatma, centre_course)
    certificate = courses.issue_certificate(officer_fatma, learners[0])
    client = login(officer_fatma)
    page = client.get(f"/education/courses/{centre_course.pk}/").content.decode()
    assert certificate.number in page and "Amina Yusuf" in page
    response = client.get(f"/education/certificates/{certificate.pk}/")
    assert response["Content-Type"] == "application/pdf" and response.content[:4] == b"%PDF"
    assert AuditEvent.objects.filter(action="export", object_id=str(certificate.pk)).exists()
