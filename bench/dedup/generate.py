"""Synthetic migrant populations with a known truth, for the deduplication benchmark.

Seeded; names follow Zipf's law over the ordered pools. About 40% of the records are extra
registrations of someone already in the file, made with the errors registration really
produces here: transliteration variants (another spelling of the same name, Turkish letters
folded or not, the Arabic article added or dropped, the name in Arabic/Persian/Cyrillic/
Ethiopic script), the father's name in the family-name field, given and family names swapped,
typos, dates of birth estimated as 1 January or with day and month swapped or a year off,
changed or missing phones, missing documents and fields.

    python bench/dedup/generate.py 10000 OUT.csv [--seed 7]
"""

import csv
import json
import random
import sys
from datetime import date
from pathlib import Path

from stdnum.tr import tckimlik

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from kopru.registry.dedup import TEMPLATE  # noqa: E402  (no Django needed)

POOLS = json.loads((ROOT / "kopru/registry/data/name_pools.json").read_text())["pools"]
MIX = [
    ("SYR", 40),
    ("AFG", 15),
    ("IRQ", 10),
    ("IRN", 5),
    ("SOM", 5),
    ("ETH", 5),
    ("UKR", 5),
    ("TUR", 15),
]
GROUPS = []
for line in (ROOT / "kopru/registry/data/name_groups.csv").read_text().splitlines():
    if line and not line.startswith("#"):
        GROUPS.append([n.strip() for n in line.split(",") if n.strip()])
FOLD = str.maketrans("çğıöşüÇĞİÖŞÜ", "cgiosuCGIOSU")
HEADER = [*TEMPLATE, "truth"]


def split(entry):
    latin, _, original = entry.partition("|")
    return latin, original or latin


def spelling(rng, name):
    """Another way the same name gets written in Latin letters."""
    lower = name.lower().translate(FOLD)
    for group in GROUPS:
        if lower in group and len(group) > 1 and rng.random() < 0.6:
            other = rng.choice([g for g in group if g != lower])
            return other.capitalize()
    r = rng.random()
    if r < 0.2:
        return name.translate(FOLD)
    if r < 0.35 and name.lower().startswith("al-"):
        return rng.choice(["El" + name[3:].lower(), name[3:], "Al " + name[3:]])
    if r < 0.5:
        return (
            name.replace("ss", "s").replace("mm", "m")
            if ("ss" in name or "mm" in name)
            else name.replace("s", "ss", 1)
        )
    if r < 0.65:
        vowels = {"a": "e", "e": "a", "o": "u", "u": "o", "i": "e"}
        i = rng.randrange(len(name))
        return name[:i] + vowels.get(name[i], name[i]) + name[i + 1 :]
    return name


def typo(rng, name):
    if len(name) < 4:
        return name
    i = rng.randrange(1, len(name) - 1)
    op = rng.random()
    if op < 0.33:
        return name[:i] + name[i + 1 :]
    if op < 0.66:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name[:i] + rng.choice("aeiklmnrst") + name[i + 1 :]


def zipf(rng, names):
    """A name drawn as names really spread: the lists run from most to least common, and the
    k-th is about 1/k as frequent as the first."""
    return rng.choices(names, cum_weights=_cumulative(len(names)))[0]


_CUMULATIVE = {}


def _cumulative(n):
    if n not in _CUMULATIVE:
        total, acc = 0.0, []
        for k in range(1, n + 1):
            total += 1 / k
            acc.append(total)
        _CUMULATIVE[n] = acc
    return _CUMULATIVE[n]


def person(rng, pid):
    nat = rng.choice([c for c, share in MIX for _ in range(share)])
    pool = POOLS[nat]
    sex = rng.choice(["female", "male"])
    given = split(zipf(rng, pool[sex]))
    family = split(zipf(rng, pool["family"]))
    father = split(zipf(rng, pool["male"]))
    mother = split(zipf(rng, pool["female"]))
    estimated = rng.random() < 0.25
    year = rng.randint(1945, 2024)
    born = date(year, 1, 1) if estimated else date(year, rng.randint(1, 12), rng.randint(1, 28))
    phone = f"+905{rng.randint(300000000, 599999999)}" if rng.random() < 0.7 else ""
    doc = ""
    if nat != "TUR" and rng.random() < 0.5:
        body = "99" + f"{rng.randint(0, 9999999):07d}"
        doc = body + tckimlik.calc_check_digits(body)
    return {
        "truth": pid,
        "nat": nat,
        "sex": sex,
        "given": given,
        "family": family,
        "father": father,
        "mother": mother,
        "born": born,
        "estimated": estimated,
        "phone": phone,
        "doc": doc,
        "script": pool["script"],
    }


def record(rng, p, duplicate):
    given, family, father = p["given"][0], p["family"][0], p["father"][0]
    born, phone, doc = p["born"], p["phone"], p["doc"]
    fmt = "%d.%m.%Y"
    if duplicate:
        if p["script"] != "latin" and rng.random() < 0.2:
            given, family = p["given"][1], p["family"][1]  # written in the original script
        else:
            if rng.random() < 0.5:
                given = spelling(rng, given)
            if rng.random() < 0.4:
                family = spelling(rng, family)
        if rng.random() < 0.1:
            given = typo(rng, given)
        if rng.random() < 0.08:
            family = father  # the father's name as the family name
        if rng.random() < 0.07:
            given, family = family, given
        r = rng.random()
        if r < 0.2:
            born = date(born.year, 1, 1)
        elif r < 0.28 and born.day <= 12:
            born = date(born.year, born.day, born.month)
        elif r < 0.33:
            born = date(born.year + rng.choice([-1, 1]), born.month, born.day)
        elif r < 0.38:
            born = None
        if rng.random() < 0.3:
            phone = f"+905{rng.randint(300000000, 599999999)}" if rng.random() < 0.5 else ""
        if rng.random() < 0.5:
            doc = ""
        if rng.random() < 0.3:
            father = ""
        fmt = rng.choice(["%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"])
    text_born = ""
    if born:
        text_born = (
            str(born.year) if (p["estimated"] and rng.random() < 0.5) else born.strftime(fmt)
        )
    return {
        "given_name": given,
        "family_name": family,
        "father_name": father,
        "mother_name": p["mother"][0] if rng.random() < 0.5 else "",
        "sex": p["sex"] if rng.random() > 0.02 else "",
        "date_of_birth": text_born,
        "nationality": p["nat"],
        "phone": phone,
        "document_number": doc,
        "truth": p["truth"],
    }


def population(n, seed=7, duplicate_share=0.4):
    """(people, rows): the people behind a file and its n rows, shuffled, with ids."""
    rng = random.Random(seed)
    n_people = round(n * (1 - duplicate_share))
    people = [person(rng, i) for i in range(n_people)]
    rows = [record(rng, p, duplicate=False) for p in people]
    while len(rows) < n:
        rows.append(record(rng, rng.choice(people), duplicate=True))
    rng.shuffle(rows)
    for i, row in enumerate(rows):
        row["id"] = f"r{i}"
    return people, rows


def generate(n, seed=7, duplicate_share=0.4):
    return population(n, seed, duplicate_share)[1]


def write(rows, path):
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    size = int(sys.argv[1])
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 7
    write(generate(size, seed), sys.argv[2])
    print(f"rows: {size}")
