"""School transport (CONVENTIONS.md: one write path): routes and their stops, pupils enrolled
per route and period, attendance sheets (daily or weekly), and the one service a pupil's month
counts as.

The report counts one `pupil_school_transport` service per pupil per month in which the pupil
rode at least once: recorded with the month's first ride (uid uuid5(enrolment.uid, "YYYY-MM")),
moved when a correction brings an earlier ride, voided when corrections leave the month with
no ride. A month voided and ridden again is recorded anew under "YYYY-MM#n" (a voided event
keeps its uid, and the ledger returns what a uid already names)."""

import uuid
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import access, money
from kopru.core.models import AuditEvent, Location, Project
from kopru.registry.models import Person
from kopru.services import catalogue
from kopru.services import services as ledger
from kopru.services.models import Modality

from .models import Enrolment, Period, PupilMonth, Ride, Route, Sheet, Stop
from .services import age_on, audit_it, ensure, ensure_place, is_school_day, not_future, rules

SERVICE = "pupil_school_transport"
PICKUP = time(7, 30)  # when a pupil without a stop is taken to have ridden


# --- Scope ----------------------------------------------------------------------------------


def area(route):
    return route.district or route.province


def visible_routes(user, mission):
    """The routes in the user's places (every one for a mission-wide role)."""
    qs = Route.objects.filter(mission=mission) if access.in_mission(user, mission) else None
    if qs is None:
        return Route.objects.none()
    prefixes = access.location_prefixes(user, mission)
    if prefixes is None:
        return qs
    condition = Q(pk__in=[])
    for p in prefixes:
        condition |= Q(province__path__startswith=p) | Q(district__path__startswith=p)
    return qs.filter(condition)


def require_route(user, route):
    ensure_place(user, area(route))


# --- Routes and stops -----------------------------------------------------------------------


def save_route(actor, route, *, schools, request=None):
    """Create or change a route. Its schools are school sites of its province; money is read
    as the user's language writes it."""
    ensure(actor, route.mission)
    errors = {}
    route.code = (route.code or "").strip().upper()
    if not route.code:
        errors["code"] = _("Give the route a code.")
    elif Route.objects.filter(mission=route.mission, code=route.code).exclude(pk=route.pk).exists():
        errors["code"] = _("Another route has this code.")
    province = route.province if route.province_id else None
    if province is None or province.mission_id != route.mission_id or province.level != "province":
        errors["province"] = _("Choose the route's province.")
    elif not access.can_see_location(actor, province) and not (
        route.district_id and access.can_see_location(actor, route.district)
    ):
        errors["province"] = _("This place is outside your teams' places.")
    if route.district_id and (
        province is None
        or route.district.level != Location.Level.DISTRICT
        or route.district.parent_id != province.pk
    ):
        errors["district"] = _("Choose a district of the route's province.")
    if not schools:
        errors["schools"] = _("Choose the schools the route serves.")
    elif province is not None and any(
        s.site_type != Location.SiteType.SCHOOL or not s.path.startswith(province.path)
        for s in schools
    ):
        errors["schools"] = _("Choose school sites in the route's province.")
    if not (route.vehicle_plate or "").strip():
        errors["vehicle_plate"] = _("Give the vehicle's plate.")
    if not (route.driver or "").strip() and not (route.contractor or "").strip():
        errors["driver"] = _("Name the driver or the contractor.")
    if not route.seats or route.seats < 1:
        errors["seats"] = _("Give the vehicle's seats.")
    if not route.capacity or route.capacity < 1:
        errors["capacity"] = _("Give how many pupils the route takes.")
    elif route.seats and route.capacity > route.seats:
        errors["capacity"] = _("The route cannot take more pupils than the vehicle has seats.")
    elif route.pk and route.capacity < _taken(route):
        errors["capacity"] = _("More pupils than this are enrolled; withdraw some first.")
    if route.mode not in Route.Mode.values:
        errors["mode"] = _("Choose daily or weekly attendance.")
    try:
        route.monthly_cost = money.parse(route.monthly_cost, "monthly_cost")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not isinstance(route.project if route.project_id else None, Project) or (
        route.project.mission_id != route.mission_id
    ):
        errors["project"] = _("Choose a project of this mission.")
    if errors:
        raise ValidationError(errors)
    created = route.pk is None
    with transaction.atomic():
        route.created_by_id = route.created_by_id or actor.pk
        route.save()
        route.schools.set(schools)
        audit_it(
            actor,
            route,
            AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
            request,
            capacity=route.capacity,
            monthly_cost=str(route.monthly_cost),
            mode=route.mode,
        )
    return route


def add_stop(actor, route, *, name, pickup, order=None, request=None):
    require_route(actor, route)
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("Name the stop.")
    if not isinstance(pickup, time):
        errors["pickup"] = _("Give the pick-up time.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if order is None:
            order = (
                route.stops.order_by("-order").values_list("order", flat=True).first() or 0
            ) + 1
        stop = Stop.objects.create(route=route, order=order, name=name.strip()[:150], pickup=pickup)
        audit_it(actor, route, request=request, stop=stop.name, pickup=f"{pickup:%H:%M}")
    return stop


# --- Enrolment ------------------------------------------------------------------------------


def _taken(route, period=None):
    """Pupils on the route in a period; without one, in its fullest period."""
    qs = route.enrolments.filter(withdrawn_on__isnull=True)
    if period is not None:
        return qs.filter(period=period).count()
    counts = qs.values("period").annotate(n=Count("pk")).values_list("n", flat=True)
    return max(counts, default=0)


def enrol(
    actor,
    route,
    period,
    *,
    pupil,
    school,
    guardian,
    stop=None,
    on=None,
    uid=None,
    request=None,
):
    """A pupil on a route for a period. Refused beyond the route's capacity, and when the
    pupil already rides another route in the period. Sending the same `uid` again stores it
    once."""
    require_route(actor, route)
    if uid and (existing := Enrolment.objects.filter(uid=uid).first()) is not None:
        if existing.route_id != route.pk:
            raise ValidationError({"uid": _("This identifier is already used.")})
        return existing
    errors = {}
    mission = route.mission
    if not route.active:
        errors["route"] = _("This route no longer runs.")
    if not isinstance(period, Period) or period.mission_id != mission.pk:
        errors["period"] = _("Choose a period of this mission.")
    for field, who in (("pupil", pupil), ("guardian", guardian)):
        if not isinstance(who, Person) or who.mission_id != mission.pk:
            errors[field] = _("Choose a person registered in this mission.")
        elif who.merged_into_id:
            errors[field] = _("%(reference)s was merged; use %(survivor)s.") % {
                "reference": who.reference,
                "survivor": who.merged_into.reference,
            }
    start = period.starts_on if "period" not in errors else timezone.localdate()
    if "pupil" not in errors:
        age, limits = age_on(pupil, start), rules()["pupil_age"]
        if age is None:
            errors["pupil"] = _("Record the pupil's date of birth in the registry first.")
        elif not limits["min"] <= age <= limits["max"]:
            errors["pupil"] = _(
                "%(person)s is %(age)s at the start of the period; pupils are %(min)s to %(max)s."
            ) % {"person": pupil, "age": age, "min": limits["min"], "max": limits["max"]}
        elif not access.can_see_location(actor, pupil.location):
            errors["pupil"] = _("This person is outside your teams' locations.")
    if "guardian" not in errors and "pupil" not in errors:
        age = age_on(guardian, timezone.localdate())
        if guardian.pk == pupil.pk:
            errors["guardian"] = _("A pupil cannot be their own guardian.")
        elif age is None or age < rules()["guardian_min_age"]:
            errors["guardian"] = _("The guardian must be an adult.")
    if not isinstance(school, Location) or not route.schools.filter(pk=school.pk).exists():
        errors["school"] = _("Choose one of the schools the route serves.")
    if stop is not None and stop.route_id != route.pk:
        errors["stop"] = _("Choose a stop of this route.")
    if on is None and "period" not in errors:
        on = period.starts_on  # pupils are enrolled for the period unless a date is given
    if "period" not in errors and on and not period.starts_on <= on <= period.ends_on:
        errors["on"] = _("The enrolment date must fall within the period.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Route.objects.select_for_update().get(pk=route.pk)  # one enrolment at a time per route
        other = (
            Enrolment.objects.filter(period=period, pupil=pupil, withdrawn_on__isnull=True)
            .select_related("route")
            .first()
        )
        if other is not None:
            raise ValidationError(
                {
                    "pupil": _("%(pupil)s already rides route %(route)s in %(period)s.")
                    % {"pupil": pupil, "route": other.route.code, "period": period.name}
                }
            )
        if _taken(route, period) >= route.capacity:
            raise ValidationError(
                {
                    "pupil": _(
                        "Route %(route)s is full: it takes %(capacity)s pupils in %(period)s. "
                        "Withdraw a pupil or choose another route."
                    )
                    % {"route": route.code, "capacity": route.capacity, "period": period.name}
                }
            )
        enrolment = Enrolment.objects.create(
            uid=uid or uuid.uuid4(),
            route=route,
            period=period,
            pupil=pupil,
            school=school,
            stop=stop,
            guardian=guardian,
            enrolled_on=on,
            created_by=actor,
        )
        audit_it(
            actor,
            enrolment,
            AuditEvent.Action.CREATE,
            request,
            route=route.code,
            period=period.name,
            pupil=pupil.reference,
        )
    return enrolment


def withdraw(actor, enrolment, *, on, reason, request=None):
    require_route(actor, enrolment.route)
    errors = {}
    if enrolment.withdrawn_on:
        errors["enrolment"] = _("This pupil was already withdrawn.")
    if not isinstance(on, date):
        errors["on"] = _("Give the date of the withdrawal.")
    elif on < enrolment.enrolled_on:
        errors["on"] = _("The withdrawal cannot come before the enrolment.")
    elif on > timezone.localdate():
        errors["on"] = _("The date cannot be in the future.")
    elif enrolment.rides.filter(sheet__day__gte=on, days__gt=0).exists():
        errors["on"] = _("The pupil rode on or after this date: correct the attendance first.")
    if not (reason or "").strip():
        errors["reason"] = _("Say why the pupil leaves the route.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        enrolment.withdrawn_on, enrolment.withdrawal_reason = on, reason.strip()[:200]
        enrolment.save(update_fields=["withdrawn_on", "withdrawal_reason"])
        audit_it(actor, enrolment, request=request, withdrawn_on=str(on), reason=reason.strip())
    return enrolment


# --- Attendance -----------------------------------------------------------------------------


def period_of(route, day):
    """The period a route runs on that day: one with the route's pupils first."""
    periods = Period.objects.filter(mission=route.mission, starts_on__lte=day, ends_on__gte=day)
    return periods.filter(enrolments__route=route).distinct().first() or periods.first()


def school_days(start, end):
    return [
        start + timedelta(n)
        for n in range((end - start).days + 1)
        if is_school_day(start + timedelta(n))
    ]


def week_of(day, period):
    """The school days of the week holding `day`, within the period and not after today."""
    monday = day - timedelta(days=day.weekday())
    start = max(monday, period.starts_on)
    end = min(monday + timedelta(days=6), period.ends_on, timezone.localdate())
    return school_days(start, end) if start <= end else []


def sheet_days(route, period, day):
    """The days a sheet dated `day` covers: the day itself (daily) or its week (weekly)."""
    if route.mode == Route.Mode.WEEKLY:
        return week_of(day, period)
    return [day] if is_school_day(day) and period.starts_on <= day <= period.ends_on else []


def active_on(enrolment, days):
    """Enrolled on at least one of these days."""
    return any(
        enrolment.enrolled_on <= d
        and (enrolment.withdrawn_on is None or d < enrolment.withdrawn_on)
        for d in days
    )


def record_sheet(actor, route, *, day, rides, uid=None, request=None):
    """A route's attendance for a school day (daily: {enrolment id: 1 present / 0 absent}) or
    a week (weekly: {enrolment id: days ridden}). Only enrolled pupils, on the period's school
    days, never in the future. A sheet for the same route and day replaces the earlier lines
    (a correction); the same `uid` sent again changes nothing."""
    require_route(actor, route)
    if uid and (existing := Sheet.objects.filter(uid=uid).first()) is not None:
        if existing.route_id != route.pk:
            raise ValidationError({"uid": _("This identifier is already used.")})
        return existing
    not_future(day)
    period = period_of(route, day)
    if period is None:
        raise ValidationError({"day": _("No school period runs on this day.")})
    days = sheet_days(route, period, day)
    if not days:
        raise ValidationError(
            {
                "day": _("%(day)s is not a school day of %(period)s.")
                % {"day": day, "period": period}
            }
        )
    day = days[0]
    errors, lines = {}, {}
    enrolments = {
        e.pk: e
        for e in route.enrolments.filter(period=period, pk__in=list(rides)).select_related("pupil")
    }
    unknown = [str(k) for k in rides if k not in enrolments]
    not_enrolled = [str(e.pupil) for e in enrolments.values() if not active_on(e, days)]
    if unknown:
        errors["rides"] = _("Not enrolled on this route in %(period)s: %(ids)s.") % {
            "period": period,
            "ids": ", ".join(unknown),
        }
    elif not_enrolled:
        errors["rides"] = _("Not enrolled on that day: %(names)s.") % {
            "names": ", ".join(not_enrolled)
        }
    most = len(days)
    for key, value in rides.items():
        try:
            n = int(value)
        except (TypeError, ValueError):
            n = -1
        if not 0 <= n <= most:
            errors["rides"] = (
                _("Days ridden are 0 to %(n)s for this week.") % {"n": most}
                if route.mode == Route.Mode.WEEKLY
                else _("Mark each pupil present (1) or absent (0).")
            )
            break
        lines[key] = n
    if not rides:
        errors["rides"] = _("Mark at least one pupil.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        sheet, created = Sheet.objects.get_or_create(
            route=route,
            day=day,
            defaults={"uid": uid or uuid.uuid4(), "period": period, "recorded_by": actor},
        )
        if not created:
            sheet.recorded_by = actor
            sheet.save(update_fields=["recorded_by", "recorded_at"])
        before = dict(sheet.rides.values_list("enrolment_id", "days"))
        sheet.rides.filter(enrolment_id__in=list(lines)).delete()
        Ride.objects.bulk_create(
            Ride(sheet=sheet, enrolment_id=k, days=n) for k, n in lines.items()
        )
        month = day.replace(day=1)
        months = {
            m.enrolment_id: m
            for m in PupilMonth.objects.filter(enrolment_id__in=list(lines), month=month)
        }
        for enrolment_id, n in lines.items():
            if _settled(months.get(enrolment_id), before.get(enrolment_id), n, day):
                continue
            settle_month(actor, enrolments[enrolment_id], month, request=request)
        audit_it(
            actor,
            sheet,
            AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
            request,
            route=route.code,
            day=str(day),
            pupils=len(lines),
            rode=sum(1 for n in lines.values() if n),
        )
    return sheet


def _settled(record, was, now, day):
    """Nothing for the ledger to learn: no ride before or now, or another ride in a month
    already counted from an earlier (or the same) day."""
    if not now and not was:
        return True
    counted = record is not None and record.event_id and record.first_day
    return bool(now and (was or 0) <= now and counted and record.first_day <= day)


def _uid(enrolment, month, n):
    key = f"{month:%Y-%m}" + (f"#{n}" if n else "")
    return uuid.uuid5(enrolment.uid, key)


def _first_ride_at(enrolment, mission, day):
    zone = ZoneInfo(mission.timezone or "UTC")
    pickup = enrolment.stop.pickup if enrolment.stop_id else PICKUP
    at = datetime.combine(day, pickup, tzinfo=zone)
    return min(at, timezone.now())


def settle_month(actor, enrolment, month, *, request=None):
    """Bring a pupil's month in line with the sheets: one live service when the pupil rode,
    dated on the first ride; none when corrections left no ride."""
    route = enrolment.route
    end = (month + timedelta(days=32)).replace(day=1)
    first = (
        Ride.objects.filter(
            enrolment=enrolment, sheet__day__gte=month, sheet__day__lt=end, days__gt=0
        )
        .order_by("sheet__day")
        .values_list("sheet__day", flat=True)
        .first()
    )
    record, _new = PupilMonth.objects.select_for_update().get_or_create(
        enrolment=enrolment, month=month
    )
    if first and record.event_id is None:
        service_type = catalogue.offered(route.mission, SERVICE)
        record.event = ledger.record_service(
            actor,
            route.mission,
            uid=_uid(enrolment, month, record.recorded),
            request=request,
            service_type=service_type,
            person=enrolment.pupil,
            at=_first_ride_at(enrolment, route.mission, first),
            location=enrolment.school,
            modality=Modality.MOBILE,
            projects=[(route.project, 100)],
            notes=route.code,
        )
        record.recorded += 1
    elif first and record.first_day != first:
        ledger.update_service(
            actor, record.event, request=request, at=_first_ride_at(enrolment, route.mission, first)
        )
    elif not first and record.event_id:
        ledger.void_service(
            actor,
            record.event,
            request=request,
            reason=_("No ride left in the month after the attendance was corrected."),
        )
        record.event = None
    record.first_day = first
    record.save()
    return record


# --- Costs ----------------------------------------------------------------------------------


def costs(user, mission, *, since=None, until=None):
    """Cost per pupil per month: each route's monthly cost over the pupils who rode that
    month, per route and per province. {"routes": [...], "provinces": [...]}, months oldest
    first."""
    routes = visible_routes(user, mission).select_related("province")
    months = PupilMonth.objects.filter(enrolment__route__in=routes, event__isnull=False)
    if since:
        months = months.filter(month__gte=since.replace(day=1))
    if until:
        months = months.filter(month__lte=until)
    riders = defaultdict(int)
    for route_id, month in months.values_list("enrolment__route_id", "month"):
        riders[(route_id, month)] += 1
    by_pk = {r.pk: r for r in routes}
    rows, provinces = [], defaultdict(lambda: [Decimal(0), 0, set()])
    for (route_id, month), pupils in sorted(
        riders.items(), key=lambda kv: (kv[0][1], by_pk[kv[0][0]].code)
    ):
        route = by_pk[route_id]
        rows.append(
            {
                "month": month,
                "route": route,
                "province": route.province,
                "cost": route.monthly_cost,
                "pupils": pupils,
                "per_pupil": (route.monthly_cost / pupils).quantize(Decimal("0.01")),
            }
        )
        p = provinces[(month, route.province)]
        p[0] += route.monthly_cost
        p[1] += pupils
        p[2].add(route.code)
    summary = [
        {
            "month": month,
            "province": province,
            "routes": len(codes),
            "cost": cost,
            "pupils": pupils,
            "per_pupil": (cost / pupils).quantize(Decimal("0.01")),
        }
        for (month, province), (cost, pupils, codes) in sorted(
            provinces.items(), key=lambda kv: (kv[0][0], kv[0][1].name)
        )
    ]
    return {"routes": rows, "provinces": summary}


def may_open(user, route):
    try:
        require_route(user, route)
    except PermissionDenied:
        return False
    return True
