"""Load the core reference data (roles, missions, location tree) from core/data/.

Idempotent: running it again updates names and adds what is new, and never deletes.
An administrator's choice of which roles require a second factor is kept.
"""

import csv
import json
from pathlib import Path

from django.db import transaction

from .models import Location, Mission, Role
from .text import fold

DATA = Path(__file__).resolve().parent / "data"


def _json(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _csv(name):
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load_roles():
    for spec in _json("roles.json")["roles"]:
        role, created = Role.objects.get_or_create(
            slug=spec["slug"], defaults={"require_otp": spec["require_otp"]}
        )
        role.name = spec["name"]
        role.description = spec["description"]
        role.mission_wide = spec["mission_wide"]
        role.categories = spec["categories"]
        role.capabilities = spec["capabilities"]
        role.save()


def _upsert_location(mission, parent, level, pcode, name, iso_code=""):
    path = f"{parent.path if parent else ''}{pcode}/"
    loc, _ = Location.objects.update_or_create(
        pcode=pcode,
        defaults={
            "mission": mission,
            "parent": parent,
            "level": level,
            "name": name,
            "iso_code": iso_code,
            "name_folded": fold(name),
            "path": path,
        },
    )
    return loc


def load_locations():
    missions = {m["code"]: m for m in _json("missions.json")["missions"]}
    countries = {}
    for code, spec in missions.items():
        mission, _ = Mission.objects.update_or_create(
            code=code,
            defaults={k: spec[k] for k in ("name", "country", "timezone", "default_language")},
        )
        countries[spec["country"]] = _upsert_location(
            mission, None, Location.Level.COUNTRY, spec["country"], spec["name"], spec["country"]
        )
    provinces = {}
    for row in _csv("provinces.csv"):
        country = countries.get(row["country"])
        if country is None:
            continue
        provinces[row["iso_code"]] = _upsert_location(
            country.mission,
            country,
            Location.Level.PROVINCE,
            row["pcode"],
            row["name"],
            row["iso_code"],
        )
    for row in _csv("districts_tr.csv"):
        province = provinces[row["province_iso"]]
        _upsert_location(
            province.mission, province, Location.Level.DISTRICT, row["district_code"], row["name"]
        )


@transaction.atomic
def load_reference():
    load_roles()
    load_locations()
    # Apps above core ship their own reference data (the service catalogue); core does not
    # import them, they offer a load_reference() on their AppConfig.
    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith("kopru.") and hasattr(config, "load_reference"):
            config.load_reference()
