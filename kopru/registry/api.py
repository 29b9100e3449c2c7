"""/api/v1/registry/: find and register people."""

import contextlib

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from kopru.core.api_auth import policy
from kopru.core.models import Location

from . import choices, selectors, services, validation
from .models import Person
from .schemas import (
    CandidateOut,
    ConsentIn,
    ConsentOut,
    DecisionIn,
    DraftIn,
    EndIn,
    HouseholdIn,
    HouseholdOut,
    MatchOut,
    MemberIn,
    MergeOut,
    PersonIn,
    PersonOut,
)

router = Router(tags=["registry"])


def _out(person, user):
    """Everything registration takes (services.PERSON_FIELDS), so a client that reads back what
    it sent loses nothing; vulnerability flags only those the user's role may see."""
    visible = {f["code"] for f in choices.vulnerabilities_for(user)}
    fields = [f if f != "location" else "location_id" for f in services.PERSON_FIELDS]
    return {
        **{
            f: getattr(person, f)
            for f in ["id", "uid", "reference", *fields, "has_disability", "registered_at"]
        },
        "vulnerabilities": [v for v in person.vulnerabilities if v in visible],
        "documents": [d.as_dict() for d in person.documents.all()],
        "phones": [p.e164 for p in person.phones.all()],
    }


@router.get("/people", response=list[PersonOut], auth=policy("registry.search_people"))
@paginate(PageNumberPagination)
def search_people(request, q: str = ""):
    """Search by name in any script or spelling, reference, document or phone number, or date
    of birth; without `q`, the newest registrations first."""
    if q:
        people = selectors.search(request.user, request.mission, q, limit=200)
    else:
        people = selectors.visible_people(request.user, request.mission).order_by("-registered_at")
    return [_out(p, request.user) for p in people]


@router.get("/people/{person_id}", response=PersonOut, auth=policy("registry.get_person"))
def get_person(request, person_id: int):
    person = get_object_or_404(
        selectors.visible_people(request.user, request.mission), pk=person_id
    )
    return _out(person, request.user)


@router.post(
    "/people", response={200: PersonOut, 201: PersonOut}, auth=policy("registry.register_person")
)
def register_person(request, payload: PersonIn):
    data = payload.dict()
    documents = data.pop("documents")
    phones = data.pop("phones")
    location = Location.objects.filter(pk=data.pop("location_id"), mission=request.mission).first()
    if location is None:
        raise ValidationError({"location_id": [_("Unknown place.")]})
    uid = data.pop("uid")
    existed = bool(uid) and Person.objects.filter(uid=uid).exists()
    person = services.new_person(request.mission, uid=uid, location=location, **data)
    person = services.register_person(
        request.user, person, documents=documents, phones=phones, request=request
    )
    return Status(200 if existed else 201, _out(person, request.user))


@router.get(
    "/people/{person_id}/consents", response=list[ConsentOut], auth=policy("registry.list_consents")
)
def list_consents(request, person_id: int):
    """Every consent decision of a person, oldest first (the current state is the latest per
    purpose and recipient)."""
    person = get_object_or_404(
        selectors.visible_people(request.user, request.mission), pk=person_id
    )
    return person.consents.order_by("at", "id")


@router.post(
    "/people/{person_id}/consents",
    response={200: ConsentOut, 201: ConsentOut},
    auth=policy("registry.record_consent"),
)
def record_consent(request, person_id: int, payload: ConsentIn):
    from . import references
    from .models import ConsentEvent

    person = get_object_or_404(
        selectors.visible_people(request.user, request.mission), pk=person_id
    )
    guardian = None
    if payload.guardian_reference:
        ref = references.normalise(payload.guardian_reference)
        guardian = (
            selectors.visible_people(request.user, request.mission).filter(reference=ref).first()
            if ref
            else None
        )
        if guardian is None:
            raise ValidationError({"guardian_reference": [_("Unknown reference.")]})
    existed = bool(payload.uid) and ConsentEvent.objects.filter(uid=payload.uid).exists()
    event = services.record_consent(
        request.user,
        person,
        purpose=payload.purpose,
        decision=payload.decision,
        language=payload.language,
        recipient=payload.recipient,
        interpreter=payload.interpreter,
        guardian=guardian,
        guardian_name=payload.guardian_name,
        guardian_relationship=payload.guardian_relationship,
        uid=payload.uid,
        request=request,
    )
    return Status(200 if existed else 201, event)


@router.put("/people/{person_id}", response=PersonOut, auth=policy("registry.update_person"))
def update_person(request, person_id: int, payload: PersonIn):
    """Replace a person's record with what is sent (read it, change it, send it back);
    documents and phones are replaced too. `uid` is ignored."""
    person = get_object_or_404(
        selectors.visible_people(request.user, request.mission), pk=person_id
    )
    data = payload.dict()
    documents, phones = data.pop("documents"), data.pop("phones")
    data.pop("uid")
    location = Location.objects.filter(pk=data.pop("location_id"), mission=request.mission).first()
    if location is None:
        raise ValidationError({"location_id": [_("Unknown place.")]})
    for field, value in {**data, "location": location}.items():
        setattr(person, field, value)
    person = services.update_person(
        request.user, person, documents=documents, phones=phones, request=request
    )
    return _out(person, request.user)


@router.post("/matches", response=list[MatchOut], auth=policy("registry.check_person"))
def check_person(request, payload: DraftIn):
    """The duplicate check while registering: possible existing records for a draft, best
    first, with the fields that agree (weight above 0) and disagree. A record outside your
    locations comes without its id or details."""
    from .dedup.online import check

    data = payload.dict()
    documents = []
    for d in data.pop("documents"):
        with contextlib.suppress(ValidationError):  # half-typed numbers are not matched on
            documents.append((d["kind"], validation.normalise_document(d["kind"], d["number"])))
    phones = []
    for number in data.pop("phones"):
        with contextlib.suppress(ValidationError):
            phones.append(validation.normalise_phone(number))
    exclude = data.pop("exclude_id")
    matches = check(
        request.user,
        request.mission,
        {**data, "documents": documents, "phones": phones},
        exclude=exclude,
    )
    return [
        {
            "id": person.pk if visible else None,
            "reference": person.reference,
            "probability": round(min(probability, 0.99), 3),
            "visible": visible,
            **(
                {
                    "given_name": person.given_name,
                    "family_name": person.family_name,
                    "birth_date": person.birth_date,
                }
                if visible
                else {}
            ),
            "parts": [{"field": f, "level": level, "weight": w} for f, level, w in parts],
        }
        for person, probability, parts, visible in matches
    ]


# --- Photographs ---------------------------------------------------------------------------


@router.get("/people/{person_id}/photo", auth=policy("registry.get_photo"))
def get_photo(request, person_id: int):
    """The photograph as JPEG; each fetch is audited."""
    person = get_object_or_404(
        selectors.visible_people(request.user, request.mission), pk=person_id
    )
    photo = services.view_photo(request.user, person, request=request)
    if photo is None:
        raise Http404
    response = HttpResponse(bytes(photo.image), content_type="image/jpeg")
    response["Cache-Control"] = "no-store, private"
    return response


@router.post("/people/{person_id}/photo", response={201: dict}, auth=policy("registry.set_photo"))
def set_photo(request, person_id: int, photo: UploadedFile = File(...)):  # noqa: B008
    """Keep a photograph (multipart field `photo`), replacing any earlier one; the person's
    consent to a photograph must be recorded first."""
    person = get_object_or_404(
        selectors.visible_people(request.user, request.mission), pk=person_id
    )
    saved = services.set_photo(request.user, person, photo.read(), request=request)
    return Status(201, {"width": saved.width, "height": saved.height})


@router.delete("/people/{person_id}/photo", response={204: None}, auth=policy("registry.set_photo"))
def remove_photo(request, person_id: int):
    person = get_object_or_404(
        selectors.visible_people(request.user, request.mission), pk=person_id
    )
    services.remove_photo(request.user, person, request=request)
    return Status(204, None)


# --- Households -----------------------------------------------------------------------------


def _household_out(household):
    members = household.memberships.select_related("person").order_by(
        "end_date", "start_date", "id"
    )
    return {
        **{f: getattr(household, f) for f in ("id", "uid", "reference", "location_id")},
        "neighbourhood": household.neighbourhood,
        "address": household.address,
        "size": household.size,
        "members": [
            {
                "id": m.pk,
                "person_id": m.person_id,
                "reference": m.person.reference,
                "relationship": m.relationship,
                "start_date": m.start_date,
                "end_date": m.end_date,
                "end_reason": m.end_reason,
            }
            for m in sorted(members, key=lambda m: m.end_date is not None)
        ],
    }


@router.post(
    "/households",
    response={200: HouseholdOut, 201: HouseholdOut},
    auth=policy("registry.create_household"),
)
def create_household(request, payload: HouseholdIn):
    """A new household with its head (who leaves any household they were in). Sending the
    same `uid` again returns the household made the first time."""
    from .models import Household

    head = get_object_or_404(
        selectors.visible_people(request.user, request.mission), pk=payload.head_id
    )
    location = Location.objects.filter(pk=payload.location_id, mission=request.mission).first()
    if location is None:
        raise ValidationError({"location_id": [_("Unknown place.")]})
    existed = bool(payload.uid) and Household.objects.filter(uid=payload.uid).exists()
    household = Household(
        mission=request.mission,
        location=location,
        neighbourhood=payload.neighbourhood,
        address=payload.address,
        **({"uid": payload.uid} if payload.uid else {}),
    )
    household = services.create_household(request.user, household, head=head, request=request)
    return Status(200 if existed else 201, _household_out(household))


@router.get(
    "/households/{household_id}", response=HouseholdOut, auth=policy("registry.get_household")
)
def get_household(request, household_id: int):
    household = get_object_or_404(
        selectors.visible_households(request.user, request.mission), pk=household_id
    )
    return _household_out(household)


@router.post(
    "/households/{household_id}/members",
    response={201: HouseholdOut},
    auth=policy("registry.add_member"),
)
def add_member(request, household_id: int, payload: MemberIn):
    """Add a person; their membership of another household ends (kept as history)."""
    household = get_object_or_404(
        selectors.visible_households(request.user, request.mission), pk=household_id
    )
    person = get_object_or_404(
        selectors.visible_people(request.user, request.mission), pk=payload.person_id
    )
    services.add_member(request.user, household, person, payload.relationship, request=request)
    return Status(201, _household_out(household))


@router.post(
    "/memberships/{membership_id}/end",
    response=HouseholdOut,
    auth=policy("registry.end_membership"),
)
def end_membership(request, membership_id: int, payload: EndIn):
    from .models import Membership

    membership = get_object_or_404(
        Membership.objects.filter(
            household__in=selectors.visible_households(request.user, request.mission)
        ),
        pk=membership_id,
    )
    services.end_membership(request.user, membership, reason=payload.reason, request=request)
    return _household_out(membership.household)


# --- Duplicates and merges -------------------------------------------------------------------


def _parts(parts):
    return [{"field": f, "level": level, "weight": w} for f, level, w in parts]


@router.get("/duplicates", response=list[CandidateOut], auth=policy("registry.list_duplicates"))
@paginate(PageNumberPagination)
def list_duplicates(request, status: str = "open"):
    """Proposed pairs from the batch search, highest score first, with the explanation."""
    pairs = selectors.visible_candidates(request.user, request.mission).filter(status=status)
    return [
        {
            "id": c.pk,
            "person_a_id": c.person_a_id,
            "person_b_id": c.person_b_id,
            "score": c.score,
            "status": c.status,
            "parts": _parts(c.parts),
        }
        for c in pairs.order_by("-score", "pk")
    ]


@router.post(
    "/duplicates/{candidate_id}/decision",
    response={200: dict},
    auth=policy("registry.decide_duplicate"),
)
def decide_duplicate(request, candidate_id: int, payload: DecisionIn):
    """`merge` (naming the survivor) or `not_same` (never proposed again)."""
    candidate = get_object_or_404(
        selectors.visible_candidates(request.user, request.mission), pk=candidate_id
    )
    survivor = {
        candidate.person_a_id: candidate.person_a,
        candidate.person_b_id: candidate.person_b,
    }
    merged = services.decide_candidate(
        request.user,
        candidate,
        decision=payload.decision,
        survivor=survivor.get(payload.survivor_id),
        request=request,
    )
    return {"merge_id": merged.pk if merged else None}


@router.post("/merges/{merge_id}/undo", response=MergeOut, auth=policy("registry.undo_merge"))
def undo_merge(request, merge_id: int):
    """Put every link of a merge back where it was."""
    from .merge import undo_merge as undo
    from .models import Merge

    record = get_object_or_404(
        Merge.objects.filter(survivor__in=selectors.visible_people(request.user, request.mission)),
        pk=merge_id,
    )
    undo(request.user, record, request=request)
    return record
