"""Pages of the health needs surveys: the forms, a summary per form (aggregate: the M&E side
may open it), its CSV, and for the capacity officer the responses, a response typed in and an
export imported. Thin: the survey modules decide and write."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kopru.core import access, audit
from kopru.core.models import AuditEvent, Location
from kopru.core.views import apply_errors
from kopru.registry.models import Person

from . import survey_forms, survey_summary, surveys
from .forms_surveys import SurveyImportForm, SurveyResponseForm
from .models import SurveyImport, SurveyResponse


def _definition(pk):
    form = survey_forms.get(pk)
    if form is None:
        raise Http404
    return form


def _day(value):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filtered(request, rows):
    """Rows narrowed by the filters in the query string: province, from, to."""
    province = request.GET.get("province", "")
    since, until = _day(request.GET.get("from")), _day(request.GET.get("to"))
    if province:
        rows = rows.filter(location__path__contains=f"/{province}/")
    if since:
        rows = rows.filter(collected_on__gte=since)
    if until:
        rows = rows.filter(collected_on__lte=until)
    filters = {"province": province, "from": since, "to": until}
    return rows, filters


def _provinces(mission):
    return Location.objects.filter(mission=mission, level=Location.Level.PROVINCE)


def home(request):
    mission = request.mission
    scoped = surveys.in_scope(request.user, mission)
    rows = [
        (form, scoped.filter(form_code=code).count()) for code, form in survey_forms.forms().items()
    ]
    return render(
        request,
        "capacity/surveys/home.html",
        {
            "rows": [(f, survey_forms.title(f), n) for f, n in rows],
            "reads": surveys.may_read(request.user, mission),
            "imports": SurveyImport.objects.filter(mission=mission)[:10]
            if surveys.may_read(request.user, mission)
            else [],
        },
    )


def summary(request, pk):
    form = _definition(pk)
    rows, filters = _filtered(request, surveys.in_scope(request.user, request.mission))
    result = survey_summary.summarise(form, rows.filter(form_code=form["code"]))
    return render(
        request,
        "capacity/surveys/summary.html",
        {
            "form": form,
            "title": survey_forms.title(form),
            "summary": result,
            "filters": filters,
            "provinces": _provinces(request.mission),
            "query": request.GET.urlencode(),
            "reads": surveys.may_read(request.user, request.mission),
        },
    )


def summary_csv(request, pk):
    form = _definition(pk)
    rows, filters = _filtered(request, surveys.in_scope(request.user, request.mission))
    result = survey_summary.summarise(form, rows.filter(form_code=form["code"]))
    audit.record(
        request.user,
        AuditEvent.Action.EXPORT,
        None,
        request=request,
        object_repr=f"survey summary {form['code']}",
        details={"form": form["code"], "responses": result.responses},
    )
    response = HttpResponse(survey_summary.to_csv(result), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{form["code"]}-summary.csv"'
    return response


def responses(request, pk):
    form = _definition(pk)
    if not surveys.may_read(request.user, request.mission):
        raise PermissionDenied(_("Your role does not see health records."))
    rows, filters = _filtered(request, surveys.visible(request.user, request.mission, form["code"]))
    source = request.GET.get("source", "")
    if source in SurveyResponse.Source.values:
        rows = rows.filter(source=source)
    page = Paginator(rows.select_related("location"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "capacity/surveys/responses.html",
        {
            "form": form,
            "title": survey_forms.title(form),
            "page": page,
            "filters": filters,
            "source": source,
            "sources": SurveyResponse.Source.choices,
            "provinces": _provinces(request.mission),
        },
    )


def _person(request, reference, form):
    if not reference:
        return None
    person = Person.objects.filter(mission=request.mission, reference=reference.strip()).first()
    if person is None:
        form.add_error("person_reference", _("No registered person has this reference."))
    return person


def new(request, pk):
    definition = _definition(pk)
    mission = request.mission
    places = surveys.places(request.user, mission)
    form = SurveyResponseForm(request.POST or None, definition=definition, places=places)
    if request.method == "POST" and form.is_valid():
        person = _person(request, form.cleaned_data["person_reference"], form)
        if not form.errors:
            try:
                surveys.record_response(
                    request.user,
                    mission,
                    definition["code"],
                    form.raw(),
                    uid=form.cleaned_data["uid"],
                    person=person,
                    request=request,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Response saved."))
                return redirect("capacity:survey_new", definition["code"])
    return render(
        request,
        "capacity/surveys/response_form.html",
        {"form": form, "definition": definition, "title": survey_forms.title(definition)},
    )


def import_file(request, pk):
    definition = _definition(pk)
    form = SurveyImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = surveys.import_responses(
                request.user,
                request.mission,
                definition["code"],
                upload.read(),
                name=upload.name,
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if result["already"]:
                messages.info(request, _("This file was imported before; nothing changed."))
            else:
                messages.success(
                    request,
                    _("%(stored)s responses stored, %(skipped)s already there.")
                    % {"stored": result["stored"], "skipped": result["skipped"]},
                )
            return redirect("capacity:survey_summary", definition["code"])
    return render(
        request,
        "capacity/surveys/import.html",
        {"form": form, "definition": definition, "title": survey_forms.title(definition)},
    )


def response_detail(request, pk):
    response = get_object_or_404(
        SurveyResponse.objects.select_related("location", "person"), pk=pk, mission=request.mission
    )
    surveys.require_response(request.user, response)
    definition = _definition(response.form_code)
    surveys.viewed(request.user, response, request=request)
    lines = []
    for q in survey_forms.questions(definition):
        if q["name"] not in response.answers:
            continue
        value = response.answers[q["name"]]
        if q["type"] in ("select_one", "select_multiple", "yes_no"):
            values = value if isinstance(value, list) else [value]
            shown = ", ".join(survey_forms.choice_label(definition, q, v) for v in values)
        elif q["type"] == "place":
            shown = response.location.name
        else:
            shown = value
        lines.append((survey_forms.label(q["label"]), shown))
    return render(
        request,
        "capacity/surveys/response_detail.html",
        {
            "response": response,
            "title": survey_forms.title(definition),
            "definition": definition,
            "lines": lines,
            "person_visible": response.person is not None
            and access.can_see_location(request.user, response.person.location),
        },
    )
