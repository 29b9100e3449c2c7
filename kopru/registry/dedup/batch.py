"""The batch search for duplicates across a mission: block, score, queue for review.

Blocking keys put records that could be one person side by side without comparing every
pair: the phonetic skeletons or name groups of given and family names, each with the birth
year, plus shared documents and phones. Very large blocks (common names without a year) are
skipped; the year-qualified keys still cover them.
"""

from collections import defaultdict
from itertools import combinations

from django.db import transaction
from django.utils import timezone

from ..models import DedupRun, DuplicateCandidate, DuplicateDecision, Person
from .model import Frequencies, compare, record_of_person

THRESHOLD = 0.8  # clustering a file without a person looking
REVIEW_THRESHOLD = 0.5  # a reviewer decides, so weaker evidence is worth their look
MAX_BLOCK = 300


def blocking_keys(record):
    """Keys that ignore which name went in which field (given and family names written the
    other way round, the father's name as the family name still meet): a pair of names, the
    pair with the birth year when the pair alone is too common, one name with the whole date
    of birth, a document, a phone."""
    born = record.birth_date
    given = record.given.skeletons | {f"g:{g}" for g in record.given.groups}
    family = (
        record.family.skeletons | record.father.skeletons | {f"g:{g}" for g in record.family.groups}
    )
    pairs = {"|".join(sorted((g, f))) for g in given for f in family}
    keys = {f"n2:{p}" for p in pairs}
    if born:
        keys |= {f"n2y:{p}|{born.year}" for p in pairs}
        keys |= {f"nd:{n}|{born.isoformat()}" for n in given | family}
    keys |= {f"d:{kind}:{n}" for kind, n in record.documents}
    keys |= {f"p:{p}" for p in record.phones}
    return keys


def candidate_pairs(records):
    blocks = defaultdict(list)
    for i, record in enumerate(records):
        for key in blocking_keys(record):
            blocks[key].append(i)
    pairs = set()
    for members in blocks.values():
        if 1 < len(members) <= MAX_BLOCK:
            pairs.update(combinations(members, 2))
    return pairs


def score_pairs(records, threshold=THRESHOLD, skip=frozenset()):
    """[(key a, key b, probability, parts)] above the threshold, a < b."""
    found, compared = [], 0
    freq = Frequencies(records)
    for i, j in candidate_pairs(records):
        a, b = records[i], records[j]
        pair = (min(a.key, b.key), max(a.key, b.key))
        if pair in skip:
            continue
        compared += 1
        p, parts = compare(a, b, freq)
        if p >= threshold:
            found.append((*pair, p, parts))
    return found, compared


def run(run_id):
    dedup = DedupRun.objects.get(pk=run_id)
    people = Person.objects.filter(
        mission=dedup.mission, merged_into__isnull=True
    ).prefetch_related("documents", "phones")
    records = [record_of_person(p) for p in people.iterator(chunk_size=2000)]
    decided = set(
        DuplicateDecision.objects.filter(person_a__mission=dedup.mission).values_list(
            "person_a", "person_b"
        )
    )
    found, compared = score_pairs(records, threshold=REVIEW_THRESHOLD, skip=decided)
    with transaction.atomic():
        existing = {
            (c.person_a_id, c.person_b_id): c
            for c in DuplicateCandidate.objects.filter(mission=dedup.mission)
        }
        new = []
        for a, b, p, parts in found:
            if (a, b) in existing:
                c = existing[(a, b)]
                if c.status == DuplicateCandidate.Status.OPEN:
                    c.score, c.parts, c.run = p, parts, dedup
                    c.save(update_fields=["score", "parts", "run"])
            else:
                new.append(
                    DuplicateCandidate(
                        mission=dedup.mission,
                        person_a_id=a,
                        person_b_id=b,
                        score=p,
                        parts=parts,
                        run=dedup,
                    )
                )
        DuplicateCandidate.objects.bulk_create(new)
        dedup.people, dedup.compared, dedup.found = len(records), compared, len(found)
        dedup.finished_at = timezone.now()
        dedup.save()
    return dedup
