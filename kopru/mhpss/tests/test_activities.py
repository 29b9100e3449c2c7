"""What a psychosocial mobile team records: its activities, each one ServiceEvent of the
ledger with its psychosocial detail; the week plan; structured programmes and their sessions;
and participants' anonymous feedback."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from kopru.core.models import AuditEvent
from kopru.core.tests.factories import make_user
from kopru.mhpss import catalogue, selectors
from kopru.mhpss import services as mhpss
from kopru.mhpss.models import Activity, Enrolment, Feedback, PlanItem, ProgrammeSession
from kopru.registry.models import Person
from kopru.services.models import Headcount, Participation, ServiceEvent

pytestmark = pytest.mark.django_db

# An awareness session in a neighbourhood: women, men, girls and boys, some with a disability.
GRID = [
    {"sex": "female", "age_band": "18-59", "disability": False, "count": 14},
    {"sex": "female", "age_band": "18-59", "disability": True, "count": 2},
    {"sex": "male", "age_band": "18-59", "disability": False, "count": 9},
    {"sex": "female", "age_band": "12-17", "disability": False, "count": 6},
    {"sex": "male", "age_band": "5-11", "disability": False, "count": 5},
    {"sex": "male", "age_band": "5-11", "disability": True, "count": 1},
]


def an_hour_ago():
    return timezone.now() - timedelta(hours=1)


def cells(event):
    return sorted(
        (h.sex, h.age_band, h.disability, h.count) for h in Headcount.objects.filter(event=event)
    )


def nothing_written():
    return (
        ServiceEvent.objects.count() == 0
        and Activity.objects.count() == 0
        and Headcount.objects.count() == 0
    )


def group_activity(actor, team, place, **fields):
    """A group activity of `team` with a small headcount, unless the test says otherwise."""
    return mhpss.record_activity(
        actor,
        team,
        **{
            "at": an_hour_ago(),
            "location": place,
            "headcounts": [{"sex": "female", "age_band": "18-59", "disability": False, "count": 8}],
            **fields,
        },
    )


@pytest.fixture
def counsellor_in_gaziantep(gaziantep_team):
    """A counsellor, so holding mhpss.record, but in another team than Şanlıurfa's."""
    return make_user("counsellor_baran", "counsellor", teams=[gaziantep_team])


# --- Activities -----------------------------------------------------------------------------


def test_an_awareness_session_is_one_service_event_with_its_headcount_grid(
    counsellor_zehra, sanliurfa_team, haliliye_centre
):
    activity = group_activity(
        counsellor_zehra,
        sanliurfa_team,
        haliliye_centre,
        kind="awareness",
        topic="early_forced_marriage",
        headcounts=GRID,
        headcount_total=37,
    )
    event = ServiceEvent.objects.get()
    assert activity.event == event and Activity.objects.get() == activity
    assert event.service_type.code == "awareness_session"
    assert event.subject == "group" and event.team == sanliurfa_team
    assert event.staff == counsellor_zehra and event.location == haliliye_centre
    assert cells(event) == sorted(
        (c["sex"], c["age_band"], c["disability"], c["count"]) for c in GRID
    )
    assert event.headcount_total == 37
    assert sum(h.count for h in event.headcounts.filter(disability=True)) == 3
    activity.refresh_from_db()
    assert (activity.kind, activity.topic, activity.layer) == (
        "awareness",
        "early_forced_marriage",
        2,
    )
    assert activity.team == sanliurfa_team and activity.mission_id == sanliurfa_team.mission_id


def test_the_layer_given_replaces_the_default_and_an_unknown_layer_is_refused(
    counsellor_zehra, sanliurfa_team, haliliye_centre
):
    chosen = group_activity(
        counsellor_zehra,
        sanliurfa_team,
        haliliye_centre,
        kind="awareness",
        topic="gbv",
        layer=1,
    )
    assert chosen.layer == 1
    with pytest.raises(ValidationError) as exc:
        group_activity(
            counsellor_zehra,
            sanliurfa_team,
            haliliye_centre,
            kind="awareness",
            topic="gbv",
            layer=5,
        )
    assert "layer" in exc.value.message_dict
    assert Activity.objects.count() == 1


def test_an_awareness_session_without_a_topic_is_refused_and_writes_nothing(
    counsellor_zehra, sanliurfa_team, haliliye_centre
):
    for topic in ("", "not_a_topic"):
        with pytest.raises(ValidationError) as exc:
            group_activity(
                counsellor_zehra,
                sanliurfa_team,
                haliliye_centre,
                kind="awareness",
                topic=topic,
                headcounts=GRID,
            )
        assert "topic" in exc.value.message_dict, topic
    assert nothing_written()
    assert not AuditEvent.objects.filter(object_type="services.serviceevent").exists()


def test_a_focus_group_without_findings_is_refused(
    counsellor_zehra, sanliurfa_team, haliliye_centre
):
    for findings in ("", "   \n "):
        with pytest.raises(ValidationError) as exc:
            group_activity(
                counsellor_zehra,
                sanliurfa_team,
                haliliye_centre,
                kind="focus_group",
                findings=findings,
            )
        assert "findings" in exc.value.message_dict
    assert nothing_written()
    discussion = group_activity(
        counsellor_zehra,
        sanliurfa_team,
        haliliye_centre,
        kind="focus_group",
        findings="  Women ask for sessions in the afternoon, after school pick-up.  ",
    )
    assert discussion.findings == "Women ask for sessions in the afternoon, after school pick-up."
    assert discussion.event.service_type.code == "focus_group_discussion"


def test_an_event_needs_its_occasion(counsellor_zehra, sanliurfa_team, haliliye_centre):
    with pytest.raises(ValidationError) as exc:
        group_activity(counsellor_zehra, sanliurfa_team, haliliye_centre, kind="event")
    assert "occasion" in exc.value.message_dict
    assert nothing_written()
    celebration = group_activity(
        counsellor_zehra,
        sanliurfa_team,
        haliliye_centre,
        kind="event",
        occasion="world_mental_health_day",
    )
    assert celebration.occasion == "world_mental_health_day"
    assert celebration.event.service_type.code == "celebration_event"


def test_an_individual_focused_session_is_with_one_person_and_is_mental_health(
    counsellor_zehra, sanliurfa_team, haliliye_centre, amina
):
    with pytest.raises(ValidationError) as exc:
        mhpss.record_activity(
            counsellor_zehra,
            sanliurfa_team,
            kind="individual_focused",
            at=an_hour_ago(),
            location=haliliye_centre,
        )
    assert "person" in exc.value.message_dict
    assert nothing_written()

    session = mhpss.record_activity(
        counsellor_zehra,
        sanliurfa_team,
        kind="individual_focused",
        person=amina,
        at=an_hour_ago(),
        location=haliliye_centre,
        language="ar",
    )
    event = session.event
    assert event.person == amina and event.subject == "person"
    assert event.service_type.code == "focused_individual_pss"
    assert event.category == "mental_health" and session.layer == 3
    entry = AuditEvent.objects.get(object_type="services.serviceevent", object_id=str(event.pk))
    assert entry.category == "mental_health"


def test_a_group_activity_is_not_recorded_for_one_person(
    counsellor_zehra, sanliurfa_team, haliliye_centre, amina
):
    with pytest.raises(ValidationError) as exc:
        mhpss.record_activity(
            counsellor_zehra,
            sanliurfa_team,
            kind="awareness",
            topic="gbv",
            person=amina,
            at=an_hour_ago(),
            location=haliliye_centre,
        )
    assert "person" in exc.value.message_dict
    assert nothing_written()


def test_the_same_activity_sent_twice_is_stored_once(
    counsellor_zehra, sanliurfa_team, haliliye_centre
):
    uid = uuid.uuid4()
    sent = [
        group_activity(
            counsellor_zehra,
            sanliurfa_team,
            haliliye_centre,
            kind="awareness",
            topic="stress_coping",
            headcounts=GRID,
            uid=uid,
        )
        for _ in range(2)
    ]
    assert sent[0].pk == sent[1].pk
    assert Activity.objects.count() == 1 and ServiceEvent.objects.count() == 1
    assert ServiceEvent.objects.get().uid == uid
    assert Headcount.objects.count() == len(GRID)
    assert AuditEvent.objects.filter(object_type="services.serviceevent").count() == 1


def test_only_the_team_records_its_activities(
    caseworker_omer, counsellor_in_gaziantep, sanliurfa_team, haliliye_centre
):
    for outsider in (caseworker_omer, counsellor_in_gaziantep):
        with pytest.raises(PermissionDenied):
            group_activity(
                outsider,
                sanliurfa_team,
                haliliye_centre,
                kind="awareness",
                topic="psea",
            )
    with pytest.raises(PermissionDenied, match="not a member of this team"):
        group_activity(
            counsellor_in_gaziantep, sanliurfa_team, haliliye_centre, kind="awareness", topic="gbv"
        )
    assert nothing_written()


# --- The week plan --------------------------------------------------------------------------


def test_a_plan_is_for_the_teams_own_places(
    counsellor_zehra, sanliurfa_team, haliliye_centre, sahinbey_centre
):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        mhpss.plan_activity(
            counsellor_zehra,
            sanliurfa_team,
            day=tomorrow,
            location=sahinbey_centre,
            kind="awareness",
            topic="gbv",
        )
    assert "location" in exc.value.message_dict
    assert PlanItem.objects.count() == 0

    item = mhpss.plan_activity(
        counsellor_zehra,
        sanliurfa_team,
        day=tomorrow,
        location=haliliye_centre,
        kind="awareness",
        topic="gbv",
    )
    assert (item.team, item.day, item.location, item.planned_by) == (
        sanliurfa_team,
        tomorrow,
        haliliye_centre,
        counsellor_zehra,
    )
    assert not item.cancelled


def test_a_plan_item_can_be_cancelled_until_it_was_done(
    counsellor_zehra, sanliurfa_team, haliliye_centre
):
    tomorrow = timezone.localdate() + timedelta(days=1)
    plan = {"day": tomorrow, "location": haliliye_centre, "kind": "awareness", "topic": "gbv"}
    called_off = mhpss.plan_activity(counsellor_zehra, sanliurfa_team, **plan)
    done = mhpss.plan_activity(counsellor_zehra, sanliurfa_team, **plan)

    mhpss.cancel_plan_item(counsellor_zehra, called_off)
    called_off.refresh_from_db()
    assert called_off.cancelled

    group_activity(
        counsellor_zehra,
        sanliurfa_team,
        haliliye_centre,
        kind="awareness",
        topic="gbv",
        plan_item=done,
    )
    with pytest.raises(ValidationError) as exc:
        mhpss.cancel_plan_item(counsellor_zehra, done)
    assert "item" in exc.value.message_dict
    done.refresh_from_db()
    assert not done.cancelled


# --- Structured programmes ------------------------------------------------------------------


def parenting_group(actor, team, place, participants=()):
    return mhpss.create_programme(
        actor,
        team,
        name="",
        location=place,
        starts_on=timezone.localdate() - timedelta(days=60),
        curriculum="parenting_group",
        participants=participants,
    )


def test_a_curriculum_gives_the_programme_its_sessions_and_the_threshold_from_data(
    counsellor_zehra, sanliurfa_team, haliliye_centre, neighbours
):
    programme = parenting_group(
        counsellor_zehra, sanliurfa_team, haliliye_centre, participants=neighbours[:4]
    )
    programme.refresh_from_db()
    assert programme.sessions == 8 and programme.kind == "group_focused"
    assert programme.threshold == 70 == catalogue.completion_threshold()
    assert programme.curriculum == "parenting_group"
    assert str(programme) == "Parenting skills group (8 sessions)"
    with translation.override("tr"):  # unnamed, it is called by its curriculum in each language
        assert str(programme) == "Ebeveynlik becerileri grubu (8 oturum)"
    assert set(programme.participants.all()) == set(neighbours[:4])


def test_eight_sessions_with_attendance_and_who_completed(
    counsellor_zehra, sanliurfa_team, haliliye_centre, neighbours
):
    programme = parenting_group(
        counsellor_zehra, sanliurfa_team, haliliye_centre, participants=neighbours[:5]
    )
    # Neighbour0 comes to every session, Neighbour1 to six, Neighbour2 to five, Neighbour3 to
    # one; Neighbour4 is enrolled and never comes; Neighbour5 joins at session 3 unenrolled.
    register = {
        number: [
            p
            for p, sessions in [
                (neighbours[0], range(1, 9)),
                (neighbours[1], range(1, 7)),
                (neighbours[2], (1, 2, 3, 5, 8)),
                (neighbours[3], (1,)),
                (neighbours[5], range(3, 9)),
            ]
            if number in sessions
        ]
        for number in range(1, 9)
    }
    start = timezone.now() - timedelta(days=60)
    for number, present in register.items():
        mhpss.record_programme_session(
            counsellor_zehra,
            programme,
            number=number,
            at=start + timedelta(days=7 * number),
            present=present,
        )

    runs = list(ProgrammeSession.objects.filter(programme=programme))
    assert [run.number for run in runs] == list(range(1, 9))
    for run in runs:
        event = run.activity.event
        assert event.service_type.code == "focused_group_pss"
        assert event.category == "mental_health" and event.location == haliliye_centre
        assert set(event.participants.values_list("person_id", flat=True)) == {
            p.pk for p in register[run.number]
        }, run.number
    assert Participation.objects.count() == sum(len(p) for p in register.values())

    # The one who came unenrolled is on the register now.
    assert Enrolment.objects.filter(programme=programme, person=neighbours[5]).exists()
    assert programme.participants.count() == 6

    rows = {row["person"].pk: row for row in selectors.completion(programme)}
    assert [rows[p.pk]["attended"] for p in neighbours[:6]] == [8, 6, 5, 1, 0, 6]
    # 70 % of 8 sessions is 5.6: six sessions complete it, five do not.
    assert {pk for pk, row in rows.items() if row["completed"]} == {
        neighbours[0].pk,
        neighbours[1].pk,
        neighbours[5].pk,
    }


def test_a_session_beyond_the_programme_or_recorded_twice_is_refused(
    counsellor_zehra, sanliurfa_team, haliliye_centre, neighbours
):
    programme = parenting_group(
        counsellor_zehra, sanliurfa_team, haliliye_centre, participants=neighbours[:3]
    )
    for number in (9, 0):
        with pytest.raises(ValidationError) as exc:
            mhpss.record_programme_session(
                counsellor_zehra,
                programme,
                number=number,
                at=an_hour_ago(),
                present=neighbours[:3],
            )
        assert "number" in exc.value.message_dict
    assert ProgrammeSession.objects.count() == 0 and ServiceEvent.objects.count() == 0

    mhpss.record_programme_session(
        counsellor_zehra, programme, number=1, at=an_hour_ago(), present=neighbours[:3]
    )
    with pytest.raises(ValidationError) as exc:
        mhpss.record_programme_session(
            counsellor_zehra, programme, number=1, at=an_hour_ago(), present=neighbours[:2]
        )
    assert "number" in exc.value.message_dict
    assert ProgrammeSession.objects.count() == 1 and ServiceEvent.objects.count() == 1
    assert Participation.objects.count() == 3


def test_a_session_the_ledger_refuses_leaves_its_number_free(
    counsellor_zehra, sanliurfa_team, haliliye_centre, neighbours
):
    programme = parenting_group(counsellor_zehra, sanliurfa_team, haliliye_centre)
    with pytest.raises(ValidationError) as exc:
        mhpss.record_programme_session(
            counsellor_zehra,
            programme,
            number=1,
            at=timezone.now() + timedelta(days=2),
            present=neighbours[:2],
        )
    assert "at" in exc.value.message_dict
    assert ProgrammeSession.objects.count() == 0 and Enrolment.objects.count() == 0
    mhpss.record_programme_session(
        counsellor_zehra, programme, number=1, at=an_hour_ago(), present=neighbours[:2]
    )
    assert ProgrammeSession.objects.get().number == 1


# --- Feedback -------------------------------------------------------------------------------


@pytest.fixture
def awareness_session(counsellor_zehra, sanliurfa_team, haliliye_centre):
    return group_activity(
        counsellor_zehra,
        sanliurfa_team,
        haliliye_centre,
        kind="awareness",
        topic="parenting_skills",
        headcounts=GRID,
    )


def test_a_rating_outside_one_to_five_is_refused(counsellor_zehra, awareness_session):
    for field in ("satisfied", "useful"):
        with pytest.raises(ValidationError) as exc:
            mhpss.record_feedback(
                counsellor_zehra, awareness_session, **{"satisfied": 4, "useful": 4, field: 7}
            )
        assert field in exc.value.message_dict
    assert Feedback.objects.count() == 0


def test_an_empty_feedback_form_is_refused(counsellor_zehra, awareness_session):
    with pytest.raises(ValidationError) as exc:
        mhpss.record_feedback(counsellor_zehra, awareness_session, comment="   ")
    assert exc.value.message_dict
    assert Feedback.objects.count() == 0


def test_one_answer_is_enough_for_a_feedback_form(counsellor_zehra, awareness_session):
    only_rated = mhpss.record_feedback(counsellor_zehra, awareness_session, satisfied=5)
    only_useful = mhpss.record_feedback(counsellor_zehra, awareness_session, useful="2")
    assert (only_rated.satisfied, only_rated.useful) == (5, None)
    assert (only_useful.satisfied, only_useful.useful) == (None, 2)
    assert Feedback.objects.count() == 2


def test_feedback_is_stored_and_names_no_one(counsellor_zehra, awareness_session):
    uid = uuid.uuid4()
    feedback = mhpss.record_feedback(
        counsellor_zehra,
        awareness_session,
        satisfied=5,
        useful="4",
        safe=True,
        recommend=True,
        comment="  More sessions for fathers, please.  ",
        language="ar",
        uid=uid,
    )
    again = mhpss.record_feedback(counsellor_zehra, awareness_session, satisfied=1, uid=uid)
    assert again.pk == feedback.pk and Feedback.objects.count() == 1
    stored = Feedback.objects.get()
    assert (stored.satisfied, stored.useful, stored.safe, stored.recommend) == (5, 4, True, True)
    assert stored.comment == "More sessions for fathers, please."
    assert stored.activity == awareness_session and stored.language == "ar"
    # No field of a feedback leads to a registered person.
    assert not [
        f.name for f in Feedback._meta.get_fields() if f.is_relation and f.related_model is Person
    ]
