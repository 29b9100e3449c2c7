"""Pages of the trainings for government agencies: the list, a training (participants,
days held with attendance, test scores and their summary), participants and agencies. Thin:
forms read, trainings.py writes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kopru.core.actions import Actions
from kopru.core.views import apply_errors, saved

from . import forms_trainings as forms
from . import governance as rules
from . import trainings
from .models import Agency, Enrolment, Participant, Training

TRAINING = Actions()
PAGE = 25


def training_list(request):
    mission = request.mission
    found = (
        trainings.visible(request.user, mission)
        .select_related("location")
        .annotate(enrolled=Count("enrolments", distinct=True), held=Count("days", distinct=True))
        .order_by("-starts_on", "-pk")
    )
    topic, q = request.GET.get("topic", ""), request.GET.get("q", "").strip()
    if topic:
        found = found.filter(topic=topic)
    if q:
        found = found.filter(Q(title__icontains=q) | Q(trainers__icontains=q))
    page = Paginator(found, PAGE).get_page(request.GET.get("page"))
    for t in page:
        t.topic_name = rules.label("training_topics", "topics", t.topic)
        t.summary = trainings.results(Training.objects.filter(pk=t.pk))
    return render(
        request,
        "capacity/trainings/list.html",
        {
            "page": page,
            "topic": topic,
            "q": q,
            "topics": rules.choices("training_topics", "topics"),
            "overall": trainings.results(found),
        },
    )


def training_new(request):
    mission = request.mission
    form = forms.TrainingForm(request.POST or None, mission=mission)
    training = saved(
        request,
        form,
        lambda f: trainings.save_training(
            request.user, f.apply(Training(mission=mission)), request=request
        ),
        _("Training saved."),
    )
    if training:
        return redirect("capacity:training_detail", training.pk)
    return render(request, "capacity/trainings/form.html", {"form": form})


def _form(form_class, request, training):
    mission = training.mission
    kwargs = {
        forms.TrainingForm: {"mission": mission},
        forms.ParticipantForm: {"mission": mission},
        forms.DayForm: {"training": training},
        forms.EnrolForm: {"choices": _enrollable(request.user, training)},
        forms.ScoresForm: {"enrolments": _enrolments(training)},
    }[form_class]
    return form_class(request.POST, request.FILES, **kwargs)


def _enrolments(training):
    return list(training.enrolments.select_related("participant__agency"))


def _enrollable(user, training):
    return (
        trainings.visible_participants(user, training.mission)
        .exclude(enrolments__training=training)
        .select_related("agency")
        .order_by("name")
    )


@TRAINING("edit", forms.TrainingForm)
def _edit(request, training, form):
    trainings.save_training(request.user, form.apply(training), request=request)
    return _("Training saved.")


@TRAINING("enrol", forms.EnrolForm)
def _enrol(request, training, form):
    n = trainings.enrol(request.user, training, form.cleaned_data["participants"], request=request)
    return _("%(n)s participants added.") % {"n": n}


@TRAINING("participant", forms.ParticipantForm)
def _participant(request, training, form):
    participant = trainings.save_participant(
        request.user, form.apply(Participant(mission=training.mission)), request=request
    )
    trainings.enrol(request.user, training, [participant], request=request)
    return _("%(name)s is on the training.") % {"name": participant.name}


@TRAINING("day", forms.DayForm)
def _day(request, training, form):
    held = trainings.record_day(
        request.user,
        training,
        day=form.cleaned_data["day"],
        present=list(form.cleaned_data["present"]),
        request=request,
    )
    return _("Day recorded: %(n)s present.") % {"n": held.present.count()}


@TRAINING("scores", forms.ScoresForm)
def _scores(request, training, form):
    n = trainings.record_scores(request.user, training, form.scores(), request=request)
    return _("Scores saved for %(n)s participants.") % {"n": n}


def _training(request, pk):
    training = get_object_or_404(
        Training.objects.select_related("location", "project"), pk=pk, mission=request.mission
    )
    rules.ensure_place(request.user, training.location)
    return training


def training_detail(request, pk):
    training = _training(request, pk)
    failed = {}
    if request.method == "POST":
        back = reverse("capacity:training_detail", args=[pk])
        response, failed = TRAINING.run(
            request, training, back, make_form=lambda cls, req: _form(cls, req, training)
        )
        if response:
            return response
    enrolments = _enrolments(training)
    days = list(training.days.prefetch_related("present"))
    present = {d.pk: {p.pk for p in d.present.all()} for d in days}
    for e in enrolments:
        e.attended = sum(1 for d in days if e.participant_id in present[d.pk])
    mission = training.mission
    return render(
        request,
        "capacity/trainings/detail.html",
        {
            "training": training,
            "topic": rules.label("training_topics", "topics", training.topic),
            "enrolments": enrolments,
            "days": days,
            "summary": trainings.results(Training.objects.filter(pk=training.pk)),
            "edit": failed.get("edit")
            or forms.TrainingForm(
                mission=mission, initial=forms.TrainingForm.initial_for(training)
            ),
            "enrol": failed.get("enrol")
            or forms.EnrolForm(choices=_enrollable(request.user, training)),
            "participant": failed.get("participant") or forms.ParticipantForm(mission=mission),
            "day": failed.get("day") or forms.DayForm(training=training),
            "scores": failed.get("scores") or forms.ScoresForm(enrolments=enrolments),
        },
    )


def participant_list(request):
    mission = request.mission
    form = forms.ParticipantForm(request.POST or None, mission=mission)
    if saved(
        request,
        form,
        lambda f: trainings.save_participant(
            request.user, f.apply(Participant(mission=mission)), request=request
        ),
        lambda participant: _("%(name)s added.") % {"name": participant.name},
    ):
        return redirect("capacity:participant_list")
    found = (
        trainings.visible_participants(request.user, mission)
        .select_related("agency")
        .annotate(trainings=Count("enrolments", distinct=True))
        .order_by("name", "pk")
    )
    agency, q = request.GET.get("agency", ""), request.GET.get("q", "").strip()
    if agency.isdigit():
        found = found.filter(agency_id=int(agency))
    if q:
        found = found.filter(Q(name__icontains=q) | Q(position__icontains=q))
    return render(
        request,
        "capacity/trainings/participants.html",
        {
            "page": Paginator(found, PAGE).get_page(request.GET.get("page")),
            "agencies": Agency.objects.filter(mission=mission),
            "agency": agency,
            "q": q,
            "form": form,
        },
    )


def participant_detail(request, pk):
    mission = request.mission
    participant = get_object_or_404(
        trainings.visible_participants(request.user, mission).select_related("agency"), pk=pk
    )
    form = forms.ParticipantForm(
        request.POST or None,
        mission=mission,
        initial=forms.ParticipantForm.initial_for(participant),
    )
    if saved(
        request,
        form,
        lambda f: trainings.save_participant(request.user, f.apply(participant), request=request),
        _("Participant saved."),
    ):
        return redirect("capacity:participant_detail", pk)
    seen = trainings.visible(request.user, mission)
    return render(
        request,
        "capacity/trainings/participant.html",
        {
            "participant": participant,
            "form": form,
            "enrolments": Enrolment.objects.filter(participant=participant, training__in=seen)
            .select_related("training")
            .annotate(days=Count("training__days", filter=Q(training__days__present=participant))),
        },
    )


def agency_list(request):
    mission = request.mission
    form = forms.AgencyForm(request.POST or None, mission=mission)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            trainings.add_agency(
                request.user,
                mission,
                code=data["code"],
                name_en=data["name_en"],
                name_ru=data["name_ru"],
                parent=data["parent"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Agency added."))
            return redirect("capacity:agency_list")
    return render(
        request,
        "capacity/trainings/agencies.html",
        {
            "agencies": Agency.objects.filter(mission=mission)
            .select_related("parent")
            .annotate(staff_count=Count("staff"))
            .order_by("code"),
            "form": form,
        },
    )
