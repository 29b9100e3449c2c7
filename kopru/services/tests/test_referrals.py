"""Referrals: the consent rule for outside providers, the closed loop through a receiving
team's inbox or a one-time link, overdue referrals, and who may see and move them
(issue 4, item 4)."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kopru.core.models import AuditEvent
from kopru.core.tests.factories import district, location, make_user, mission
from kopru.registry import services as registry
from kopru.services import referrals
from kopru.services.models import Provider, Referral, ReferralLink, ReferralUpdate
from kopru.services.selectors import inbox, visible_referrals

pytestmark = pytest.mark.django_db

MUNICIPAL = "Haliliye Municipal Migrant Centre"


@pytest.fixture
def municipal_centre(admin_selin):
    """An outside provider: no team in Kopru, answers by link."""
    return referrals.save_provider(
        admin_selin,
        Provider(
            mission=mission("TR"),
            name=MUNICIPAL,
            kind=Provider.Kind.MUNICIPAL,
            location=district("TR63", "Haliliye"),
        ),
    )


@pytest.fixture
def case_management(admin_selin, gaziantep_team):
    """One of our own services: the Gaziantep case-management team receives in its inbox."""
    return referrals.save_provider(
        admin_selin,
        Provider(
            mission=mission("TR"),
            name="Emergency case management Gaziantep",
            kind=Provider.Kind.INTERNAL,
            team=gaziantep_team,
            location=location("TR27"),
        ),
    )


def consent(person, decision="given", recipient=MUNICIPAL, actor=None, at=None):
    from kopru.core.models import User

    return registry.record_consent(
        actor or User.objects.get(username="clerk_zeynep"),
        person,
        purpose="referral",
        decision=decision,
        language="ar",
        recipient=recipient,
        at=at,
    )


def refer(actor, person, provider, **kwargs):
    defaults = {"reason": "Needs legal counselling on residence permit", "urgency": "routine"}
    return referrals.make_referral(actor, person, provider=provider, **{**defaults, **kwargs})


@pytest.fixture
def referred(clerk_zeynep, amina, municipal_centre):
    """Amina referred to the municipal centre, with her consent."""
    consent(amina)
    return refer(clerk_zeynep, amina, municipal_centre)


@pytest.fixture
def referred_inside(clerk_zeynep, amina, case_management):
    return refer(clerk_zeynep, amina, case_management, urgency="urgent")


# --- The consent rule --------------------------------------------------------------------


def test_an_outside_referral_without_consent_is_refused_and_writes_nothing(
    clerk_zeynep, amina, municipal_centre
):
    with pytest.raises(ValidationError) as exc:
        refer(clerk_zeynep, amina, municipal_centre)
    message = exc.value.message_dict["consent"][0]
    assert "Amina" in message and MUNICIPAL in message
    assert not Referral.objects.exists() and not ReferralUpdate.objects.exists()
    assert not AuditEvent.objects.filter(object_type="services.referral").exists()
    assert not AuditEvent.objects.filter(action="disclose").exists()


def test_consent_for_another_recipient_does_not_count(clerk_zeynep, amina, municipal_centre):
    consent(amina, recipient="Harran University Hospital")
    with pytest.raises(ValidationError) as exc:
        refer(clerk_zeynep, amina, municipal_centre)
    assert "consent" in exc.value.message_dict
    assert not Referral.objects.exists()


def test_withdrawn_or_refused_consent_does_not_count(clerk_zeynep, amina, municipal_centre):
    earlier = timezone.now() - timedelta(days=2)
    consent(amina, at=earlier)
    consent(amina, decision="withdrawn", at=earlier + timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        refer(clerk_zeynep, amina, municipal_centre)
    assert "consent" in exc.value.message_dict
    consent(amina, decision="given")
    assert refer(clerk_zeynep, amina, municipal_centre).status == "sent"


def test_a_refusal_is_not_consent(clerk_zeynep, amina, municipal_centre):
    consent(amina, decision="refused")
    with pytest.raises(ValidationError):
        refer(clerk_zeynep, amina, municipal_centre)


def test_the_recipient_is_matched_without_case_accents_or_extra_spaces(
    clerk_zeynep, amina, municipal_centre
):
    consent(amina, recipient="  haliliye   MUNİCİPAL migrant centre ")
    assert refer(clerk_zeynep, amina, municipal_centre).consent is not None


def test_with_consent_the_referral_goes_out_naming_it_and_the_disclosure_is_audited(
    clerk_zeynep, amina, municipal_centre
):
    given = consent(amina)
    referral = refer(clerk_zeynep, amina, municipal_centre, urgency="urgent")
    assert referral.consent == given
    assert referral.status == "sent" and referral.number == f"R-TR-{referral.pk:06d}"
    # An urgent referral is to be answered within three days.
    assert timedelta(hours=71) < referral.due - timezone.now() <= timedelta(hours=72), referral.due
    first = referral.updates.get()
    assert (first.status, first.channel, first.by) == ("sent", "referrer", clerk_zeynep)
    disclosure = AuditEvent.objects.get(action="disclose", object_type="registry.person")
    assert disclosure.object_id == str(amina.pk) and disclosure.actor == clerk_zeynep
    assert disclosure.details == {
        "recipient": MUNICIPAL,
        "referral": referral.number,
        "consent": str(given.uid),
    }
    assert AuditEvent.objects.filter(action="create", object_type="services.referral").exists()


def test_an_internal_referral_needs_no_consent_and_discloses_nothing(
    clerk_zeynep, amina, case_management
):
    referral = refer(clerk_zeynep, amina, case_management)
    assert referral.consent is None and referral.status == "sent"
    assert not AuditEvent.objects.filter(action="disclose").exists()


def test_the_same_uid_sent_twice_stores_one_referral(clerk_zeynep, amina, municipal_centre):
    consent(amina)
    uid = uuid.uuid4()
    first = refer(clerk_zeynep, amina, municipal_centre, uid=uid)
    again = refer(clerk_zeynep, amina, municipal_centre, uid=uid)
    assert first.pk == again.pk and Referral.objects.count() == 1
    assert ReferralUpdate.objects.count() == 1
    assert AuditEvent.objects.filter(action="disclose").count() == 1


def test_a_replayed_uid_does_not_hand_the_referral_to_someone_else(referred, dr_ayse, fatih_clinic):
    from kopru.registry.tests.test_register import person

    # A physician in Istanbul cannot fetch Amina's referral by sending its uid.
    with pytest.raises(PermissionDenied):
        refer(dr_ayse, referred.person, referred.provider, uid=referred.uid)
    # Nor by sending it with a person of her own.
    own = registry.register_person(dr_ayse, person(fatih_clinic, given_name="Yusuf"))
    with pytest.raises(ValidationError) as exc:
        refer(dr_ayse, own, referred.provider, uid=referred.uid)
    assert "uid" in exc.value.message_dict


@pytest.mark.parametrize(
    "change, field",
    [
        ({"reason": "  "}, "reason"),
        ({"urgency": "whenever"}, "urgency"),
    ],
)
def test_a_referral_says_why_and_how_urgent(clerk_zeynep, amina, case_management, change, field):
    with pytest.raises(ValidationError) as exc:
        refer(clerk_zeynep, amina, case_management, **change)
    assert field in exc.value.message_dict
    assert not Referral.objects.exists()


def test_an_inactive_or_foreign_provider_is_refused(
    clerk_zeynep, amina, admin_selin, case_management
):
    case_management.active = False
    referrals.save_provider(admin_selin, case_management)
    with pytest.raises(ValidationError) as exc:
        refer(clerk_zeynep, amina, case_management)
    assert "provider" in exc.value.message_dict
    minsk = referrals.save_provider(
        admin_selin,
        Provider(
            mission=mission("BY"),
            name="Minsk legal aid",
            kind=Provider.Kind.LEGAL_AID,
            location=location("BY02"),
        ),
    )
    with pytest.raises(ValidationError) as exc:
        refer(clerk_zeynep, amina, minsk)
    assert "provider" in exc.value.message_dict
    assert not Referral.objects.exists()


def test_a_referral_from_a_health_service_is_health_data(nurse_elif, amina, case_management):
    from kopru.services.services import record_service
    from kopru.services.tests.test_record import a_service

    event = record_service(
        nurse_elif,
        mission("TR"),
        service_type=a_service("health", "person"),
        person=amina,
        at=timezone.now() - timedelta(hours=1),
        location=amina.location,
        modality="centre",
    )
    referral = refer(nurse_elif, amina, case_management, from_event=event)
    assert referral.category == "health"


# --- The loop ----------------------------------------------------------------------------


def test_the_receiving_team_closes_the_loop_from_its_inbox(
    referred_inside, caseworker_omer, clerk_zeynep
):
    # Omer (Gaziantep) does not see Şanlıurfa's people, but his team receives the referral.
    assert referrals.may_see(caseworker_omer, referred_inside)
    assert list(inbox(caseworker_omer, mission("TR"))) == [referred_inside]
    assert list(inbox(clerk_zeynep, mission("TR"))) == []

    referrals.move(caseworker_omer, referred_inside, "accepted")
    referred_inside.refresh_from_db()
    # Once accepted, an urgent referral is due to be completed within 14 days.
    assert timedelta(days=13) < referred_inside.due - timezone.now() <= timedelta(days=14)
    referrals.move(caseworker_omer, referred_inside, "in_progress")
    referrals.move(
        caseworker_omer, referred_inside, "completed", feedback="Rent support for three months"
    )
    referred_inside.refresh_from_db()
    assert referred_inside.status == "completed"
    steps = list(referred_inside.updates.values_list("status", "channel", "by__username"))
    assert steps == [
        ("sent", "referrer", "clerk_zeynep"),
        ("accepted", "inbox", "caseworker_omer"),
        ("in_progress", "inbox", "caseworker_omer"),
        ("completed", "inbox", "caseworker_omer"),
    ]
    assert referred_inside.updates.last().feedback == "Rent support for three months"
    assert list(inbox(caseworker_omer, mission("TR"))) == []  # finished: out of the inbox
    changes = AuditEvent.objects.filter(action="change", object_type="services.referral")
    assert [e.details["status"] for e in changes.order_by("seq")] == [
        "accepted",
        "in_progress",
        "completed",
    ]


def test_the_referring_side_cannot_pose_as_the_receiving_team(referred_inside, clerk_zeynep):
    with pytest.raises(PermissionDenied):
        referrals.move(clerk_zeynep, referred_inside, "accepted", channel="inbox")
    # Nor answer "by link" without one: that channel asks no permission.
    with pytest.raises(PermissionDenied):
        referrals.move(clerk_zeynep, referred_inside, "accepted", channel="link")
    referred_inside.refresh_from_db()
    assert referred_inside.status == "sent" and referred_inside.updates.count() == 1


def test_the_referring_side_records_the_answer_and_may_withdraw(referred, clerk_zeynep):
    update = referrals.move(clerk_zeynep, referred, "accepted")
    assert (update.channel, update.by) == ("referrer", clerk_zeynep)
    referrals.move(clerk_zeynep, referred, "closed")
    referred.refresh_from_db()
    assert referred.status == "closed"


def test_an_outside_provider_answers_by_one_time_links(referred, clerk_zeynep):
    token = referrals.issue_link(clerk_zeynep, referred)
    link = ReferralLink.objects.get()
    assert token not in link.token_hash and len(link.token_hash) == 64  # only the hash is kept
    assert referrals.link_referral(token).referral == referred
    assert AuditEvent.objects.filter(
        action="disclose", object_type="services.referral", details__link_for=MUNICIPAL
    ).exists()

    update = referrals.answer_by_link(token, "accepted", by_name="Fatma Demir")
    assert (update.channel, update.by, update.by_name) == ("link", None, "Fatma Demir")
    referred.refresh_from_db()
    assert referred.status == "accepted"

    # The link is spent: a second answer through it is refused and changes nothing.
    assert referrals.link_referral(token) is None
    with pytest.raises(ValidationError) as exc:
        referrals.answer_by_link(token, "in_progress", by_name="Fatma Demir")
    assert "already used or has expired" in str(exc.value)
    referred.refresh_from_db()
    assert referred.status == "accepted"

    # A fresh link carries the rest of the loop.
    token = referrals.issue_link(clerk_zeynep, referred)
    referrals.answer_by_link(token, "in_progress", by_name="Fatma Demir")
    token = referrals.issue_link(clerk_zeynep, referred)
    referrals.answer_by_link(
        token, "completed", by_name="Fatma Demir", feedback="Residence permit renewed"
    )
    referred.refresh_from_db()
    assert referred.status == "completed"
    assert referred.updates.last().feedback == "Residence permit renewed"
    with pytest.raises(ValidationError):
        referrals.issue_link(clerk_zeynep, referred)  # finished: no more links


def test_a_link_used_twice_at_once_answers_once(referred, clerk_zeynep, monkeypatch):
    token = referrals.issue_link(clerk_zeynep, referred)
    # Two requests read the unused link; the first answers, the second comes after it.
    read_before = referrals.link_referral(token)
    referrals.answer_by_link(token, "accepted", by_name="Fatma Demir")
    read_before.referral.refresh_from_db()  # "accepted": moving on would be allowed
    monkeypatch.setattr(referrals, "link_referral", lambda token: read_before)
    with pytest.raises(ValidationError):
        referrals.answer_by_link(token, "in_progress", by_name="Somebody else")
    referred.refresh_from_db()
    assert referred.status == "accepted" and referred.updates.count() == 2


def test_an_expired_link_is_refused(referred, clerk_zeynep):
    token = referrals.issue_link(clerk_zeynep, referred)
    ReferralLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert referrals.link_referral(token) is None
    with pytest.raises(ValidationError):
        referrals.answer_by_link(token, "accepted", by_name="Fatma Demir")
    referred.refresh_from_db()
    assert referred.status == "sent"


def test_an_unknown_token_is_refused(referred):
    assert referrals.link_referral("not-a-token") is None
    assert referrals.link_referral("") is None
    with pytest.raises(ValidationError):
        referrals.answer_by_link("not-a-token", "accepted", by_name="Someone")


def test_a_refused_answer_by_link_leaves_the_link_usable(referred, clerk_zeynep):
    token = referrals.issue_link(clerk_zeynep, referred)
    with pytest.raises(ValidationError) as exc:
        referrals.answer_by_link(token, "accepted", by_name=" ")
    assert "by_name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        referrals.answer_by_link(token, "declined", by_name="Fatma Demir")
    assert "feedback" in exc.value.message_dict
    referrals.answer_by_link(
        token, "declined", by_name="Fatma Demir", feedback="We only serve Eyyübiye residents"
    )
    referred.refresh_from_db()
    assert referred.status == "declined"


def test_no_link_once_the_person_withdrew_consent(referred, clerk_zeynep, amina):
    token = referrals.issue_link(clerk_zeynep, referred)
    consent(amina, decision="withdrawn")
    # The link would show the provider Amina's data: it no longer opens...
    assert referrals.link_referral(token) is None
    with pytest.raises(ValidationError):
        referrals.answer_by_link(token, "accepted", by_name="Fatma Demir")
    # ...and no new one is issued.
    with pytest.raises(ValidationError) as exc:
        referrals.issue_link(clerk_zeynep, referred)
    assert "consent" in exc.value.message_dict
    assert ReferralLink.objects.count() == 1


@pytest.mark.parametrize(
    "path, refused",
    [
        ([], "completed"),
        ([], "in_progress"),
        (["accepted"], "declined"),
        (["accepted"], "sent"),
        (["closed"], "accepted"),
        (["accepted", "completed"], "in_progress"),
        ([], "lost"),
    ],
)
def test_illegal_transitions_are_refused_with_a_clear_message(
    referred_inside, caseworker_omer, path, refused
):
    for status in path:
        referrals.move(caseworker_omer, referred_inside, status, feedback="done")
    before = referred_inside.updates.count()
    with pytest.raises(ValidationError) as exc:
        referrals.move(caseworker_omer, referred_inside, refused, feedback="because")
    message = exc.value.message_dict["status"][0]
    now = referred_inside.get_status_display().lower()
    assert message.startswith(f"A referral that is {now} cannot become")
    assert referred_inside.updates.count() == before


def test_the_check_reads_the_stored_status_not_a_stale_copy(referred_inside, caseworker_omer):
    stale = Referral.objects.get(pk=referred_inside.pk)
    referrals.move(caseworker_omer, referred_inside, "declined", feedback="No capacity")
    # A second screen still showing "sent" cannot accept a declined referral.
    with pytest.raises(ValidationError):
        referrals.move(caseworker_omer, stale, "accepted")
    referred_inside.refresh_from_db()
    assert referred_inside.status == "declined"


def test_declining_needs_a_reason(referred_inside, caseworker_omer):
    with pytest.raises(ValidationError) as exc:
        referrals.move(caseworker_omer, referred_inside, "declined", feedback="  ")
    assert "feedback" in exc.value.message_dict
    referred_inside.refresh_from_db()
    assert referred_inside.status == "sent"
    referrals.move(caseworker_omer, referred_inside, "declined", feedback="Not in our area")
    referred_inside.refresh_from_db()
    assert referred_inside.status == "declined"
    assert referred_inside.updates.last().feedback == "Not in our area"


# --- Overdue and who sees what -----------------------------------------------------------


def test_overdue_lists_open_referrals_past_due_oldest_first(
    clerk_zeynep, amina, case_management, caseworker_omer
):
    routine = refer(clerk_zeynep, amina, case_management, urgency="routine")  # 10 days
    emergency = refer(clerk_zeynep, amina, case_management, urgency="emergency")  # 1 day
    done = refer(clerk_zeynep, amina, case_management, urgency="emergency")
    referrals.move(caseworker_omer, done, "accepted")
    referrals.move(caseworker_omer, done, "completed", feedback="Seen")
    tr = mission("TR")
    assert list(referrals.overdue(clerk_zeynep, tr)) == []
    in_two_days = timezone.now() + timedelta(days=2)
    assert list(referrals.overdue(clerk_zeynep, tr, now=in_two_days)) == [emergency]
    in_eleven_days = timezone.now() + timedelta(days=11)
    assert list(referrals.overdue(clerk_zeynep, tr, now=in_eleven_days)) == [emergency, routine]
    # The receiving team sees its overdue referrals too; a completed one is never overdue.
    assert done not in referrals.overdue(caseworker_omer, tr, now=in_eleven_days)
    assert emergency in referrals.overdue(caseworker_omer, tr, now=in_eleven_days)


def test_someone_outside_the_locations_and_the_receiving_team_cannot_see_or_move_it(
    referred, referred_inside, dr_ayse
):
    tr = mission("TR")
    for referral in (referred, referred_inside):
        assert not referrals.may_see(dr_ayse, referral)
        with pytest.raises(PermissionDenied):
            referrals.move(dr_ayse, referral, "accepted")
        with pytest.raises(PermissionDenied):
            referrals.issue_link(dr_ayse, referral)
        referral.refresh_from_db()
        assert referral.status == "sent"
    assert list(visible_referrals(dr_ayse, tr)) == []
    later = timezone.now() + timedelta(days=30)
    assert list(referrals.overdue(dr_ayse, tr, now=later)) == []
    assert not ReferralLink.objects.exists()


def test_someone_outside_the_locations_cannot_refer_the_person(dr_ayse, amina, case_management):
    with pytest.raises(PermissionDenied):
        refer(dr_ayse, amina, case_management)
    assert not Referral.objects.exists()


def test_a_role_without_referrals_cannot_refer_or_move(referred_inside, amina, case_management):
    partner = make_user("partner_pia", "partner")
    interpreter = make_user("interpreter_ali", "interpreter", teams=[case_management.team])
    with pytest.raises(PermissionDenied):
        refer(partner, amina, case_management)
    # In the receiving team, but without the capability to refer.
    with pytest.raises(PermissionDenied):
        referrals.move(interpreter, referred_inside, "accepted")


def test_the_receiving_team_sees_only_what_was_sent_to_it(
    referred, referred_inside, caseworker_omer, clerk_zeynep
):
    tr = mission("TR")
    assert set(visible_referrals(clerk_zeynep, tr)) == {referred, referred_inside}
    assert list(visible_referrals(caseworker_omer, tr)) == [referred_inside]
    assert not referrals.may_see(caseworker_omer, referred)
    with pytest.raises(PermissionDenied):
        referrals.move(caseworker_omer, referred, "accepted")


# --- The directory -----------------------------------------------------------------------


def test_only_directory_managers_edit_the_directory(clerk_zeynep, admin_selin):
    entry = Provider(
        mission=mission("TR"),
        name="Harran University Hospital",
        kind=Provider.Kind.HOSPITAL,
        location=location("TR63"),
    )
    with pytest.raises(PermissionDenied):
        referrals.save_provider(clerk_zeynep, entry)
    referrals.save_provider(admin_selin, entry)
    assert AuditEvent.objects.filter(action="create", object_type="services.provider").exists()


def test_an_internal_service_names_a_receiving_team_of_the_mission(admin_selin):
    from kopru.core.tests.factories import make_team

    entry = Provider(
        mission=mission("TR"),
        name="Our legal counselling",
        kind=Provider.Kind.INTERNAL,
        location=location("TR63"),
    )
    with pytest.raises(ValidationError) as exc:
        referrals.save_provider(admin_selin, entry)
    assert "team" in exc.value.message_dict
    entry.team = make_team("Minsk office", code="BY")
    with pytest.raises(ValidationError) as exc:
        referrals.save_provider(admin_selin, entry)
    assert "team" in exc.value.message_dict
    assert not Provider.objects.filter(name="Our legal counselling").exists()
