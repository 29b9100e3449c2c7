"""Name keys that let one registry find a person however their name was written.

A name goes through three steps:
1. *romanise*: Arabic, Persian, Cyrillic and Ethiopic script to Latin letters (data file);
   Cyrillic yields several variants (г is h in Ukrainian, g in Russian);
2. *fold*: lower case, no accents, Turkish ı/İ as i (kopru.core.text.fold);
3. *skeleton*: a phonetic key of the consonants, with the letter classes that transliteration
   confuses merged (d/t, c/j, k/q/g, s/z/ş/sh, v/w, th/s) and the Arabic article dropped.

"Muhammad", "Mohammed", "Mehmet" and "محمد" all have the skeleton "mhmt". A data file of name
groups (name_groups.csv) joins spellings that no rule does (Hatice/Khadija, Ayşe/Aisha).
"""

import csv
import hashlib
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from kopru.core.text import fold

DATA = Path(__file__).resolve().parent / "data"
VOWELS = set("aeiou")
ARTICLES = {"al", "el", "ul", "il"}
# Applied in order on folded Latin text.
DIGRAPHS = [
    ("shch", "s"),
    ("kh", "h"),
    ("gh", "g"),
    ("sh", "s"),
    ("ch", "c"),
    ("th", "s"),
    ("dh", "s"),
    ("ph", "f"),
    ("ck", "k"),
    ("ou", "u"),
    ("ts", "s"),
    ("zh", "j"),
]
CLASSES = str.maketrans(
    {"p": "b", "d": "t", "q": "k", "g": "k", "c": "j", "z": "s", "x": "h", "w": "v"}
)
TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _tables():
    return json.loads((DATA / "transliteration.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _groups():
    """folded spelling -> group name."""
    groups = {}
    with open(DATA / "name_groups.csv", encoding="utf-8") as f:
        for row in csv.reader(line for line in f if not line.startswith("#")):
            names = [fold(n) for n in row if n.strip()]
            for name in names:
                groups.setdefault(name, names[0])
    return groups


def _script(ch):
    cp = ord(ch)
    if 0x0600 <= cp <= 0x06FF or 0xFB50 <= cp <= 0xFEFF:
        return "arabic"
    if 0x0400 <= cp <= 0x04FF:
        return "cyrillic"
    if 0x1200 <= cp <= 0x137F:
        return "ethiopic"
    return "latin"


def _romanise_arabic(word):
    table, long_vowels = _tables()["arabic"], _tables()["arabic_long_vowels"]
    out = []
    for i, ch in enumerate(word):
        if unicodedata.combining(ch) or ch == "\u0640":  # harakat, tatweel
            continue
        # و and ي are consonants at the start of a word and long vowels inside it.
        if i > 0 and ch in long_vowels:
            out.append(long_vowels[ch])
        elif i == 0 and ch == "ع":
            out.append("a")
        else:
            out.append(table.get(ch, ""))
    return ["".join(out)]


def _romanise_cyrillic(word):
    variants = [""]
    table = _tables()["cyrillic"]
    for ch in word.lower():
        value = table.get(ch, ch)
        options = value if isinstance(value, list) else [value]
        variants = [v + o for v in variants for o in options][:8]
    return variants


def _romanise_ethiopic(word):
    rows, vowels = _tables()["ethiopic_rows"], _tables()["ethiopic_vowels"]
    out = []
    for ch in word:
        cp = ord(ch) - 0x1200
        if 0 <= cp < len(rows) * 8:
            out.append(rows[cp // 8] + vowels[cp % 8])
    return ["".join(out)]


def romanise(word):
    """Latin spellings of one word (several for Cyrillic)."""
    scripts = {_script(ch) for ch in word if ch.isalpha()}
    if scripts <= {"latin"}:
        return [word]
    if "arabic" in scripts:
        return _romanise_arabic(word)
    if "cyrillic" in scripts:
        return _romanise_cyrillic(word)
    return _romanise_ethiopic(word)


def tokens(text):
    """Folded Latin tokens of a name, the Arabic article dropped; variants included."""
    result = []
    for word in TOKEN.findall(text or ""):
        for latin in romanise(word):
            token = re.sub(r"[^a-z]", "", fold(latin))
            if token in ARTICLES or not token:
                continue
            if len(token) >= 5 and token[:2] in ARTICLES:
                token = token[2:]  # al-Hassan written as one word
            result.append(token)
    return result


def skeleton(token):
    text = token
    for a, b in DIGRAPHS:
        text = text.replace(a, b)
    text = text.translate(CLASSES)
    out = []
    for i, ch in enumerate(text):
        if ch in VOWELS:
            if i == 0:
                out.append("a")  # a name that starts with a vowel keeps one marker
            continue
        if (
            ch == "y"
            and i > 0
            and (text[i - 1] in VOWELS or i + 1 < len(text) and text[i + 1] in VOWELS)
        ):
            continue  # y as a glide: Hüseyin, Ayşe
        if ch == "h" and i > 0 and text[i - 1] in VOWELS and (i + 1 == len(text)):
            continue  # a final h after a vowel is silent: Fatimah, Aishah
        out.append(ch)
    collapsed = re.sub(r"(.)\1+", r"\1", "".join(out))
    return collapsed


def group(token):
    return _groups().get(token)


def keys_for_token(token):
    keys = {f"f:{token}", f"s:{skeleton(token)}"}
    g = group(token)
    if g:
        keys.add(f"g:{g}")
    return keys


def keys(*names):
    """Every search key of a person's names (Latin and original script together)."""
    result = set()
    for name in names:
        for token in tokens(name):
            result |= keys_for_token(token)
    return result


def _loose_keys(texts):
    """Skeleton and group keys of every token: a typo keeps the skeleton, a variant the group."""
    found = set()
    for text in texts:
        for token in tokens(text):
            found.add(f"s:{skeleton(token)}")
            if g := group(token):
                found.add(f"g:{g}")
    return found


def pair_keys(given, others):
    """Keys of a given name paired with a family or father's name, as 64-bit integers.

    The duplicate check while registering looks these up: a pair is far rarer than either
    name ("Muhammad" and "Hassan" are each in one registration of ten, the pair in one of a
    few hundred), so one indexed range stays short at a million people. Each pair is sorted,
    so given and family names swapped make the same key."""
    mine = _loose_keys(given)
    theirs = _loose_keys(others)
    return {
        int.from_bytes(
            hashlib.blake2b("|".join(sorted((a, b))).encode(), digest_size=8).digest(),
            "big",
            signed=True,
        )
        for a in mine
        for b in theirs
        if a != b
    }
