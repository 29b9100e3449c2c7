"""The duplicate check while registering: candidates from the indexes, scored by the model."""

from django.db.models import Count, Q

from kopru.core import access

from .. import names
from ..models import DuplicateDecision, IdentityDocument, NameKey, Person, Phone
from .model import ROUGH, Name, Record, compare, record_of_person

SHOW_ABOVE = 0.35
NAME_CANDIDATES = 50  # scored in Python; documents and phones add theirs


def _keys(*texts):
    found = set()
    for text in texts:
        for token in names.tokens(text):
            found |= {k for k in names.keys_for_token(token) if not k.startswith("f:")}
    return found


def _years(birth_date, precision):
    """Birth years a match may carry: one either side (typed a year off), two when the date
    was estimated."""
    if not birth_date:
        return None
    spread = 2 if precision in ROUGH or (birth_date.month, birth_date.day) == (1, 1) else 1
    return list(range(birth_date.year - spread, birth_date.year + spread + 1))


def _named(given_keys, other_keys, years):
    """People with a given-name key and a family- or father-name key, those sharing the most
    keys first: a common name (Muhammad Al-Hassan, no date yet) still costs one bounded query."""
    rows = NameKey.objects.filter(key__in=given_keys | other_keys)
    if years:
        # Records without a date of birth are still candidates.
        rows = rows.filter(Q(birth_year__in=years) | Q(birth_year__isnull=True))
    return (
        rows.values("person")
        .annotate(
            given=Count("pk", filter=Q(key__in=given_keys)),
            other=Count("pk", filter=Q(key__in=other_keys)),
            shared=Count("pk"),
        )
        .filter(given__gt=0, other__gt=0)
        .order_by("-shared", "person")
        .values_list("person", flat=True)[:NAME_CANDIDATES]
    )


def candidates(
    mission,
    *,
    given,
    family,
    father="",
    birth_date=None,
    precision="exact",
    documents=(),
    phones=(),
    exclude=None,
):
    """People who share a given-name key and a family- or father-name key (born around the
    same year when a date is known), or a document or phone: the blocking step, each an
    index range, however common the names."""
    given_keys = _keys(*given)
    # A father named like his son ("Ali, son of Ali") would otherwise ask for every Ali.
    other_keys = _keys(*family, *father) - given_keys
    ids = set()
    if given_keys and other_keys:
        ids |= set(_named(given_keys, other_keys, _years(birth_date, precision)))
    if documents:
        ids |= set(
            IdentityDocument.objects.filter(
                number_normalised__in=[n for _, n in documents]
            ).values_list("person", flat=True)
        )
    if phones:
        ids |= set(Phone.objects.filter(e164__in=list(phones)).values_list("person", flat=True))
    qs = Person.objects.filter(pk__in=ids, mission=mission, merged_into__isnull=True)
    if exclude:
        qs = qs.exclude(pk=exclude)
    return qs.select_related("location").prefetch_related("documents", "phones")


def check(user, mission, draft, *, limit=5, exclude=None):
    """Possible existing records for a draft registration, best first.

    Each result is (person, probability, parts, visible): people outside the user's locations
    are still reported (a duplicate is a duplicate), but `visible` is False and the page shows
    only their reference and which fields agree, never the values."""
    record = Record(
        given=Name.of(draft.get("given_name", ""), draft.get("given_name_original", "")),
        family=Name.of(draft.get("family_name", ""), draft.get("family_name_original", "")),
        father=Name.of(draft.get("father_name", ""), draft.get("father_name_original", "")),
        mother=Name.of(draft.get("mother_name", ""), draft.get("mother_name_original", "")),
        birth_date=draft.get("birth_date"),
        precision=draft.get("birth_date_precision", "exact"),
        sex=draft.get("sex", ""),
        nationality=draft.get("nationality", ""),
        documents=frozenset(draft.get("documents", ())),
        phones=frozenset(draft.get("phones", ())),
    )
    found = candidates(
        mission,
        given=[draft.get("given_name", ""), draft.get("given_name_original", "")],
        family=[draft.get("family_name", ""), draft.get("family_name_original", "")],
        father=[draft.get("father_name", ""), draft.get("father_name_original", "")],
        birth_date=record.birth_date,
        precision=record.precision,
        documents=record.documents,
        phones=record.phones,
        exclude=exclude,
    )
    dismissed = set()
    if exclude:
        dismissed = set(
            DuplicateDecision.objects.filter(
                Q(person_a=exclude) | Q(person_b=exclude), decision="not_same"
            ).values_list("person_a", "person_b")
        )
        dismissed = {p for pair in dismissed for p in pair}
    results, visible = [], {}
    for person in found:
        if person.pk in dismissed:
            continue
        probability, parts = compare(record, record_of_person(person))
        # The same identity document is always worth a look, whatever the names say.
        same_document = any(f == "documents" and level == "same" for f, level, _ in parts)
        if probability >= SHOW_ABOVE or same_document:
            if person.location_id not in visible:
                visible[person.location_id] = access.can_see_location(user, person.location)
            results.append((person, probability, parts, visible[person.location_id]))
    results.sort(key=lambda r: -r[1])
    return results[:limit]
