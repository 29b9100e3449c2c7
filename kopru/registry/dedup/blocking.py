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

import gc
from array import array
from contextlib import contextmanager

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


class _Column:
    """(key, record index) entries, stored flat: a million records make tens of millions."""

    def __init__(self):
        self.keys, self.counts = array("q"), array("q")

    def add(self, keys):
        self.keys.extend(keys)
        self.counts.append(len(keys))

    def arrays(self):
        keys = np.frombuffer(self.keys, np.int64) if self.keys else np.empty(0, np.int64)
        counts = np.frombuffer(self.counts, np.int64)
        return keys, np.repeat(np.arange(len(counts), dtype=np.int64), counts)


@contextmanager
def paused_collector():
    """Tens of millions of short-lived tuples would wake Python's cycle collector thousands of
    times for nothing: no cycles are made here."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
        names, documents, phones, open_keys = _Column(), _Column(), _Column(), _Column()
        name_pairs, years = [], []
        with paused_collector():
            for r in records:
                given = _name_keys(r.given, memo)
                family = set(_name_keys(r.family, memo)) | set(_name_keys(r.father, memo))
                pairs = [hash((g, f) if g < f else (f, g)) for g in given for f in family if g != f]
                born = r.birth_date
                if not born:
                    names.add(())
                    open_keys.add(pairs)
                    years.append(None)
                elif _rough(r):
                    y = born.year
                    day = born.toordinal()
                    names.add(
                        [hash((n, day)) for n in {*given, *family}]
                        + [hash((p, b)) for p in pairs for b in {y // 2, (y + 1) // 2}]
                    )
                    open_keys.add([hash((p, yy)) for p in pairs for yy in (y - 1, y, y + 1)])
                    years.append(y)
                else:
                    y, m, d = born.year, born.month, born.day
                    day = born.toordinal()
                    lo, hi = min(m, d), max(m, d)
                    # The date; day and month swapped; the year typed one off.
                    names.add(
                        [hash((n, day)) for n in {*given, *family}]
                        + [hash((p, y, lo, hi)) for p in pairs]
                        + [hash((p, -1, m, d)) for p in pairs]
                    )
                    open_keys.add(())
                    years.append(y)
                name_pairs.append(pairs)
                documents.add([hash(("d", kind, n)) for kind, n in r.documents])
                phones.add([hash(("p", p)) for p in r.phones])
            wanted = set(open_keys.keys)
            carriers = _Column()
            for pairs, y in zip(name_pairs, years, strict=True):
                carried = [p for p in pairs if p in wanted]
                if y is not None:
                    carried += [k for p in pairs if (k := hash((p, y))) in wanted]
                carriers.add(carried)
        self.names = names.arrays()
        self.open = open_keys.arrays()
        self.carriers = carriers.arrays()
        self.documents = documents.arrays()
        self.phones = phones.arrays()
        self.n = len(records)


def distinct(values):
    """Sorted distinct values. numpy 2.4's np.unique takes minutes on 70 million int64s that a
    sort handles in two seconds."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def distinct_inverse(values):
    """(sorted distinct values, index of each value among them)."""
    order = np.argsort(values)
    ordered = values[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]] if len(values) else np.empty(0, bool)
    back = np.empty(len(values), np.int64)
    back[order] = np.cumsum(first) - 1
    return ordered[first], back


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
            out.append(distinct(encode(rows[:, r].ravel(), rows[:, c].ravel(), n)))
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
    ends = np.cumsum(sizes)
    out, start = [], 0
    while start < len(sizes):  # slices of about CHUNK pairs, to bound memory
        stop = max(start + 1, int(np.searchsorted(ends, ends[start] - sizes[start] + CHUNK)))
        part = sizes[start:stop]
        offsets = np.repeat(np.cumsum(part) - part, part)
        positions = np.arange(int(part.sum())) - offsets + np.repeat(lo[start:stop], part)
        out.append(distinct(encode(np.repeat(oi[start:stop], part), ci[positions], n)))
        start = stop
    return _union(out)


def _union(arrays):
    if not arrays:
        return np.empty(0, np.int64)
    return distinct(np.concatenate(arrays))


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
