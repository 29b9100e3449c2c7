"""Deterministic demo people for `make demo`: a few hundred registrations at the demo sites,
with the nationalities, scripts, documents and phones the seeds' programmes meet."""

import json
import random
import uuid
from datetime import date
from pathlib import Path

from stdnum.tr import tckimlik

from kopru.core import access
from kopru.core.models import Location, Mission, User

from . import services
from .models import DatePrecision, Person

POOLS = json.loads((Path(__file__).parent / "data" / "name_pools.json").read_text())["pools"]
# (nationality, share) for the Türkiye mission.
MIX = [
    ("SYR", 45),
    ("AFG", 15),
    ("IRQ", 10),
    ("IRN", 5),
    ("SOM", 5),
    ("ETH", 4),
    ("UKR", 4),
    ("TUR", 12),
]


def split(entry):
    latin, _, original = entry.partition("|")
    return latin, original


def foreigner_id(rng):
    body = "99" + "".join(str(rng.randint(0, 9)) for _ in range(7))
    return body + tckimlik.calc_check_digits(body)


def mobile(rng):
    """A Turkish mobile number as people give it."""
    number = f"+90 5{rng.randint(30, 55)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    return {"number": number, "label": ""}


def birth(rng, year, estimated):
    """A date of birth: 1 January when the year is an estimate, else a day in that year."""
    return date(year, 1, 1) if estimated else date(year, rng.randint(1, 12), rng.randint(1, 28))


def named_person(actor, site, uid, **fields):
    """A person another app's demo tells a story about, registered once (found again by
    `uid`): a Syrian under temporary protection unless the fields say otherwise."""
    found = Person.objects.filter(uid=uid).first()
    if found:
        return found
    fields.setdefault("nationality", "SYR")
    fields.setdefault(
        "population_group",
        "temporary_protection" if fields["nationality"] == "SYR" else "ip_holder",
    )
    fields.setdefault("birth_date_precision", "estimated")
    person = services.new_person(site.mission, location=site, **fields)
    person.uid = uid
    person = services.register_person(actor, person)
    if person.age is None or person.age >= 18:  # a child's consent needs a guardian on record
        services.record_consent(
            actor,
            person,
            purpose="service_delivery",
            decision="given",
            language="ar",
            uid=uuid.uuid5(uid, "consent"),
        )
    return person


def load_demo_people(n=300, seed=2026):
    if Person.objects.exists():
        return
    rng = random.Random(seed)
    mission = Mission.objects.get(code="TR")
    # Each site's people are registered by a demo user whose team works there.
    registrars = [
        u
        for u in User.objects.filter(missions=mission).select_related("role")
        if access.has(u, "registry.register")
    ]
    registrar_of = {}
    for site in Location.objects.filter(mission=mission, level="site").order_by("pcode"):
        for user in registrars:
            if access.can_see_location(user, site):
                registrar_of[site] = user
                break
    sites = list(registrar_of)
    nationalities = [code for code, share in MIX for _ in range(share)]
    for _ in range(n):
        nat = rng.choice(nationalities)
        pool = POOLS[nat]
        sex = rng.choice(["female", "male"])
        given, given_orig = split(rng.choice(pool[sex]))
        family, family_orig = split(rng.choice(pool["family"]))
        father, father_orig = split(rng.choice(pool["male"]))
        estimated = rng.random() < 0.25
        year = rng.randint(1950, 2024)
        born = birth(rng, year, estimated)
        site = rng.choice(sites)
        documents = []
        if nat != "TUR" and rng.random() < 0.7:
            documents.append({"kind": "tr_foreigner_id", "number": foreigner_id(rng)})
        phones = [mobile(rng)] if rng.random() < 0.8 else []
        wg = {d: rng.choice([1, 1, 1, 1, 2, 3]) for d in ("wg_seeing", "wg_mobility")}
        person = services.new_person(
            mission,
            given_name=given,
            family_name=family,
            father_name=father,
            given_name_original=given_orig,
            family_name_original=family_orig,
            father_name_original=father_orig,
            sex=sex,
            birth_date=born,
            birth_date_precision=DatePrecision.ESTIMATED if estimated else DatePrecision.EXACT,
            nationality=nat,
            population_group=pool["group"],
            location=site,
            languages=pool["languages"],
            interpreter_language=pool["languages"][0] if nat != "TUR" else "",
            **wg,
        )
        services.register_person(registrar_of[site], person, documents=documents, phones=phones)
    add_demo_duplicates(mission, registrar_of, rng)


def add_demo_duplicates(mission, registrar_of, rng, n=8):
    """A few people registered a second time, as happens: another spelling, or given and
    family names swapped. The duplicate search (the worker runs it) queues them for review."""
    originals = list(
        Person.objects.filter(mission=mission, location__in=list(registrar_of))
        .exclude(father_name="")
        .order_by("pk")
    )
    for original in rng.sample(originals, n):
        # Half come back with another spelling, half with given and family names swapped.
        swapped = rng.random() < 0.5
        given = original.given_name.replace("mm", "m").replace("ou", "u").upper()
        family = original.family_name.replace("Al-", "El").replace("-", " ")
        again = services.new_person(
            mission,
            given_name=original.family_name if swapped else given,
            family_name=original.given_name if swapped else family,
            father_name=original.father_name,
            sex=original.sex,
            birth_date=original.birth_date,
            birth_date_precision=original.birth_date_precision,
            nationality=original.nationality,
            population_group=original.population_group,
            location=original.location,
        )
        services.register_person(registrar_of[original.location], again)
    admin = User.objects.filter(username="admin").first()
    if admin is not None:
        services.request_duplicate_search(admin, mission)
