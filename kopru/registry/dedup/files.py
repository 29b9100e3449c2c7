"""Records from a spreadsheet in Kopru's import template, and clusters of the same person.

Template columns (any may be missing; unknown columns are ignored; `id` is carried through):
id, given_name, family_name, father_name, mother_name, sex, date_of_birth, nationality,
phone, document_number.
"""

import csv
import re
from functools import lru_cache

import phonenumbers
import pycountry
from django.core.exceptions import ValidationError

from .. import validation
from . import TEMPLATE  # noqa: F401  (re-exported: the import template's columns)
from .batch import score_pairs
from .model import Frequencies, Name, Record, compare


@lru_cache(maxsize=100_000)  # a million rows carry a few tens of thousands of dates
def parse_date(text):
    """(date, precision) from the ways dates arrive in lists; (None, 'exact') if unreadable."""
    try:
        return validation.read_date(text) or (None, "exact")
    except ValidationError:
        return None, "exact"


@lru_cache(maxsize=1000)
def country(text):
    text = (text or "").strip()
    if not text:
        return ""
    try:
        found = (
            pycountry.countries.get(alpha_3=text.upper())
            or pycountry.countries.get(alpha_2=text.upper())
            or pycountry.countries.lookup(text)
        )
    except LookupError:
        return text.upper()[:3]
    return found.alpha_3 if found else ""


E164 = re.compile(r"\+[1-9]\d{6,14}")


def phone(text, region="TR"):
    if not (text or "").strip():
        return None
    if E164.fullmatch(text):
        return text  # already what parsing would make of it, at a fraction of the cost
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def record_of_row(row, key):
    born, precision = parse_date(row.get("date_of_birth"))
    document = re.sub(r"[\s\-./]", "", row.get("document_number") or "").upper()
    tel = phone(row.get("phone"))
    return Record(
        key=key,
        given=Name.of(row.get("given_name") or ""),
        family=Name.of(row.get("family_name") or ""),
        father=Name.of(row.get("father_name") or ""),
        mother=Name.of(row.get("mother_name") or ""),
        birth_date=born,
        precision=precision,
        sex=validation.read_sex(row.get("sex")),
        nationality=country(row.get("nationality")),
        documents=frozenset({("any", document)} if document else ()),
        phones=frozenset({tel} if tel else ()),
    )


def read_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


CANNOT_LINK = 0.05


def clusters(records, threshold):
    """Clusters of the same person: the strongest pairs first, and two clusters join only if
    no record of one is clearly someone else than a record of the other. A single linking
    error then cannot chain two families into one cluster. {record index: representative}."""
    freq = Frequencies(records)
    found, _compared = score_pairs(records, threshold=threshold, freq=freq)
    found.sort(key=lambda pair: -pair[2])
    parent = list(range(len(records)))
    members = {}

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b, _p, _parts in found:
        ra, rb = root(a), root(b)
        if ra == rb:
            continue
        left, right = members.get(ra, [ra]), members.get(rb, [rb])
        if len(left) * len(right) > 1 and any(
            compare(records[x], records[y], freq)[0] < CANNOT_LINK for x in left for y in right
        ):
            continue
        keep, gone = min(ra, rb), max(ra, rb)
        parent[gone] = keep
        members[keep] = left + right
        members.pop(gone, None)
    return [root(i) for i in range(len(records))], len(found)
