"""The match model: how much each field's agreement says about two records being one person.

Weights are log-likelihood ratios (Fellegi-Sunter): positive when agreement is more likely for
the same person than for two different people, negative for disagreement, 0 when a field is
missing. They are set from what registration in this region looks like: names transliterated
differently, given and family names swapped, the father's name written as the family name,
dates of birth estimated as 1 January or with day and month swapped. The prior makes the sum
a probability.
"""

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from rapidfuzz.distance import JaroWinkler

from .. import names

# Roughly ln(m/u) for a population like the seeds': names repeat a lot (u of an exact given
# name is 1/15..1/50), an exact date of birth rarely does (u ~ 1/30,000), phones and document
# numbers almost never. Calibrated on bench/dedup (10k, seed 7); to be learned from the data.
PRIOR = -8.0  # log-odds that two records sharing a blocking key are one person
WEIGHTS = {
    "name_exact": 2.5,
    "name_same": 2.2,
    "name_close": 1.5,
    "name_near": 0.5,
    "name_differ": -3.5,
    "given_differ": -5.0,
    "father_same": 2.5,
    "father_close": 1.0,
    "father_differ": -3.0,
    "mother_same": 2.0,
    "mother_close": 0.8,
    "mother_differ": -2.5,
    "dob_exact": 8.0,
    "dob_swapped": 5.0,
    "dob_year_off": 4.5,  # same day and month, a year off: a typing slip, rare by chance
    "dob_year_estimated": 2.5,
    "dob_year": -1.0,
    "dob_near_estimated": -0.5,
    "dob_differ": -6.0,
    "sex_same": 0.5,
    "sex_differ": -4.0,
    "nationality_same": 0.5,
    "nationality_differ": -1.5,
    "document_same": 12.0,
    "document_differ": -2.0,
    "phone_same": 8.0,
    "names_swapped": -0.5,
    "family_is_father": -0.5,
}
ROUGH = {"estimated", "year"}


@dataclass(eq=False)  # one shared, read-only object per spelling: compared by identity
class Name:
    tokens: list[str]
    skeletons: set[str]
    groups: set[str]
    ids: set[str] = field(default_factory=set)  # each word's group, else its skeleton
    text: str = ""  # the tokens joined, as compared
    vowel_poor: bool = False  # romanised from a script that writes no short vowels

    @classmethod
    def of(cls, *texts):
        return _name_of(tuple(t or "" for t in texts))

    def __bool__(self):
        return bool(self.tokens)


@lru_cache(maxsize=500_000)
def _name_of(texts):
    """Romanising and keying a name is the slow part of reading a million records, and names
    repeat: each spelling is worked out once."""
    tokens = [t for text in texts for t in names.tokens(text)]
    skeletons = {t: names.skeleton(t) for t in tokens}
    groups = {t: g for t in tokens if (g := names.group(t))}
    text = " ".join(tokens)
    return Name(
        tokens,
        set(skeletons.values()),
        set(groups.values()),
        {groups.get(t) or skeletons[t] for t in tokens},
        text,
        _vowel_poor(text),
    )


NO_NAME = Name([], set(), set())


@dataclass(slots=True)
class Record:
    key: object = None
    given: Name = NO_NAME
    family: Name = NO_NAME
    father: Name = NO_NAME
    mother: Name = NO_NAME
    birth_date: date | None = None
    precision: str = "exact"
    sex: str = ""
    nationality: str = ""
    documents: frozenset = frozenset()  # (kind, normalised number)
    phones: frozenset = frozenset()


class Frequencies:
    """How common each name is among the records compared. Agreeing on a rare name says more
    than agreeing on Muhammad (Fellegi-Sunter with term frequencies): the weight moves by
    ln(average chance agreement / this name's frequency), within bounds.

    It also remembers how two names compared: in a batch run the same pair of spellings
    meets thousands of times."""

    BOUNDS = (-3.0, 4.0)
    MEMO = 2_000_000  # entries; forgotten wholesale beyond that, to bound memory

    def __init__(self, records):
        counts = Counter()
        for r in records:
            for name in (r.given, r.family, r.father, r.mother):
                counts.update(name.ids)
        total = sum(counts.values()) or 1
        self.share = {k: n / total for k, n in counts.items()}
        self.chance = sum(f * f for f in self.share.values()) or 1.0
        self._levels, self._adjusts = {}, {}

    def level(self, a: Name, b: Name):
        found = self._levels.get((a, b))
        if found is None:
            if len(self._levels) > self.MEMO:
                self._levels.clear()
            found = self._levels[(a, b)] = _level(a, b)
        return found

    def adjust(self, a: Name, b: Name):
        found = self._adjusts.get((a, b))
        if found is None:
            if len(self._adjusts) > self.MEMO:
                self._adjusts.clear()
            found = self._adjusts[(a, b)] = self._adjust(a, b)
        return found

    def _adjust(self, a: Name, b: Name):
        shared = a.ids & b.ids
        if not shared:
            return 0.0
        rarest = min(self.share.get(k, 1.0) for k in shared)
        low, high = self.BOUNDS
        return max(low, min(high, math.log(self.chance / rarest)))


def record_of_person(person, documents=None, phones=None):
    docs = (
        documents
        if documents is not None
        else [(d.kind, d.number_normalised) for d in person.documents.all()]
    )
    tel = phones if phones is not None else [p.e164 for p in person.phones.all()]
    return Record(
        key=person.pk,
        given=Name.of(person.given_name, person.given_name_original),
        family=Name.of(person.family_name, person.family_name_original),
        father=Name.of(person.father_name, person.father_name_original),
        mother=Name.of(person.mother_name, person.mother_name_original),
        birth_date=person.birth_date,
        precision=person.birth_date_precision,
        sex=person.sex,
        nationality=person.nationality,
        documents=frozenset(docs),
        phones=frozenset(tel),
    )


def _vowel_poor(text):
    letters = text.replace(" ", "")
    return bool(letters) and sum(ch in "aeiou" for ch in letters) / len(letters) <= 0.25


def _level(a: Name, b: Name):
    """How two names of one kind agree: exact, same, close, near, differ or missing."""
    if not a.tokens or not b.tokens:
        return "missing"
    if a.text == b.text:
        return "exact"
    if a.groups & b.groups:
        return "same"
    sim = JaroWinkler.similarity(a.text, b.text)
    shared = a.skeletons & b.skeletons
    # A shared skeleton alone over-merges (Mahmoud and Muhammad are both "mhmt"): it counts
    # when the spellings are close too, or when one side was romanised from a script that
    # writes no short vowels (محمد -> "mhmd").
    if shared and len(max(shared, key=len)) >= 3 and (sim >= 0.80 or a.vowel_poor or b.vowel_poor):
        return "same"
    if sim >= 0.92:
        return "close"
    if sim >= 0.82 or shared:
        return "near"
    return "differ"


NAME_WEIGHTS = {
    "missing": 0.0,
    "exact": WEIGHTS["name_exact"],
    "same": WEIGHTS["name_same"],
    "close": WEIGHTS["name_close"],
    "near": WEIGHTS["name_near"],
    "differ": WEIGHTS["name_differ"],
}
AGREE = {"exact", "same"}  # levels whose weight moves with the name's frequency


def _name(a: Name, b: Name, freq=None):
    """(level, weight) for two names of one kind."""
    level = freq.level(a, b) if freq else _level(a, b)
    weight = NAME_WEIGHTS[level]
    if freq and level in AGREE:
        weight += freq.adjust(a, b)
    return level, weight


def _dob(a: Record, b: Record):
    if not a.birth_date or not b.birth_date:
        return "missing", 0.0
    x, y = a.birth_date, b.birth_date
    rough = (
        a.precision in ROUGH
        or b.precision in ROUGH
        or (x.month, x.day) == (1, 1)
        or (y.month, y.day) == (1, 1)
    )
    if x == y:
        return "exact", WEIGHTS["dob_year_estimated"] if rough else WEIGHTS["dob_exact"]
    if x.year == y.year and x.month == y.day and x.day == y.month:
        return "swapped", WEIGHTS["dob_swapped"]
    if not rough and (x.month, x.day) == (y.month, y.day) and abs(x.year - y.year) == 1:
        return "year_off", WEIGHTS["dob_year_off"]
    if x.year == y.year:
        return ("year", WEIGHTS["dob_year_estimated"] if rough else WEIGHTS["dob_year"])
    if rough and abs(x.year - y.year) <= 2:
        return "near", WEIGHTS["dob_near_estimated"]
    return "differ", WEIGHTS["dob_differ"]


def compare(a: Record, b: Record, freq: Frequencies | None = None):
    """(match probability, [(field, level, weight)]) for two records; `freq`, when given,
    weighs agreement on each name by how common it is."""
    parts = []
    given = _name(a.given, b.given, freq)
    family = _name(a.family, b.family, freq)
    # Given and family names written the other way round.
    swapped_given, swapped_family = _name(a.given, b.family, freq), _name(a.family, b.given, freq)
    if swapped_given[1] + swapped_family[1] + WEIGHTS["names_swapped"] > given[1] + family[1]:
        parts += [
            ("given_name", f"swapped-{swapped_given[0]}", swapped_given[1]),
            (
                "family_name",
                f"swapped-{swapped_family[0]}",
                swapped_family[1] + WEIGHTS["names_swapped"],
            ),
        ]
    else:
        # The father's given name recorded as the family name (a common registration habit).
        as_father = max(
            _name(a.family, b.father, freq), _name(a.father, b.family, freq), key=lambda r: r[1]
        )
        if family[0] == "differ" and as_father[0] in ("exact", "same"):
            family = (f"father-{as_father[0]}", as_father[1] + WEIGHTS["family_is_father"])
        if given[0] == "differ":  # sisters and brothers share the rest
            given = ("differ", WEIGHTS["given_differ"])
        parts += [("given_name", *given), ("family_name", *family)]
    for kind, x, y in (("father", a.father, b.father), ("mother", a.mother, b.mother)):
        if x and y:
            level = freq.level(x, y) if freq else _level(x, y)
            tf = freq.adjust(x, y) if freq and level in AGREE else 0.0
            weight = {
                "exact": WEIGHTS[f"{kind}_same"] + tf,
                "same": WEIGHTS[f"{kind}_same"] + tf,
                "close": WEIGHTS[f"{kind}_close"],
                "near": 0.0,
            }.get(level, WEIGHTS[f"{kind}_differ"])
            parts.append((f"{kind}_name", level, weight))
    parts.append(("birth_date", *_dob(a, b)))
    if a.sex and b.sex and "other" not in (a.sex, b.sex):
        parts.append(
            ("sex", "same", WEIGHTS["sex_same"])
            if a.sex == b.sex
            else ("sex", "differ", WEIGHTS["sex_differ"])
        )
    if a.nationality and b.nationality:
        parts.append(
            ("nationality", "same", WEIGHTS["nationality_same"])
            if a.nationality == b.nationality
            else ("nationality", "differ", WEIGHTS["nationality_differ"])
        )
    if a.documents & b.documents:
        parts.append(("documents", "same", WEIGHTS["document_same"]))
    elif {k for k, _ in a.documents} & {k for k, _ in b.documents}:
        parts.append(("documents", "differ", WEIGHTS["document_differ"]))
    if a.phones & b.phones:
        parts.append(("phones", "same", WEIGHTS["phone_same"]))
    total = PRIOR + sum(w for _, _, w in parts)
    return 1 / (1 + math.exp(-total)), parts
