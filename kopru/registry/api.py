"""/api/v1/registry/: find and register people."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import PageNumberPagination, paginate

from kopru.core.api_auth import policy
from kopru.core.models import Location

from . import choices, selectors, services
from .models import Person
from .schemas import ConsentIn, ConsentOut, PersonIn, PersonOut

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
