"""The match model over millions of candidate pairs at once.

`model.compare` scores one pair and explains it; in Python it costs about 15 microseconds, so a
million-record registry (tens of millions of candidate pairs) would take hours. Here the same
weights are applied to columns: each record's names become integer ids with their group,
skeleton and frequency as arrays, Jaro-Winkler runs in rapidfuzz's C loop, and names of several
words (a few percent) go through `model.Frequencies`, which remembers each pair of spellings.
Only the pairs above the threshold go back through `model.compare` for their explanation.
test_dedup_scoring holds the two to the same probabilities.
"""

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from .blocking import Candidates, decode, distinct_inverse
from .model import (
    AGREE,
    NAME_WEIGHTS,
    NO_NAME,
    PRIOR,
    ROUGH,
    WEIGHTS,
    Frequencies,
    compare,
)

LEVELS = list(NAME_WEIGHTS)  # level code = index
LEVEL = {level: code for code, level in enumerate(LEVELS)}
LEVEL_WEIGHT = np.array([NAME_WEIGHTS[level] for level in LEVELS])
AGREES = np.array([level in AGREE for level in LEVELS])
CHUNK = 2_000_000


def _codes(values):
    """Integer codes for a column of strings, '' as 0."""
    seen = {"": 0}
    return np.fromiter((seen.setdefault(v, len(seen)) for v in values), np.int32, len(values))


class Columns:
    """The records as arrays, names as ids into one list of distinct Name objects."""

    def __init__(self, records, freq):
        self.freq = freq
        # By spelling: two names written alike are one id (id 0 is no name), so "exact" and
        # "missing" need no lookup.
        ids, self.names = {"": 0}, [NO_NAME]

        def name_id(name):
            found = ids.get(name.text)
            if found is None:
                found = ids[name.text] = len(self.names)
                self.names.append(name)
            return found

        n = len(records)
        self.given = np.fromiter((name_id(r.given) for r in records), np.int64, n)
        self.family = np.fromiter((name_id(r.family) for r in records), np.int64, n)
        self.father = np.fromiter((name_id(r.father) for r in records), np.int64, n)
        self.mother = np.fromiter((name_id(r.mother) for r in records), np.int64, n)
        born = [r.birth_date for r in records]
        self.dated = np.fromiter((b is not None for b in born), bool, n)
        self.day = np.fromiter((b.toordinal() if b else 0 for b in born), np.int64, n)
        self.y = np.fromiter((b.year if b else 0 for b in born), np.int64, n)
        self.m = np.fromiter((b.month if b else 0 for b in born), np.int64, n)
        self.d = np.fromiter((b.day if b else 0 for b in born), np.int64, n)
        self.rough = np.fromiter((r.precision in ROUGH for r in records), bool, n) | (
            (self.m == 1) & (self.d == 1)
        )
        # "other" says nothing either way, like a blank.
        self.sex = _codes([r.sex if r.sex != "other" else "" for r in records])
        self.nationality = _codes([r.nationality for r in records])
        kinds = {}
        self.kinds = np.fromiter(
            (
                sum(1 << kinds.setdefault(kind, len(kinds)) for kind in {k for k, _ in r.documents})
                for r in records
            ),
            np.int64,
            n,
        )
        self._features()

    def _features(self):
        """Per name id: its one group, one skeleton and one id (-1 for none, -2 for several),
        the skeleton's length, and the frequency adjustment agreeing on itself is worth."""
        groups, skeletons, ids = {}, {}, {}

        def one(values, table):
            if len(values) > 1:
                return -2
            return table.setdefault(next(iter(values)), len(table)) if values else -1

        names = self.names
        self.group = np.array([one(n.groups, groups) for n in names], np.int64)
        self.skeleton = np.array([one(n.skeletons, skeletons) for n in names], np.int64)
        self.skeleton_length = np.array([len(next(iter(n.skeletons), "")) for n in names])
        self.vowel_poor = np.array([n.vowel_poor for n in names], bool)
        self.id = np.array([one(n.ids, ids) for n in names], np.int64)
        self.own = np.array([self.freq.adjust(n, n) if n else 0.0 for n in names])
        self.text = np.array([n.text for n in names], object)
        # Names the arrays below decide; names of several words ask model._level.
        self.simple = (self.group != -2) & (self.skeleton >= 0) & (self.id >= 0)

    def levels(self, x, y):
        """(level code, frequency adjustment) of name ids x against name ids y: model._level
        and Frequencies.adjust, on arrays."""
        level = np.full(len(x), LEVEL["missing"], np.int8)
        adjust = np.zeros(len(x))
        exact = (x == y) & (x != 0)
        level[exact] = LEVEL["exact"]
        adjust[exact] = self.own[x[exact]]
        rest = (x != y) & (x != 0) & (y != 0)
        # Each distinct pair of spellings once: a chunk of pairs holds ten times fewer.
        count = len(self.names)
        distinct, back = distinct_inverse(x[rest] * count + y[rest])
        a, b = distinct // count, distinct % count
        found_level = np.empty(len(distinct), np.int8)
        found_adjust = np.zeros(len(distinct))
        simple = self.simple[a] & self.simple[b]
        sa, sb = a[simple], b[simple]
        sim = process.cpdist(
            self.text[sa], self.text[sb], scorer=JaroWinkler.similarity, dtype=np.float64
        )
        shared = self.skeleton[sa] == self.skeleton[sb]
        same = ((self.group[sa] == self.group[sb]) & (self.group[sa] >= 0)) | (
            shared
            & (self.skeleton_length[sa] >= 3)
            & ((sim >= 0.80) | self.vowel_poor[sa] | self.vowel_poor[sb])
        )
        found_level[simple] = np.select(
            [same, sim >= 0.92, (sim >= 0.82) | shared],
            [LEVEL["same"], LEVEL["close"], LEVEL["near"]],
            LEVEL["differ"],
        )
        found_adjust[simple] = np.where(same & (self.id[sa] == self.id[sb]), self.own[sa], 0.0)
        for k in np.flatnonzero(~simple).tolist():
            na, nb = self.names[a[k]], self.names[b[k]]
            found = self.freq.level(na, nb)
            found_level[k] = LEVEL[found]
            if found in AGREE:
                found_adjust[k] = self.freq.adjust(na, nb)
        level[rest] = found_level[back]
        adjust[rest] = found_adjust[back]
        return level, adjust

    def name_weight(self, x, y):
        level, adjust = self.levels(x, y)
        return level, LEVEL_WEIGHT[level] + np.where(AGREES[level], adjust, 0.0)


def _family_names(c, a, b):
    """Weights of given and family names together, as model.compare reasons about them."""
    given_level, given = c.name_weight(c.given[a], c.given[b])
    family_level, family = c.name_weight(c.family[a], c.family[b])
    _l, swapped_given = c.name_weight(c.given[a], c.family[b])
    _l, swapped_family = c.name_weight(c.family[a], c.given[b])
    swapped = swapped_given + swapped_family + WEIGHTS["names_swapped"]
    # The reading is chosen before the father's name is tried as the family name.
    read_swapped = swapped > given + family
    # The father's given name recorded as the family name.
    level_1, father_1 = c.name_weight(c.family[a], c.father[b])
    level_2, father_2 = c.name_weight(c.father[a], c.family[b])
    first = father_1 >= father_2
    as_father = np.where(first, father_1, father_2)
    as_father_agrees = AGREES[np.where(first, level_1, level_2)]
    family = np.where(
        (family_level == LEVEL["differ"]) & as_father_agrees,
        as_father + WEIGHTS["family_is_father"],
        family,
    )
    given = np.where(given_level == LEVEL["differ"], WEIGHTS["given_differ"], given)
    return np.where(read_swapped, swapped, given + family)


def _parent(c, column, a, b, kind):
    level, adjust = c.levels(column[a], column[b])
    by_level = np.array(
        [
            {
                "missing": 0.0,
                "exact": WEIGHTS[f"{kind}_same"],
                "same": WEIGHTS[f"{kind}_same"],
                "close": WEIGHTS[f"{kind}_close"],
                "near": 0.0,
            }.get(name, WEIGHTS[f"{kind}_differ"])
            for name in LEVELS
        ]
    )
    return by_level[level] + np.where(AGREES[level], adjust, 0.0)


def _birth_date(c, a, b):
    rough = c.rough[a] | c.rough[b]
    same_year = c.y[a] == c.y[b]
    years_apart = np.abs(c.y[a] - c.y[b])
    same_day_month = (c.m[a] == c.m[b]) & (c.d[a] == c.d[b])
    estimated = WEIGHTS["dob_year_estimated"]
    return np.select(
        [
            ~(c.dated[a] & c.dated[b]),
            c.day[a] == c.day[b],
            same_year & (c.m[a] == c.d[b]) & (c.d[a] == c.m[b]),
            ~rough & same_day_month & (years_apart == 1),
            same_year,
            rough & (years_apart <= 2),
        ],
        [
            0.0,
            np.where(rough, estimated, WEIGHTS["dob_exact"]),
            WEIGHTS["dob_swapped"],
            WEIGHTS["dob_year_off"],
            np.where(rough, estimated, WEIGHTS["dob_year"]),
            WEIGHTS["dob_near_estimated"],
        ],
        WEIGHTS["dob_differ"],
    )


def _same_or_differ(column, a, b, same, differ):
    x, y = column[a], column[b]
    return np.where((x == 0) | (y == 0), 0.0, np.where(x == y, same, differ))


def probabilities(c, codes, candidates):
    """Match probability of each candidate pair code."""
    a, b = decode(codes, candidates.n)
    total = PRIOR + _family_names(c, a, b)
    total += _parent(c, c.father, a, b, "father") + _parent(c, c.mother, a, b, "mother")
    total += _birth_date(c, a, b)
    total += _same_or_differ(c.sex, a, b, WEIGHTS["sex_same"], WEIGHTS["sex_differ"])
    total += _same_or_differ(
        c.nationality, a, b, WEIGHTS["nationality_same"], WEIGHTS["nationality_differ"]
    )
    same_document = np.isin(codes, candidates.documents)
    same_kind = (c.kinds[a] & c.kinds[b]) != 0
    total += np.where(
        same_document,
        WEIGHTS["document_same"],
        np.where(same_kind, WEIGHTS["document_differ"], 0.0),
    )
    total += np.where(np.isin(codes, candidates.phones), WEIGHTS["phone_same"], 0.0)
    return 1 / (1 + np.exp(-total))


def score(records, threshold, skip=frozenset(), freq=None):
    """[(index a, index b, probability, parts)] of the candidate pairs at or above the
    threshold (a < b), and how many pairs were compared. `skip` holds (key a, key b) pairs
    already decided by a person, never proposed again."""
    freq = freq or Frequencies(records)
    candidates = Candidates(records)
    columns = Columns(records, freq)
    found = []
    for start in range(0, len(candidates.codes), CHUNK):
        codes = candidates.codes[start : start + CHUNK]
        p = probabilities(columns, codes, candidates)
        # The explanation comes from the reference model, for the few pairs kept.
        for code in codes[p >= threshold - 1e-9].tolist():
            i, j = divmod(code, candidates.n)
            a, b = records[i], records[j]
            if skip and (min(a.key, b.key), max(a.key, b.key)) in skip:
                continue
            probability, parts = compare(a, b, freq)
            if probability >= threshold:
                found.append((i, j, probability, parts))
    return found, len(candidates)
