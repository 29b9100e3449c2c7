"""The duplicate check while registering: candidates from the indexes, scored by the model."""

from django.db.models import Count, Q

from kopru.core import access

from .. import names
from ..models import DuplicateDecision, IdentityDocument, PairKey, Person, Phone
from .model import ROUGH, Name, Record, compare, record_of_person

SHOW_ABOVE = 0.35
NAME_CANDIDATES = 50  # scored in Python; documents and phones add theirs


def _years(birth_date, precision):
    """Birth years a match may carry: one either side (typed a year off), two when the date
    was estimated; records without a date of birth are always candidates."""
    if not birth_date:
        return None
    spread = 2 if precision in ROUGH or (birth_date.month, birth_date.day) == (1, 1) else 1
    years = range(birth_date.year - spread, birth_date.year + spread + 1)
    return [PairKey.UNKNOWN_YEAR, *years]


def _named(pairs, years):
    """People sharing a (given name, family or father's name) pair key, those sharing the most
    first: each pair and year is one range of a covering index, so a common name (Muhammad
    Al-Hassan) reads a few hundred index entries, never the table."""
    rows = PairKey.objects.filter(key__in=pairs)
    if years:
        rows = rows.filter(birth_year__in=years)
    return (
        rows.values("person")
        .annotate(shared=Count("pk"))
        .order_by("-shared", "person")
        .values_list("person", flat=True)[:NAME_CANDIDATES]
    )


def candidates(
    mission,
    *,
    given,
    family,
    father=(),
    birth_date=None,
    precision="exact",
    documents=(),
    phones=(),
    exclude=None,
):
    """People who share a given-name key and a family- or father-name key (born around the
    same year when a date is known), or a document or phone: the blocking step, each an
    index range, however common the names."""
    ids = set()
    if pairs := names.pair_keys(given, (*family, *father)):
        ids |= set(_named(pairs, _years(birth_date, precision)))
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
    return qs.select_related("location")


def _by_person(queryset, *fields):
    """{person pk: [value, ...]} in one query: Django's prefetch builds a queryset per person,
    which at fifty candidates costs more than the whole index lookup."""
    found = {}
    for person, *values in queryset.values_list("person", *fields):
        found.setdefault(person, []).append(tuple(values) if len(values) > 1 else values[0])
    return found


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
    results, can_see = [], access.location_test(user, mission)
    found = [p for p in found if p.pk not in dismissed]
    pks = [p.pk for p in found]
    documents = _by_person(
        IdentityDocument.objects.filter(person__in=pks), "kind", "number_normalised"
    )
    phones = _by_person(Phone.objects.filter(person__in=pks), "e164")
    for person in found:
        probability, parts = compare(
            record,
            record_of_person(person, documents.get(person.pk, ()), phones.get(person.pk, ())),
        )
        # The same identity document is always worth a look, whatever the names say.
        same_document = any(f == "documents" and level == "same" for f, level, _ in parts)
        if probability >= SHOW_ABOVE or same_document:
            results.append((person, probability, parts, can_see(person.location)))
    results.sort(key=lambda r: -r[1])
    return results[:limit]
