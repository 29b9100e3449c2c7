"""The batch search for duplicates across a mission: block, score, queue for review.

Blocking (blocking.py) puts records that could be one person side by side without comparing
every pair; the model, applied to columns (scoring.py), scores them; the pairs a reviewer should
see go to the queue with the reference model's explanation.
"""

from django.db import transaction
from django.utils import timezone

from ..models import DedupRun, DuplicateCandidate, DuplicateDecision, Person
from . import scoring
from .model import record_of_person

THRESHOLD = 0.8  # clustering a file without a person looking
REVIEW_THRESHOLD = 0.5  # a reviewer decides, so weaker evidence is worth their look


def score_pairs(records, threshold=THRESHOLD, skip=frozenset(), freq=None):
    """[(key a, key b, probability, parts)] above the threshold, key a < key b; and how many
    pairs were compared."""
    found, compared = scoring.score(records, threshold, skip=skip, freq=freq)
    pairs = []
    for i, j, p, parts in found:
        a, b = records[i].key, records[j].key
        pairs.append((min(a, b), max(a, b), p, parts))
    return pairs, compared


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
