"""The health pages: a person's clinical record, consultations, vaccinations, and the health
assessment case with its checklist. Every page that shows clinical content audits the view;
roles without the health category never reach one (they see travel status on the person's
page instead)."""

import json
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import access, audit
from kopru.core.models import AuditEvent
from kopru.core.views import apply_errors
from kopru.registry import selectors as people

from . import (
    assessments,
    checklist,
    codes,
    disclosures,
    forms,
    immunization,
    protocols,
    services,
    tb,
)
from . import results_import as results_import_
from .models import AssessmentCase, DotCourse, Encounter, Investigation, TbClass


def _clinical_person(request, pk):
    person = get_object_or_404(people.visible_people(request.user, request.mission), pk=pk)
    if not services.may_see_clinical(request.user, person):
        raise PermissionDenied(_("Your role does not see clinical records."))
    return person


def _case_of(request, person):
    """The person's assessment a form was opened from (`?case=`), or None."""
    pk = request.POST.get("case") or request.GET.get("case") or ""
    if not pk.isdigit():
        return None
    return AssessmentCase.objects.filter(pk=pk, person=person).first()


def _forecast(person, schedule):
    if not (person.birth_date and schedule):
        return []
    doses = [{"cvx": d.cvx, "date": d.given_on} for d in person.immunizations.all()]
    rows = immunization.forecast(schedule, person.birth_date, doses, timezone.localdate())
    for row in rows:
        row["series_name"] = protocols.named({"names": row.get("series_names", {})})
    return rows


def person_record(request, pk):
    person = _clinical_person(request, pk)
    seen = access.categories(request.user)
    encounters = (
        Encounter.objects.filter(person=person, category__in=sorted(seen))
        .select_related("location", "clinician")
        .prefetch_related("diagnoses")
    )
    services.view_record(request.user, person, "record", request=request)
    schedule = services.schedule_for(person)
    vaccines = immunization.load_vaccines()
    doses = [
        (d, protocols.named(vaccines.get(d.cvx, {"names": {"en": d.cvx}})))
        for d in person.immunizations.select_related("location")
    ]
    growth_points = [
        e for e in encounters if e.whz is not None or e.haz is not None or e.waz is not None
    ]
    chart = None
    if person.birth_date and growth_points:
        from django.utils.translation import get_language_bidi

        from . import growth_chart

        chart = growth_chart.chart(
            "wfa",
            person.sex,
            [
                (
                    (timezone.localdate(e.at) - person.birth_date).days,
                    float(e.weight_kg),
                    f"{timezone.localdate(e.at):%d.%m.%Y}: {e.weight_kg} kg",
                )
                for e in reversed(growth_points)
                if e.weight_kg is not None
            ],
            rtl=get_language_bidi(),
        )
    return render(
        request,
        "health/person_record.html",
        {
            "person": person,
            "encounters": encounters,
            "doses": doses,
            "forecast": _forecast(person, schedule),
            "schedule": schedule and protocols.named(immunization.load_schedule(schedule)),
            "cases": person.assessments.all(),
            "growth_points": growth_points,
            "chart": chart,
            "can_consult": access.has(request.user, "health.consult"),
            "can_immunize": access.has(request.user, "health.immunize"),
            "can_assess": access.has(request.user, "health.assess"),
            "titles": {c: codes.title(c) for e in encounters for c in e.diagnoses.all()},
        },
    )


def consultation_new(request, pk):
    person = _clinical_person(request, pk)
    form = forms.ConsultationForm(request.POST or None, user=request.user, mission=request.mission)
    case = _case_of(request, person)
    if request.method == "POST" and form.is_valid():
        try:
            encounter = services.record_consultation(
                request.user,
                person,
                case=case,
                uid=request.POST.get("uid") or None,
                team=request.user.teams.filter(mission=request.mission).first(),
                request=request,
                **form.data_for_service(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
            for field in ("vitals", "diagnoses", "prescriptions"):
                for msg in getattr(exc, "error_dict", {}).get(field, []):
                    form.add_error(None, msg)
        else:
            messages.success(request, _("Consultation recorded."))
            return redirect("health:consultation_detail", pk=encounter.pk)
    return render(
        request,
        "health/consultation_form.html",
        {
            "person": person,
            "form": form,
            "case": case,
            "uid": request.POST.get("uid") or uuid.uuid4(),
            "dx_rows": [(form[f"dx_{n}"], form[f"dx_certainty_{n}"]) for n in range(forms.DX_ROWS)],
            "rx_rows": [
                [
                    form[f"rx_{f}_{n}"]
                    for f in ("medicine", "dose", "frequency", "days", "dispensed")
                ]
                for n in range(forms.RX_ROWS)
            ],
            "vitals": [form[f] for f in forms.ConsultationForm.VITALS],
        },
    )


def consultation_detail(request, pk):
    encounter = get_object_or_404(
        Encounter.objects.select_related("person", "location", "clinician", "case"),
        pk=pk,
        mission=request.mission,
    )
    if not services.may_see_clinical(request.user, encounter.person, encounter.category):
        raise PermissionDenied(_("Your role does not see this kind of record."))
    services.view_record(
        request.user, encounter.person, "consultation", request=request, obj=encounter
    )
    return render(
        request,
        "health/consultation_detail.html",
        {
            "encounter": encounter,
            "kind": protocols.named(protocols.consultation_types()[encounter.kind]),
            "diagnoses": [(d, codes.title(d.code)) for d in encounter.diagnoses.all()],
        },
    )


def immunization_new(request, pk):
    person = _clinical_person(request, pk)
    case = _case_of(request, person)
    form = forms.ImmunizationForm(request.POST or None, user=request.user, mission=request.mission)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.record_immunization(
                request.user,
                person,
                cvx=d["cvx"],
                given_on=d["given_on"],
                source=d["source"],
                dose_number=d["dose_number"],
                lot=d["lot"],
                body_site=d["body_site"],
                location=d["location"],
                case=case,
                override_reason=d["override_reason"],
                team=request.user.teams.filter(mission=request.mission).first(),
                uid=request.POST.get("uid") or None,
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Dose added to the vaccination record."))
            if case is not None:
                return redirect(case.get_absolute_url())
            return redirect("health:person_record", pk=person.pk)
    return render(
        request,
        "health/immunization_form.html",
        {
            "person": person,
            "form": form,
            "case": case,
            "uid": request.POST.get("uid") or uuid.uuid4(),
        },
    )


def vaccination_card(request, pk):
    """The vaccination card as PDF in the person's language (or the one asked for); printing
    it is an export of health data, audited."""
    from kopru.services import slips

    from . import card

    person = _clinical_person(request, pk)
    language = request.GET.get("lang") or slips.language_for(person)
    if language not in dict(slips.LANGUAGES):
        language = "en"
    pdf = card.card_pdf(person, language)
    audit.record(
        request.user,
        AuditEvent.Action.EXPORT,
        person,
        request=request,
        category="health",
        details={"vaccination_card": language},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="vaccination-{person.reference}.pdf"'
    response["Cache-Control"] = "no-store, private"
    return response


def icd10_search(request):
    """Options for the diagnosis fields (a datalist the browser fills as the clinician types)."""
    found = codes.search_icd10(request.GET.get("q", ""), limit=20)
    if request.GET.get("format") == "json":
        return JsonResponse({"results": [{"code": c, "title": t} for c, t in found]})
    return render(request, "health/_icd10_options.html", {"found": found})


# --- Health assessments -------------------------------------------------------------------------


def case_list(request):
    if not access.can_see_category(request.user, "health"):
        raise PermissionDenied(_("Your role does not see clinical records."))
    visible = people.visible_people(request.user, request.mission)
    cases = (
        AssessmentCase.objects.filter(mission=request.mission, person__in=visible)
        .select_related("person", "location")
        .order_by("status", "departure_at", "-opened_at")
    )
    status = request.GET.get("status")
    if status in AssessmentCase.Status.values:
        cases = cases.filter(status=status)
    return render(
        request,
        "health/case_list.html",
        {
            "follow_up": assessments.needs_follow_up(
                AssessmentCase.objects.filter(
                    mission=request.mission, person__in=visible, status="travelled"
                ).select_related("person")
            ),
            "cases": cases[:200],
            "statuses": AssessmentCase.Status.choices,
            "status": status,
            "names": {p["destination"]: protocols.named(p) for p in protocols.protocols()},
        },
    )


def case_new(request, pk):
    person = _clinical_person(request, pk)
    form = forms.CaseForm(request.POST or None, user=request.user, mission=request.mission)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = assessments.open_case(
                request.user,
                person,
                protocol=d["protocol"],
                programme=d["programme"],
                location=d["location"],
                pregnant=d["pregnant"] or None,
                departure_at=d["departure_at"],
                uid=request.POST.get("uid") or None,
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("Health assessment %(number)s opened.") % {"number": case.number}
            )
            return redirect(case.get_absolute_url())
    return render(
        request,
        "health/case_form.html",
        {"person": person, "form": form, "uid": request.POST.get("uid") or uuid.uuid4()},
    )


def _case_action(request, case, action):
    """Run one form of the case page through its service; returns the bound form with errors
    when the input is refused (None when it went through)."""
    user, post, mission = request.user, request.POST, request.mission
    handlers = {
        "findings": (
            forms.FindingsForm,
            lambda d: assessments.set_findings(
                user, case, findings=d["findings"], pregnant=d["pregnant"] or None, request=request
            ),
        ),
        "component": (
            forms.ComponentForm,
            lambda d: assessments.record_component(
                user,
                case,
                d["component"],
                done_on=d["done_on"],
                outcome=d["outcome"],
                waived_reason=d["waived_reason"],
                request=request,
            ),
        ),
        "order": (
            lambda p: forms.OrderForm(p, mission=mission),
            lambda d: assessments.order_investigation(
                user,
                case,
                d["test"],
                partner=d["partner"],
                specimens=d["specimens"],
                pre_counselling=d["pre_counselling"],
                request=request,
            ),
        ),
        "result": (
            forms.ResultForm,
            lambda d: assessments.record_result(
                user,
                get_object_or_404(Investigation, pk=d["investigation"], case=case),
                interpretation=d["interpretation"],
                value=d["value"],
                unit=d["unit"],
                reading=d["reading"],
                collected_on=d["collected_on"],
                request=request,
            ),
        ),
        "post_counselling": (
            forms.ResultForm,
            lambda d: assessments.record_counselling(
                user,
                get_object_or_404(Investigation, pk=d["investigation"], case=case),
                notes=post.get("notes", ""),
                request=request,
            ),
        ),
        "tb": (
            forms.TbForm,
            lambda d: assessments.classify_tb(
                user, case, d["tb_class"], detail=d["detail"], reason=d["reason"], request=request
            ),
        ),
        "dot": (
            lambda p: forms.DotForm(p, mission=mission),
            lambda d: assessments.start_dot(
                user,
                case,
                regimen=d["regimen"],
                doses_planned=d["doses_planned"],
                started_on=d["started_on"],
                provider=d["provider"],
                request=request,
            ),
        ),
        "dot_dose": (
            forms.DotDoseForm,
            lambda d: assessments.record_dot_dose(
                user,
                get_object_or_404(DotCourse, pk=d["course"], case=case),
                on=d["on"],
                observed=d["observed"],
                note=d["note"],
                request=request,
            ),
        ),
        "treatment": (
            forms.TreatmentForm,
            lambda d: assessments.give_treatment(
                user,
                case,
                d["drug"],
                given_on=d["given_on"],
                override_reason=d["override_reason"],
                request=request,
            ),
        ),
        "fitness": (
            forms.FitnessForm,
            lambda d: assessments.decide_fitness(
                user, case, d["fitness"], conditions=d["conditions"], request=request
            ),
        ),
        "travel": (
            lambda p: forms.TravelForm(p, mission=mission),
            lambda d: assessments.set_travel(
                user,
                case,
                departure_at=d["departure_at"],
                needs=d["needs"],
                escort=d["escort"],
                notes=d["notes"],
                request=request,
            ),
        ),
        "clear": (None, lambda d: assessments.clear_for_travel(user, case, request=request)),
        "pec": (
            forms.PecForm,
            lambda d: assessments.record_pec(
                user, case, at=d["at"], fit=d["fit"], findings=d["findings"], request=request
            ),
        ),
        "follow_up": (
            forms.FollowUpForm,
            lambda d: assessments.record_follow_up(
                user,
                case,
                reported_on=d["reported_on"],
                reporter=d["reporter"],
                admitted=d["admitted"],
                treatment=d["treatment"],
                outcome=d["outcome"],
                request=request,
            ),
        ),
    }
    if action not in handlers:
        return None
    make, run = handlers[action]
    form = make(post) if make else None
    if form is not None and not form.is_valid():
        return form
    try:
        run(form.cleaned_data if form is not None else {})
    except ValidationError as exc:
        if form is None:
            for msg in exc.messages:
                messages.error(request, msg)
            return None
        apply_errors(form, exc)
        return form
    messages.success(request, _("Saved."))
    return None


INLINE_FORMS = {"result", "post_counselling", "dot_dose", "treatment"}


def _named_orders(case):
    orders = list(case.investigations.prefetch_related("counselling").select_related("partner"))
    for order in orders:
        order.name = protocols.test_name(order.test)
    return orders


def case_detail(request, pk):
    case = get_object_or_404(
        AssessmentCase.objects.select_related("person", "location", "mission"),
        pk=pk,
        mission=request.mission,
    )
    if not services.may_see_clinical(request.user, case.person):
        raise PermissionDenied(_("Your role does not see clinical records."))
    failed = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            form = _case_action(request, case, action)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("Your role may not do this."))
            form = None
        if form is None:
            return redirect(case.get_absolute_url())
        if action in INLINE_FORMS:
            # Drawn by hand inside their rows, these forms say what was refused at the top.
            for errors in form.errors.values():
                for msg in errors:
                    messages.error(request, msg)
        failed[action] = form
        case.refresh_from_db()
    assessments.view_case(request.user, case, request=request)
    version = checklist.version_of(case)
    suggested, tb_reasons = tb.suggest(case)
    regimen = checklist.presumptive(case)
    schedule = services.schedule_for(case.person, case)
    return render(
        request,
        "health/case_detail.html",
        {
            "case": case,
            "person": case.person,
            "protocol": protocols.protocol(case.protocol),
            "protocol_name": protocols.named(protocols.protocol(case.protocol)),
            "version": version,
            "items": checklist.items(case),
            "blockers": checklist.blockers(case),
            "travel_status": checklist.travel_status(case),
            "expires": checklist.exam_expires(case),
            "pec_window": checklist.pec_window(case),
            "suggested": TbClass(suggested).label if suggested else None,
            "tb_reasons": tb_reasons,
            "regimen": regimen,
            "forecast": _forecast(case.person, schedule),
            "investigations": _named_orders(case),
            "interpretations": Investigation.Interpretation.choices,
            "courses": case.dot_courses.prefetch_related("doses"),
            "fitness_name": protocols.named(protocols.fitness_categories().get(case.fitness, {})),
            "need_names": [protocols.named(protocols.travel_needs()[n]) for n in case.travel_needs],
            "forms": {
                "findings": failed.get("findings")
                or forms.FindingsForm(
                    initial={"findings": case.findings, "pregnant": case.pregnant}
                ),
                "component": failed.get("component") or forms.ComponentForm(),
                "order": failed.get("order") or forms.OrderForm(mission=request.mission),
                "tb": failed.get("tb")
                or forms.TbForm(initial={"tb_class": case.tb_class or suggested}),
                "dot": failed.get("dot") or forms.DotForm(mission=request.mission),
                "fitness": failed.get("fitness")
                or forms.FitnessForm(
                    initial={"fitness": case.fitness, "conditions": case.fitness_conditions}
                ),
                "travel": failed.get("travel")
                or forms.TravelForm(
                    mission=request.mission,
                    initial={
                        "departure_at": case.departure_at,
                        "needs": case.travel_needs,
                        "escort": case.escort_id,
                        "notes": case.travel_notes,
                    },
                ),
                "pec": failed.get("pec") or forms.PecForm(),
                "share": forms.ShareForm(),
                "follow_up": failed.get("follow_up") or forms.FollowUpForm(),
                "recommend": failed.get("recommend")
                or forms.RecommendForm(mission=request.mission),
                "link": failed.get("follow_up_link") or forms.LinkForm(),
            },
            "failed": failed,
            "can_decide": access.has(request.user, "health.decide"),
            "can_disclose": access.has(request.user, "health.disclose"),
            "disclosures": case.disclosures.select_related("by"),
        },
    )


def results_import(request):
    """Upload a partner's results file; the report lists every refused row."""
    report, error = None, None
    upload = request.FILES.get("file")
    if request.method == "POST":
        if upload is None:
            error = _("Choose the partner's results file (CSV or FHIR JSON).")
        else:
            try:
                report = results_import_.import_results(
                    request.user, request.mission, upload.read(), upload.name, request=request
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
    return render(request, "health/results_import.html", {"report": report, "error": error})


def case_ips(request, pk):
    """Download the person's International Patient Summary, or the destination's forms, for a
    named recipient."""
    case = get_object_or_404(AssessmentCase, pk=pk, mission=request.mission)
    form = forms.ShareForm(request.POST or None)
    if request.method != "POST":
        return redirect(case.get_absolute_url())
    if not form.is_valid():
        for field, errors in form.errors.items():
            for msg in errors:
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}: {msg}" if label else msg)
        return redirect(case.get_absolute_url())
    d = form.cleaned_data
    try:
        content, disclosure = disclosures.disclose(
            request.user,
            case.person,
            document=d["document"],
            recipient=d["recipient"],
            purpose=d["purpose"],
            case=case,
            include_mental_health=d["include_mental_health"],
            request=request,
        )
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
        return redirect(case.get_absolute_url())
    if d["document"] == "ips":
        body, kind, ext = (
            json.dumps(content, ensure_ascii=False, indent=2),
            "application/fhir+json",
            "json",
        )
    else:
        body, kind, ext = content, "application/pdf", "pdf"
    response = HttpResponse(body, content_type=kind)
    name = f"{d['document']}-{case.person.reference}-{disclosure.pk}.{ext}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store, private"
    return response


def follow_up_answer(request, token):
    """The receiving health department's one-time page: the case number and the person's name,
    and a form for what happened after arrival. No sign-in; the link is the key."""
    link = assessments.link_case(token)
    if link is None:
        return render(request, "health/follow_up_used.html", status=410)
    form = forms.FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            assessments.follow_up_by_link(
                token,
                reported_on=d["reported_on"],
                reporter=d["reporter"],
                admitted=d["admitted"],
                treatment=d["treatment"],
                outcome=d["outcome"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return render(request, "health/follow_up_used.html", {"thanks": True})
    return render(request, "health/follow_up_answer.html", {"link": link, "form": form})
