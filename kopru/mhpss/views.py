"""The psychosocial teams' pages: the team's week, the one-screen activity sheet, activities
with their feedback, structured programmes with their register, outcome measures and safety
alerts, and the feedback summary. Thin: forms read, services write, selectors read."""

import json
import uuid
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopru.core import access, exports
from kopru.core.models import Sensitivity
from kopru.core.views import apply_errors
from kopru.registry import selectors as people
from kopru.services import services as ledger
from kopru.services.models import AgeBand, HeadcountSex
from kopru.services.views.ledger import _read_headcounts

from . import catalogue, forms, measures, selectors, services
from .models import PlanItem, Programme, SafetyAlert

SHEET_SEXES = [
    (HeadcountSex.FEMALE, gettext_lazy("Women and girls")),
    (HeadcountSex.MALE, gettext_lazy("Men and boys")),
]


def home(request):
    teams = list(selectors.my_teams(request.user, request.mission))
    monday = selectors.monday_of()
    weeks = [(team, *selectors.week(team, monday)) for team in teams[:6]]
    kinds = dict(catalogue.choices("kinds"))
    for _team, planned, done in weeks:
        for row in [*planned, *done]:
            row.kind_name = kinds.get(row.kind, row.kind)
    return render(
        request,
        "mhpss/home.html",
        {
            "weeks": weeks,
            "monday": monday,
            "alerts": selectors.alerts_for(request.user, request.mission)[:20],
        },
    )


def plan(request):
    teams = selectors.my_teams(request.user, request.mission)
    team = (
        teams.filter(pk=request.GET.get("team") or request.POST.get("team") or 0).first()
        or teams.first()
    )
    monday = selectors.monday_of(parse_date(request.GET.get("week") or "") or None)
    form = forms.PlanForm(
        request.POST or None,
        user=request.user,
        mission=request.mission,
        initial={"team": team, "day": max(monday, timezone.localdate())},
    )
    if request.method == "POST":
        if request.POST.get("cancel"):
            item = get_object_or_404(PlanItem, pk=request.POST["cancel"], team__in=teams)
            try:
                services.cancel_plan_item(request.user, item, request=request)
                messages.success(request, _("Planned activity cancelled."))
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
            return redirect(f"{request.path}?team={item.team_id}&week={monday.isoformat()}")
        if form.is_valid():
            try:
                item = services.plan_activity(request.user, request=request, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Added to the plan."))
                return redirect(
                    f"{request.path}?team={item.team_id}&week={selectors.monday_of(item.day).isoformat()}"
                )
    planned, done = selectors.week(team, monday) if team else ([], [])
    kinds, topics = dict(catalogue.choices("kinds")), dict(catalogue.choices("topics"))
    for item in planned:
        item.kind_name, item.topic_name = (
            kinds.get(item.kind, item.kind),
            topics.get(item.topic, ""),
        )
    for activity in done:
        activity.kind_name = kinds.get(activity.kind, activity.kind)
    return render(
        request,
        "mhpss/plan.html",
        {
            "team": team,
            "teams": teams,
            "monday": monday,
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "planned": planned,
            "done": done,
            "form": form,
        },
    )


def activity_new(request):
    """The team's sheet for one activity: everything on one screen, keyboard only; people
    added by reference with Enter, the rest counted in the grid."""
    plan_item = None
    if request.GET.get("plan"):
        plan_item = PlanItem.objects.filter(
            pk=request.GET["plan"], team__in=selectors.my_teams(request.user, request.mission)
        ).first()
    initial = {"at": timezone.localtime().replace(second=0, microsecond=0)}
    if plan_item:
        initial.update(
            kind=plan_item.kind,
            team=plan_item.team,
            location=plan_item.location,
            topic=plan_item.topic,
        )
    form = forms.ActivityForm(
        request.POST or None, user=request.user, mission=request.mission, initial=initial
    )
    ids = [int(p) for p in request.POST.getlist("person") if p.isdigit()]
    chosen = list(people.visible_people(request.user, request.mission).filter(pk__in=ids))
    cells = _read_headcounts(request.POST)
    sheet = request.POST.get("sheet") or str(uuid.uuid4())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        team = data.pop("team")
        spec = catalogue.kinds()[data["kind"]]
        person = None
        if spec["subject"] == "person":
            person = chosen[0] if len(chosen) == 1 else None
            if len(chosen) > 1:
                form.add_error(None, _("An individual session is with one person: keep one row."))
        total = request.POST.get("headcount_total", "").strip()
        if not form.errors:
            try:
                activity = services.record_activity(
                    request.user,
                    team,
                    person=person,
                    participants=[] if person else chosen,
                    headcounts=cells,
                    headcount_total=int(total) if total.isdigit() else None,
                    plan_item=plan_item,
                    uid=sheet,
                    request=request,
                    **data,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Activity recorded."))
                return redirect("mhpss:activity_detail", activity.pk)
    return render(
        request,
        "mhpss/activity_new.html",
        {
            "form": form,
            "chosen": chosen,
            "sheet": sheet,
            "bands": AgeBand.values,
            "grid": _grid(request.POST),
            "needs": json.dumps(
                {code: k.get("needs", "") for code, k in catalogue.kinds().items()}
            ),
            "plan_item": plan_item,
        },
    )


def _grid(post):
    """The headcount grid's rows (women and girls, men and boys; with a disability or not),
    each cell carrying what was typed so a refused sheet keeps it."""
    rows = []
    for sex, label in SHEET_SEXES:
        for disability in (0, 1):
            cells = []
            for band in AgeBand.values:
                name = f"hc-{sex}-{band}-{disability}"
                cells.append((name, post.get(name, ""), band))
            rows.append({"label": label, "disability": disability, "cells": cells})
    return rows


def activity_list(request):
    activities = selectors.visible_activities(request.user, request.mission)
    kind = request.GET.get("kind", "")
    if kind in catalogue.kinds():
        activities = activities.filter(kind=kind)
    team = request.GET.get("team", "")
    if team.isdigit():
        activities = activities.filter(team_id=team)
    if request.GET.get("format") == "csv":
        return _export(request, selectors.with_counts(activities).order_by("-event__at"))
    rows = list(selectors.with_counts(activities).order_by("-event__at")[:300])
    kinds, topics = dict(catalogue.choices("kinds")), dict(catalogue.choices("topics"))
    for row in rows:
        row.kind_name = kinds.get(row.kind, row.kind)
        row.topic_name = topics.get(row.topic, "")
    return render(
        request,
        "mhpss/activity_list.html",
        {
            "rows": rows,
            "kinds": catalogue.choices("kinds"),
            "kind": kind,
            "teams": selectors.my_teams(request.user, request.mission),
            "team": team,
        },
    )


def _export(request, activities):
    """The filtered list as CSV (core.exports: formula-safe cells, audited): what was done,
    where and how many, never who."""
    header = [
        _("Date"),
        _("Activity"),
        _("IASC layer"),
        _("Topic"),
        _("Place"),
        _("Team"),
        _("Registered participants"),
        _("People counted"),
    ]

    def subject(a):
        for key, code in (
            ("topics", a.topic),
            ("activities", a.activity),
            ("occasions", a.occasion),
        ):
            if code:
                return catalogue.label(key, code)
        return ""

    rows = (
        [
            timezone.localtime(a.event.at).strftime("%Y-%m-%d %H:%M"),
            catalogue.label("kinds", a.kind),
            a.layer,
            subject(a),
            a.event.location.name,
            a.team.name,
            1 if a.event.person_id else a.participants_count,
            a.headcount_sum,
        ]
        for a in activities.iterator()
    )
    sensitive = activities.filter(event__category=Sensitivity.MENTAL_HEALTH).exists()
    return exports.csv_response(
        request,
        "activities",
        header,
        rows,
        category=Sensitivity.MENTAL_HEALTH if sensitive else Sensitivity.GENERAL,
        object_type="mhpss.activity",
    )


def activity_detail(request, pk):
    activity = get_object_or_404(selectors.visible_activities(request.user, request.mission), pk=pk)
    form = forms.FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_feedback(
                request.user,
                activity,
                language=request.LANGUAGE_CODE,
                uid=request.POST.get("uid") or None,
                request=request,
                **form.data_for_service(),
            )
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, ValidationError):
                apply_errors(form, exc)
            else:
                messages.error(request, str(exc))
        else:
            messages.success(request, _("Feedback recorded. Next participant?"))
            return redirect("mhpss:activity_detail", activity.pk)
    event = activity.event
    ledger.view_event(request.user, event, request=request)
    return render(
        request,
        "mhpss/activity_detail.html",
        {
            "activity": activity,
            "event": event,
            "kind_name": catalogue.label("kinds", activity.kind),
            "layer_name": catalogue.label("iasc_layers", activity.layer),
            "topic_name": catalogue.label("topics", activity.topic) if activity.topic else "",
            "activity_name": catalogue.label("activities", activity.activity)
            if activity.activity
            else "",
            "occasion_name": catalogue.label("occasions", activity.occasion)
            if activity.occasion
            else "",
            "participants": event.participants.select_related("person")[:300],
            "headcounts": event.headcounts.all(),
            "reached": selectors.people_reached(activity),
            "feedback": activity.feedback.order_by("-recorded_at")[:50],
            "form": form,
            "uid": uuid.uuid4(),
        },
    )


def programme_list(request):
    teams = selectors.my_teams(request.user, request.mission)
    programmes = Programme.objects.filter(mission=request.mission, team__in=teams).select_related(
        "team", "location"
    )
    return render(request, "mhpss/programme_list.html", {"programmes": programmes})


def programme_new(request):
    form = forms.ProgrammeForm(request.POST or None, user=request.user, mission=request.mission)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        team = data.pop("team")
        try:
            programme = services.create_programme(request.user, team, request=request, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Programme created: enrol its participants."))
            return redirect("mhpss:programme_detail", programme.pk)
    return render(request, "mhpss/programme_new.html", {"form": form})


def programme_detail(request, pk):
    teams = selectors.my_teams(request.user, request.mission)
    programme = get_object_or_404(Programme.objects.filter(team__in=teams), pk=pk)
    form = forms.SessionForm(request.POST or None, programme=programme)
    if request.method == "POST":
        ids = [int(p) for p in request.POST.getlist("person") if p.isdigit()]
        found = list(people.visible_people(request.user, request.mission).filter(pk__in=ids))
        try:
            if request.POST.get("step") == "enrol":
                added = services.enrol(request.user, programme, found, request=request)
                messages.success(request, _("%(n)s enrolled.") % {"n": added})
                return redirect("mhpss:programme_detail", programme.pk)
            if form.is_valid():
                services.record_programme_session(
                    request.user,
                    programme,
                    present=found,
                    uid=request.POST.get("sheet") or None,
                    request=request,
                    **form.cleaned_data,
                )
                messages.success(request, _("Session recorded."))
                return redirect("mhpss:programme_detail", programme.pk)
        except ValidationError as exc:
            apply_errors(form, exc)
    rows = selectors.completion(programme)
    outcomes = (
        selectors.programme_outcomes(programme)
        if access.can_see_category(request.user, "mental_health")
        else None
    )
    return render(
        request,
        "mhpss/programme_detail.html",
        {
            "programme": programme,
            "rows": rows,
            "numbers": range(1, programme.sessions + 1),
            "completed": sum(1 for r in rows if r["completed"]),
            "form": form,
            "sheet": uuid.uuid4(),
            "outcomes": outcomes,
            "curriculum": catalogue.label("curricula", programme.curriculum)
            if programme.curriculum
            else "",
        },
    )


def _measure_person(request, pk):
    return get_object_or_404(people.visible_people(request.user, request.mission), pk=pk)


def person_measures(request, pk):
    person = _measure_person(request, pk)
    records = services.view_measures(request.user, person, request=request)
    names = {code: measures.in_language(i["names"]) for code, i in measures.instruments().items()}
    for record in records:
        record.name = names.get(record.instrument, record.instrument)
        spec = measures.instruments().get(record.instrument)
        band = next((b for b in spec["bands"] if b["code"] == record.band), None) if spec else None
        record.band_name = measures.in_language(band["names"]) if band else record.band
    return render(
        request,
        "mhpss/person_measures.html",
        {
            "person": person,
            "records": list(reversed(records)),
            "changes": selectors.person_changes(records),
            "instruments": names,
            "alerts": person.safety_alerts.order_by("-raised_at")[:10],
        },
    )


def measure_new(request, pk, instrument):
    person = _measure_person(request, pk)
    if instrument not in measures.instruments():
        raise PermissionDenied(_("Choose a measure from the list."))
    language = request.GET.get("language") or request.POST.get("language") or request.LANGUAGE_CODE
    language = language if language in ("en", "tr", "ar", "fa", "ru") else "en"
    programmes = Programme.objects.filter(enrolments__person=person)
    form = forms.MeasureForm(
        request.POST or None,
        instrument=instrument,
        language=language,
        user=request.user,
        mission=request.mission,
        programmes=programmes,
        initial={
            "at": timezone.localtime().replace(second=0, microsecond=0),
            "location": person.location_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_measure(
                request.user,
                person,
                instrument=instrument,
                answers=form.answers(),
                language=language,
                phase=form.cleaned_data["phase"],
                at=form.cleaned_data["at"],
                location=form.cleaned_data["location"],
                programme=form.cleaned_data["programme"],
                uid=request.POST.get("uid") or None,
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            alert = record.alerts.first()
            if alert:
                messages.error(
                    request,
                    _(
                        "Safety alert: your supervisor has been told. Act today and record "
                        "what you did."
                    ),
                )
                return redirect("mhpss:alert_detail", alert.pk)
            messages.success(request, _("Score saved: %(total)s.") % {"total": record.total})
            return redirect("mhpss:person_measures", person.pk)
    return render(
        request,
        "mhpss/measure_new.html",
        {
            "person": person,
            "form": form,
            "instrument": measures.instrument(instrument),
            "name": measures.in_language(measures.instrument(instrument)["names"], language),
            "language": language,
            "rtl": language in ("ar", "fa"),
            "uid": request.POST.get("uid") or uuid.uuid4(),
        },
    )


def alert_list(request):
    open_only = request.GET.get("all") != "1"
    alerts = selectors.alerts_for(request.user, request.mission, open_only=open_only)[:200]
    return render(request, "mhpss/alert_list.html", {"alerts": alerts, "open_only": open_only})


def alert_detail(request, pk):
    alert = get_object_or_404(
        SafetyAlert.objects.select_related("person", "measure", "counsellor", "supervisor"),
        pk=pk,
        mission=request.mission,
    )
    if not services.may_handle_alert(request.user, alert):
        raise PermissionDenied(_("This alert is not yours to handle."))
    action_form = forms.AlertActionForm(
        request.POST if request.POST.get("step") == "action" else None
    )
    review_form = forms.ReviewForm(request.POST if request.POST.get("step") == "review" else None)
    if request.method == "POST":
        form = action_form if request.POST.get("step") == "action" else review_form
        if form.is_valid():
            try:
                if form is action_form:
                    services.record_alert_action(
                        request.user,
                        alert,
                        action=form.cleaned_data["action"],
                        notes=form.cleaned_data["notes"],
                        request=request,
                    )
                    messages.success(request, _("Action recorded; the alert is closed."))
                else:
                    services.review_alert(
                        request.user, alert, notes=form.cleaned_data["notes"], request=request
                    )
                    messages.success(request, _("Review recorded."))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect("mhpss:alert_detail", alert.pk)
    elif alert.supervisor_id == request.user.pk and not alert.seen_at:
        services.review_alert(request.user, alert, request=request)
    services.view_alert(request.user, alert, request=request)
    spec = measures.instruments().get(alert.measure.instrument, {})
    name = next(
        (
            measures.in_language(a["names"])
            for a in spec.get("alerts", ())
            if a["code"] == alert.code
        ),
        alert.code,
    )
    return render(
        request,
        "mhpss/alert_detail.html",
        {
            "alert": alert,
            "name": name,
            "action_form": action_form,
            "review_form": review_form,
            "can_review": access.has(request.user, "mhpss.supervise")
            and request.user.pk != alert.counsellor_id,
        },
    )


def feedback_summary(request):
    return render(
        request,
        "mhpss/feedback_summary.html",
        {"rows": selectors.feedback_summary(request.user, request.mission)},
    )
