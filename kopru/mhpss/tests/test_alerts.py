"""Outcome measures kept for a person and the same-day safety alert a PHQ-9 item-9 answer
raises: who hears of it (and what the message says), who may act on it and review it, and the
mental-health audit trail of every write and read."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kopru.core.models import AuditEvent, OutboxMessage
from kopru.core.tests.factories import make_user
from kopru.mhpss import services as mhpss
from kopru.mhpss.models import MeasureRecord, SafetyAlert

pytestmark = pytest.mark.django_db

# Total 10 (moderate); item 9 "thoughts that you would be better off dead": several days.
WORRYING = {1: 2, 2: 2, 3: 1, 4: 2, 5: 1, 6: 1, 7: 0, 8: 0, 9: 1}
CALM = {**WORRYING, 9: 0}  # total 9 (mild), no alert


def phq9(actor, person, place, answers, **fields):
    return mhpss.record_measure(
        actor,
        person,
        instrument="phq9",
        answers=answers,
        language="ar",
        phase="pre",
        at=timezone.now() - timedelta(hours=1),
        location=place,
        **fields,
    )


def mental_health_writes():
    return AuditEvent.objects.filter(
        object_type__in=("mhpss.measurerecord", "mhpss.safetyalert")
    ).count()


@pytest.fixture
def alert(counsellor_zehra, amina, haliliye_centre):
    phq9(counsellor_zehra, amina, haliliye_centre, WORRYING)
    return SafetyAlert.objects.get()


def test_item_9_above_zero_alerts_the_supervisor_without_naming_the_person(
    counsellor_zehra, supervisor_derya, sanliurfa_team, amina, haliliye_centre
):
    record = phq9(counsellor_zehra, amina, haliliye_centre, WORRYING)
    record.refresh_from_db()
    assert (record.instrument, record.total, record.band) == ("phq9", 10, "moderate")
    assert record.person == amina and record.team == sanliurfa_team
    assert record.recorded_by == counsellor_zehra and record.category == "mental_health"
    assert record.answers == {str(k): v for k, v in WORRYING.items()}

    raised = SafetyAlert.objects.get()
    assert raised.measure == record and raised.person == amina
    assert raised.code == "self_harm_thoughts"
    assert raised.counsellor == counsellor_zehra and raised.supervisor == supervisor_derya
    assert raised.open

    message = OutboxMessage.objects.get(purpose="safety_alert")
    assert message.to == supervisor_derya.phone == "+905321112233"
    assert (message.object_type, message.object_id) == ("mhpss.safetyalert", str(raised.pk))
    for trace in (amina.given_name, amina.family_name, amina.reference, str(amina.uid)):
        assert trace and trace not in message.body, trace

    created = AuditEvent.objects.get(
        action="create", object_type="mhpss.measurerecord", object_id=str(record.pk)
    )
    assert created.category == "mental_health" and created.actor == counsellor_zehra
    assert created.details["total"] == 10 and created.details["alerts"] == 1
    assert (
        AuditEvent.objects.get(
            action="create", object_type="mhpss.safetyalert", object_id=str(raised.pk)
        ).category
        == "mental_health"
    )


def test_item_9_at_zero_raises_no_alert(counsellor_zehra, supervisor_derya, amina, haliliye_centre):
    record = phq9(counsellor_zehra, amina, haliliye_centre, CALM)
    assert (record.total, record.band) == (9, "mild")
    assert SafetyAlert.objects.count() == 0
    assert not OutboxMessage.objects.filter(purpose="safety_alert").exists()


def test_an_incomplete_questionnaire_is_refused_and_writes_nothing(
    counsellor_zehra, supervisor_derya, amina, haliliye_centre
):
    missing = {k: v for k, v in WORRYING.items() if k != 4}
    impossible = {**WORRYING, 2: 5}
    for answers in (missing, impossible, {}):
        with pytest.raises(ValidationError) as exc:
            phq9(counsellor_zehra, amina, haliliye_centre, answers)
        assert "answers" in exc.value.message_dict
    assert MeasureRecord.objects.count() == 0 and SafetyAlert.objects.count() == 0
    assert not OutboxMessage.objects.filter(purpose="safety_alert").exists()
    assert mental_health_writes() == 0


def test_the_same_questionnaire_sent_twice_raises_one_alert(
    counsellor_zehra, supervisor_derya, amina, haliliye_centre
):
    uid = uuid.uuid4()
    first = phq9(counsellor_zehra, amina, haliliye_centre, WORRYING, uid=uid)
    again = phq9(counsellor_zehra, amina, haliliye_centre, WORRYING, uid=uid)
    assert first.pk == again.pk and MeasureRecord.objects.count() == 1
    assert SafetyAlert.objects.count() == 1
    assert OutboxMessage.objects.filter(purpose="safety_alert").count() == 1


def test_an_alert_closes_with_the_action_written_once(counsellor_zehra, alert):
    for notes in ("", "   ", None):
        with pytest.raises(ValidationError) as exc:
            mhpss.record_alert_action(counsellor_zehra, alert, action="safety_plan", notes=notes)
        assert "action_notes" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        mhpss.record_alert_action(counsellor_zehra, alert, action="prayed", notes="Talked.")
    assert "action" in exc.value.message_dict
    alert.refresh_from_db()
    assert alert.open and alert.action == ""

    mhpss.record_alert_action(
        counsellor_zehra,
        alert,
        action="safety_plan",
        notes="  Risk assessed with Amina; safety plan agreed, call tomorrow.  ",
    )
    alert.refresh_from_db()
    assert not alert.open
    assert (alert.action, alert.action_by) == ("safety_plan", counsellor_zehra)
    assert alert.action_notes == "Risk assessed with Amina; safety plan agreed, call tomorrow."
    entry = AuditEvent.objects.get(action="change", object_type="mhpss.safetyalert")
    assert entry.category == "mental_health"

    with pytest.raises(ValidationError) as exc:
        mhpss.record_alert_action(
            counsellor_zehra, alert, action="referred", notes="Referred to the hospital."
        )
    assert "action" in exc.value.message_dict
    alert.refresh_from_db()
    assert alert.action == "safety_plan"
    assert alert.action_notes.startswith("Risk assessed")


def test_a_caseworker_neither_measures_nor_handles_alerts(
    caseworker_omer, counsellor_zehra, supervisor_derya, amina, haliliye_centre, alert
):
    with pytest.raises(PermissionDenied):
        phq9(caseworker_omer, amina, haliliye_centre, CALM)
    assert MeasureRecord.objects.count() == 1  # the counsellor's, from the fixture
    assert mhpss.may_handle_alert(caseworker_omer, alert) is False
    with pytest.raises(PermissionDenied):
        mhpss.record_alert_action(
            caseworker_omer, alert, action="no_current_risk", notes="Spoke with her."
        )
    with pytest.raises(PermissionDenied):
        mhpss.review_alert(caseworker_omer, alert, notes="Seen.")
    with pytest.raises(PermissionDenied):
        mhpss.view_measures(caseworker_omer, amina)
    alert.refresh_from_db()
    assert alert.open and alert.seen_at is None and alert.reviewed_by is None
    # Those it is meant for do handle it.
    assert mhpss.may_handle_alert(counsellor_zehra, alert)
    assert mhpss.may_handle_alert(supervisor_derya, alert)


def test_a_supervisor_of_another_place_does_not_handle_the_alert(gaziantep_team, alert):
    elsewhere = make_user("supervisor_kerem", "supervisor", teams=[gaziantep_team])
    assert mhpss.may_handle_alert(elsewhere, alert) is False
    with pytest.raises(PermissionDenied):
        mhpss.review_alert(elsewhere, alert, notes="Seen.")


def test_the_supervisor_reviews_and_the_counsellor_who_raised_it_does_not(
    counsellor_zehra, supervisor_derya, alert
):
    with pytest.raises((PermissionDenied, ValidationError)):
        mhpss.review_alert(counsellor_zehra, alert, notes="Looks fine to me.")
    alert.refresh_from_db()
    assert alert.seen_at is None and alert.reviewed_by is None

    mhpss.review_alert(supervisor_derya, alert)
    alert.refresh_from_db()
    assert alert.seen_at is not None and alert.reviewed_by is None  # looked at, not reviewed
    seen = alert.seen_at

    mhpss.review_alert(supervisor_derya, alert, notes="  Safety plan is adequate.  ")
    alert.refresh_from_db()
    assert alert.seen_at == seen
    assert (alert.reviewed_by, alert.review_notes) == (supervisor_derya, "Safety plan is adequate.")
    assert alert.reviewed_at is not None
    assert alert.open  # a review does not stand in for the counsellor's action


def test_a_supervisor_who_raised_an_alert_does_not_review_it(
    supervisor_derya, amina, haliliye_centre
):
    phq9(supervisor_derya, amina, haliliye_centre, WORRYING)
    own = SafetyAlert.objects.get()
    assert own.counsellor == supervisor_derya
    with pytest.raises(ValidationError) as exc:
        mhpss.review_alert(supervisor_derya, own, notes="All fine.")
    assert "review_notes" in exc.value.message_dict
    own.refresh_from_db()
    assert own.reviewed_by is None and own.seen_at is None


def test_reading_a_persons_measures_is_audited_as_mental_health(
    counsellor_zehra, amina, haliliye_centre
):
    first = phq9(counsellor_zehra, amina, haliliye_centre, CALM)
    assert not AuditEvent.objects.filter(action="view").exists()
    seen = mhpss.view_measures(counsellor_zehra, amina)
    assert seen == [first]
    entry = AuditEvent.objects.get(action="view")
    assert (entry.object_type, entry.object_id) == ("registry.person", str(amina.pk))
    assert entry.category == "mental_health" and entry.actor == counsellor_zehra


def test_an_alert_still_open_a_day_later_is_marked_overdue_for_the_supervisor(
    client, login, counsellor_zehra, supervisor_derya, amina, haliliye_centre
):
    record = phq9(counsellor_zehra, amina, haliliye_centre, WORRYING)
    alert = record.alerts.get()
    login(supervisor_derya)
    assert "overdue" not in client.get("/mhpss/alerts/").content.decode()
    SafetyAlert.objects.filter(pk=alert.pk).update(raised_at=timezone.now() - timedelta(hours=25))
    assert "overdue" in client.get("/mhpss/alerts/").content.decode()
    mhpss.record_alert_action(
        counsellor_zehra, alert, action="safety_plan", notes="Seen at home; safety plan made."
    )
    assert "overdue" not in client.get("/mhpss/alerts/?all=1").content.decode()


def test_reading_an_alert_or_a_focused_session_is_a_mental_health_view_in_the_log(
    client, login, counsellor_zehra, supervisor_derya, amina, haliliye_centre, sanliurfa_team
):
    from kopru.mhpss.models import Activity

    alert = phq9(counsellor_zehra, amina, haliliye_centre, WORRYING).alerts.get()
    mhpss.record_activity(
        counsellor_zehra,
        sanliurfa_team,
        kind="individual_focused",
        at=timezone.now() - timedelta(hours=2),
        location=haliliye_centre,
        person=amina,
    )
    session = Activity.objects.get(kind="individual_focused")
    login(supervisor_derya)
    views = AuditEvent.objects.filter(action="view", category="mental_health")
    before = views.count()
    assert client.get(f"/mhpss/alerts/{alert.pk}/").status_code == 200
    assert views.filter(object_type="mhpss.safetyalert").count() == 1
    assert client.get(f"/mhpss/activities/{session.pk}/").status_code == 200
    assert views.filter(object_type="services.serviceevent").count() == 1
    assert views.count() == before + 2
