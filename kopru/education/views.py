"""Pages of education: thin, every write through the app's service modules (transport,
courses, special). Each detail page posts one named action at a time (core.actions) and
shows a refused form again with what was typed."""

import csv
from datetime import timedelta

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core.actions import Actions
from kopru.core.views import saved

from . import courses, forms, services, special, transport
from .models import Certificate, Course, Enrolment, Period, Route, SpecialCase

ROUTE, COURSE, CASE = Actions(), Actions(), Actions()
MISSION_FORMS = (forms.RouteForm, forms.LearnerForm)


def _page(request, qs, size=25):
    return Paginator(qs, size).get_page(request.GET.get("page"))


# --- Home and periods -----------------------------------------------------------------------


def home(request):
    mission, user = request.mission, request.user
    routes = transport.visible_routes(user, mission).select_related("province", "district")
    today = timezone.localdate()
    current = Period.objects.filter(mission=mission, starts_on__lte=today, ends_on__gte=today)
    rows = []
    for route in routes.filter(active=True):
        pupils = route.enrolments.filter(withdrawn_on__isnull=True, period__in=current).count()
        rows.append((route, pupils))
    cases = special.visible_cases(user, mission).select_related("referral")
    counts = {}
    for case in cases:
        counts[special.status_of(case)] = counts.get(special.status_of(case), 0) + 1
    labels = special.status_labels()
    return render(
        request,
        "education/home.html",
        {
            "routes": rows,
            "current": current,
            "courses": courses.visible_courses(user, mission)
            .select_related("centre")
            .order_by("status", "-starts_on")[:30],
            "kinds": {c: courses.kind_label(c) for c in courses.kinds()},
            "case_counts": [(labels[s], counts.get(s, 0), s) for s in labels],
        },
    )


def _save_period(request, form):
    period = form.save(commit=False)
    period.mission = request.mission
    return services.save_period(request.user, period, request=request)


def period_list(request):
    mission = request.mission
    form = forms.PeriodForm(request.POST or None)
    if saved(request, form, lambda f: _save_period(request, f), _("Period saved.")):
        return redirect("education:period_list")
    periods = Period.objects.filter(mission=mission)
    return render(
        request,
        "education/period_list.html",
        {"page": _page(request, periods), "form": form},
    )


# --- Routes ---------------------------------------------------------------------------------


def _route_from(form, route):
    data = form.cleaned_data
    for field in (
        "code",
        "province",
        "district",
        "vehicle_plate",
        "seats",
        "capacity",
        "driver",
        "contractor",
        "monthly_cost",
        "project",
        "mode",
    ):
        setattr(route, field, data[field])
    return route


def route_new(request):
    form = forms.RouteForm(request.POST or None, mission=request.mission, initial={"mode": "daily"})
    route = saved(
        request,
        form,
        lambda f: transport.save_route(
            request.user,
            _route_from(f, Route(mission=request.mission)),
            schools=list(f.cleaned_data["schools"]),
            request=request,
        ),
        _("Route saved."),
    )
    if route:
        return redirect("education:route_detail", route.pk)
    return render(request, "education/route_form.html", {"form": form})


def _route(request, pk):
    route = get_object_or_404(
        Route.objects.select_related("province", "district", "project", "project__donor"),
        pk=pk,
        mission=request.mission,
    )
    transport.require_route(request.user, route)
    return route


@ROUTE("edit", forms.RouteForm)
def _edit_route(request, route, form):
    transport.save_route(
        request.user,
        _route_from(form, route),
        schools=list(form.cleaned_data["schools"]),
        request=request,
    )
    return _("Route saved.")


@ROUTE("stop", forms.StopForm)
def _add_stop(request, route, form):
    transport.add_stop(
        request.user,
        route,
        name=form.cleaned_data["name"],
        pickup=form.cleaned_data["pickup"],
        request=request,
    )
    return _("Stop added.")


@ROUTE("enrol", forms.EnrolForm)
def _enrol(request, route, form):
    data = form.cleaned_data
    enrolment = transport.enrol(
        request.user,
        route,
        data["period"],
        pupil=data["pupil"],
        guardian=data["guardian"],
        school=data["school"],
        stop=data["stop"],
        on=data["on"],
        request=request,
    )
    return _("%(pupil)s enrolled on %(route)s.") % {"pupil": enrolment.pupil, "route": route}


@ROUTE("withdraw", forms.WithdrawForm)
def _withdraw(request, route, form):
    enrolment = get_object_or_404(Enrolment, pk=form.cleaned_data["enrolment"], route=route)
    transport.withdraw(
        request.user,
        enrolment,
        on=form.cleaned_data["on"],
        reason=form.cleaned_data["reason"],
        request=request,
    )
    return _("%(pupil)s withdrawn.") % {"pupil": enrolment.pupil}


@ROUTE("sheet", forms.SheetForm)
def _sheet(request, route, form):
    rides = {}
    for key, value in request.POST.items():
        if key.startswith("ride_") and key[5:].isdigit():
            rides[int(key[5:])] = value or 0
    sheet = transport.record_sheet(
        request.user, route, day=form.cleaned_data["day"], rides=rides, request=request
    )
    ridden = sum(1 for n in sheet.rides.values_list("days", flat=True) if n)
    return _("Attendance saved: %(n)s pupils rode.") % {"n": ridden}


def _make_route_form(route):
    def make(form_class, request):
        if form_class is forms.EnrolForm:
            return form_class(request.POST, mission=request.mission, route=route)
        if form_class in MISSION_FORMS:
            return form_class(request.POST, mission=request.mission)
        return form_class(request.POST)

    return make


def _sheet_rows(route, day):
    """The attendance sheet for a day: the period, its days and each enrolled pupil's line."""
    period = transport.period_of(route, day)
    if period is None:
        return None, [], []
    days = transport.sheet_days(route, period, day)
    if not days:
        return period, [], []
    sheet = route.sheets.filter(day=days[0]).first()
    given = dict(sheet.rides.values_list("enrolment_id", "days")) if sheet else {}
    rows = [
        (e, given.get(e.pk))
        for e in route.enrolments.filter(period=period).select_related("pupil", "stop")
        if transport.active_on(e, days)
    ]
    return period, days, rows


def route_detail(request, pk):
    route = _route(request, pk)
    failed = {}
    if request.method == "POST":
        back = reverse("education:route_detail", args=[pk])
        if request.POST.get("action") == "sheet" and request.POST.get("day"):
            back += f"?day={request.POST['day']}"
        response, failed = ROUTE.run(request, route, back, make_form=_make_route_form(route))
        if response:
            return response
    today = timezone.localdate()
    try:
        from datetime import date

        day = date.fromisoformat(request.GET.get("day", "")) if request.GET.get("day") else today
    except ValueError:
        day = today
    day = min(day, today)
    period, days, sheet_rows = _sheet_rows(route, day)
    status = request.GET.get("show", "current")
    enrolments = route.enrolments.select_related("pupil", "guardian", "school", "stop", "period")
    if status == "current":
        enrolments = enrolments.filter(withdrawn_on__isnull=True, period__ends_on__gte=today)
    months = transport.costs(request.user, request.mission)
    return render(
        request,
        "education/route_detail.html",
        {
            "route": route,
            "schools": route.schools.all(),
            "stops": route.stops.all(),
            "page": _page(request, enrolments, 50),
            "show": status,
            "taken": {
                p: route.enrolments.filter(period=p, withdrawn_on__isnull=True).count()
                for p in Period.objects.filter(mission=request.mission, ends_on__gte=today)
            },
            "day": day,
            "days": days,
            "previous": day - timedelta(days=7 if route.mode == "weekly" else 1),
            "period": period,
            "sheet_rows": sheet_rows,
            "weekly": route.mode == Route.Mode.WEEKLY,
            "costs": [row for row in months["routes"] if row["route"].pk == route.pk],
            "edit": failed.get("edit")
            or forms.RouteForm(mission=request.mission, initial=forms.RouteForm.initial_for(route)),
            "stop_form": failed.get("stop") or forms.StopForm(),
            "enrol_form": failed.get("enrol")
            or forms.EnrolForm(mission=request.mission, route=route, initial={"period": period}),
            "withdraw_form": forms.WithdrawForm(initial={"on": today}),
        },
    )


def cost_report(request):
    form = forms.CostFilterForm(request.GET or None)
    since = until = None
    if form.is_valid():
        since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    figures = transport.costs(request.user, request.mission, since=since, until=until)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="school-transport-costs.csv"'
        out = csv.writer(response)
        out.writerow(
            [
                _("Month"),
                _("Province"),
                _("Route"),
                _("Monthly cost (TRY)"),
                _("Pupils who rode"),
                _("Cost per pupil (TRY)"),
            ]
        )
        for row in figures["routes"]:
            out.writerow(
                [
                    f"{row['month']:%Y-%m}",
                    row["province"].name,
                    row["route"].code,
                    row["cost"],
                    row["pupils"],
                    row["per_pupil"],
                ]
            )
        for row in figures["provinces"]:
            out.writerow(
                [
                    f"{row['month']:%Y-%m}",
                    row["province"].name,
                    _("All routes (%(n)s)") % {"n": row["routes"]},
                    row["cost"],
                    row["pupils"],
                    row["per_pupil"],
                ]
            )
        return response
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "education/costs.html",
        {"form": form, "figures": figures, "csv_query": query.urlencode()},
    )


# --- Courses --------------------------------------------------------------------------------


def _course_from(form, course):
    for field in (
        "kind",
        "title",
        "centre",
        "starts_on",
        "ends_on",
        "schedule",
        "trainer",
        "capacity",
        "language",
        "hours",
        "threshold",
        "project",
    ):
        setattr(course, field, form.cleaned_data[field])
    return course


def course_new(request):
    form = forms.CourseForm(request.POST or None, mission=request.mission)
    course = saved(
        request,
        form,
        lambda f: courses.save_course(
            request.user, _course_from(f, Course(mission=request.mission)), request=request
        ),
        _("Course saved."),
    )
    if course:
        return redirect("education:course_detail", course.pk)
    return render(request, "education/course_form.html", {"form": form})


def _course(request, pk):
    course = get_object_or_404(
        Course.objects.select_related("centre", "project"), pk=pk, mission=request.mission
    )
    courses.require_course(request.user, course)
    return course


@COURSE("enrol", forms.LearnerForm)
def _enrol_learner(request, course, form):
    learner = courses.enrol(request.user, course, form.cleaned_data["person"], request=request)
    return _("%(person)s enrolled.") % {"person": learner.person}


@COURSE("session", forms.SessionForm)
def _session(request, course, form):
    ids = [int(k[8:]) for k in request.POST if k.startswith("present_") and k[8:].isdigit()]
    present = list(course.learners.filter(pk__in=ids))
    data = form.cleaned_data
    session = courses.record_session(
        request.user,
        course,
        day=data["day"],
        start=data["start"],
        minutes=data["minutes"],
        topic=data["topic"],
        present=present,
        request=request,
    )
    return _("Session recorded: %(n)s learners present.") % {"n": session.present.count()}


@COURSE("close", forms.EmptyForm)
def _close(request, course, form):
    courses.close_course(request.user, course, request=request)
    done = course.learners.filter(completed=True).count()
    return _("Course closed: %(n)s learners completed.") % {"n": done}


@COURSE("certificate", forms.CertificateForm)
def _certificate(request, course, form):
    learner = get_object_or_404(course.learners, pk=form.cleaned_data["learner"])
    certificate = courses.issue_certificate(request.user, learner, request=request)
    return _("Certificate %(number)s issued.") % {"number": certificate.number}


def _make_course_form(form_class, request):
    if form_class in MISSION_FORMS:
        return form_class(request.POST, mission=request.mission)
    return form_class(request.POST)


def course_detail(request, pk):
    course = _course(request, pk)
    failed = {}
    if request.method == "POST":
        back = reverse("education:course_detail", args=[pk])
        response, failed = COURSE.run(request, course, back, make_form=_make_course_form)
        if response:
            return response
    counts, held = courses.attendance(course)
    sessions = list(course.sessions.prefetch_related("present"))
    learners = list(course.learners.select_related("person", "certificate"))
    grid = [
        (
            learner,
            [any(p.pk == learner.pk for p in s.present.all()) for s in sessions],
            counts.get(learner.pk, 0),
            round(counts.get(learner.pk, 0) * 100 / held) if held else 0,
        )
        for learner in learners
    ]
    kind = courses.kinds()[course.kind]
    now = timezone.localtime()
    return render(
        request,
        "education/course_detail.html",
        {
            "course": course,
            "kind": courses.kind_label(course.kind),
            "sessions": sessions,
            "grid": grid,
            "held": held,
            "open": course.status == Course.Status.OPEN,
            "certificates": Certificate.objects.filter(learner__course=course).select_related(
                "learner__person", "issued_by"
            ),
            "learner_form": failed.get("enrol") or forms.LearnerForm(mission=request.mission),
            "session_form": failed.get("session")
            or forms.SessionForm(
                initial={
                    "day": min(now.date(), course.ends_on),
                    "start": "10:00",
                    "minutes": kind["session_minutes"],
                }
            ),
        },
    )


def certificate(request, pk):
    cert = get_object_or_404(
        Certificate.objects.select_related("learner__person", "learner__course__centre"),
        pk=pk,
        learner__course__mission=request.mission,
    )
    pdf = courses.certificate_pdf(request.user, cert, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{cert.number}.pdf"'
    return response


# --- Special education ----------------------------------------------------------------------


def special_list(request):
    mission = request.mission
    form = forms.ReferForm(request.POST or None, mission=mission)
    case = saved(
        request,
        form,
        lambda f: special.refer(
            request.user,
            f.cleaned_data["child"],
            centre=f.cleaned_data["centre"],
            school=f.cleaned_data["school"],
            needs=f.cleaned_data["needs"],
            urgency=f.cleaned_data["urgency"],
            request=request,
        ),
        lambda case: _("Referral sent to %(centre)s.") % {"centre": form.cleaned_data["centre"]},
    )
    if case:
        return redirect("education:special_detail", case.pk)
    cases = special.visible_cases(request.user, mission).select_related(
        "child", "school", "referral", "referral__provider"
    )
    status = request.GET.get("status", "")
    if status in special.STATUS_FILTER:
        cases = cases.filter(referral__status__in=special.STATUS_FILTER[status])
    page = _page(request, cases)
    labels = special.status_labels()
    rows = [(case, labels[special.status_of(case)], case.follow_ups.first()) for case in page]
    return render(
        request,
        "education/special_list.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": labels.items(),
            "form": form,
        },
    )


def _case(request, pk):
    case = get_object_or_404(
        SpecialCase.objects.select_related("child", "school", "referral", "referral__provider"),
        pk=pk,
        mission=request.mission,
    )
    special.require_case(request.user, case)
    return case


@CASE("answer", forms.AnswerForm)
def _answer(request, case, form):
    special.record_answer(
        request.user,
        case,
        accepted=form.cleaned_data["accepted"],
        reason=form.cleaned_data["reason"],
        request=request,
    )
    return _("The centre's answer is recorded.")


@CASE("follow_up", forms.FollowUpForm)
def _follow_up(request, case, form):
    data = form.cleaned_data
    special.record_follow_up(
        request.user,
        case,
        day=data["day"],
        attendance=data["attendance"],
        notes=data["notes"],
        next_step=data["next_step"],
        request=request,
    )
    return _("Follow-up recorded.")


@CASE("close", forms.CloseCaseForm)
def _close_case(request, case, form):
    special.close_case(request.user, case, reason=form.cleaned_data["reason"], request=request)
    return _("Follow-up closed.")


def special_detail(request, pk):
    case = _case(request, pk)
    failed = {}
    if request.method == "POST":
        back = reverse("education:special_detail", args=[pk])
        response, failed = CASE.run(request, case, back)
        if response:
            return response
    status = special.status_of(case)
    return render(
        request,
        "education/special_detail.html",
        {
            "case": case,
            "status": special.status_labels()[status],
            "waiting": status == special.Status.WAITING,
            "following": status in (special.Status.ACCEPTED, special.Status.FOLLOWED),
            "difficulties": [
                (
                    case.child._meta.get_field(d).verbose_name,
                    getattr(case.child, f"get_{d}_display")(),
                )
                for d in special.difficulties(case.child)
            ],
            "updates": case.referral.updates.select_related("by").order_by("at")
            if hasattr(case.referral, "updates")
            else [],
            "follow_ups": case.follow_ups.select_related("recorded_by"),
            "answer_form": failed.get("answer") or forms.AnswerForm(),
            "follow_form": failed.get("follow_up")
            or forms.FollowUpForm(initial={"day": timezone.localdate()}),
            "close_form": failed.get("close") or forms.CloseCaseForm(),
        },
    )
