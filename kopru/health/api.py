"""/api/v1/health/: consultations, the vaccination record, assessment cases. Clinical content
only for roles that see health data, each read audited; travel status for anyone who may see
the person."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from kopru.core.api_auth import policy
from kopru.core.models import Location
from kopru.registry import selectors as people

from . import assessments, checklist, codes, immunization, services
from .models import AssessmentCase, Encounter, Immunization
from .schemas import (
    AssessmentOut,
    AssessmentSummaryOut,
    CodeOut,
    ConsultationIn,
    ConsultationOut,
    ImmunizationIn,
    ImmunizationOut,
    VaccinationRecordOut,
)

router = Router(tags=["health"])


def _person(request, person_id):
    return get_object_or_404(people.visible_people(request.user, request.mission), pk=person_id)


def _place(request, location_id):
    if location_id is None:
        return None
    return Location.objects.filter(pk=location_id, mission=request.mission).first()


def _summary(case):
    return {
        "id": case.pk,
        "number": case.number,
        "destination": case.destination,
        "protocol": case.protocol,
        "status": case.status,
        "travel_status": str(checklist.travel_status(case)),
    }


@router.get(
    "/people/{person_id}/assessments",
    response=list[AssessmentSummaryOut],
    auth=policy("health.person_assessments"),
)
def person_assessments(request, person_id: int):
    """A person's health assessments: that they exist and their travel status, nothing
    clinical (any role that sees the person)."""
    person = _person(request, person_id)
    return [_summary(c) for c in person.assessments.all()]


@router.get("/assessments/{case_id}", response=AssessmentOut, auth=policy("health.get_assessment"))
def get_assessment(request, case_id: int):
    """The case with its checklist and what blocks clearance (clinical roles; audited)."""
    case = get_object_or_404(AssessmentCase, pk=case_id, mission=request.mission)
    assessments.view_case(request.user, case, request=request)
    return {
        **_summary(case),
        "protocol_version": case.protocol_version,
        "programme": case.programme,
        "tb_class": case.tb_class,
        "fitness": case.fitness,
        "exam_on": case.exam_on,
        "departure_at": case.departure_at,
        "checklist": [
            {
                "component": i.component,
                "name": i.name,
                "required": i.required,
                "status": i.status,
                "reason": str(i.reason),
                "confirmed": i.confirmed,
                "evidence": [str(e) for e in i.evidence],
            }
            for i in checklist.items(case)
        ],
        "blockers": [str(b) for b in checklist.blockers(case)],
    }


def _consultation_out(e):
    return {
        "id": e.pk,
        "uid": e.uid,
        "event_id": e.event_id,
        "kind": e.kind,
        "at": e.at,
        "diagnoses": [d.code for d in e.diagnoses.all()],
        "whz": e.whz,
        "nutrition_status": e.nutrition_status,
    }


@router.post(
    "/consultations",
    response={200: ConsultationOut, 201: ConsultationOut},
    auth=policy("health.record_consultation"),
)
def record_consultation(request, payload: ConsultationIn):
    """Record a consultation and its service. Sending the same `uid` again answers 200."""
    data = payload.dict()
    existed = bool(data["uid"]) and Encounter.objects.filter(uid=data["uid"]).exists()
    encounter = services.record_consultation(
        request.user,
        _person(request, data.pop("person_id")),
        location=_place(request, data.pop("location_id")),
        vitals={k: v for k, v in data.pop("vitals").items() if v is not None},
        request=request,
        **data,
    )
    return Status(200 if existed else 201, _consultation_out(encounter))


def _dose_out(d):
    return {
        "id": d.pk,
        "uid": d.uid,
        "cvx": d.cvx,
        "given_on": d.given_on,
        "source": d.source,
        "dose_number": d.dose_number,
        "lot": d.lot,
        "event_id": d.event_id,
    }


@router.post(
    "/immunizations",
    response={200: ImmunizationOut, 201: ImmunizationOut},
    auth=policy("health.record_immunization"),
)
def record_immunization(request, payload: ImmunizationIn):
    """Add a dose to a person's record. Sending the same `uid` again answers 200."""
    data = payload.dict()
    existed = bool(data["uid"]) and Immunization.objects.filter(uid=data["uid"]).exists()
    dose = services.record_immunization(
        request.user,
        _person(request, data.pop("person_id")),
        location=_place(request, data.pop("location_id")),
        request=request,
        **data,
    )
    return Status(200 if existed else 201, _dose_out(dose))


@router.get(
    "/people/{person_id}/immunizations",
    response=VaccinationRecordOut,
    auth=policy("health.vaccination_record"),
)
def vaccination_record(request, person_id: int):
    """The doses and what is due by the mission's schedule (clinical roles; audited)."""
    person = _person(request, person_id)
    if not services.may_see_clinical(request.user, person):
        raise PermissionDenied(_("Your role does not see clinical records."))
    services.view_record(request.user, person, "vaccination record", request=request)
    doses = list(person.immunizations.all())
    schedule = services.schedule_for(person)
    forecast = []
    if schedule and person.birth_date:
        forecast = immunization.forecast(
            schedule,
            person.birth_date,
            [{"cvx": d.cvx, "date": d.given_on} for d in doses],
            timezone.localdate(),
        )
    return {
        "doses": [_dose_out(d) for d in doses],
        "schedule": schedule,
        "forecast": [
            {
                "series": r["series"],
                "dose": r["dose"],
                "status": r["status"],
                "due_on": r.get("due_on"),
                "given_on": r.get("given_on"),
                "confirmed": r.get("confirmed", True),
            }
            for r in forecast
        ],
    }


@router.get("/icd10", response=list[CodeOut], auth=policy("health.icd10"))
def icd10(request, q: str):
    """ICD-10 codes matching a code prefix or words of the title (in the request's language)."""
    return [{"code": c, "title": t} for c, t in codes.search_icd10(q, limit=50)]
