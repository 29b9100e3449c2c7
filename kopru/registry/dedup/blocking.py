"""Blocking: which pairs of records are compared at all.

Comparing every pair of a million records is 5 * 10^11 comparisons; records that could be one
person share at least one blocking key, and only they are compared. The keys ignore which name
went in which field (given and family names written the other way round, the father's name as
the family name still meet):

- a given name and a family or father's name, with the birth year in two-year buckets (a
  year typed one off still meets; an estimated date reaches two years further);
- the same name pair without a year, for records that have no date of birth (they are paired
  with everyone carrying the pair, not with each other only);
- one name with the whole date of birth;
- an identity document; a phone number.

Keys are 64-bit hashes and blocks are sorted arrays, so a million records block in seconds
and in a few hundred megabytes. A block larger than MAX_BLOCK (a common name in a common
year) is skipped: its members still meet through their other keys.
"""

import numpy as np

from .model import ROUGH

MAX_BLOCK = 300
MAX_OPEN = 2000  # records sharing a name pair with one that has no date of birth
CHUNK = 4_000_000  # pairs made at once


def _name_keys(name, memo):
    found = memo.get(name)
    if found is None:
        found = memo[name] = tuple(
            {hash(("s", s)) for s in name.skeletons} | {hash(("g", g)) for g in name.groups}
        )
    return found


def _rough(record):
    born = record.birth_date
    return record.precision in ROUGH or (born.month, born.day) == (1, 1)


class Keys:
    """Each record's blocking keys as parallel (key, record index) arrays, by kind.

    Symmetric keys pair every two records that carry them. Open keys pair their record with
    every carrier of the key, not with each other: an undated record with everyone carrying
    its name pair, an estimated date with everyone carrying the name pair in a year around
    it. A common name in a common year then costs (estimated dates x that year's records)
    comparisons instead of that year's records squared.
    """

    def __init__(self, records):
        memo = {}
        names, documents, phones = [], [], []
        open_keys, carried = [], []  # (key, index); carried: every record's (pairs, year)
        for i, r in enumerate(records):
            given = _name_keys(r.given, memo)
            family = set(_name_keys(r.family, memo)) | set(_name_keys(r.father, memo))
            pairs = {hash((g, f) if g < f else (f, g)) for g in given for f in family if g != f}
            born = r.birth_date
            if not born:
                open_keys.extend((p, i) for p in pairs)
                carried.append((pairs, None))
            elif _rough(r):
                y = born.year
                names.extend((hash((n, born.toordinal())), i) for n in set(given) | family)
                names.extend((hash((p, b)), i) for p in pairs for b in {y // 2, (y + 1) // 2})
                open_keys.extend((hash((p, year)), i) for p in pairs for year in (y - 1, y, y + 1))
                carried.append((pairs, y))
            else:
                y, m, d = born.year, born.month, born.day
                day = born.toordinal()
                names.extend((hash((n, day)), i) for n in set(given) | family)
                # Day and month swapped; the year typed one off.
                names.extend((hash((p, y, min(m, d), max(m, d))), i) for p in pairs)
                names.extend((hash((p, "md", m, d)), i) for p in pairs)
                carried.append((pairs, y))
            documents.extend((hash(("d", kind, n)), i) for kind, n in r.documents)
            phones.extend((hash(("p", p)), i) for p in r.phones)
        wanted = {k for k, _ in open_keys}
        carriers = []
        for i, (pairs, year) in enumerate(carried):
            carriers.extend((p, i) for p in pairs if p in wanted)
            if year is not None:
                carriers.extend((k, i) for p in pairs if (k := hash((p, year))) in wanted)
        self.names = _arrays(names)
        self.open = _arrays(open_keys)
        self.carriers = _arrays(carriers)
        self.documents = _arrays(documents)
        self.phones = _arrays(phones)
        self.n = len(records)


def _arrays(entries):
    if not entries:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    keys, idx = zip(*entries, strict=True)
    return np.fromiter(keys, np.int64, len(keys)), np.fromiter(idx, np.int64, len(idx))


def encode(a, b, n):
    """One int64 per unordered pair of distinct records."""
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keep = lo != hi
    return lo[keep] * n + hi[keep]


def decode(codes, n):
    return codes // n, codes % n


def block_pairs(keys, idx, n, max_block=MAX_BLOCK):
    """Pair codes of records sharing a key, blocks above max_block skipped."""
    if not len(keys):
        return np.empty(0, np.int64)
    order = np.argsort(keys, kind="stable")
    k, members = keys[order], idx[order]
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    sizes = np.diff(np.r_[starts, len(k)])
    out = []
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= max_block)]):
        r, c = np.triu_indices(size, 1)
        block_starts = starts[sizes == size]
        step = max(1, CHUNK // len(r))
        for at in range(0, len(block_starts), step):
            rows = members[block_starts[at : at + step, None] + np.arange(size)]
            out.append(np.unique(encode(rows[:, r].ravel(), rows[:, c].ravel(), n)))
    return _union(out)


def open_pairs(open_keys, carriers, n, max_open=MAX_OPEN):
    """Pair codes of each undated record with every record carrying one of its name pairs."""
    (ok, oi), (ck, ci) = open_keys, carriers
    if not len(ok) or not len(ck):
        return np.empty(0, np.int64)
    order = np.argsort(ck, kind="stable")
    ck, ci = ck[order], ci[order]
    lo, hi = np.searchsorted(ck, ok, "left"), np.searchsorted(ck, ok, "right")
    sizes = hi - lo
    keep = sizes <= max_open
    oi, lo, sizes = oi[keep], lo[keep], sizes[keep]
    total = int(sizes.sum())
    offsets = np.repeat(np.cumsum(sizes) - sizes, sizes)
    positions = np.arange(total) - offsets + np.repeat(lo, sizes)
    return np.unique(encode(np.repeat(oi, sizes), ci[positions], n))


def _union(arrays):
    if not arrays:
        return np.empty(0, np.int64)
    return np.unique(np.concatenate(arrays))


class Candidates:
    """The pairs to compare, and which of them share a document or a phone."""

    def __init__(self, records, max_block=MAX_BLOCK):
        keys = Keys(records)
        n = keys.n
        self.n = n
        self.documents = block_pairs(*keys.documents, n, max_block)
        self.phones = block_pairs(*keys.phones, n, max_block)
        self.codes = _union(
            [
                block_pairs(*keys.names, n, max_block),
                open_pairs(keys.open, keys.carriers, n),
                self.documents,
                self.phones,
            ]
        )

    def __len__(self):
        return len(self.codes)
