"""Reads of the registry, filtered by the access policy."""

import re
from datetime import date

from django.db.models import Count, Q
from rapidfuzz import fuzz

from kopru.core import access
from kopru.core.text import fold

from . import names, references
from .models import IdentityDocument, NameKey, Person, Phone

DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$|^(\d{4})-(\d{2})-(\d{2})$")


def visible_people(user, mission):
    """Active (not merged) people in the user's missions and locations."""
    qs = Person.objects.filter(merged_into__isnull=True).select_related("location")
    return access.scope(user, qs, mission, path_field="location__path")


def _parse_date(text):
    m = DATE.match(text.strip())
    if not m:
        return None
    try:
        if m.group(4):
            return date(int(m.group(4)), int(m.group(5)), int(m.group(6)))
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def search(user, mission, query, limit=50):
    """People matching a name in any script or spelling, a reference number, a document
    number, a phone number or a date of birth (dd.mm.yyyy or yyyy-mm-dd); best first."""
    people = visible_people(user, mission)
    query = (query or "").strip()
    if not query:
        return people.none()
    ref = references.normalise(query)
    if ref:
        resolved = Person.objects.filter(reference=ref).first()
        while resolved and resolved.merged_into_id:  # an alias resolves to the survivor
            resolved = resolved.merged_into
        return list(people.filter(pk=resolved.pk)) if resolved else []
    day = _parse_date(query)
    words = query.split()
    if day and len(words) == 1:
        return list(people.filter(birth_date=day)[:limit])
    compact = re.sub(r"[\s\-./()+]", "", query).upper()
    if compact.isdigit() or (len(compact) >= 5 and any(c.isdigit() for c in compact)):
        by_doc = IdentityDocument.objects.filter(number_normalised=compact).values("person")
        by_phone = (
            Phone.objects.filter(e164__endswith=compact[-9:]).values("person")
            if (compact.isdigit() and len(compact) >= 7)
            else Phone.objects.none().values("person")
        )
        found = list(people.filter(Q(pk__in=by_doc) | Q(pk__in=by_phone))[:limit])
        if found or compact.isdigit():
            return found
    return _by_name(people, query, day, limit)


def _by_name(people, query, day, limit):
    tokens = names.tokens(query)
    if not tokens:
        return []
    # Each query word must match one of the person's name keys (spelling, skeleton or group);
    # a word of three letters or more also matches as a prefix of a spelling.
    for token in tokens:
        keys = names.keys_for_token(token)
        condition = Q(key__in=keys)
        if len(token) >= 3:
            condition |= Q(key__startswith=f"f:{token}")
        people = people.filter(pk__in=NameKey.objects.filter(condition).values("person"))
    candidates = list(people.annotate(n=Count("pk"))[: limit * 4])
    folded = " ".join(tokens)

    def score(p):
        full = " ".join(
            names.tokens(
                " ".join(
                    [p.given_name, p.family_name, p.given_name_original, p.family_name_original]
                )
            )
        )
        s = fuzz.token_set_ratio(folded, full)
        if day and p.birth_date and p.birth_date.year == day.year:
            s += 10
        return s

    candidates.sort(key=lambda p: (-score(p), fold(p.family_name), fold(p.given_name)))
    return candidates[:limit]


def visible_households(user, mission):
    from .models import Household

    return access.scope(user, Household.objects.all(), mission, path_field="location__path")


def visible_candidates(user, mission):
    """Proposed duplicate pairs whose two records the user may both see."""
    from .models import DuplicateCandidate

    people = visible_people(user, mission)
    return DuplicateCandidate.objects.filter(
        mission=mission, person_a__in=people, person_b__in=people
    ).select_related("person_a", "person_b", "person_a__location", "person_b__location")
