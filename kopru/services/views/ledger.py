"""Recording services: from a person's or household's page, from a team's day sheet; and the
person's timeline."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kopru.core import access, audit
from kopru.core.models import AuditEvent
from kopru.core.views import apply_errors
from kopru.registry import selectors as people

from .. import panels, selectors, services
from ..forms import EventForm
from ..models import AgeBand, HeadcountSex, ServiceEvent, Subject


def _record(request, form, **recipient):
    """Record what a valid EventForm says for `recipient`; errors go back onto the form."""
    try:
        return services.record_service(
            request.user,
            request.mission,
            uid=request.POST.get("uid") or None,
            request=request,
            staff=request.user,
            **form.event_data(),
            **recipient,
        )
    except ValidationError as exc:
        apply_errors(form, exc)
        return None


def record_for_person(request, pk):
    person = get_object_or_404(people.visible_people(request.user, request.mission), pk=pk)
    return _record_page(request, person.get_absolute_url(), Subject.PERSON, person=person)


def record_for_household(request, pk):
    household = get_object_or_404(people.visible_households(request.user, request.mission), pk=pk)
    return _record_page(
        request, household.get_absolute_url(), Subject.HOUSEHOLD, household=household
    )


def _record_page(request, back, subject, **recipient):
    form = EventForm(
        request.POST or None, user=request.user, mission=request.mission, subject=subject
    )
    if request.method == "POST" and form.is_valid():
        event = _record(request, form, **recipient)
        if event is not None:
            messages.success(request, _("Service recorded."))
            return redirect(back)
    return render(
        request,
        "services/event_form.html",
        {
            "form": form,
            "recipient": next(iter(recipient.values())),
            "back": back,
            "uid": request.POST.get("uid") or uuid.uuid4(),
            "title": _("Record a service"),
        },
    )


def _visible_event(request, pk):
    event = get_object_or_404(
        ServiceEvent.objects.filter(mission=request.mission).select_related(
            "service_type__sub_sector__sector", "location", "person", "household", "staff"
        ),
        pk=pk,
    )
    if not access.can_see_location(request.user, event.location):
        raise PermissionDenied
    if not access.can_see_category(request.user, event.category):
        raise PermissionDenied(_("Your role does not see this kind of service."))
    return event


def event_detail(request, pk):
    """One service: its record, its history, and (for those who may) edit or delete."""
    event = _visible_event(request, pk)
    subject = event.subject
    initial = {
        "service_type": event.service_type.code,
        "at": event.at,
        "location": event.location,
        "team": event.team,
        "modality": event.modality,
        "language": event.language,
        "interpreter": event.interpreter,
        "notes": event.notes,
    }
    for n, share in enumerate(event.projects.select_related("project")[:3]):
        initial[f"project_{n}"], initial[f"share_{n}"] = share.project, share.share
    form = EventForm(
        request.POST if request.POST.get("action") == "edit" else None,
        user=request.user,
        mission=request.mission,
        subject=subject,
        initial=initial,
    )
    can_edit = access.has(request.user, "services.record") and not event.voided_at
    if request.method == "POST" and can_edit:
        action = request.POST.get("action")
        try:
            if action == "void":
                services.void_service(
                    request.user, event, reason=request.POST.get("reason", ""), request=request
                )
                messages.success(request, _("The service is deleted; its history is kept."))
                return redirect("services:event_detail", pk=event.pk)
            if action == "edit" and form.is_valid():
                services.update_service(request.user, event, request=request, **form.event_data())
                messages.success(request, _("Service changed; what it was is kept."))
                return redirect("services:event_detail", pk=event.pk)
        except ValidationError as exc:
            if action == "void":
                for msg in exc.messages:
                    messages.error(request, msg)
            else:
                apply_errors(form, exc)
    services.view_event(request.user, event, request=request)
    return render(
        request,
        "services/event_detail.html",
        {
            "event": event,
            "actions": panels.actions(panels.EVENT_ACTIONS, request.user, event),
            "form": form,
            "can_edit": can_edit,
            "versions": event.versions.select_related("saved_by").order_by("-saved_at"),
            "participants": event.participants.select_related("person")[:200],
            "headcounts": event.headcounts.all(),
            "projects": event.projects.select_related("project"),
        },
    )


# --- The day sheet --------------------------------------------------------------------------


def day_sheet(request):
    """Many people, one activity: the service, place and time once, then people added by
    reference, phone or name with the keyboard (Enter adds, the field empties for the next).
    Each row becomes one service, or all of them one group session with a headcount."""
    form = EventForm(request.POST or None, user=request.user, mission=request.mission, subject=None)
    form.fields["interpreter"].widget.attrs["placeholder"] = ""
    ids = [int(p) for p in request.POST.getlist("person") if p.isdigit()]
    chosen = list(people.visible_people(request.user, request.mission).filter(pk__in=ids))
    cells = _read_headcounts(request.POST)
    sheet = request.POST.get("sheet") or str(uuid.uuid4())
    if request.method == "POST" and form.is_valid():
        group = request.POST.get("mode") == "group"
        recorded = _record_sheet(request, form, chosen, cells, sheet, group)
        if recorded:
            messages.success(
                request,
                _("%(count)s services recorded.") % {"count": recorded}
                if not group
                else _("Group session recorded."),
            )
            return redirect("services:day_sheet")
    return render(
        request,
        "services/day_sheet.html",
        {
            "form": form,
            "chosen": chosen,
            "sheet": sheet,
            "mode": request.POST.get("mode", "each"),
            "sexes": HeadcountSex.choices,
            "bands": AgeBand.values,
            "cells": cells,
            "title": _("Day sheet"),
        },
    )


def _read_headcounts(post):
    cells = []
    for sex in HeadcountSex.values:
        for band in AgeBand.values:
            for disability in (False, True):
                raw = post.get(f"hc-{sex}-{band}-{int(disability)}", "").strip()
                if raw:
                    count = int(raw) if raw.isdigit() else -1
                    cells.append(
                        {"sex": sex, "age_band": band, "disability": disability, "count": count}
                    )
    return cells


def _record_sheet(request, form, chosen, cells, sheet, group):
    common = {**form.event_data(), "staff": request.user}
    try:
        if group:
            total = request.POST.get("headcount_total", "").strip()
            services.record_service(
                request.user,
                request.mission,
                uid=sheet,
                request=request,
                participants=chosen,
                headcounts=cells,
                headcount_total=int(total) if total.isdigit() else None,
                **common,
            )
            return 1
        if not chosen:
            raise ValidationError({"participants": _("Add at least one person.")})
        if cells:
            raise ValidationError(
                {"participants": _("Participants and headcounts belong to group sessions.")}
            )
        # One uid per row, derived from the sheet's: sending the sheet again stores nothing
        # twice, and a row refused does not undo the rows before it.
        recorded = 0
        for person in chosen:
            services.record_service(
                request.user,
                request.mission,
                uid=uuid.uuid5(uuid.UUID(sheet), str(person.pk)),
                request=request,
                person=person,
                **common,
            )
            recorded += 1
        return recorded
    except ValidationError as exc:
        apply_errors(form, exc)
        return 0


@require_POST
def day_sheet_lookup(request):
    """htmx: the row(s) for what was typed. A reference or a single match adds the person;
    several matches are offered to pick from."""
    query = request.POST.get("q", "").strip()
    found = list(people.search(request.user, request.mission, query, limit=6)) if query else []
    return render(
        request,
        "services/_sheet_lookup.html",
        {"found": found, "query": query, "single": len(found) == 1},
    )


# --- A person's timeline ---------------------------------------------------------------------


def timeline(request, pk):
    person = get_object_or_404(people.visible_people(request.user, request.mission), pk=pk)
    entries = selectors.timeline(request.user, person)
    shown = sorted({e.category for e in entries if e.shown and e.category != "general"})
    for category in shown:
        audit.record(
            request.user,
            AuditEvent.Action.VIEW,
            person,
            request=request,
            category=category,
            details={"page": "timeline"},
        )
    kinds = request.GET.getlist("kind")
    if kinds:
        entries = [e for e in entries if e.kind in kinds]
    return render(
        request,
        "services/timeline.html",
        {
            "person": person,
            "entries": entries,
            "kinds": kinds,
            "kind_choices": selectors.TIMELINE_KINDS,
            "can_record": access.has(request.user, "services.record"),
            "can_refer": access.has(request.user, "services.refer"),
            "can_book": access.has(request.user, "services.appointments"),
        },
    )
