"""Appointments: booking from a person's page, the day calendars of a site and of an
interpreter, what happened to an appointment, and the reminders."""

import uuid
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kopru.core import access, messaging
from kopru.core.models import Location
from kopru.core.views import apply_errors
from kopru.registry import choices
from kopru.registry import selectors as people

from .. import appointments
from ..forms import AppointmentForm, places
from ..models import Appointment, Interpreter, ServiceType


def _day(request):
    try:
        return date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


def _bounds(mission, day):
    tz = appointments.zone(mission)
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    return start, start + timedelta(days=1)


def appointment_new(request, pk):
    person = get_object_or_404(people.visible_people(request.user, request.mission), pk=pk)
    initial = {"language": person.interpreter_language, "minutes": 30}
    if access.has(request.user, "services.record"):
        initial["staff"] = request.user
    if request.GET.get("site", "").isdigit():
        initial["site"] = request.GET["site"]
    form = AppointmentForm(
        request.POST or None, user=request.user, mission=request.mission, initial=initial
    )
    suggestions = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        starts = data["starts_at"]
        try:
            appointment = appointments.book(
                request.user,
                request.mission,
                uid=request.POST.get("uid") or None,
                request=request,
                person=person,
                site=data["site"],
                room=data["room"],
                service_type=ServiceType.objects.filter(
                    mission=request.mission, code=data["service_type"]
                ).first(),
                starts_at=starts,
                ends_at=starts + timedelta(minutes=data["minutes"]),
                staff=data["staff"],
                language=data["language"],
                interpreter=data["interpreter"],
                notes=data["notes"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
            if data["language"] and "interpreter" in getattr(exc, "error_dict", {}):
                suggestions = appointments.free_interpreters(
                    request.mission,
                    data["language"],
                    data["site"],
                    starts,
                    starts + timedelta(minutes=data["minutes"]),
                )
        else:
            messages.success(request, _("Appointment booked."))
            return redirect("services:appointment_detail", pk=appointment.pk)
    return render(
        request,
        "services/appointment_form.html",
        {
            "person": person,
            "form": form,
            "uid": request.POST.get("uid") or uuid.uuid4(),
            "suggestions": suggestions,
        },
    )


def _visible_appointment(request, pk):
    appointment = get_object_or_404(
        Appointment.objects.filter(mission=request.mission).select_related(
            "person", "site", "room", "interpreter", "service_type", "staff"
        ),
        pk=pk,
    )
    mine = getattr(appointment.interpreter, "user_id", None) == request.user.pk
    if not mine and not access.can_see_location(request.user, appointment.site):
        raise PermissionDenied
    return appointment


def appointment_detail(request, pk):
    appointment = _visible_appointment(request, pk)
    can_edit = access.has(request.user, "services.appointments")
    if request.method == "POST" and can_edit:
        try:
            if request.POST.get("status"):
                appointments.set_status(
                    request.user, appointment, request.POST["status"], request=request
                )
                messages.success(request, _("Appointment updated."))
            elif request.POST.get("starts_at"):
                starts = datetime.fromisoformat(request.POST["starts_at"]).replace(
                    tzinfo=appointments.zone(request.mission)
                )
                length = appointment.ends_at - appointment.starts_at
                appointments.reschedule(
                    request.user,
                    appointment,
                    starts_at=starts,
                    ends_at=starts + length,
                    request=request,
                )
                messages.success(request, _("Appointment moved."))
        except (ValidationError, ValueError) as exc:
            for msg in getattr(exc, "messages", [_("Give the date and time of the appointment.")]):
                messages.error(request, msg)
        return redirect("services:appointment_detail", pk=appointment.pk)
    return render(
        request,
        "services/appointment_detail.html",
        {
            "a": appointment,
            "shown": appointment.category in access.categories(request.user),
            "can_edit": can_edit,
            "language": choices.language_name(appointment.language),
            "past": appointment.starts_at <= timezone.now(),
        },
    )


def site_day(request):
    """A site's day: its appointments by time, per room, with interpreters."""
    sites = places(request.user, request.mission).filter(level=Location.Level.SITE)
    site_id = request.GET.get("site")
    site = sites.filter(pk=site_id).first() if site_id and site_id.isdigit() else None
    site = site or sites.filter(rooms__isnull=False).first() or sites.first()
    day = _day(request)
    rows = []
    if site is not None:
        start, end = _bounds(request.mission, day)
        rows = list(
            Appointment.objects.filter(site=site, starts_at__gte=start, starts_at__lt=end)
            .select_related("person", "room", "interpreter", "service_type")
            .order_by("starts_at", "room__name")
        )
    seen = access.categories(request.user)
    for a in rows:
        a.shown = a.category in seen
    return render(
        request,
        "services/site_day.html",
        {
            "site": site,
            "sites": sites,
            "day": day,
            "rows": rows,
            "rooms": site.rooms.filter(active=True) if site else [],
            "hours": site.opening_hours.filter(weekday=day.weekday()) if site else [],
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "can_remind": access.has(request.user, "services.appointments"),
        },
    )


def interpreter_day(request, pk=None):
    """An interpreter's day. Interpreters see their own; bookers see anyone's."""
    interpreters = Interpreter.objects.filter(mission=request.mission, active=True)
    own = interpreters.filter(user=request.user).first()
    can_book = access.has(request.user, "services.appointments")
    if pk is None and request.GET.get("interpreter", "").isdigit():
        pk = int(request.GET["interpreter"])
    if pk is None:
        interpreter = own or (interpreters.first() if can_book else None)
    else:
        interpreter = get_object_or_404(interpreters, pk=pk)
        if interpreter != own and not can_book:
            raise PermissionDenied
    day = _day(request)
    start, end = _bounds(request.mission, day)
    rows = (
        list(
            interpreter.appointments.filter(starts_at__gte=start, starts_at__lt=end)
            .select_related("person", "site", "room")
            .order_by("starts_at")
        )
        if interpreter
        else []
    )
    return render(
        request,
        "services/interpreter_day.html",
        {
            "interpreter": interpreter,
            "interpreters": interpreters
            if access.has(request.user, "services.appointments")
            else [],
            "spoken": [choices.language_name(c) for c in interpreter.languages]
            if interpreter
            else [],
            "availability": interpreter.availability.filter(weekday=day.weekday()).select_related(
                "site"
            )
            if interpreter
            else [],
            "day": day,
            "rows": rows,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
        },
    )


@require_POST
def send_reminders(request):
    """Queue tomorrow's reminders for the mission and hand them to the message gateway
    (a daily timer runs `manage.py send_reminders` in production; this button is for when
    the office wants them out now)."""
    access.require(request.user, "services.appointments")
    queued = appointments.queue_reminders(request.mission)
    sent, failed = messaging.deliver()
    messages.info(
        request,
        _("%(queued)s reminders queued, %(sent)s sent, %(failed)s failed.")
        % {"queued": queued, "sent": sent, "failed": failed},
    )
    site = request.POST.get("site", "")
    return redirect(reverse("services:site_day") + (f"?site={site}" if site.isdigit() else ""))
