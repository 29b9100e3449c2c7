"""Pages of the coordination council: councils, a council (members, meetings, its action
items), a meeting (agenda, present, minutes, decisions, action items) and all action items
with the overdue ones flagged. Thin: forms read, council.py writes."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kopru.core.actions import Actions
from kopru.core.views import saved

from . import council
from . import forms_council as forms
from . import governance as rules
from .models import ActionItem, Council, Meeting, Member

COUNCIL, MEETING = Actions(), Actions()


def council_list(request):
    mission = request.mission
    form = forms.CouncilForm(request.POST or None, mission=mission)
    found = saved(
        request,
        form,
        lambda f: council.save_council(
            request.user, Council(mission=mission, **f.cleaned_data), request=request
        ),
        _("Council saved."),
    )
    if found:
        return redirect("capacity:council_detail", found.pk)
    return render(
        request,
        "capacity/council/list.html",
        {
            "councils": council.visible(request.user, mission).select_related("location"),
            "form": form,
        },
    )


def _council(request, pk):
    found = get_object_or_404(Council, pk=pk, mission=request.mission)
    rules.ensure_place(request.user, found.location)
    return found


def _flag(items, mission):
    today = rules.today(mission)
    for item in items:
        item.overdue = item.overdue_on(today)
    return items


@COUNCIL("member", forms.MemberForm)
def _member(request, target, form):
    member = council.save_member(
        request.user, Member(council=target, **form.cleaned_data), request=request
    )
    return _("%(name)s added to the council.") % {"name": member.name}


@COUNCIL("meeting", forms.MeetingForm)
def _meeting(request, target, form):
    data = form.cleaned_data
    upload = data.get("minutes_file")
    meeting = council.record_meeting(
        request.user,
        target,
        held_on=data["held_on"],
        venue=data["venue"],
        agenda=data["agenda"],
        present=list(data["present"]),
        minutes=data["minutes"],
        pdf=upload.read() if upload else None,
        request=request,
    )
    return _("Meeting %(n)s recorded.") % {"n": meeting.number}


def council_detail(request, pk):
    target = _council(request, pk)
    mission = target.mission
    failed = {}
    if request.method == "POST":
        kwargs = {forms.MemberForm: {"mission": mission}, forms.MeetingForm: {"council": target}}
        back = reverse("capacity:council_detail", args=[pk])
        response, failed = COUNCIL.run(
            request,
            target,
            back,
            make_form=lambda cls, req: cls(req.POST, req.FILES, **kwargs[cls]),
        )
        if response:
            return response
    today = rules.today(mission)
    members = list(target.members.select_related("agency"))
    for m in members:
        m.current = m.sits_on(today)
    return render(
        request,
        "capacity/council/detail.html",
        {
            "council": target,
            "members": members,
            "meetings": target.meetings.prefetch_related("present"),
            "items": _flag(
                list(
                    ActionItem.objects.filter(meeting__council=target)
                    .exclude(status=ActionItem.Status.DROPPED)
                    .select_related("meeting", "owner_member", "owner_user")
                ),
                mission,
            ),
            "member_form": failed.get("member") or forms.MemberForm(mission=mission),
            "meeting_form": failed.get("meeting") or forms.MeetingForm(council=target),
        },
    )


@MEETING("minutes", forms.MinutesForm)
def _minutes(request, meeting, form):
    upload = form.cleaned_data.get("minutes_file")
    council.save_minutes(
        request.user,
        meeting,
        minutes=form.cleaned_data["minutes"],
        pdf=upload.read() if upload else None,
        request=request,
    )
    return _("Minutes saved.")


@MEETING("decision", forms.DecisionForm)
def _decision(request, meeting, form):
    decision = council.record_decision(
        request.user, meeting, text=form.cleaned_data["text"], request=request
    )
    return _("Decision %(n)s recorded.") % {"n": decision.number}


@MEETING("action_item", forms.ActionItemForm)
def _action_item(request, meeting, form):
    council.add_action_item(request.user, meeting, **form.cleaned_data, request=request)
    return _("Action item added.")


@MEETING("item_status", forms.ItemStatusForm)
def _item_status(request, meeting, form):
    data = form.cleaned_data
    item = get_object_or_404(ActionItem, pk=data["item"], meeting=meeting)
    council.update_action_item(
        request.user,
        item,
        status=data["status"],
        completed_on=data["completed_on"],
        note=data["note"],
        request=request,
    )
    return _("Action item updated.")


def meeting_detail(request, pk):
    meeting = get_object_or_404(
        Meeting.objects.select_related("council", "council__location"),
        pk=pk,
        council__mission=request.mission,
    )
    rules.ensure_place(request.user, meeting.council.location)
    failed = {}
    if request.method == "POST":
        kwargs = {forms.ActionItemForm: {"meeting": meeting}}
        back = reverse("capacity:meeting_detail", args=[pk])
        response, failed = MEETING.run(
            request,
            meeting,
            back,
            make_form=lambda cls, req: cls(req.POST, req.FILES, **kwargs.get(cls, {})),
        )
        if response:
            return response
    items = _flag(
        list(meeting.action_items.select_related("owner_member", "owner_user", "decision")),
        meeting.council.mission,
    )
    for item in items:
        item.form = (
            failed.get("item_status")
            if failed.get("item_status") and str(item.pk) == request.POST.get("item")
            else forms.ItemStatusForm(
                initial={
                    "item": item.pk,
                    "status": item.status,
                    "completed_on": item.completed_on,
                },
                prefix=f"i{item.pk}",
            )
        )
    return render(
        request,
        "capacity/council/meeting.html",
        {
            "meeting": meeting,
            "present": meeting.present.all(),
            "decisions": meeting.decisions.all(),
            "items": items,
            "minutes_form": failed.get("minutes") or forms.MinutesForm(),
            "decision_form": failed.get("decision") or forms.DecisionForm(),
            "item_form": failed.get("action_item") or forms.ActionItemForm(meeting=meeting),
        },
    )


def meeting_minutes(request, pk):
    meeting = get_object_or_404(
        Meeting.objects.select_related("council"), pk=pk, council__mission=request.mission
    )
    data = council.open_minutes(request.user, meeting, request=request)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="minutes-{meeting.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def action_item_list(request):
    mission = request.mission
    found = council.action_items(request.user, mission)
    status, show = request.GET.get("status", ""), request.GET.get("show", "")
    if status in ActionItem.Status.values:
        found = found.filter(status=status)
    if show == "overdue":
        found = found.filter(status__in=ActionItem.OPEN_STATUSES, due_on__lt=rules.today(mission))
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    _flag(page.object_list, mission)
    return render(
        request,
        "capacity/council/items.html",
        {"page": page, "status": status, "show": show, "statuses": ActionItem.Status.choices},
    )
