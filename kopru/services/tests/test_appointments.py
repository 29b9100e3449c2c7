"""Appointments: opening hours in the mission's time zone, interpreters by language and
availability, no double booking of an interpreter, a room or a person; reminders by SMS only
with consent, in the person's language and never naming the service; the outbox and its
gateway (issue 4, item 5)."""

import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kopru.core import messaging
from kopru.core.models import AuditEvent, OutboxMessage
from kopru.core.tests.factories import mission
from kopru.registry import services as registry
from kopru.registry.tests.test_register import person
from kopru.services import appointments
from kopru.services.models import (
    Appointment,
    Interpreter,
    InterpreterAvailability,
    OpeningHours,
    Room,
    ServiceType,
)

pytestmark = pytest.mark.django_db

ISTANBUL = ZoneInfo("Europe/Istanbul")  # the TR mission's zone: UTC+3 all year


def next_weekday(weekday):
    """The next such weekday in Türkiye, at least a day ahead (Monday 0)."""
    today = timezone.localtime(timezone.now(), ISTANBUL).date()
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def at(hour, minute=0, day=None):
    """An aware time on the next Monday (or `day`), Istanbul wall clock."""
    return datetime.combine(day or next_weekday(0), time(hour, minute), tzinfo=ISTANBUL)


def test_the_mission_books_in_istanbul_time():
    assert mission("TR").timezone == "Europe/Istanbul"
    assert appointments.zone(mission("TR")) == ISTANBUL


@pytest.fixture
def consultation(db):
    return ServiceType.objects.get(mission__code="TR", code="chronic_disease_consultation")


@pytest.fixture
def centre_hours(haliliye_centre):
    """Monday to Friday 09:00-12:00 and 13:00-17:00 (a lunch break)."""
    for weekday in range(5):
        OpeningHours.objects.create(
            site=haliliye_centre, weekday=weekday, opens=time(9), closes=time(12)
        )
        OpeningHours.objects.create(
            site=haliliye_centre, weekday=weekday, opens=time(13), closes=time(17)
        )


@pytest.fixture
def room_1(haliliye_centre):
    return Room.objects.create(site=haliliye_centre, name="Room 1")


@pytest.fixture
def room_2(haliliye_centre):
    return Room.objects.create(site=haliliye_centre, name="Room 2")


@pytest.fixture
def rania(db):
    """Arabic interpreter, Mondays 09:00-15:00 anywhere, Wednesdays only at another site."""
    interpreter = Interpreter.objects.create(
        mission=mission("TR"), name="Rania Haddad", languages=["ara", "apc"]
    )
    InterpreterAvailability.objects.create(
        interpreter=interpreter, weekday=0, starts=time(9), ends=time(15)
    )
    return interpreter


@pytest.fixture
def reza(db):
    """Farsi interpreter, every weekday 09:00-17:00."""
    interpreter = Interpreter.objects.create(
        mission=mission("TR"), name="Reza Ahmadi", languages=["fas", "prs"]
    )
    for weekday in range(5):
        InterpreterAvailability.objects.create(
            interpreter=interpreter, weekday=weekday, starts=time(9), ends=time(17)
        )
    return interpreter


@pytest.fixture
def mehmet(clerk_zeynep, haliliye_centre):
    return registry.register_person(
        clerk_zeynep, person(haliliye_centre, given_name="Mehmet", family_name="Yilmaz")
    )


@pytest.fixture
def booking(clerk_zeynep, haliliye_centre, consultation, centre_hours):
    """book() with the usual site and service; keyword arguments override."""

    def _book(who, starts, ends, actor=None, **extra):
        return appointments.book(
            actor or clerk_zeynep,
            mission("TR"),
            person=who,
            site=haliliye_centre,
            service_type=consultation,
            starts_at=starts,
            ends_at=ends,
            **extra,
        )

    return _book


def refused(call, *args, **kwargs):
    with pytest.raises(ValidationError) as exc:
        call(*args, **kwargs)
    return exc.value.message_dict


# --- A good booking ----------------------------------------------------------------------


def test_a_booking_with_an_interpreter_and_a_room(booking, amina, rania, room_1, clerk_zeynep):
    appointment = booking(
        amina, at(10), at(11), room=room_1, language="ara", interpreter=rania, notes=" BP "
    )
    assert appointment.status == "booked" and appointment.booked_by == clerk_zeynep
    assert appointment.category == "health"  # copied from the service
    assert appointment.notes == "BP"
    assert timezone.localtime(appointment.starts_at, ISTANBUL).time() == time(10)
    entry = AuditEvent.objects.get(action="create", object_type="services.appointment")
    assert entry.category == "health"


def test_the_same_uid_sent_twice_books_once(booking, amina):
    uid = uuid.uuid4()
    first = booking(amina, at(10), at(11), uid=uid)
    again = booking(amina, at(10), at(11), uid=uid)
    assert first.pk == again.pk and Appointment.objects.count() == 1


def test_a_time_without_a_zone_is_the_missions_local_time(booking, amina):
    naive = datetime.combine(next_weekday(0), time(10))
    appointment = booking(amina, naive, naive + timedelta(hours=1))
    assert timezone.localtime(appointment.starts_at, ISTANBUL).time() == time(10)


def test_back_to_back_bookings_are_fine(booking, amina, mehmet, rania, room_1):
    booking(amina, at(10), at(11), room=room_1, language="ara", interpreter=rania)
    booking(mehmet, at(11), at(12), room=room_1, language="ara", interpreter=rania)
    booking(amina, at(9), at(10))
    assert Appointment.objects.count() == 3


# --- Double bookings ---------------------------------------------------------------------


def test_an_interpreter_cannot_be_booked_twice_for_one_hour(
    booking, amina, mehmet, rania, room_1, room_2
):
    booking(amina, at(10), at(11), room=room_1, language="ara", interpreter=rania)
    errors = refused(
        booking, mehmet, at(10, 30), at(11, 30), room=room_2, language="ara", interpreter=rania
    )
    message = errors["interpreter"][0]
    assert "Rania Haddad" in message and "10:00–11:00" in message
    assert "Haliliye community centre" in message
    assert Appointment.objects.count() == 1


def test_a_room_cannot_be_booked_twice(booking, amina, mehmet, room_1):
    booking(amina, at(14), at(15), room=room_1)
    errors = refused(booking, mehmet, at(14), at(15), room=room_1)
    assert "Room 1" in errors["room"][0] and "14:00–15:00" in errors["room"][0]
    assert Appointment.objects.count() == 1


def test_a_person_cannot_be_in_two_appointments_at_once(booking, amina, room_1, room_2):
    booking(amina, at(10), at(11), room=room_1)
    errors = refused(booking, amina, at(10, 30), at(11, 30), room=room_2)
    assert "Amina" in errors["starts_at"][0] and "10:00–11:00" in errors["starts_at"][0]
    assert Appointment.objects.count() == 1


def test_cancelling_frees_the_slot(booking, amina, mehmet, rania, room_1, clerk_zeynep):
    first = booking(amina, at(10), at(11), room=room_1, language="ara", interpreter=rania)
    appointments.set_status(clerk_zeynep, first, "cancelled")
    second = booking(mehmet, at(10), at(11), room=room_1, language="ara", interpreter=rania)
    assert second.interpreter == rania and second.room == room_1
    assert appointments.free_interpreters(mission("TR"), "ara", first.site, at(11), at(12)) == [
        rania
    ]
    assert appointments.free_interpreters(mission("TR"), "ara", first.site, at(10), at(11)) == []


# --- Opening hours and interpreters ------------------------------------------------------


@pytest.mark.parametrize(
    "starts, ends",
    [
        ((8, 0), (9, 0)),  # before opening
        ((11, 30), (12, 30)),  # into the lunch break
        ((12, 0), (13, 0)),  # the lunch break
        ((16, 30), (17, 30)),  # past closing
    ],
)
def test_a_booking_outside_opening_hours_is_refused(booking, amina, starts, ends):
    errors = refused(booking, amina, at(*starts), at(*ends))
    assert "Haliliye community centre" in errors["starts_at"][0]
    assert f"{starts[0]:02d}:{starts[1]:02d}" in errors["starts_at"][0]
    assert not Appointment.objects.exists()


def test_the_weekend_is_closed(booking, amina):
    saturday = next_weekday(5)
    assert refused(booking, amina, at(10, day=saturday), at(11, day=saturday))["starts_at"]


def test_opening_hours_are_read_in_the_missions_zone(booking, amina):
    utc = ZoneInfo("UTC")
    monday = next_weekday(0)
    # 09:30 UTC is 12:30 in Şanlıurfa: lunch.
    lunch = datetime.combine(monday, time(9, 30), tzinfo=utc)
    assert refused(booking, amina, lunch, lunch + timedelta(hours=1))["starts_at"]
    # 07:00 UTC is 10:00 there: open.
    morning = datetime.combine(monday, time(7), tzinfo=utc)
    assert booking(amina, morning, morning + timedelta(hours=1)).pk


def test_a_booking_in_the_past_or_ending_before_it_starts_is_refused(booking, amina):
    yesterday = timezone.now() - timedelta(days=1)
    assert "starts_at" in refused(booking, amina, yesterday, yesterday + timedelta(hours=1))
    assert "ends_at" in refused(booking, amina, at(11), at(10))
    assert not Appointment.objects.exists()


def test_an_interpreter_who_does_not_speak_the_language_is_refused(booking, amina, reza):
    errors = refused(booking, amina, at(10), at(11), language="ara", interpreter=reza)
    assert "Reza Ahmadi does not interpret Arabic" in errors["interpreter"][0]
    assert "language" in refused(booking, amina, at(10), at(11), interpreter=reza)
    assert not Appointment.objects.exists()


def test_an_interpreter_not_available_then_is_refused(booking, amina, rania):
    tuesday = next_weekday(1)
    errors = refused(
        booking,
        amina,
        at(10, day=tuesday),
        at(11, day=tuesday),
        language="ara",
        interpreter=rania,
    )
    assert "Rania Haddad is not available" in errors["interpreter"][0]
    # Monday, but after her hours (she works until 15:00).
    errors = refused(booking, amina, at(15), at(16), language="ara", interpreter=rania)
    assert "15:00–16:00" in errors["interpreter"][0]
    assert not Appointment.objects.exists()


def test_availability_at_another_site_does_not_count(
    booking, amina, rania, haliliye_centre, sahinbey_centre
):
    wednesday = next_weekday(2)
    InterpreterAvailability.objects.create(
        interpreter=rania, weekday=2, starts=time(9), ends=time(17), site=sahinbey_centre
    )
    assert refused(
        booking,
        amina,
        at(10, day=wednesday),
        at(11, day=wednesday),
        language="ara",
        interpreter=rania,
    )["interpreter"]
    InterpreterAvailability.objects.create(
        interpreter=rania, weekday=2, starts=time(9), ends=time(17), site=haliliye_centre
    )
    assert booking(
        amina, at(10, day=wednesday), at(11, day=wednesday), language="ara", interpreter=rania
    ).pk


def test_free_interpreters_offers_who_speaks_the_language_and_is_free(
    booking, mehmet, rania, reza, haliliye_centre
):
    tr = mission("TR")
    assert appointments.free_interpreters(tr, "ara", haliliye_centre, at(10), at(11)) == [rania]
    assert appointments.free_interpreters(tr, "fas", haliliye_centre, at(10), at(11)) == [reza]
    booking(mehmet, at(10), at(11), language="ara", interpreter=rania)
    assert appointments.free_interpreters(tr, "ara", haliliye_centre, at(10), at(11)) == []
    rania.active = False
    rania.save()
    assert appointments.free_interpreters(tr, "ara", haliliye_centre, at(12), at(13)) == []


def test_a_room_of_another_site_or_out_of_use_is_refused(booking, amina, room_1, sahinbey_centre):
    elsewhere = Room.objects.create(site=sahinbey_centre, name="Room A")
    assert "room" in refused(booking, amina, at(10), at(11), room=elsewhere)
    room_1.active = False
    room_1.save()
    assert "Room 1" in refused(booking, amina, at(10), at(11), room=room_1)["room"][0]
    assert not Appointment.objects.exists()


def test_a_site_outside_the_clerks_locations_is_refused(
    clerk_zeynep, amina, consultation, sahinbey_centre
):
    OpeningHours.objects.create(site=sahinbey_centre, weekday=0, opens=time(9), closes=time(17))
    errors = refused(
        appointments.book,
        clerk_zeynep,
        mission("TR"),
        person=amina,
        site=sahinbey_centre,
        service_type=consultation,
        starts_at=at(10),
        ends_at=at(11),
    )
    assert "site" in errors


def test_a_role_without_appointments_cannot_book(booking, amina):
    from kopru.core.tests.factories import make_user

    officer = make_user("edu_emre", "education_officer")
    with pytest.raises(PermissionDenied):
        booking(amina, at(10), at(11), actor=officer)
    assert not Appointment.objects.exists()


# --- Changing an appointment -------------------------------------------------------------


def test_reschedule_keeps_the_checks_but_not_against_itself(
    booking, amina, mehmet, rania, room_1, clerk_zeynep
):
    first = booking(amina, at(10), at(11), room=room_1, language="ara", interpreter=rania)
    second = booking(mehmet, at(11), at(12), room=room_1, language="ara", interpreter=rania)
    # Moving within its own hour overlaps only itself: fine.
    appointments.reschedule(clerk_zeynep, first, starts_at=at(10, 15), ends_at=at(11))
    first.refresh_from_db()
    assert timezone.localtime(first.starts_at, ISTANBUL).time() == time(10, 15)
    # Onto the other booking: the interpreter and the room are taken.
    errors = refused(
        appointments.reschedule, clerk_zeynep, second, starts_at=at(10, 30), ends_at=at(11, 30)
    )
    assert "Rania Haddad" in errors["interpreter"][0] and "Room 1" in errors["room"][0]
    # Into the lunch break, or to a day she does not work: refused too.
    assert "starts_at" in refused(
        appointments.reschedule, clerk_zeynep, second, starts_at=at(12), ends_at=at(13)
    )
    tuesday = next_weekday(1)
    assert "interpreter" in refused(
        appointments.reschedule,
        clerk_zeynep,
        second,
        starts_at=at(11, day=tuesday),
        ends_at=at(12, day=tuesday),
    )
    second.refresh_from_db()
    assert timezone.localtime(second.starts_at, ISTANBUL).time() == time(11)
    # Without the interpreter, Tuesday is fine.
    appointments.reschedule(
        clerk_zeynep,
        second,
        starts_at=at(11, day=tuesday),
        ends_at=at(12, day=tuesday),
        interpreter=None,
        language="",
    )
    second.refresh_from_db()
    assert second.starts_at == at(11, day=tuesday) and second.interpreter is None


def test_a_closed_appointment_cannot_be_rescheduled_or_closed_again(booking, amina, clerk_zeynep):
    appointment = booking(amina, at(10), at(11))
    appointments.set_status(clerk_zeynep, appointment, "cancelled")
    with pytest.raises(ValidationError):
        appointments.reschedule(clerk_zeynep, appointment, starts_at=at(14), ends_at=at(15))
    with pytest.raises(ValidationError):
        appointments.set_status(clerk_zeynep, appointment, "cancelled")


def test_attendance_is_recorded_only_once_the_appointment_started(booking, amina, clerk_zeynep):
    appointment = booking(amina, at(10), at(11))
    assert "status" in refused(appointments.set_status, clerk_zeynep, appointment, "attended")
    assert "status" in refused(appointments.set_status, clerk_zeynep, appointment, "booked")
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now()
    )
    appointment.refresh_from_db()
    appointments.set_status(clerk_zeynep, appointment, "attended")
    appointment.refresh_from_db()
    assert appointment.status == "attended"


def test_someone_outside_the_site_cannot_change_it(booking, amina, caseworker_omer):
    appointment = booking(amina, at(10), at(11))
    with pytest.raises(PermissionDenied):
        appointments.reschedule(caseworker_omer, appointment, starts_at=at(14), ends_at=at(15))
    with pytest.raises(PermissionDenied):
        appointments.set_status(caseworker_omer, appointment, "cancelled")
    appointment.refresh_from_db()
    assert appointment.status == "booked" and appointment.starts_at == at(10)


# --- Reminders ---------------------------------------------------------------------------


def contact_consent(who, decision="given", actor=None):
    from kopru.core.models import User

    return registry.record_consent(
        actor or User.objects.get(username="clerk_zeynep"),
        who,
        purpose="contact",
        decision=decision,
        language="ar",
    )


def register(clerk, place, name, phone=None, **fields):
    phones = [{"number": phone, "label": "own"}] if phone else []
    return registry.register_person(clerk, person(place, given_name=name, **fields), phones=phones)


@pytest.fixture
def reminded_people(clerk_zeynep, haliliye_centre):
    """Four people booked on Monday: only Layla has a phone and consented to contact."""
    layla = register(
        clerk_zeynep, haliliye_centre, "Layla", "0532 123 45 67", interpreter_language="ara"
    )
    contact_consent(layla)
    no_phone = register(clerk_zeynep, haliliye_centre, "Nour")
    contact_consent(no_phone)
    no_consent = register(clerk_zeynep, haliliye_centre, "Omar", "0532 765 43 21")
    withdrawn = register(clerk_zeynep, haliliye_centre, "Hiba", "0533 111 22 33")
    contact_consent(withdrawn)
    contact_consent(withdrawn, decision="withdrawn")
    return layla, no_phone, no_consent, withdrawn


def test_reminders_go_only_with_a_phone_and_consent_and_only_once(
    booking, reminded_people, consultation
):
    layla, *others = reminded_people
    booked = booking(layla, at(10), at(11))
    for hour, other in enumerate(others, start=13):
        booking(other, at(hour), at(hour + 1))
    tr = mission("TR")
    assert appointments.queue_reminders(tr, day=next_weekday(0)) == 1
    message = OutboxMessage.objects.get()
    assert message.to == "+905321234567" and message.status == "queued"
    assert message.purpose == "appointment_reminder"
    assert (message.object_type, message.object_id) == ("services.appointment", str(booked.pk))
    # It says where and when (Istanbul time) and whose appointment, never what for.
    assert "Haliliye community centre" in message.body and "10:00" in message.body
    assert layla.reference in message.body
    for name in consultation.names.values():
        assert name.lower() not in message.body.lower()
    assert "health" not in message.body.lower() and "consultation" not in message.body.lower()
    booked.refresh_from_db()
    assert booked.reminded_at is not None
    assert AuditEvent.objects.filter(
        action="disclose", object_type="registry.person", object_id=str(layla.pk)
    ).exists()
    # A second run queues nothing more.
    assert appointments.queue_reminders(tr, day=next_weekday(0)) == 0
    assert OutboxMessage.objects.count() == 1


def test_reminders_are_for_that_day_and_booked_appointments_only(
    booking, reminded_people, clerk_zeynep
):
    layla = reminded_people[0]
    cancelled = booking(layla, at(10), at(11))
    appointments.set_status(clerk_zeynep, cancelled, "cancelled")
    tuesday = next_weekday(1)
    booking(layla, at(10, day=tuesday), at(11, day=tuesday))
    tr = mission("TR")
    assert appointments.queue_reminders(tr, day=next_weekday(0)) == 0
    assert appointments.queue_reminders(tr, day=tuesday) == 1


def test_two_reminder_runs_at_once_queue_one_message(booking, reminded_people, monkeypatch):
    from kopru.registry import consent

    layla = reminded_people[0]
    booked = booking(layla, at(10), at(11))
    allows = consent.allows

    def another_run_got_there_first(person, purpose, recipient=""):
        Appointment.objects.filter(pk=booked.pk).update(reminded_at=timezone.now())
        return allows(person, purpose, recipient)

    monkeypatch.setattr(consent, "allows", another_run_got_there_first)
    assert appointments.queue_reminders(mission("TR"), day=next_weekday(0)) == 0
    assert not OutboxMessage.objects.exists()


def test_a_reminder_is_written_in_the_persons_language(booking, reminded_people):
    layla = reminded_people[0]
    booking(layla, at(10), at(11))
    appointments.queue_reminders(mission("TR"), day=next_weekday(0))
    message = OutboxMessage.objects.get()
    assert message.language == "ar" and not message.body.startswith("Reminder")
    assert any("\u0600" <= ch <= "\u06ff" for ch in message.body), message.body


@pytest.mark.parametrize(
    "interpreter_language, languages, expected",
    [
        ("ara", [], "ar"),
        ("", ["fas"], "fa"),
        ("prs", ["ara"], "fa"),
        ("tur", [], "tr"),
        ("", ["som", "ukr"], "ru"),
        ("", ["som"], "en"),
        ("", [], "en"),
    ],
)
def test_the_language_to_write_in(interpreter_language, languages, expected):
    from kopru.registry.models import Person

    who = Person(interpreter_language=interpreter_language, languages=languages)
    assert appointments.person_language(who) == expected


def test_rescheduling_reminds_again_only_when_the_time_or_place_changed(
    booking, reminded_people, clerk_zeynep
):
    layla = reminded_people[0]
    appointment = booking(layla, at(10), at(11))
    tr, monday = mission("TR"), next_weekday(0)
    assert appointments.queue_reminders(tr, day=monday) == 1
    appointment.refresh_from_db()
    appointments.reschedule(clerk_zeynep, appointment, notes="Bring the vaccination card")
    assert appointments.queue_reminders(tr, day=monday) == 0  # she already knows when
    appointments.reschedule(clerk_zeynep, appointment, starts_at=at(14), ends_at=at(15))
    assert appointments.queue_reminders(tr, day=monday) == 1
    assert "14:00" in OutboxMessage.objects.order_by("-pk").first().body


# --- Delivery ----------------------------------------------------------------------------


class FailingGateway:
    name = "failing-sms"

    def send(self, message):
        raise ConnectionError("SMS provider answered 503")


class PickyGateway:
    """Refuses one number, sends the rest."""

    name = "picky-sms"
    sent = []

    def send(self, message):
        if message.to.endswith("0000"):
            raise ValueError("number not reachable")
        self.sent.append(message.to)


def queued(*numbers):
    return [
        messaging.queue(
            mission("TR"), to=n, body="Reminder", language="ar", purpose="appointment_reminder"
        )
        for n in numbers
    ]


def test_the_console_gateway_marks_messages_sent(db, capsys, settings):
    settings.KOPRU_MESSAGE_GATEWAY = "kopru.core.messaging.ConsoleGateway"
    queued("+905321234567", "+905327654321")
    assert messaging.deliver() == (2, 0)
    for message in OutboxMessage.objects.all():
        assert (message.status, message.gateway) == ("sent", "console") and message.sent_at
    assert "+905321234567" in capsys.readouterr().out
    assert messaging.deliver() == (0, 0)  # nothing is sent twice


def test_a_failing_gateway_records_the_failure(db, settings):
    settings.KOPRU_MESSAGE_GATEWAY = f"{__name__}.FailingGateway"
    queued("+905321234567")
    assert messaging.deliver() == (0, 1)
    message = OutboxMessage.objects.get()
    assert message.status == "failed" and message.sent_at is None
    assert message.error == "SMS provider answered 503" and message.gateway == "failing-sms"


def test_one_failure_does_not_stop_the_others(db, settings):
    settings.KOPRU_MESSAGE_GATEWAY = f"{__name__}.PickyGateway"
    PickyGateway.sent = []
    queued("+905321234567", "+905320000000", "+905327654321")
    assert messaging.deliver() == (2, 1)
    assert sorted(PickyGateway.sent) == ["+905321234567", "+905327654321"]
    assert OutboxMessage.objects.get(status="failed").to == "+905320000000"


class SlowGateway:
    """Sends the first message; meanwhile another run sends the others."""

    name = "slow-sms"
    sent = []

    def send(self, message):
        self.sent.append(message.to)
        OutboxMessage.objects.exclude(pk=message.pk).update(
            status=OutboxMessage.Status.SENT, gateway="other-run"
        )


def test_a_message_another_run_sent_meanwhile_is_not_sent_again(db, settings):
    settings.KOPRU_MESSAGE_GATEWAY = f"{__name__}.SlowGateway"
    SlowGateway.sent = []
    queued("+905321111111", "+905322222222")
    assert messaging.deliver() == (1, 0)
    assert len(SlowGateway.sent) == 1
    assert OutboxMessage.objects.filter(gateway="other-run").count() == 1


def test_the_outbox_only_gateway_keeps_messages_queued(db, settings):
    settings.KOPRU_MESSAGE_GATEWAY = "kopru.core.messaging.OutboxOnlyGateway"
    queued("+905321234567")
    assert messaging.deliver() == (0, 0)
    assert OutboxMessage.objects.get().status == "queued"


def test_deliver_sends_at_most_the_limit_oldest_first(db, settings):
    settings.KOPRU_MESSAGE_GATEWAY = f"{__name__}.PickyGateway"
    PickyGateway.sent = []
    first, second, third = queued("+905321111111", "+905322222222", "+905323333333")
    OutboxMessage.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    assert messaging.deliver(limit=1) == (1, 0)
    assert PickyGateway.sent == ["+905321111111"]
