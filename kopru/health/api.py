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
    CaseIn,
    CodeOut,
    ComponentIn,
    ConsultationIn,
    ConsultationOut,
    FitnessIn,
    ImmunizationIn,
    ImmunizationOut,
    OrderIn,
    OrderOut,
    PecIn,
    ResultIn,
    TbIn,
    TravelIn,
    VaccinationRecordOut,
)

router = Router(tags=["health"])


def _person(request, person_id):
    return get_object_or_404(people.visible_people(request.user, request.mission), pk=person_id)


def _sent_before(model, uid):
    """A client's record already stored: the write answers 200 instead of 201."""
    return bool(uid) and model.objects.filter(uid=uid).exists()


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
    return _case_out(case)


def _case_out(case):
    case.refresh_from_db()
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
    existed = _sent_before(Encounter, data["uid"])
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
    existed = _sent_before(Immunization, data["uid"])
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


# --- The assessment's writes: the same functions as the case page --------------------------


def _case(request, case_id):
    return get_object_or_404(AssessmentCase, pk=case_id, mission=request.mission)


@router.post(
    "/assessments",
    response={200: AssessmentOut, 201: AssessmentOut},
    auth=policy("health.open_assessment"),
)
def open_assessment(request, payload: CaseIn):
    """Open a health assessment; the protocol version in force today is fixed on it."""
    data = payload.dict()
    existed = _sent_before(AssessmentCase, data["uid"])
    case = assessments.open_case(
        request.user,
        _person(request, data.pop("person_id")),
        location=_place(request, data.pop("location_id")),
        request=request,
        **data,
    )
    return Status(200 if existed else 201, _case_out(case))


@router.post(
    "/assessments/{case_id}/components",
    response=AssessmentOut,
    auth=policy("health.record_component"),
)
def record_component(request, case_id: int, payload: ComponentIn):
    case = _case(request, case_id)
    data = payload.dict()
    assessments.record_component(request.user, case, data.pop("component"), request=request, **data)
    return _case_out(case)


@router.post(
    "/assessments/{case_id}/orders",
    response=list[OrderOut],
    auth=policy("health.order_test"),
)
def order_test(request, case_id: int, payload: OrderIn):
    """Order a test (one order per specimen)."""
    from kopru.services.models import Provider

    case, data = _case(request, case_id), payload.dict()
    partner = None
    if data["partner_id"] is not None:
        partner = Provider.objects.filter(pk=data["partner_id"], mission=request.mission).first()
    orders = assessments.order_investigation(
        request.user,
        case,
        data["test"],
        partner=partner,
        specimens=data["specimens"],
        pre_counselling=data["pre_counselling"],
        request=request,
    )
    return [_order_out(o) for o in orders]


def _order_out(o):
    return {
        "id": o.pk,
        "number": o.number,
        "test": o.test,
        "specimen": o.specimen,
        "status": o.status,
    }


@router.post("/orders/{order_id}/result", response=OrderOut, auth=policy("health.record_result"))
def record_result(request, order_id: int, payload: ResultIn):
    from .models import Investigation

    order = get_object_or_404(Investigation, pk=order_id, mission=request.mission)
    assessments.record_result(request.user, order, request=request, **payload.dict())
    return _order_out(order)


@router.post("/assessments/{case_id}/tb", response=AssessmentOut, auth=policy("health.decide"))
def classify_tb(request, case_id: int, payload: TbIn):
    case, data = _case(request, case_id), payload.dict()
    assessments.classify_tb(request.user, case, data.pop("tb_class"), request=request, **data)
    return _case_out(case)


@router.post("/assessments/{case_id}/fitness", response=AssessmentOut, auth=policy("health.decide"))
def decide_fitness(request, case_id: int, payload: FitnessIn):
    case, data = _case(request, case_id), payload.dict()
    assessments.decide_fitness(request.user, case, data.pop("fitness"), request=request, **data)
    return _case_out(case)


@router.post(
    "/assessments/{case_id}/travel", response=AssessmentOut, auth=policy("health.set_travel")
)
def set_travel(request, case_id: int, payload: TravelIn):
    from kopru.core.models import User

    case, data = _case(request, case_id), payload.dict()
    escort_id = data.pop("escort_id")
    escort = User.objects.filter(pk=escort_id).first() if escort_id else None
    assessments.set_travel(request.user, case, escort=escort, request=request, **data)
    return _case_out(case)


@router.post(
    "/assessments/{case_id}/clearance", response=AssessmentOut, auth=policy("health.decide")
)
def clear_for_travel(request, case_id: int):
    """Clear to travel; refused (400) with every reason while anything blocks it."""
    case = _case(request, case_id)
    assessments.clear_for_travel(request.user, case, request=request)
    return _case_out(case)


@router.post("/assessments/{case_id}/pec", response=AssessmentOut, auth=policy("health.pec"))
def record_pec(request, case_id: int, payload: PecIn):
    case = _case(request, case_id)
    assessments.record_pec(request.user, case, request=request, **payload.dict())
    return _case_out(case)
