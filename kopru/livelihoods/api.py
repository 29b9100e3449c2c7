"""/api/v1/livelihoods/: open vacancies, skills profiles made in the field (sent twice, stored
once) and placements with the state of their follow-ups."""

from datetime import date
from uuid import UUID

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from kopru.core.api_auth import policy
from kopru.registry import selectors as people

from . import skills
from .models import Profile

router = Router(tags=["livelihoods"])


class LanguageIn(Schema):
    code: str
    level: str


class OccupationIn(Schema):
    isco: str
    years: int = 0


class CertificateIn(Schema):
    name: str
    issuer: str = ""
    year: int | None = None


class ProfileIn(Schema):
    uid: UUID
    person_id: int
    occupations: list[OccupationIn]
    languages: list[LanguageIn] = []
    education: str
    certificates: list[CertificateIn] = []
    permit: str
    permit_expires: date | None = None
    availability: str
    notes: str = ""
    counselling: bool = False


class ProfileOut(Schema):
    id: int
    uid: UUID
    person_id: int
    province: str
    occupations: list[dict]
    languages: list[dict]
    education: str
    permit: str
    permit_expires: date | None
    availability: str
    counselling_event: UUID | None


class VacancyOut(Schema):
    id: int
    uid: UUID
    title: str
    employer: str
    isco: str
    province: str
    languages: list[dict]
    min_education: str
    positions: int
    filled: int
    opens_on: date
    closes_on: date
    permit_required: bool


class FollowUpOut(Schema):
    month: int
    due_on: date
    state: str
    employed: bool | None


class PlacementOut(Schema):
    id: int
    uid: UUID
    person_id: int
    vacancy_id: int
    start_date: date
    contract: str
    monthly_wage: str
    follow_ups: list[FollowUpOut]


def _profile(p):
    return {
        "id": p.pk,
        "uid": p.uid,
        "person_id": p.person_id,
        "province": p.province.pcode,
        "occupations": p.occupations,
        "languages": p.languages,
        "education": p.education,
        "permit": p.permit,
        "permit_expires": p.permit_expires,
        "availability": p.availability,
        "counselling_event": p.event.uid if p.event_id else None,
    }


@router.get("/vacancies", response=list[VacancyOut], auth=policy("livelihoods.list_vacancies"))
@paginate(PageNumberPagination)
def list_vacancies(request, open_only: bool = True, isco: str = "", province: str = ""):
    """Vacancies in the provinces of the user's places; open ones unless `open_only=false`."""
    found = (
        skills.open_vacancies(request.user, request.mission)
        if open_only
        else skills.visible_vacancies(request.user, request.mission)
    )
    if isco:
        found = found.filter(isco__startswith=isco)
    if province:
        found = found.filter(province__pcode=province)
    return [
        {
            "id": v.pk,
            "uid": v.uid,
            "title": v.title,
            "employer": v.employer.name,
            "isco": v.isco,
            "province": v.province.pcode,
            "languages": v.languages,
            "min_education": v.min_education,
            "positions": v.positions,
            "filled": skills.filled(v),
            "opens_on": v.opens_on,
            "closes_on": v.closes_on,
            "permit_required": v.permit_required,
        }
        for v in found.order_by("closes_on", "pk")
    ]


@router.post(
    "/profiles",
    response={200: ProfileOut, 201: ProfileOut},
    auth=policy("livelihoods.create_profile"),
)
def create_profile(request, payload: ProfileIn):
    """A person's skills profile (it becomes the current one). Sending the same `uid` again
    answers 200 with the profile stored the first time."""
    data = payload.dict()
    existed = Profile.objects.filter(uid=data["uid"]).exists()
    person = get_object_or_404(
        people.visible_people(request.user, request.mission), pk=data.pop("person_id")
    )
    profile = skills.save_profile(request.user, person, request=request, **data)
    return Status(200 if existed else 201, _profile(profile))


@router.get("/placements", response=list[PlacementOut], auth=policy("livelihoods.list_placements"))
@paginate(PageNumberPagination)
def list_placements(request, follow_up: str = ""):
    """Placements of people in the user's places with each follow-up's state (done, overdue,
    due, later); `follow_up=due` keeps those with one due or overdue."""
    today = timezone.localdate()
    rows = []
    for p in skills.visible_placements(request.user, request.mission).prefetch_related(
        "follow_ups"
    ):
        checks = [
            {
                "month": f.month,
                "due_on": f.due_on,
                "state": skills.follow_up_state(f, today),
                "employed": f.employed,
            }
            for f in p.follow_ups.all()
        ]
        if follow_up == "due" and not any(c["state"] in ("due", "overdue") for c in checks):
            continue
        rows.append(
            {
                "id": p.pk,
                "uid": p.uid,
                "person_id": p.person_id,
                "vacancy_id": p.vacancy_id,
                "start_date": p.start_date,
                "contract": p.contract,
                "monthly_wage": f"{p.monthly_wage:.2f}",
                "follow_ups": checks,
            }
        )
    return rows
