"""Blocking and column scoring: the batch run finds what the reference model would, fast."""

from datetime import date
from itertools import combinations

import numpy as np
import pytest

from bench.dedup.generate import generate
from kopru.registry.dedup import blocking, scoring
from kopru.registry.dedup.files import record_of_row
from kopru.registry.dedup.model import Frequencies, Name, Record, compare


@pytest.fixture(scope="module")
def population():
    rows = generate(3000, seed=3)
    return rows, [record_of_row(row, i) for i, row in enumerate(rows)]


def test_column_scores_equal_the_reference_model(population):
    _rows, records = population
    freq = Frequencies(records)
    candidates = blocking.Candidates(records)
    columns = scoring.Columns(records, freq)
    p = scoring.probabilities(columns, candidates.codes, candidates)
    a, b = blocking.decode(candidates.codes, candidates.n)
    reference = np.array(
        [
            compare(records[i], records[j], freq)[0]
            for i, j in zip(a.tolist(), b.tolist(), strict=True)
        ]
    )
    assert len(p) > 1000
    assert np.abs(p - reference).max() < 1e-9


def test_blocking_keeps_true_pairs_and_drops_the_rest(population):
    rows, records = population
    n = len(records)
    people = {}
    for i, row in enumerate(rows):
        people.setdefault(row["truth"], []).append(i)
    true = {a * n + b for members in people.values() for a, b in combinations(members, 2)}
    candidates = set(blocking.Candidates(records).codes.tolist())
    assert len(true & candidates) / len(true) > 0.97
    assert len(candidates) < n * (n - 1) // 2 / 50  # far from comparing everything


def person(key, given, family, born=None, precision="exact", **extra):
    return Record(
        key=key,
        given=Name.of(given),
        family=Name.of(family),
        birth_date=born,
        precision=precision,
        **extra,
    )


def pairs_of(records):
    return {tuple(sorted(divmod(c, len(records)))) for c in blocking.Candidates(records).codes}


@pytest.mark.parametrize(
    "other",
    [
        {"born": None},  # no date of birth
        {"born": date(1990, 1, 1), "precision": "estimated"},  # estimated that year
        {"born": date(1991, 1, 1), "precision": "year"},  # estimated a year off
        {"born": date(1990, 3, 5)},  # day and month swapped
        {"born": date(1989, 5, 3)},  # year typed one off
    ],
)
def test_records_meet_however_the_date_was_written(other):
    a = person(0, "Muhammad", "Al-Hassan", date(1990, 5, 3))
    b = person(1, "Mehmet", "Elhasan", **other)
    strangers = [person(k, "Ali", "Yilmaz", date(1970, 2, k)) for k in range(2, 8)]
    assert (0, 1) in pairs_of([a, b, *strangers])


def test_a_common_name_in_a_common_year_still_meets_its_duplicate_by_date():
    """A block over MAX_BLOCK is skipped; an exact date still joins the pair."""
    born = date(1990, 5, 3)
    crowd = [
        person(k, "Muhammad", "Al-Hassan", date(1990, 1 + k % 12, 1 + k % 28), "estimated")
        for k in range(blocking.MAX_BLOCK + 10)
    ]
    a = person(len(crowd), "Muhammad", "Al-Hassan", born)
    b = person(len(crowd) + 1, "Mohammed", "Alhasan", born)
    assert (len(crowd), len(crowd) + 1) in pairs_of([*crowd, a, b])


def test_a_shared_document_or_phone_is_a_candidate_whatever_the_names():
    a = person(0, "Amina", "Yusuf", documents=frozenset({("any", "99123456789")}))
    b = person(1, "Hodan", "Warsame", documents=frozenset({("any", "99123456789")}))
    c = person(2, "Leyla", "Demir", phones=frozenset({"+905321234567"}))
    d = person(3, "Selin", "Kaya", phones=frozenset({"+905321234567"}))
    candidates = blocking.Candidates([a, b, c, d])
    assert pairs_of([a, b, c, d]) == {(0, 1), (2, 3)}
    assert candidates.documents.tolist() == [0 * 4 + 1]
    assert candidates.phones.tolist() == [2 * 4 + 3]


def test_decided_pairs_are_never_proposed_again():
    born = date(1990, 5, 3)
    records = [
        person("p1", "Muhammad", "Al-Hassan", born, sex="male"),
        person("p2", "Mohammed", "Alhasan", born, sex="male"),
    ]
    found, compared = scoring.score(records, 0.5)
    assert compared == 1 and len(found) == 1
    found, _ = scoring.score(records, 0.5, skip={("p1", "p2")})
    assert found == []
