"""Pages of livelihoods: thin, every write through skills.py and grants.py; pages with
several writes post one named action at a time (core.actions)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import access
from kopru.core.actions import Actions
from kopru.core.views import apply_errors, saved
from kopru.registry import selectors as people

from . import codes, forms, grants, matching, skills
from .models import BusinessFollowUp, Delivery, FollowUp, Vacancy
from .services import viewed

PROFILE, VACANCY, PLACEMENTS, APPLICATION = (Actions() for _page in range(4))
PAGE_SIZE = 25


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _person(request, reference, field, form):
    """A visible person by reference, or an error on the form's field."""
    found = (
        people.visible_people(request.user, request.mission)
        .filter(reference=(reference or "").strip())
        .first()
    )
    if found is None:
        form.add_error(field, _("No person you can see has this reference."))
    return found


def _labels(profile):
    profile.occupation_names = [
        (codes.occupation(o["isco"]), o["years"]) for o in profile.occupations
    ]
    profile.language_names = [
        (
            codes.language_name(lang["code"]),
            codes.named(codes.labour("language_levels")[lang["level"]]),
        )
        for lang in profile.languages
    ]
    profile.education_name = codes.named(codes.education_levels()[profile.education])
    profile.permit_name = codes.named(codes.labour("work_permits")[profile.permit])
    profile.availability_name = codes.named(codes.labour("availability")[profile.availability])
    return profile


def _vacancy_labels(vacancy, today=None):
    vacancy.occupation = codes.occupation(vacancy.isco)
    vacancy.language_names = [
        (
            codes.language_name(lang["code"]),
            codes.named(codes.labour("language_levels")[lang["level"]]),
        )
        for lang in vacancy.languages
    ]
    vacancy.education_name = codes.named(codes.education_levels()[vacancy.min_education])
    vacancy.filled = skills.filled(vacancy)
    vacancy.open = skills.is_open(vacancy, today)
    return vacancy


# --- Skills profiles ------------------------------------------------------------------------


def profile_list(request):
    found = skills.visible_profiles(request.user, request.mission).order_by(
        "person__family_name", "person__given_name"
    )
    q, isco = request.GET.get("q", "").strip(), request.GET.get("isco", "").strip()
    if q:
        found = (
            found.filter(person__reference__icontains=q)
            | found.filter(person__given_name__icontains=q)
            | found.filter(person__family_name__icontains=q)
        )
    if isco:
        found = [p for p in found if any(o["isco"].startswith(isco) for o in p.occupations)]
    page = _page(request, found)
    for p in page:
        _labels(p)
    return render(request, "livelihoods/profile_list.html", {"page": page, "q": q, "isco": isco})


def profile_new(request):
    form = forms.ProfileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = _person(request, form.cleaned_data["person"], "person", form)
        if person is not None:
            try:
                profile = skills.save_profile(
                    request.user,
                    person,
                    counselling=form.cleaned_data["counselling"],
                    request=request,
                    **form.data_for_service(),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Skills profile saved."))
                return redirect("livelihoods:profile_detail", profile.pk)
    return render(request, "livelihoods/profile_form.html", {"form": form})


@PROFILE("review", forms.ProfileForm)
def _review(request, profile, form):
    skills.save_profile(
        request.user,
        profile.person,
        counselling=form.cleaned_data["counselling"],
        request=request,
        **form.data_for_service(),
    )
    return _("Profile reviewed; the earlier one is kept.")


def profile_detail(request, pk):
    profile = get_object_or_404(skills.visible_profiles(request.user, request.mission), pk=pk)
    failed = {}
    if request.method == "POST":
        back = reverse("livelihoods:profile_detail", args=[pk])
        response, failed = PROFILE.run(
            request, profile, back, make_form=lambda c, r: c(r.POST, with_person=False)
        )
        if response:
            new = (
                skills.visible_profiles(request.user, request.mission)
                .filter(person=profile.person)
                .first()
            )
            return redirect("livelihoods:profile_detail", new.pk) if new else response
    matches = matching.for_profile(profile, skills.open_vacancies(request.user, request.mission))
    for m in matches:
        _vacancy_labels(m.vacancy)
    return render(
        request,
        "livelihoods/profile_detail.html",
        {
            "profile": _labels(profile),
            "matches": matches,
            "placements": profile.person.placements.select_related("vacancy", "vacancy__employer"),
            "review": failed.get("review")
            or forms.ProfileForm(with_person=False, initial=forms.ProfileForm.initial_for(profile)),
        },
    )


# --- Employers and vacancies ----------------------------------------------------------------


def _save_employer(request, form):
    employer = form.save(commit=False)
    employer.mission = request.mission
    return skills.save_employer(request.user, employer, request=request)


def employer_list(request):
    form = forms.EmployerForm(request.POST or None, mission=request.mission)
    if saved(request, form, lambda f: _save_employer(request, f), _("Employer saved.")):
        return redirect("livelihoods:employer_list")
    found = skills.visible_employers(request.user, request.mission)
    sectors = codes.labour("sectors")
    page = _page(request, found)
    for e in page:
        e.sector_name = codes.named(sectors[e.sector]) if e.sector in sectors else e.sector
        e.vacancy_count = e.vacancies.count()
    return render(request, "livelihoods/employer_list.html", {"page": page, "form": form})


def _save_vacancy(request, form, vacancy):
    """The form's fields onto the vacancy (new or posted before), saved by skills.save_vacancy:
    the vacancy's page, or None with the refusal on the form."""

    def save(form):
        for name in forms.VacancyForm.MODEL_FIELDS:
            setattr(vacancy, name, form.cleaned_data[name])
        vacancy.languages = form.languages()
        return skills.save_vacancy(request.user, vacancy, request=request)

    if saved(request, form, save, _("Vacancy saved.")):
        return redirect("livelihoods:vacancy_detail", vacancy.pk)
    return None


def vacancy_list(request):
    employers = skills.visible_employers(request.user, request.mission)
    form = forms.VacancyForm(request.POST or None, mission=request.mission, employers=employers)
    if done := _save_vacancy(request, form, Vacancy(mission=request.mission)):
        return done
    show = request.GET.get("show", "open")
    found = skills.visible_vacancies(request.user, request.mission)
    if show == "open":
        found = skills.open_vacancies(request.user, request.mission)
    page = _page(request, found)
    for v in page:
        _vacancy_labels(v)
    return render(
        request, "livelihoods/vacancy_list.html", {"page": page, "form": form, "show": show}
    )


@VACANCY("place", forms.PlacementForm)
def _place(request, vacancy, form):
    d = form.cleaned_data
    person = _person(request, d["person"], "person", form)
    if person is None:
        raise ValidationError({"person": form.errors["person"][0]})
    skills.place(
        request.user,
        vacancy,
        person,
        start_date=d["start_date"],
        contract=d["contract"],
        monthly_wage=d["monthly_wage"],
        request=request,
    )
    return _("%(person)s placed.") % {"person": person}


def vacancy_detail(request, pk):
    vacancy = get_object_or_404(skills.visible_vacancies(request.user, request.mission), pk=pk)
    failed = {}
    if request.method == "POST":
        back = reverse("livelihoods:vacancy_detail", args=[pk])
        response, failed = VACANCY.run(request, vacancy, back)
        if response:
            return response
    placed = set(vacancy.placements.values_list("person_id", flat=True))
    matches = [
        m
        for m in matching.for_vacancy(
            vacancy, skills.visible_profiles(request.user, request.mission)
        )
        if m.profile.person_id not in placed
    ]
    return render(
        request,
        "livelihoods/vacancy_detail.html",
        {
            "vacancy": _vacancy_labels(vacancy),
            "matches": matches[:50],
            "placements": vacancy.placements.select_related("person"),
            "place": failed.get("place") or forms.PlacementForm(),
        },
    )


def vacancy_edit(request, pk):
    """Correct a vacancy or close it early (its closing date): fewer positions than people
    placed are refused."""
    vacancy = get_object_or_404(skills.visible_vacancies(request.user, request.mission), pk=pk)
    employers = skills.visible_employers(request.user, request.mission)
    form = forms.VacancyForm(
        request.POST or None,
        mission=request.mission,
        employers=employers,
        initial=forms.VacancyForm.initial_for(vacancy),
    )
    if done := _save_vacancy(request, form, vacancy):
        return done
    return render(request, "livelihoods/vacancy_edit.html", {"vacancy": vacancy, "form": form})


# --- Placements and follow-ups --------------------------------------------------------------


@PLACEMENTS("follow_up", forms.FollowUpForm)
def _follow_up(request, _target, form):
    d = form.cleaned_data
    follow_up = get_object_or_404(
        FollowUp.objects.select_related("placement", "placement__person__location"),
        pk=d["follow_up"],
        placement__in=skills.visible_placements(request.user, request.mission),
    )
    skills.record_follow_up(
        request.user,
        follow_up,
        employed=d["employed"] == "yes",
        reason=d["reason"],
        notes=d["notes"],
        done_on=d["done_on"],
        request=request,
    )
    return _("Follow-up recorded.")


def placement_list(request):
    failed = {}
    if request.method == "POST":
        response, failed = PLACEMENTS.run(request, None, reverse("livelihoods:placement_list"))
        if response:
            return response
    today = timezone.localdate()
    placements = skills.visible_placements(request.user, request.mission)
    follow_ups = FollowUp.objects.filter(placement__in=placements).select_related(
        "placement__person", "placement__vacancy__employer"
    )
    pending = [f for f in follow_ups.filter(done_on__isnull=True) if True]
    for f in pending:
        f.state = skills.follow_up_state(f, today)
    due = [f for f in pending if f.state in ("due", "overdue")]
    contracts, reasons = codes.labour("contract_types"), codes.labour("leaving_reasons")
    page = _page(request, placements.prefetch_related("follow_ups"))
    for p in page:
        p.contract_name = codes.named(contracts[p.contract]) if p.contract in contracts else ""
        p.checks = list(p.follow_ups.all())
        for f in p.checks:
            f.state = skills.follow_up_state(f, today)
            f.reason_name = codes.named(reasons[f.reason]) if f.reason in reasons else ""
    return render(
        request,
        "livelihoods/placement_list.html",
        {
            "page": page,
            "due": due,
            "overdue": sum(1 for f in due if f.state == "overdue"),
            "form": failed.get("follow_up") or forms.FollowUpForm(initial={"done_on": today}),
        },
    )


# --- Grants ---------------------------------------------------------------------------------


def _financial(request):
    if not access.can_see_category(request.user, "financial"):
        raise PermissionDenied(_("Your role does not see financial records."))


def call_list(request):
    _financial(request)
    manages = access.has(request.user, "livelihoods.manage")
    form = forms.CallForm(request.POST or None, mission=request.mission)
    if request.method == "POST":
        if not manages:
            raise PermissionDenied(_("Your role does not open calls."))
        if form.is_valid():
            d = form.cleaned_data
            try:
                call = grants.open_call(
                    request.user,
                    mission=request.mission,
                    kind=d["kind"],
                    title=d["title"],
                    budget=d["budget"],
                    panel=list(d["panel"]),
                    provinces=list(d["provinces"]),
                    opens_on=d["opens_on"],
                    closes_on=d["closes_on"],
                    project=d["project"],
                    min_scores=d["min_scores"],
                    request=request,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Call opened."))
                return redirect("livelihoods:call_detail", call.pk)
    types = codes.grant_types()
    page = _page(request, grants.visible_calls(request.user, request.mission))
    for c in page:
        c.kind_name = codes.named(types[c.kind])
        c.applied = c.applications.count()
        c.awarded = grants.awarded_total(c)
    return render(
        request, "livelihoods/call_list.html", {"page": page, "form": form, "manages": manages}
    )


def _call(request, pk):
    call = get_object_or_404(grants.visible_calls(request.user, request.mission), pk=pk)
    return call


def call_detail(request, pk):
    _financial(request)
    call = _call(request, pk)
    form = forms.ApplicationForm(request.POST or None)
    if request.method == "POST":
        if not access.has(request.user, "livelihoods.manage"):
            raise PermissionDenied(_("Your role does not record applications."))
        if form.is_valid():
            d = form.cleaned_data
            lead = _person(request, d["lead"], "lead", form)
            members = [_person(request, r, "members", form) for r in forms.references(d["members"])]
            if not form.errors:
                try:
                    application = grants.submit_application(
                        request.user,
                        call,
                        lead=lead,
                        members=members,
                        business_name=d["business_name"],
                        plan=d["plan"],
                        items=form.item_rows(),
                        request=request,
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, _("Application recorded."))
                    return redirect("livelihoods:application_detail", application.pk)
    applications = grants.ranked(
        grants.visible_applications(request.user, request.mission)
        .filter(call=call)
        .prefetch_related("scores", "items")
    )
    for a in applications:
        a.requested = grants.requested(a)
        a.my_sheet = a.scores.filter(member=request.user).exists()
    viewed(request.user, call, request=request, applications=len(applications))
    return render(
        request,
        "livelihoods/call_detail.html",
        {
            "call": call,
            "kind": codes.named(codes.grant_types()[call.kind]),
            "criteria": [
                (codes.named(codes.grant_criteria()[c["code"]]), c["weight"], c["max"])
                for c in call.criteria
            ],
            "applications": applications,
            "awarded": grants.awarded_total(call),
            "remaining": grants.remaining(call),
            "on_panel": call.panel.filter(pk=request.user.pk).exists(),
            "panel": call.panel.all(),
            "form": form,
            "manages": access.has(request.user, "livelihoods.manage"),
        },
    )


def _application(request, pk):
    _financial(request)
    return get_object_or_404(
        grants.visible_applications(request.user, request.mission).select_related(
            "call", "decided_by", "created_by"
        ),
        pk=pk,
    )


@APPLICATION("award", forms.AwardForm)
def _award(request, application, form):
    grants.award(request.user, application, amount=form.cleaned_data["amount"], request=request)
    return _("Grant awarded.")


@APPLICATION("reject", forms.RejectForm)
def _reject(request, application, form):
    grants.reject(request.user, application, reason=form.cleaned_data["reason"], request=request)
    return _("Application rejected.")


@APPLICATION("deliver", forms.DeliveryForm)
def _deliver(request, application, form):
    d = form.cleaned_data
    upload = d.get("receipt")
    grants.deliver(
        request.user,
        application,
        item=d["item"],
        quantity=d["quantity"],
        value=d["value"],
        delivered_on=d["delivered_on"],
        receipt=upload.read() if upload else None,
        paper_reference=d["paper_reference"],
        request=request,
    )
    return _("Delivery recorded.")


@APPLICATION("mentor", forms.MentoringForm)
def _mentor(request, application, form):
    d = form.cleaned_data
    grants.mentor(
        request.user,
        application,
        at=d["at"],
        mentor=d["mentor"],
        topics=d["topics"],
        notes=d["notes"],
        request=request,
    )
    return _("Mentoring session recorded.")


@APPLICATION("business_follow_up", forms.BusinessFollowUpForm)
def _business_follow_up(request, application, form):
    d = form.cleaned_data
    follow_up = get_object_or_404(BusinessFollowUp, pk=d["follow_up"], application=application)
    grants.record_business_follow_up(
        request.user,
        follow_up,
        operating=d["operating"] == "yes",
        employees=d["employees"],
        revenue_band=d["revenue_band"],
        notes=d["notes"],
        done_on=d["done_on"],
        request=request,
    )
    return _("Follow-up recorded.")


def application_detail(request, pk):
    application = _application(request, pk)
    failed = {}
    if request.method == "POST":
        back = reverse("livelihoods:application_detail", args=[pk])
        response, failed = APPLICATION.run(request, application, back)
        if response:
            return response
    viewed(request.user, application, request=request)
    call = application.call
    today = timezone.localdate()
    result = grants.results(application)
    names = {u.pk: u.get_full_name() or u.username for u in call.panel.all()}
    bands, topics = codes.revenue_bands(), codes.mentoring_topics()
    follow_ups = list(application.follow_ups.all())
    for f in follow_ups:
        f.late = not f.done_on and f.due_on < today
        f.band_name = codes.named(bands[f.revenue_band]) if f.revenue_band in bands else ""
    sessions = list(application.mentoring.all())
    for s in sessions:
        s.topic_names = [codes.named(topics[t]) for t in s.topics if t in topics]
    return render(
        request,
        "livelihoods/application_detail.html",
        {
            "application": application,
            "call": call,
            "members": application.members.select_related("person"),
            "items": application.items.all(),
            "requested": grants.requested(application),
            "result": result,
            "sheets": [(names.get(m, "?"), total) for m, total in result["members"]],
            "deliveries": application.deliveries.all(),
            "delivered": grants.delivered_total(application),
            "sessions": sessions,
            "follow_ups": follow_ups,
            "may_award": access.has(request.user, "livelihoods.award"),
            "manages": access.has(request.user, "livelihoods.manage"),
            "on_panel": call.panel.filter(pk=request.user.pk).exists(),
            "award_form": failed.get("award") or forms.AwardForm(),
            "reject_form": failed.get("reject") or forms.RejectForm(),
            "deliver_form": failed.get("deliver")
            or forms.DeliveryForm(initial={"delivered_on": today}),
            "mentor_form": failed.get("mentor") or forms.MentoringForm(),
            "follow_up_form": failed.get("business_follow_up")
            or forms.BusinessFollowUpForm(initial={"done_on": today}),
        },
    )


def score_sheet(request, pk):
    application = _application(request, pk)
    call = application.call
    if not call.panel.filter(pk=request.user.pk).exists():
        raise PermissionDenied(_("You are not on this call's panel."))
    form = forms.ScoreForm(request.POST or None, call=call)
    if request.method == "POST" and form.is_valid():
        try:
            grants.score_application(request.user, application, form.scores(), request=request)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Scores saved."))
            return redirect("livelihoods:call_detail", call.pk)
    viewed(request.user, application, request=request, sheet=True)
    mine = {s.criterion: s.score for s in application.scores.filter(member=request.user)}
    return render(
        request,
        "livelihoods/score_sheet.html",
        {"application": application, "call": call, "form": form, "mine": mine},
    )


def receipt(request, pk):
    _financial(request)
    delivery = get_object_or_404(
        Delivery.objects.select_related("application__call"),
        pk=pk,
        application__in=grants.visible_applications(request.user, request.mission),
    )
    if not delivery.receipt_path:
        raise Http404
    data = grants.open_receipt(request.user, delivery, request=request)
    response = HttpResponse(data, content_type=delivery.receipt_type)
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[
        delivery.receipt_type
    ]
    response["Content-Disposition"] = f'inline; filename="receipt-{delivery.pk}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def home(request):
    return redirect("livelihoods:profile_list")
