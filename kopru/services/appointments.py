"""Appointments: every write, and the rules that refuse a bad booking.

A booking must fall inside the site's opening hours (in the mission's time zone), the
interpreter must speak the language and be available then, and neither the interpreter, the
room nor the person may be booked twice for overlapping times. The checks run after locking
the interpreter's and room's rows, so two clerks cannot book the last free hour together.
"""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from kopru.core import access, audit, messaging
from kopru.core.models import AuditEvent, Location
from kopru.registry.models import Person

from .models import Appointment, Interpreter, OpeningHours, Room
from .services import sent_before

CLOCK_SKEW = timedelta(minutes=10)
LIVE = (Appointment.Status.BOOKED, Appointment.Status.ATTENDED)


def zone(mission):
    return ZoneInfo(mission.timezone or "UTC")


def _span(starts, ends, tz):
    a, b = timezone.localtime(starts, tz), timezone.localtime(ends, tz)
    return f"{time_format(a.time(), 'H:i')}–{time_format(b.time(), 'H:i')}"


def _overlapping(queryset, starts, ends, exclude=None):
    found = queryset.filter(status__in=LIVE, starts_at__lt=ends, ends_at__gt=starts)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return found.select_related("site").first()


def within_hours(site, starts, ends, tz):
    """Does [starts, ends) fall inside one of the site's opening spans that day?"""
    a, b = timezone.localtime(starts, tz), timezone.localtime(ends, tz)
    if a.date() != b.date():
        return False
    return OpeningHours.objects.filter(
        site=site, weekday=a.weekday(), opens__lte=a.time(), closes__gte=b.time()
    ).exists()


def interpreter_free(interpreter, site, starts, ends, tz, exclude=None):
    a, b = timezone.localtime(starts, tz), timezone.localtime(ends, tz)
    available = interpreter.availability.filter(
        Q(site=site) | Q(site__isnull=True),
        weekday=a.weekday(),
        starts__lte=a.time(),
        ends__gte=b.time(),
    )
    if not available.exists():
        return False
    return _overlapping(interpreter.appointments.all(), starts, ends, exclude) is None


def free_interpreters(mission, language, site, starts, ends):
    """Interpreters of a language who could take this slot (for the booking form)."""
    tz = zone(mission)
    return [
        i
        for i in Interpreter.objects.filter(mission=mission, active=True)
        if language in i.languages and interpreter_free(i, site, starts, ends, tz)
    ]


def _aware(value, tz):
    """A time without a zone (a form or an offline device) is the mission's local time."""
    if isinstance(value, datetime) and timezone.is_naive(value):
        return timezone.make_aware(value, tz)
    return value


def _clean(actor, mission, data, exclude=None):
    errors = {}
    tz = zone(mission)
    person, site = data.get("person"), data.get("site")
    starts, ends = _aware(data.get("starts_at"), tz), _aware(data.get("ends_at"), tz)
    service_type = data.get("service_type")
    if person is None or person.mission_id != mission.pk:
        errors["person"] = _("This person is not registered in this mission.")
    elif person.merged_into_id:
        errors["person"] = _("%(reference)s was merged; use %(survivor)s.") % {
            "reference": person.reference,
            "survivor": person.merged_into.reference,
        }
    if service_type is None or service_type.mission_id != mission.pk:
        errors["service_type"] = _("Choose a service from this mission's catalogue.")
    if not isinstance(site, Location) or site.mission_id != mission.pk:
        errors["site"] = _("Choose a site in this mission.")
    elif site.level != Location.Level.SITE:
        errors["site"] = _("Appointments are at a site (a clinic or a centre).")
    elif not access.can_see_location(actor, site):
        errors["site"] = _("This place is outside your teams' locations.")
    if starts is None or ends is None:
        errors["starts_at"] = _("Give the date and time of the appointment.")
    elif ends <= starts:
        errors["ends_at"] = _("The appointment must end after it starts.")
    elif exclude is None and starts < timezone.now() - CLOCK_SKEW:
        errors["starts_at"] = _("This time has already passed.")
    elif "site" not in errors and not within_hours(site, starts, ends, tz):
        errors["starts_at"] = _(
            "%(site)s does not take appointments at %(time)s on that day. See its opening hours."
        ) % {"site": site, "time": _span(starts, ends, tz)}
    room, interpreter = data.get("room"), data.get("interpreter")
    language = (data.get("language") or "").strip()
    if room is not None and (site is None or room.site_id != getattr(site, "pk", None)):
        errors["room"] = _("This room is at another site.")
    elif room is not None and not room.active:
        errors["room"] = _("%(room)s is no longer in use.") % {"room": room.name}
    if interpreter is not None:
        if interpreter.mission_id != mission.pk or not interpreter.active:
            errors["interpreter"] = _("Choose an interpreter of this mission.")
        elif language and language not in interpreter.languages:
            errors["interpreter"] = _("%(name)s does not interpret %(language)s.") % {
                "name": interpreter.name,
                "language": _language(language),
            }
        elif not language:
            errors["language"] = _("Say which language the interpreter is booked for.")
    if errors:
        raise ValidationError(errors)
    return {
        "person": person,
        "site": site,
        "room": room,
        "service_type": service_type,
        "category": service_type.category,
        "starts_at": starts,
        "ends_at": ends,
        "staff": data.get("staff"),
        "language": language,
        "interpreter": interpreter,
        "notes": (data.get("notes") or "").strip(),
    }


def _language(code):
    from kopru.registry.choices import language_name

    return language_name(code)


def _refuse_double_booking(clean, mission, exclude=None):
    """Lock the interpreter and room, then look for a booking that overlaps."""
    tz = zone(mission)
    starts, ends = clean["starts_at"], clean["ends_at"]
    errors = {}
    interpreter, room = clean["interpreter"], clean["room"]
    if interpreter is not None:
        interpreter = Interpreter.objects.select_for_update().get(pk=interpreter.pk)
        clash = _overlapping(interpreter.appointments.all(), starts, ends, exclude)
        if clash is not None:
            errors["interpreter"] = _(
                "%(name)s is already booked %(time)s at %(site)s. Choose another time or "
                "interpreter."
            ) % {
                "name": interpreter.name,
                "time": _span(clash.starts_at, clash.ends_at, tz),
                "site": clash.site,
            }
        elif not interpreter_free(interpreter, clean["site"], starts, ends, tz, exclude):
            errors["interpreter"] = _("%(name)s is not available at %(time)s on that day.") % {
                "name": interpreter.name,
                "time": _span(starts, ends, tz),
            }
    if room is not None:
        room = Room.objects.select_for_update().get(pk=room.pk)
        clash = _overlapping(room.appointments.all(), starts, ends, exclude)
        if clash is not None:
            errors["room"] = _("%(room)s is already booked %(time)s.") % {
                "room": room.name,
                "time": _span(clash.starts_at, clash.ends_at, tz),
            }
    # The person's row is locked too: two clerks cannot book them twice with different rooms.
    Person.objects.select_for_update().filter(pk=clean["person"].pk).first()
    clash = _overlapping(clean["person"].appointments.all(), starts, ends, exclude)
    if clash is not None:
        errors["starts_at"] = _("%(person)s already has an appointment %(time)s at %(site)s.") % {
            "person": clean["person"],
            "time": _span(clash.starts_at, clash.ends_at, tz),
            "site": clash.site,
        }
    staff = clean["staff"]
    if staff is not None:
        mine = Appointment.objects.filter(mission=mission, staff=staff)
        clash = _overlapping(mine, starts, ends, exclude)
        if clash is not None:
            errors["staff"] = _("%(name)s already sees someone %(time)s at %(site)s.") % {
                "name": staff.get_full_name() or staff.username,
                "time": _span(clash.starts_at, clash.ends_at, tz),
                "site": clash.site,
            }
    if errors:
        raise ValidationError(errors)


def book(actor, mission, *, uid=None, request=None, **data):
    """Book an appointment; the same `uid` sent again returns the first booking."""
    access.require(actor, "services.appointments")
    if not access.in_mission(actor, mission):
        raise PermissionDenied(_("You do not work in this mission."))
    if (existing := sent_before(Appointment, uid, mission=mission)) is not None:
        return existing
    clean = _clean(actor, mission, data)
    with transaction.atomic():
        _refuse_double_booking(clean, mission)
        appointment = Appointment.objects.create(
            uid=uid or uuid.uuid4(), mission=mission, booked_by=actor, **clean
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            appointment,
            request=request,
            category=appointment.category,
            details={"site": appointment.site_id, "interpreter": appointment.interpreter_id},
        )
    return appointment


def _ensure_editable(actor, appointment):
    access.require(actor, "services.appointments")
    if not access.in_mission(actor, appointment.mission) or not access.can_see_location(
        actor, appointment.site
    ):
        raise PermissionDenied(_("This place is outside your teams' locations."))


def reschedule(actor, appointment, *, request=None, **changes):
    _ensure_editable(actor, appointment)
    if appointment.status != Appointment.Status.BOOKED:
        raise ValidationError(_("Only a booked appointment can be changed."))
    current = {
        f: getattr(appointment, f)
        for f in (
            "person",
            "site",
            "room",
            "service_type",
            "starts_at",
            "ends_at",
            "staff",
            "language",
            "interpreter",
            "notes",
        )
    }
    clean = _clean(actor, appointment.mission, {**current, **changes}, exclude=appointment)
    if clean["starts_at"] < timezone.now() - CLOCK_SKEW:
        raise ValidationError({"starts_at": _("This time has already passed.")})
    with transaction.atomic():
        _refuse_double_booking(clean, appointment.mission, exclude=appointment)
        # The person is reminded again only when what the reminder told them changed.
        if (clean["starts_at"], clean["site"].pk) != (appointment.starts_at, appointment.site_id):
            appointment.reminded_at = None
        for field, value in clean.items():
            setattr(appointment, field, value)
        appointment.save()
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            appointment,
            request=request,
            category=appointment.category,
            details={"fields": sorted(changes)},
        )
    return appointment


def set_status(actor, appointment, status, *, event=None, request=None):
    """Cancel, or say whether the person came. Attending can link the service recorded."""
    _ensure_editable(actor, appointment)
    if status not in Appointment.Status.values or status == Appointment.Status.BOOKED:
        raise ValidationError({"status": _("Choose what happened to the appointment.")})
    if appointment.status != Appointment.Status.BOOKED:
        raise ValidationError(_("This appointment is already closed."))
    if status in (Appointment.Status.ATTENDED, Appointment.Status.MISSED) and (
        appointment.starts_at > timezone.now() + CLOCK_SKEW
    ):
        raise ValidationError({"status": _("The appointment has not started yet.")})
    with transaction.atomic():
        appointment.status = status
        appointment.event = event
        appointment.save(update_fields=["status", "event"])
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            appointment,
            request=request,
            category=appointment.category,
            details={"status": status},
        )
    return appointment


INTERFACE_LANGUAGE = {
    "ara": "ar",
    "apc": "ar",
    "tur": "tr",
    "fas": "fa",
    "prs": "fa",
    "rus": "ru",
    "ukr": "ru",
    "bel": "ru",
    "eng": "en",
}


def person_language(person):
    """The interface language to write to a person in: their interpreter language or first
    spoken language when Kopru has it, else English."""
    for code in [person.interpreter_language, *(person.languages or [])]:
        if code in INTERFACE_LANGUAGE:
            return INTERFACE_LANGUAGE[code]
    return "en"


def reminder_text(appointment, language):
    """What the person reads. It names the place and time, never the service: an SMS is
    seen by whoever holds the phone."""
    tz = zone(appointment.mission)
    at = timezone.localtime(appointment.starts_at, tz)
    with override(language):
        return _(
            "Reminder: you have an appointment at %(site)s on %(date)s at %(time)s. "
            "Reference %(reference)s. If you cannot come, please call us."
        ) % {
            "site": appointment.site.name,
            "date": at.strftime("%d.%m.%Y"),
            "time": at.strftime("%H:%M"),
            "reference": appointment.person.reference,
        }


def queue_reminders(mission, day=None):
    """Queue tomorrow's reminders (or `day`'s): one message per booked appointment to a person
    who consented to be contacted and has a phone. Returns how many were queued."""
    from kopru.registry.consent import allows

    tz = zone(mission)
    day = day or (timezone.localtime(timezone.now(), tz).date() + timedelta(days=1))
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    due = Appointment.objects.filter(
        mission=mission,
        status=Appointment.Status.BOOKED,
        reminded_at__isnull=True,
        starts_at__gte=start,
        starts_at__lt=start + timedelta(days=1),
    ).select_related("person", "site", "mission")
    queued = 0
    for appointment in due:
        person = appointment.person
        phone = person.phones.order_by("id").first()
        if phone is None or not allows(person, "contact"):
            continue
        language = person_language(person)
        with transaction.atomic():
            # Claim the appointment first: two runs at once queue one message, not two.
            if not Appointment.objects.filter(pk=appointment.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            ):
                continue
            messaging.queue(
                mission,
                to=phone.e164,
                body=reminder_text(appointment, language),
                language=language,
                purpose="appointment_reminder",
                obj=appointment,
            )
            audit.record(
                None,
                AuditEvent.Action.DISCLOSE,
                person,
                category="general",
                details={"message": "appointment_reminder", "appointment": appointment.pk},
            )
        queued += 1
    return queued


def _spans_ok(spans, label):
    """Weekly spans [(weekday, start, end)]: each ends after it starts, none overlap."""
    by_day = {}
    for weekday, start, end in spans:
        if not 0 <= weekday <= 6 or end <= start:
            raise ValidationError({label: _("Each span ends after it starts, on a weekday.")})
        by_day.setdefault(weekday, []).append((start, end))
    for day_spans in by_day.values():
        day_spans.sort()
        for (_a, end), (start, _b) in zip(day_spans, day_spans[1:], strict=False):
            if start < end:
                raise ValidationError({label: _("Two spans of the same day overlap.")})


def add_interpreting_language(actor, mission, code, *, request=None):
    """Let the mission book interpreters in one more language (an ISO 639-3 code)."""
    import pycountry

    from .models import InterpretingLanguage

    access.require(actor, "services.manage_catalogue")
    if not access.in_mission(actor, mission):
        raise PermissionDenied(_("You do not work in this mission."))
    code = (code or "").strip().lower()
    if len(code) != 3 or pycountry.languages.get(alpha_3=code) is None:
        raise ValidationError({"code": _("Give an ISO 639-3 language code, such as “tir”.")})
    with transaction.atomic():
        language, created = InterpretingLanguage.objects.get_or_create(mission=mission, code=code)
        if created:
            audit.record(
                actor, AuditEvent.Action.CREATE, language, request=request, mission=mission.pk
            )
    return language


def save_interpreter(actor, interpreter, *, availability=None, request=None):
    """Create or change an interpreter and (when given) their weekly availability, a list of
    (weekday, starts, ends, site or None)."""
    from .models import InterpreterAvailability, InterpretingLanguage

    access.require(actor, "services.manage_directory")
    if not access.in_mission(actor, interpreter.mission):
        raise PermissionDenied(_("You do not work in this mission."))
    if not interpreter.name.strip():
        raise ValidationError({"name": _("Give the interpreter's name.")})
    known = set(
        InterpretingLanguage.objects.filter(mission=interpreter.mission).values_list(
            "code", flat=True
        )
    )
    if not interpreter.languages or set(interpreter.languages) - known:
        raise ValidationError(
            {"languages": _("Choose languages from the mission's interpreting languages.")}
        )
    if availability is not None:
        _spans_ok([(d, s, e) for d, s, e, _site in availability], "availability")
    created = interpreter.pk is None
    with transaction.atomic():
        interpreter.save()
        if availability is not None:
            interpreter.availability.all().delete()
            InterpreterAvailability.objects.bulk_create(
                InterpreterAvailability(
                    interpreter=interpreter, weekday=d, starts=s, ends=e, site=site
                )
                for d, s, e, site in availability
            )
        audit.record(
            actor,
            AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
            interpreter,
            request=request,
        )
    return interpreter


def save_site_schedule(actor, site, *, hours, rooms, request=None):
    """A site's weekly opening hours [(weekday, opens, closes)] and its rooms' names. A room
    with bookings is deactivated, not deleted."""
    access.require(actor, "services.manage_directory")
    if not access.in_mission(actor, site.mission) or site.level != Location.Level.SITE:
        raise PermissionDenied(_("You do not work in this mission."))
    _spans_ok(hours, "hours")
    names = [n.strip() for n in rooms if n.strip()]
    if len(set(names)) != len(names):
        raise ValidationError({"rooms": _("Each room is named once.")})
    with transaction.atomic():
        site.opening_hours.all().delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(site=site, weekday=d, opens=o, closes=c) for d, o, c in hours
        )
        for room in site.rooms.all():
            room.active = room.name in names
            room.save(update_fields=["active"])
        for name in names:
            Room.objects.get_or_create(site=site, name=name)
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            site,
            request=request,
            details={"hours": len(hours), "rooms": names},
        )
    return site
