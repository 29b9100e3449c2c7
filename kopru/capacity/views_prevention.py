"""Pages of access to prevention: the programmes' figures (aggregate), a page per programme,
and for the capacity officer the referrals, a referral made, its outcome recorded and a group
outreach tally. Thin: prevention.py writes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kopru.core.models import Project
from kopru.core.views import apply_errors
from kopru.registry.models import Person
from kopru.services.models import AgeBand

from . import prevention, prevention_figures
from .forms_surveys import OutcomeForm, ReferralForm, TallyForm
from .models import PreventionReferral, PreventionTally

SEXES = prevention_figures.SEXES
ORDER = [*AgeBand.values, "unknown"]


def _writes(user, mission):
    return prevention.may_read(user, mission)


def _project_shares(mission, day):
    """The mission's project running that day, when there is exactly one, takes the whole."""
    running = Project.objects.filter(mission=mission, start_date__lte=day, end_date__gte=day)
    return [(running.get(), 100)] if running.count() == 1 else []


def home(request):
    mission = request.mission
    figures = prevention_figures.figures(request.user, mission)
    context = {"figures": figures.values(), "reads": prevention.may_read(request.user, mission)}
    if context["reads"]:
        rows = prevention.visible(request.user, mission)
        programme, status, q = (request.GET.get(k, "") for k in ("programme", "status", "q"))
        if programme:
            rows = rows.filter(programme=programme)
        if status in PreventionReferral.Status.values:
            rows = rows.filter(status=status)
        if q:
            rows = rows.filter(
                Q(person__reference__icontains=q) | Q(person__given_name__icontains=q)
            )
        context.update(
            page=Paginator(rows, 25).get_page(request.GET.get("page")),
            programme=programme,
            status=status,
            q=q,
            programmes=[(c, prevention.name(c)) for c in prevention.programmes()],
            statuses=PreventionReferral.Status.choices,
        )
    return render(request, "capacity/prevention/home.html", context)


def programme(request, pk):
    if pk not in prevention.programmes():
        raise Http404
    figures = prevention_figures.figures(request.user, request.mission)[pk]
    tallies = prevention_figures.tally_cells(request.user, request.mission, pk)
    bands = [b for b, _cells in figures.table()]
    bands += [b for b, _s in tallies if b not in bands]
    table = [
        (
            band,
            [(*(figures.cells.get((band, s)) or (0, 0)), tallies.get((band, s), 0)) for s in SEXES],
        )
        for band in sorted(bands, key=ORDER.index)
    ]
    return render(
        request,
        "capacity/prevention/programme.html",
        {
            "f": figures,
            "table": table,
            "sexes": SEXES,
            "tallies": PreventionTally.objects.filter(mission=request.mission, programme=pk)[:20]
            if prevention.may_read(request.user, request.mission)
            else [],
        },
    )


def refer(request):
    mission = request.mission
    if not _writes(request.user, mission):
        raise PermissionDenied(_("Your role does not see health records."))
    form = ReferralForm(request.POST or None, mission=mission, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = Person.objects.filter(
            mission=mission, reference=data["person_reference"].strip()
        ).first()
        if person is None:
            form.add_error("person_reference", _("No registered person has this reference."))
        else:
            try:
                item = prevention.refer(
                    request.user,
                    person,
                    programme=data["programme"],
                    facility=data["facility"],
                    referred_on=data["referred_on"],
                    location=data["location"],
                    projects=_project_shares(mission, data["referred_on"]),
                    note=data["note"],
                    uid=data["uid"],
                    request=request,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("Referral %(number)s saved.") % {"number": item.referral.number}
                )
                return redirect("capacity:prevention_referral", item.pk)
    return render(request, "capacity/prevention/refer.html", {"form": form})


def tally(request):
    mission = request.mission
    if not _writes(request.user, mission):
        raise PermissionDenied(_("Your role does not see health records."))
    form = TallyForm(request.POST or None, mission=mission, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            prevention.record_tally(
                request.user,
                mission,
                programme=data["programme"],
                held_on=data["held_on"],
                location=data["location"],
                headcounts=form.headcounts(),
                facility=data["facility"],
                reached=data["reached"],
                projects=_project_shares(mission, data["held_on"]),
                notes=data["notes"],
                uid=data["uid"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Outreach tally saved."))
            return redirect("capacity:prevention_programme", data["programme"])
    return render(request, "capacity/prevention/tally.html", {"form": form})


def referral(request, pk):
    item = get_object_or_404(
        PreventionReferral.objects.select_related(
            "person", "facility", "referral", "immunization", "location"
        ),
        pk=pk,
        mission=request.mission,
    )
    prevention.require_referral(request.user, item)
    form = OutcomeForm(request.POST or None, programme=item.programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            prevention.record_outcome(
                request.user,
                item,
                reached=data["reached"],
                on=data["on"],
                reason=data["reason"],
                note=data["note"],
                vaccine=data.get("vaccine", ""),
                dose=data.get("dose"),
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Outcome saved."))
            return redirect("capacity:prevention_referral", item.pk)
    prevention.viewed(request.user, item, request=request)
    return render(
        request,
        "capacity/prevention/referral.html",
        {
            "item": item,
            "form": form,
            "programme_name": prevention.name(item.programme),
            "reason": prevention.name(item.not_reached_reason) if item.not_reached_reason else "",
        },
    )
