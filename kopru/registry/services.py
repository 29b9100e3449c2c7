"""Every write to the registry (CONVENTIONS.md: one write path)."""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kopru.core import access, audit
from kopru.core.models import AuditEvent, Location

from . import names, references, validation
from .models import (
    WG_DOMAINS,
    Household,
    IdentityDocument,
    Membership,
    NameKey,
    PairKey,
    Person,
    Phone,
)

PERSON_FIELDS = [
    "given_name",
    "family_name",
    "father_name",
    "mother_name",
    "given_name_original",
    "family_name_original",
    "father_name_original",
    "mother_name_original",
    "sex",
    "birth_date",
    "birth_date_precision",
    "nationality",
    "birth_country",
    "birth_place",
    "languages",
    "interpreter_language",
    "population_group",
    "location",
    "neighbourhood",
    "address",
    *WG_DOMAINS,
    "vulnerabilities",
]


def _vulnerability_codes():
    import json
    from pathlib import Path

    data = json.loads((Path(__file__).parent / "data" / "vulnerabilities.json").read_text())
    return {f["code"] for f in data["flags"]}


def _clean(person: Person, documents, phones):
    """Validate and normalise a person and their documents and phones; raise one
    ValidationError naming every field that is wrong."""
    errors = {}

    def attempt(field, fn):
        try:
            return fn()
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for key, value in exc.error_dict.items():
                    errors.setdefault(key, []).extend(value)
            else:
                errors.setdefault(field, []).extend(exc.error_list)
            return None

    person.given_name = " ".join((person.given_name or "").split())
    person.family_name = " ".join((person.family_name or "").split())
    if not person.given_name and not person.given_name_original:
        errors["given_name"] = [_("Enter the person's given name.")]
    for field in ("nationality", "birth_country"):
        value = attempt(field, lambda f=field: validation.country(getattr(person, f), f))
        if value is not None:
            setattr(person, field, value)
    value = attempt(
        "interpreter_language",
        lambda: validation.language(person.interpreter_language, "interpreter_language"),
    )
    if value is not None:
        person.interpreter_language = value
    langs = [
        attempt("languages", lambda c=c: validation.language(c, "languages"))
        for c in person.languages or []
    ]
    person.languages = sorted({c for c in langs if c})
    bd = attempt(
        "birth_date", lambda: validation.birth_date(person.birth_date, person.birth_date_precision)
    )
    if "birth_date" not in errors:
        person.birth_date = bd
    unknown = set(person.vulnerabilities or []) - _vulnerability_codes()
    if unknown:
        errors["vulnerabilities"] = [
            _("Unknown vulnerability: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
        ]
    if person.location_id and person.location.level not in (
        Location.Level.DISTRICT,
        Location.Level.SITE,
    ):
        errors.setdefault("location", []).append(_("Choose a district or a site."))
    if person.location_id and person.location.mission_id != person.mission_id:
        errors.setdefault("location", []).append(_("The place belongs to another mission."))
    person.has_disability = validation.disability(person.wg_answers)

    clean_docs = []
    for i, doc in enumerate(documents or []):
        number = attempt(
            f"documents.{i}", lambda d=doc: validation.normalise_document(d["kind"], d["number"])
        )
        if number:
            clean_docs.append({**doc, "number_normalised": number})
    clean_phones = []
    for i, phone in enumerate(phones or []):
        e164 = attempt(f"phones.{i}", lambda p=phone: validation.normalise_phone(p["number"]))
        if e164:
            clean_phones.append({**phone, "e164": e164})
    if errors:
        raise ValidationError(errors)
    try:
        person.full_clean(
            exclude=["reference", "location", "mission", "merged_into", "registered_by"]
        )
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    return clean_docs, clean_phones


def _check_documents_unique(person, documents):
    """The same identity document on another person is a duplicate, not a new registration."""
    for doc in documents:
        other = (
            IdentityDocument.objects.filter(
                kind=doc["kind"],
                number_normalised=doc["number_normalised"],
                person__mission=person.mission,
                person__merged_into__isnull=True,
            )
            .exclude(person=person.pk)
            .select_related("person")
            .first()
        )
        if other:
            raise ValidationError(
                {
                    "documents": _("%(document)s is already registered to %(reference)s.")
                    % {"document": doc["number"], "reference": other.person.reference}
                }
            )


def rebuild_keys(person):
    """The person's name and pair keys, with the spellings of records merged into it: the
    survivor of a merge stays findable by every name it was registered under."""
    NameKey.objects.filter(person=person).delete()
    PairKey.objects.filter(person=person).delete()
    spellings = [person, *Person.objects.filter(merged_into=person)]
    keys = names.keys(
        *(
            text
            for p in spellings
            for text in (p.given_name, p.family_name, p.given_name_original, p.family_name_original)
        )
    )
    NameKey.objects.bulk_create(NameKey(person=person, key=k[:60]) for k in sorted(keys))
    year = person.birth_date.year if person.birth_date else PairKey.UNKNOWN_YEAR
    pairs = set().union(*(pair_keys_of(p) for p in spellings))
    PairKey.objects.bulk_create(
        PairKey(person=person, key=k, birth_year=year) for k in sorted(pairs)
    )


def pair_keys_of(person):
    return names.pair_keys(
        (person.given_name, person.given_name_original),
        (
            person.family_name,
            person.family_name_original,
            person.father_name,
            person.father_name_original,
        ),
    )


def _ensure_scope(actor, person):
    if not access.can_see_location(actor, person.location):
        raise PermissionDenied(_("This place is outside your teams' locations."))


def check_registration(actor, person: Person, documents=(), phones=()):
    """Every check a registration passes before it is written (imports preview with it).
    Returns the normalised documents and phones; raises ValidationError or PermissionDenied."""
    clean_docs, clean_phones = _clean(person, documents, phones)
    _ensure_scope(actor, person)
    _check_documents_unique(person, clean_docs)
    return clean_docs, clean_phones


def register_person(
    actor, person: Person, *, documents=(), phones=(), not_duplicates=(), request=None
):
    """Register a new person. Idempotent on `person.uid`: the same registration sent twice
    (a double click, an offline device syncing again) returns the stored record."""
    access.require(actor, "registry.register")
    if not access.in_mission(actor, person.mission):
        raise PermissionDenied(_("You do not work in this mission."))
    existing = Person.objects.filter(uid=person.uid).first() if person.uid else None
    if existing:
        return existing
    clean_docs, clean_phones = check_registration(actor, person, documents, phones)
    person.registered_by = actor if actor.is_authenticated else None
    with transaction.atomic():
        for _attempt in range(5):
            person.reference = references.new_reference(person.mission.code)
            try:
                with transaction.atomic():
                    person.save(force_insert=True)
                break
            except IntegrityError:
                if Person.objects.filter(uid=person.uid).exists():
                    return Person.objects.get(uid=person.uid)
                continue  # a reference collision: draw another
        _save_children(person, clean_docs, clean_phones)
        rebuild_keys(person)
        for other in Person.objects.filter(pk__in=list(not_duplicates), mission=person.mission):
            mark_not_duplicate(actor, person, other)
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            person,
            request=request,
            details={"not_duplicates": sorted(int(p) for p in not_duplicates)},
        )
    return person


def mark_not_duplicate(actor, a: Person, b: Person):
    """Remember that two records are different people, so they are never proposed again."""
    from .models import DuplicateDecision

    first, second = sorted([a, b], key=lambda p: p.pk)
    decision, _created = DuplicateDecision.objects.update_or_create(
        person_a=first,
        person_b=second,
        defaults={"decision": DuplicateDecision.Decision.NOT_SAME, "decided_by": actor},
    )
    return decision


def update_person(actor, person: Person, *, documents=None, phones=None, request=None):
    """Save changes to a person; documents and phones, when given, replace the current ones."""
    access.require(actor, "registry.register")
    before = Person.objects.get(pk=person.pk)
    _ensure_scope(actor, before)
    if person.merged_into_id:
        raise ValidationError(
            _("This record was merged; edit %(reference)s instead.")
            % {"reference": person.merged_into.reference}
        )
    current_docs = [d.as_dict() for d in person.documents.all()]
    current_phones = [{"number": p.e164, "label": p.label} for p in person.phones.all()]
    clean_docs, clean_phones = _clean(
        person,
        current_docs if documents is None else documents,
        current_phones if phones is None else phones,
    )
    _ensure_scope(actor, person)
    _check_documents_unique(person, clean_docs)
    changed = [
        f
        for f in PERSON_FIELDS
        if getattr(before, f if f != "location" else "location_id")
        != getattr(person, f if f != "location" else "location_id")
    ]
    with transaction.atomic():
        person.save()
        person.documents.all().delete()
        person.phones.all().delete()
        _save_children(person, clean_docs, clean_phones)
        rebuild_keys(person)
        audit.record(
            actor, AuditEvent.Action.CHANGE, person, request=request, details={"fields": changed}
        )
    return person


def _save_children(person, documents, phones):
    for doc in documents:
        IdentityDocument.objects.create(
            person=person,
            kind=doc["kind"],
            number=doc["number"].strip(),
            number_normalised=doc["number_normalised"],
            issuing_country=doc.get("issuing_country") or "",
            issued_on=doc.get("issued_on"),
            expires_on=doc.get("expires_on"),
        )
    seen = set()
    for phone in phones:
        if phone["e164"] not in seen:
            seen.add(phone["e164"])
            Phone.objects.create(person=person, e164=phone["e164"], label=phone.get("label", ""))


def new_person(mission, **fields):
    return Person(mission=mission, uid=fields.pop("uid", None) or uuid.uuid4(), **fields)


# --- Households -----------------------------------------------------------------------------


def _same_mission(household, person):
    if household.mission_id != person.mission_id:
        raise ValidationError(
            {"person": _("%(person)s is registered in another mission.") % {"person": person}}
        )


def _open_membership(household, person, relationship, on):
    if (
        relationship == Membership.Relationship.HEAD
        and household.current.filter(relationship=Membership.Relationship.HEAD).exists()
    ):
        raise ValidationError(
            {
                "relationship": _(
                    "This household already has a head: %(head)s. Change the head first."
                )
                % {"head": household.head}
            }
        )
    return Membership.objects.create(
        household=household, person=person, relationship=relationship, start_date=on
    )


def create_household(actor, household: Household, *, head: Person, request=None):
    """A new household with `head` as its head; the head leaves any household they were in."""
    access.require(actor, "registry.register")
    if not access.in_mission(actor, household.mission):
        raise PermissionDenied(_("You do not work in this mission."))
    _ensure_scope(actor, head)
    if household.location.mission_id != household.mission_id:
        raise ValidationError({"location": _("The place belongs to another mission.")})
    _same_mission(household, head)
    if household.uid and Household.objects.filter(uid=household.uid).exists():
        return Household.objects.get(uid=household.uid)
    today = timezone.localdate()
    with transaction.atomic():
        household.reference = references.new_reference(f"{household.mission.code}H")
        household.save()
        _leave_current(head, today, _("Started a new household"))
        _open_membership(household, head, Membership.Relationship.HEAD, today)
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            household,
            request=request,
            details={"head": head.reference},
        )
    return household


def _leave_current(person, on, reason):
    current = Membership.objects.filter(person=person, end_date__isnull=True).first()
    if current:
        current.end_date, current.end_reason = on, reason
        current.save(update_fields=["end_date", "end_reason"])
    return current


def add_member(actor, household: Household, person: Person, relationship: str, *, request=None):
    """Put a person in a household. If they live in another one, that membership ends (the
    move is kept as history)."""
    access.require(actor, "registry.register")
    _ensure_scope(actor, person)
    _same_mission(household, person)
    if relationship not in Membership.Relationship.values:
        raise ValidationError({"relationship": _("Choose the relationship to the head.")})
    if person.merged_into_id:
        raise ValidationError(
            {
                "person": _("This record was merged; use %(reference)s.")
                % {"reference": person.merged_into.reference}
            }
        )
    current = Membership.objects.filter(person=person, end_date__isnull=True).first()
    if current and current.household_id == household.pk:
        raise ValidationError({"person": _("%(person)s is already a member.") % {"person": person}})
    today = timezone.localdate()
    with transaction.atomic():
        left = _leave_current(
            person, today, _("Moved to %(household)s") % {"household": household.reference}
        )
        membership = _open_membership(household, person, relationship, today)
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            household,
            request=request,
            details={
                "added": person.reference,
                "relationship": relationship,
                "left": left.household.reference if left else None,
            },
        )
    return membership


def end_membership(actor, membership: Membership, *, reason, request=None):
    access.require(actor, "registry.register")
    _ensure_scope(actor, membership.person)
    if membership.end_date:
        return membership
    if not reason.strip():
        raise ValidationError({"end_reason": _("Say why the person left the household.")})
    with transaction.atomic():
        _leave_current(membership.person, timezone.localdate(), reason.strip()[:200])
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            membership.household,
            request=request,
            details={"left": membership.person.reference, "reason": reason},
        )
    membership.refresh_from_db()
    return membership


# --- Consent --------------------------------------------------------------------------------


def record_consent(
    actor,
    person: Person,
    *,
    purpose,
    decision,
    language,
    recipient="",
    interpreter="",
    guardian=None,
    guardian_name="",
    guardian_relationship="",
    uid=None,
    at=None,
    request=None,
):
    """Append one consent decision. Checks that the text shown exists in that language and
    version, that referral and sharing name their recipient, and that a child's consent comes
    from a recorded guardian."""
    from . import consent
    from .models import ConsentEvent, ConsentPurpose

    access.require(actor, "registry.register")
    _ensure_scope(actor, person)
    if uid and ConsentEvent.objects.filter(uid=uid).exists():
        return ConsentEvent.objects.get(uid=uid)
    errors = {}
    if purpose not in ConsentPurpose.values:
        errors["purpose"] = [_("Choose what the consent is for.")]
    elif consent.needs_recipient(purpose) and not recipient.strip():
        errors["recipient"] = [_("Name the organisation or authority the data would go to.")]
    if decision not in ConsentEvent.Decision.values:
        errors["decision"] = [_("Choose given, refused or withdrawn.")]
    if purpose in ConsentPurpose.values and consent.text(purpose, language) is None:
        errors["language"] = [
            _(
                "There is no consent text in this language; read it through "
                "an interpreter in one that exists."
            )
        ]
    if consent.is_minor(person):
        if guardian is None and not guardian_name.strip():
            errors["guardian"] = [
                _("%(person)s is a child: record the guardian who decides.") % {"person": person}
            ]
        if not guardian_relationship.strip():
            errors["guardian_relationship"] = [_("Say how the guardian is related to the child.")]
    if guardian is not None and guardian.pk == person.pk:
        errors["guardian"] = [_("A person cannot be their own guardian.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        event = ConsentEvent.objects.create(
            uid=uid or uuid.uuid4(),
            person=person,
            purpose=purpose,
            recipient=" ".join(recipient.split())[:150],
            decision=decision,
            at=at or timezone.now(),
            recorded_by=actor,
            language=language,
            text_version=consent.version(),
            interpreter=interpreter.strip()[:150],
            guardian=guardian,
            guardian_name=guardian_name.strip()[:150],
            guardian_relationship=guardian_relationship.strip()[:60],
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            event,
            request=request,
            object_repr=f"{person.reference} {purpose} {decision}",
            details={"purpose": purpose, "recipient": event.recipient, "decision": decision},
        )
        if purpose == ConsentPurpose.PHOTO and decision != ConsentEvent.Decision.GIVEN:
            _erase_photos(actor, person, request=request, reason="consent_" + decision)
    return event


# --- Photographs ---------------------------------------------------------------------------


def set_photo(actor, person: Person, data: bytes, *, request=None):
    """Keep a photograph of the person, replacing any earlier one. Only with the person's
    consent to a photograph, and only by a role that may see photographs."""
    from . import consent, photos
    from .models import ConsentPurpose, Photo

    access.require(actor, "registry.register")
    access.require(actor, "registry.view_photos")
    _ensure_scope(actor, person)
    if not consent.allows(person, ConsentPurpose.PHOTO):
        raise ValidationError(
            {"photo": _("Record the person's consent to a photograph before taking one.")}
        )
    image, width, height = photos.normalise(data)
    with transaction.atomic():
        Photo.objects.filter(person=person).delete()
        photo = Photo.objects.create(
            person=person,
            image=image,
            width=width,
            height=height,
            taken_at=timezone.now(),
            taken_by=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            photo,
            request=request,
            mission=person.mission_id,
            details={"fields": ["photo"], "bytes": len(image)},
        )
    return photo


def remove_photo(actor, person: Person, *, request=None):
    access.require(actor, "registry.register")
    access.require(actor, "registry.view_photos")
    _ensure_scope(actor, person)
    with transaction.atomic():
        _erase_photos(actor, person, request=request, reason="removed")


def _erase_photos(actor, person, *, request, reason):
    from .models import Photo

    photos = list(Photo.objects.filter(person=person))
    for photo in photos:
        audit.record(
            actor,
            AuditEvent.Action.DELETE,
            photo,
            request=request,
            mission=person.mission_id,
            details={"fields": ["photo"], "reason": reason},
        )
    Photo.objects.filter(pk__in=[p.pk for p in photos]).delete()


def view_photo(actor, person: Person, *, request=None):
    """The person's photograph for someone allowed to see it; each view is audited."""
    from .models import Photo

    access.require(actor, "registry.view_photos")
    _ensure_scope(actor, person)
    photo = Photo.objects.filter(person=person).order_by("-taken_at").first()
    if photo is not None:
        audit.record(
            actor,
            AuditEvent.Action.VIEW,
            photo,
            request=request,
            mission=person.mission_id,
            details={"fields": ["photo"]},
        )
    return photo


# --- Batch duplicates and review -----------------------------------------------------------


def request_duplicate_search(actor, mission, *, request=None):
    from .models import DedupRun
    from .tasks import find_duplicates

    access.require(actor, "registry.merge")
    if not access.in_mission(actor, mission):
        raise PermissionDenied
    run = DedupRun.objects.create(mission=mission, requested_by=actor)
    transaction.on_commit(lambda: find_duplicates.enqueue(run.pk))
    audit.record(actor, AuditEvent.Action.CREATE, run, request=request, mission=mission)
    return run


def decide_candidate(actor, candidate, *, decision, survivor=None, request=None):
    """A reviewer's decision on a proposed pair: merge into `survivor`, or not the same."""
    from .merge import merge_people
    from .models import DuplicateCandidate

    access.require(actor, "registry.merge")
    a, b = candidate.person_a, candidate.person_b
    for p in (a, b):
        _ensure_scope(actor, p)
    if decision == "not_same":
        with transaction.atomic():
            mark_not_duplicate(actor, a, b)
            candidate.status = DuplicateCandidate.Status.NOT_SAME
            candidate.save(update_fields=["status"])
            audit.record(
                actor,
                AuditEvent.Action.CHANGE,
                a,
                request=request,
                details={"not_duplicate_of": b.reference},
            )
        return None
    if decision != "merge" or survivor not in (a, b):
        raise ValidationError(_("Choose which record stays."))
    return merge_people(actor, survivor, b if survivor == a else a, request=request)


def change_head(
    actor, household: Household, new_head: Person, *, former_head_becomes, request=None
):
    """Make a current member the head; the former head stays with a new relationship. Both
    old memberships end and new ones start today, so the history shows the change."""
    access.require(actor, "registry.register")
    _ensure_scope(actor, new_head)
    current = {m.person_id: m for m in household.current}
    if new_head.pk not in current:
        raise ValidationError({"person": _("Only a current member can become the head.")})
    if former_head_becomes not in Membership.Relationship.values or (
        former_head_becomes == Membership.Relationship.HEAD
    ):
        raise ValidationError({"relationship": _("Choose the former head's new relationship.")})
    old = next(
        (m for m in current.values() if m.relationship == Membership.Relationship.HEAD), None
    )
    if old and old.person_id == new_head.pk:
        return household
    today = timezone.localdate()
    reason = _("Head of household changed")
    with transaction.atomic():
        for m in filter(None, [old, current[new_head.pk]]):
            m.end_date, m.end_reason = today, reason
            m.save(update_fields=["end_date", "end_reason"])
        _open_membership(household, new_head, Membership.Relationship.HEAD, today)
        if old:
            _open_membership(household, old.person, former_head_becomes, today)
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            household,
            request=request,
            details={
                "new_head": new_head.reference,
                "former_head": old.person.reference if old else None,
            },
        )
    return household
