"""`manage.py dedupe_file`: duplicate clusters inside a file, without importing it."""

import csv

import pytest
from django.core.management import call_command

from kopru.registry.dedup.files import parse_date

ROWS = [
    # id, given, family, father, sex, date of birth, nationality, phone, document, extra
    ["a1", "Mehmet", "Elhasan", "Ahmet", "E", "01.01.1990", "Syria", "", "", "x"],
    ["a2", "Muhammad", "Al-Hassan", "Ahmad", "male", "1990", "SYR", "", "", "y"],
    ["a3", "محمد", "الحسن", "أحمد", "m", "1990-01-01", "SY", "", "", ""],
    ["b1", "Fatma", "Yılmaz", "", "K", "02.03.1984", "TUR", "0532 765 43 21", "", ""],
    ["b2", "Fatma", "Yilmaz", "", "female", "03.02.1984", "TR", "+905327654321", "", ""],
    ["c1", "Fatma", "Yılmaz", "", "female", "11.09.1962", "TUR", "", "", ""],
    ["d1", "Omar", "Haddad", "", "male", "07.03.1985", "SYR", "", "99123456740", ""],
    ["d2", "Haddad", "Omar", "", "male", "07.03.1985", "SYR", "", "991 234 567 40", ""],
    ["e1", "Tesfaye", "Girma", "", "male", "", "ETH", "", "", ""],
]


def write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def clusters(path):
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    groups = {}
    for r in rows:
        groups.setdefault(r["cluster_id"], set()).add(r["id"])
    return {frozenset(g) for g in groups.values()}, rows


def test_finds_the_clusters_and_carries_ids(tmp_path):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write(
        src,
        [
            "id",
            "given_name",
            "family_name",
            "father_name",
            "sex",
            "date_of_birth",
            "nationality",
            "phone",
            "document_number",
            "unknown_column",
        ],
        ROWS,
    )
    call_command("dedupe_file", str(src), out=str(out), verbosity=0)
    found, rows = clusters(out)
    assert [r["id"] for r in rows] == [r[0] for r in ROWS]  # every row, in order
    assert list(rows[0]) == ["id", "cluster_id"]
    assert frozenset({"a1", "a2", "a3"}) in found
    assert frozenset({"b1", "b2"}) in found  # day and month swapped, same phone
    assert frozenset({"c1"}) in found  # same name, another woman
    assert frozenset({"d1", "d2"}) in found  # names swapped, same document
    assert frozenset({"e1"}) in found


def test_missing_columns_are_fine(tmp_path):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write(src, ["given_name", "family_name"], [["Omar", "Haddad"], ["Umar", "Haddad"]])
    call_command("dedupe_file", str(src), out=str(out), verbosity=0)
    _found, rows = clusters(out)
    assert [r["id"] for r in rows] == ["1", "2"]  # no id column: row numbers


@pytest.mark.parametrize(
    "text, expected",
    [
        ("04.05.1992", ((1992, 5, 4), "exact")),
        ("1992-05-04", ((1992, 5, 4), "exact")),
        ("05.1992", ((1992, 5, 1), "month")),
        ("1992", ((1992, 1, 1), "year")),
        ("٠٤.٠٥.١٩٩٢", ((1992, 5, 4), "exact")),
        ("31.02.1990", (None, "exact")),
        ("", (None, "exact")),
    ],
)
def test_dates_as_they_come(text, expected):
    day, precision = parse_date(text)
    assert ((day.year, day.month, day.day) if day else None, precision) == expected
