"""Pages of the legislation review: instruments (filtered by kind, jurisdiction and the
topics of their findings), an instrument with its findings and recommendations, and the
recommendations (filtered by status, topic, priority and agency) with their history. Thin:
forms read, legislation.py writes."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kopru.core.actions import Actions
from kopru.core.views import saved

from . import forms_legislation as forms
from . import governance as rules
from . import legislation
from .models import Agency, Instrument, Recommendation

INSTRUMENT, RECOMMENDATION = Actions(), Actions()


def _topic(code):
    return rules.label("legislation_topics", "topics", code)


def instrument_list(request):
    mission = request.mission
    form = forms.InstrumentForm(request.POST or None)
    instrument = saved(
        request,
        form,
        lambda f: legislation.save_instrument(
            request.user, f.apply(Instrument(mission=mission)), request=request
        ),
        _("Instrument saved."),
    )
    if instrument:
        return redirect("capacity:instrument_detail", instrument.pk)
    found = (
        Instrument.objects.filter(mission=mission)
        .annotate(
            finding_count=Count("findings", distinct=True),
            recommendation_count=Count("findings__recommendations", distinct=True),
        )
        .order_by("jurisdiction", "title")
    )
    kind, jurisdiction, topic = (request.GET.get(k, "") for k in ("kind", "jurisdiction", "topic"))
    if kind:
        found = found.filter(kind=kind)
    if jurisdiction in Instrument.Jurisdiction.values:
        found = found.filter(jurisdiction=jurisdiction)
    if topic:
        found = found.filter(findings__topic=topic).distinct()
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    for i in page:
        i.kind_name = rules.label("legislation_kinds", "kinds", i.kind)
    return render(
        request,
        "capacity/legislation/list.html",
        {
            "page": page,
            "form": form,
            "kind": kind,
            "jurisdiction": jurisdiction,
            "topic": topic,
            "kinds": rules.choices("legislation_kinds", "kinds"),
            "jurisdictions": Instrument.Jurisdiction.choices,
            "topics": rules.choices("legislation_topics", "topics"),
        },
    )


@INSTRUMENT("edit", forms.InstrumentForm)
def _edit(request, instrument, form):
    legislation.save_instrument(request.user, form.apply(instrument), request=request)
    return _("Instrument saved.")


@INSTRUMENT("finding", forms.FindingForm)
def _finding(request, instrument, form):
    legislation.add_finding(request.user, instrument, **form.cleaned_data, request=request)
    return _("Finding recorded.")


@INSTRUMENT("recommendation", forms.RecommendationForm)
def _recommendation(request, instrument, form):
    data = form.cleaned_data
    legislation.add_recommendation(
        request.user,
        data["finding"],
        text=data["text"],
        addressed_to=data["addressed_to"],
        priority=data["priority"],
        request=request,
    )
    return _("Recommendation recorded.")


def instrument_detail(request, pk):
    instrument = get_object_or_404(Instrument, pk=pk, mission=request.mission)
    failed = {}
    if request.method == "POST":
        back = reverse("capacity:instrument_detail", args=[pk])
        kwargs = {forms.RecommendationForm: {"instrument": instrument}}
        response, failed = INSTRUMENT.run(
            request,
            instrument,
            back,
            make_form=lambda cls, req: cls(req.POST, **kwargs.get(cls, {})),
        )
        if response:
            return response
    findings = list(instrument.findings.prefetch_related("recommendations__addressed_to"))
    for f in findings:
        f.topic_name = _topic(f.topic)
    return render(
        request,
        "capacity/legislation/detail.html",
        {
            "instrument": instrument,
            "kind": rules.label("legislation_kinds", "kinds", instrument.kind),
            "findings": findings,
            "edit": failed.get("edit")
            or forms.InstrumentForm(initial=forms.InstrumentForm.initial_for(instrument)),
            "finding_form": failed.get("finding") or forms.FindingForm(),
            "recommendation_form": failed.get("recommendation")
            or forms.RecommendationForm(instrument=instrument),
        },
    )


def recommendation_list(request):
    mission = request.mission
    status, topic, priority, agency = (
        request.GET.get(k, "") for k in ("status", "topic", "priority", "agency")
    )
    chosen = Agency.objects.filter(mission=mission, pk=agency).first() if agency.isdigit() else None
    found = legislation.recommendations(
        mission, status=status, topic=topic, priority=priority, agency=chosen
    )
    counts = dict(
        Recommendation.objects.filter(mission=mission).values_list("status").annotate(n=Count("pk"))
    )
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    for r in page:
        r.topic_name = _topic(r.finding.topic)
    return render(
        request,
        "capacity/legislation/recommendations.html",
        {
            "page": page,
            "status": status,
            "topic": topic,
            "priority": priority,
            "agency": agency,
            "statuses": [
                (s, label, counts.get(s, 0)) for s, label in Recommendation.Status.choices
            ],
            "topics": rules.choices("legislation_topics", "topics"),
            "priorities": Recommendation.Priority.choices,
            "agencies": Agency.objects.filter(mission=mission),
        },
    )


@RECOMMENDATION("move", forms.MoveForm)
def _move(request, recommendation, form):
    legislation.move_recommendation(
        request.user, recommendation, **form.cleaned_data, request=request
    )
    return _("Status changed.")


def recommendation_detail(request, pk):
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("finding__instrument", "addressed_to"),
        pk=pk,
        mission=request.mission,
    )
    failed = {}
    if request.method == "POST":
        back = reverse("capacity:recommendation_detail", args=[pk])
        response, failed = RECOMMENDATION.run(request, recommendation, back)
        if response:
            return response
    moves = legislation.moves(recommendation)
    form = failed.get("move") or forms.MoveForm(initial={"on": rules.today(recommendation.mission)})
    form.fields["status"].choices = moves
    return render(
        request,
        "capacity/legislation/recommendation.html",
        {
            "r": recommendation,
            "topic": _topic(recommendation.finding.topic),
            "history": recommendation.history.select_related("by"),
            "form": form,
            "moves": moves,
        },
    )
