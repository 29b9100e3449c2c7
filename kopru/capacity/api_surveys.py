"""/api/v1/capacity/: the survey forms and their summaries, responses (read, sent one at a
time by a field tablet, or an export posted whole) and prevention referrals with their
outcome and outreach tallies. Writes go through surveys.py and prevention.py; the same `uid`
sent twice stores once (200 the second time, 201 the first)."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import File, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from kopru.core.api_auth import policy
from kopru.core.models import Location
from kopru.registry.models import Person
from kopru.services.models import Provider

from . import prevention, survey_forms, survey_summary, surveys
from .api import router
from .models import PreventionReferral, PreventionTally, SurveyResponse


def _mission(request):
    if request.mission is None:
        raise Http404
    return request.mission


def _form(code):
    form = survey_forms.get(code)
    if form is None:
        raise Http404
    return form


# --- Surveys -------------------------------------------------------------------------------


class QuestionOut(Schema):
    name: str
    type: str
    label: dict
    required: bool
    relevant: str
    choices: list[dict]


class SurveyFormOut(Schema):
    code: str
    version: str
    title: dict
    questions: list[QuestionOut]


class SurveyResponseIn(Schema):
    uid: UUID
    answers: dict[str, Any]
    person_id: int | None = None


class SurveyResponseOut(Schema):
    id: int
    uid: UUID
    form: str
    submission_id: str
    collected_on: date
    place: str
    source: str
    answers: dict[str, Any]


class ImportOut(Schema):
    already: bool
    rows: int
    stored: int
    skipped: int


class QuestionSummaryOut(Schema):
    name: str
    type: str
    asked: int
    choices: list[dict]
    stats: dict | None


class SummaryOut(Schema):
    form: str
    responses: int
    provinces: list[dict]
    months: list[dict]
    questions: list[QuestionSummaryOut]


def _response_out(r):
    return {
        "id": r.pk,
        "uid": r.uid,
        "form": r.form_code,
        "submission_id": r.submission_id,
        "collected_on": r.collected_on,
        "place": r.location.pcode,
        "source": r.source,
        "answers": r.answers,
    }


@router.get(
    "/surveys/forms", response=list[SurveyFormOut], auth=policy("capacity.list_survey_forms")
)
def list_survey_forms(request):
    """The forms as data, for a client that renders them (skip logic as written)."""
    return [
        {
            "code": f["code"],
            "version": f["version"],
            "title": f["title"],
            "questions": [
                {
                    "name": q["name"],
                    "type": q["type"],
                    "label": q["label"],
                    "required": bool(q.get("required")),
                    "relevant": q.get("relevant", ""),
                    "choices": survey_forms.choices(f, q),
                }
                for q in f["questions"]
            ],
        }
        for f in survey_forms.forms().values()
    ]


@router.get("/surveys/{pk}/summary", response=SummaryOut, auth=policy("capacity.survey_summary"))
def get_survey_summary(request, pk: str, province: str = "", since: date | None = None):
    form = _form(pk)
    rows = surveys.in_scope(request.user, _mission(request)).filter(form_code=form["code"])
    if province:
        rows = rows.filter(location__path__contains=f"/{province}/")
    if since:
        rows = rows.filter(collected_on__gte=since)
    s = survey_summary.summarise(form, rows)
    return {
        "form": form["code"],
        "responses": s.responses,
        "provinces": [{"province": n, "responses": c} for n, c in s.provinces],
        "months": [{"month": m, "responses": c} for m, c in s.months],
        "questions": [
            {
                "name": q.name,
                "type": q.type,
                "asked": q.asked,
                "choices": [{"label": lbl, "count": c, "percent": p} for lbl, c, p in q.rows],
                "stats": q.stats,
            }
            for q in s.questions
        ],
    }


@router.get(
    "/surveys/{pk}/responses",
    response=list[SurveyResponseOut],
    auth=policy("capacity.list_survey_responses"),
)
@paginate(PageNumberPagination)
def list_survey_responses(request, pk: str, province: str = "", since: date | None = None):
    form = _form(pk)
    rows = surveys.visible(request.user, _mission(request), form["code"]).select_related("location")
    if province:
        rows = rows.filter(location__path__contains=f"/{province}/")
    if since:
        rows = rows.filter(collected_on__gte=since)
    return [_response_out(r) for r in rows]


@router.post(
    "/surveys/{pk}/responses",
    response={200: SurveyResponseOut, 201: SurveyResponseOut},
    auth=policy("capacity.create_survey_response"),
)
def create_survey_response(request, pk: str, payload: SurveyResponseIn):
    """One response: answers by question name (select_multiple as a list or space-separated;
    the place as a location code). 400 names each refused question."""
    form = _form(pk)
    mission = _mission(request)
    existed = SurveyResponse.objects.filter(uid=payload.uid).exists()
    person = (
        get_object_or_404(Person, pk=payload.person_id, mission=mission)
        if payload.person_id
        else None
    )
    response = surveys.record_response(
        request.user,
        mission,
        form["code"],
        payload.answers,
        uid=payload.uid,
        person=person,
        request=request,
    )
    return Status(200 if existed else 201, _response_out(response))


@router.post(
    "/surveys/{pk}/imports",
    response={200: ImportOut, 201: ImportOut},
    auth=policy("capacity.import_survey_responses"),
)
def import_survey_responses(request, pk: str, file: UploadedFile = File(...)):  # noqa: B008
    """A KoboToolbox/ODK export (XLSX or CSV). 201 when taken in, 200 when the same file came
    before; 400 with every refused row and column."""
    form = _form(pk)
    result = surveys.import_responses(
        request.user,
        _mission(request),
        form["code"],
        file.read(),
        name=file.name or "",
        request=request,
    )
    body = {k: result[k] for k in ("already", "rows", "stored", "skipped")}
    return Status(200 if result["already"] else 201, body)


# --- Prevention ----------------------------------------------------------------------------


class ReferralIn(Schema):
    uid: UUID
    person_id: int
    programme: str
    facility_id: int
    referred_on: date
    location_id: int
    note: str = ""


class ReferralOut(Schema):
    id: int
    uid: UUID
    number: str
    person: str
    programme: str
    facility: str
    referred_on: date
    status: str
    reached_on: date | None
    not_reached_reason: str
    vaccine: str
    event_id: int
    recorded_at: datetime


class OutcomeIn(Schema):
    reached: bool
    on: date | None = None
    reason: str = ""
    vaccine: str = ""
    dose: int | None = None
    note: str = ""


class HeadcountIn(Schema):
    sex: str
    age_band: str
    count: int
    disability: bool = False


class TallyIn(Schema):
    uid: UUID
    programme: str
    held_on: date
    location_id: int
    headcounts: list[HeadcountIn]
    facility_id: int | None = None
    reached: int | None = None
    notes: str = ""


class TallyOut(Schema):
    id: int
    uid: UUID
    programme: str
    held_on: date
    referred: int
    reached: int | None
    event_id: int


def _referral_out(item):
    return {
        "id": item.pk,
        "uid": item.uid,
        "number": item.referral.number,
        "person": item.person.reference,
        "programme": item.programme,
        "facility": item.facility.name,
        "referred_on": item.referred_on,
        "status": item.status,
        "reached_on": item.reached_on,
        "not_reached_reason": item.not_reached_reason,
        "vaccine": item.immunization.cvx if item.immunization_id else "",
        "event_id": item.event_id,
        "recorded_at": item.recorded_at,
    }


@router.get(
    "/prevention/referrals",
    response=list[ReferralOut],
    auth=policy("capacity.list_prevention_referrals"),
)
@paginate(PageNumberPagination)
def list_prevention_referrals(request, programme: str = "", status: str = ""):
    rows = prevention.visible(request.user, _mission(request)).select_related(
        "referral", "immunization"
    )
    if programme:
        rows = rows.filter(programme=programme)
    if status:
        rows = rows.filter(status=status)
    return [_referral_out(r) for r in rows]


@router.post(
    "/prevention/referrals",
    response={200: ReferralOut, 201: ReferralOut},
    auth=policy("capacity.create_prevention_referral"),
)
def create_prevention_referral(request, payload: ReferralIn):
    """Refer a registered person to a programme at a directory facility. 400 "consent" when
    the person has not consented to sharing with that facility."""
    mission = _mission(request)
    existed = PreventionReferral.objects.filter(uid=payload.uid).exists()
    person = get_object_or_404(Person, pk=payload.person_id, mission=mission)
    item = prevention.refer(
        request.user,
        person,
        programme=payload.programme,
        facility=Provider.objects.filter(pk=payload.facility_id, mission=mission).first(),
        referred_on=payload.referred_on,
        location=Location.objects.filter(pk=payload.location_id, mission=mission).first(),
        note=payload.note,
        uid=payload.uid,
        request=request,
    )
    return Status(200 if existed else 201, _referral_out(item))


@router.post(
    "/prevention/referrals/{pk}/outcome",
    response=ReferralOut,
    auth=policy("capacity.record_prevention_outcome"),
)
def record_prevention_outcome(request, pk: int, payload: OutcomeIn):
    item = get_object_or_404(
        prevention.visible(request.user, _mission(request)).select_related("referral"), pk=pk
    )
    item = prevention.record_outcome(
        request.user,
        item,
        reached=payload.reached,
        on=payload.on,
        reason=payload.reason,
        vaccine=payload.vaccine,
        dose=payload.dose,
        note=payload.note,
        request=request,
    )
    return _referral_out(item)


@router.post(
    "/prevention/tallies",
    response={200: TallyOut, 201: TallyOut},
    auth=policy("capacity.create_prevention_tally"),
)
def create_prevention_tally(request, payload: TallyIn):
    mission = _mission(request)
    existed = PreventionTally.objects.filter(uid=payload.uid).exists()
    tally = prevention.record_tally(
        request.user,
        mission,
        programme=payload.programme,
        held_on=payload.held_on,
        location=Location.objects.filter(pk=payload.location_id, mission=mission).first(),
        headcounts=[h.dict() for h in payload.headcounts],
        facility=Provider.objects.filter(pk=payload.facility_id, mission=mission).first()
        if payload.facility_id
        else None,
        reached=payload.reached,
        notes=payload.notes,
        uid=payload.uid,
        request=request,
    )
    body = {
        "id": tally.pk,
        "uid": tally.uid,
        "programme": tally.programme,
        "held_on": tally.held_on,
        "referred": tally.referred,
        "reached": tally.reached,
        "event_id": tally.event_id,
    }
    return Status(200 if existed else 201, body)
