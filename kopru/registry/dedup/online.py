"""The duplicate check while registering: candidates from the indexes, scored by the model."""

from django.db.models import Q

from kopru.core import access

from .. import names
from ..models import DuplicateDecision, IdentityDocument, NameKey, Person, Phone
from .model import Name, Record, compare, record_of_person

SHOW_ABOVE = 0.35
MAX_CANDIDATES = 300


def _keys(*texts):
    found = set()
    for text in texts:
        for token in names.tokens(text):
            found |= {k for k in names.keys_for_token(token) if not k.startswith("f:")}
    return found


def candidates(mission, *, given, family, father="", documents=(), phones=(), exclude=None):
    """People who share a given-name key and a family- or father-name key, or a document or
    phone: the blocking step, one indexed query each."""
    given_keys = _keys(*given)
    other_keys = _keys(*family, *father)
    ids = set()
    if given_keys and other_keys:
        with_given = NameKey.objects.filter(key__in=given_keys).values("person")
        ids |= set(
            NameKey.objects.filter(key__in=other_keys, person__in=with_given).values_list(
                "person", flat=True
            )[:MAX_CANDIDATES]
        )
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
    results = []
    for person in found:
        if person.pk in dismissed:
            continue
        probability, parts = compare(record, record_of_person(person))
        # The same identity document is always worth a look, whatever the names say.
        same_document = any(f == "documents" and level == "same" for f, level, _ in parts)
        if probability >= SHOW_ABOVE or same_document:
            results.append(
                (person, probability, parts, access.can_see_location(user, person.location))
            )
    results.sort(key=lambda r: -r[1])
    return results[:limit]
